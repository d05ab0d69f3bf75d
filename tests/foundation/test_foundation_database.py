"""`Database.one_writer`: SQLite writers of one process take turns; a session already writing never
waits for the others (they may be waiting for it); PostgreSQL writers do not take turns."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from backend.store.database import Database
from backend.store.models import Account


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def sqlite_only(db: Database) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single writer only")


def test_a_second_sqlite_writer_waits_until_the_first_commits(db: Database) -> None:
    sqlite_only(db)
    order: list[str] = []
    first_inside = threading.Event()

    def write(name: str, hold: threading.Event | None) -> None:
        with db.session() as session, db.one_writer(session):
            order.append(f"{name} took its turn")  # not SQLite's busy handler: no write yet
            session.add(Account(name=name))
            session.flush()
            order.append(f"{name} wrote")
            if hold is not None:
                first_inside.set()
                hold.wait(5)
            session.commit()
            order.append(f"{name} committed")

    release = threading.Event()
    first = threading.Thread(target=write, args=("first", release))
    first.start()
    assert first_inside.wait(5)
    second = threading.Thread(target=write, args=("second", None))
    second.start()
    second.join(0.2)
    assert second.is_alive(), "the second writer must wait for its turn"
    release.set()
    first.join(5)
    second.join(5)
    assert order == [
        "first took its turn",
        "first wrote",
        "first committed",
        "second took its turn",
        "second wrote",
        "second committed",
    ]


def test_a_session_that_already_writes_does_not_wait_for_its_turn(db: Database) -> None:
    sqlite_only(db)
    with db.session() as session, db.session() as other:
        session.add(Account(name="early write"))
        session.flush()  # this session now holds SQLite's write lock
        with db.one_writer(other):  # some other thread's turn, taken
            entered = threading.Event()

            def store() -> None:
                with db.one_writer(session):
                    entered.set()

            thread = threading.Thread(target=store)
            thread.start()
            thread.join(2)
            assert entered.is_set(), "a writer already holding SQLite's lock waited: deadlock"


def test_postgresql_writers_do_not_take_turns(db: Database) -> None:
    if db.engine.dialect.name == "sqlite":
        pytest.skip("PostgreSQL only")
    with db.session() as one, db.session() as two, db.one_writer(one):
        entered = threading.Event()

        def write() -> None:
            with db.one_writer(two):
                entered.set()

        thread = threading.Thread(target=write)
        thread.start()
        thread.join(2)
        assert entered.is_set(), "a second PostgreSQL writer waited for its turn"
