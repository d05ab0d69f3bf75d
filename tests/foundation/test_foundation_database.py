"""`Database.one_writer`: SQLite writers of one process take turns; a session already writing never
waits for the others (they may be waiting for it); PostgreSQL writers do not take turns."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.orm import Session

from backend.store.database import Database
from backend.store.migrations import upgrade
from backend.store.models import Account
from backend.web.sync_words import advice


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


def takes_its_turn_at_once(db: Database, session: Session) -> bool:
    """Whether another thread enters `one_writer(session)` within two seconds."""
    entered = threading.Event()

    def write() -> None:
        with db.one_writer(session):
            entered.set()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(2)
    return entered.is_set()


def test_a_session_that_already_writes_does_not_wait_for_its_turn(db: Database) -> None:
    sqlite_only(db)
    with db.session() as session, db.session() as other:
        session.add(Account(name="early write"))
        session.flush()  # this session now holds SQLite's write lock
        with db.one_writer(other):  # some other thread's turn, taken
            assert takes_its_turn_at_once(db, session), "a writer holding SQLite's lock waited"


def test_postgresql_writers_do_not_take_turns(db: Database) -> None:
    if db.engine.dialect.name == "sqlite":
        pytest.skip("PostgreSQL only")
    with db.session() as one, db.session() as two, db.one_writer(one):
        assert takes_its_turn_at_once(db, two), "a second PostgreSQL writer waited for its turn"


OLD_FAILURES = [  # (last_error as the sync wrote it before codes existed, the advice it gets)
    ("The contact has no Greenhouse record: boom", "Fix the first failed row"),
    ("Greenhouse is not connected", "connects Greenhouse in Integrations"),
    ("Greenhouse refused the integration's credentials: check", "re-enters the client ID"),
    ("The Greenhouse user the integration acts as may not add a note", "permission"),
    ("Greenhouse asked us to slow down while trying to add a note", "by itself"),
    ("Greenhouse refused to add a note: body: too long", "Correct the value"),
    ("The job 'Data Engineer' is closed in Greenhouse", "Choose an open job"),
    ("Something new", "Retry. If it fails again"),
]


def test_rows_failed_before_codes_existed_get_theirs_from_their_words(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0005")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO accounts (id, name, holidays, created_at)"
                " VALUES (1, 'Team', '[]', '2026-12-01 00:00:00')"
            )
        )
        for n, (error, _) in enumerate(OLD_FAILURES, start=1):
            conn.execute(
                text(
                    "INSERT INTO sync_jobs (id, account_id, kind, payload, status, attempts,"
                    " last_error, created_at, updated_at) VALUES (:id, 1, 'add_note', '{}',"
                    " 'failed', 1, :error, '2026-12-01 00:00:00', '2026-12-01 00:00:00')"
                ),
                {"id": n, "error": error},
            )
    upgrade(url)
    with engine.connect() as conn:
        codes = dict(conn.execute(text("SELECT last_error, last_error_code FROM sync_jobs")).all())
    engine.dispose()
    for error, words in OLD_FAILURES:
        assert words in advice(error, codes[error]), (error, codes[error])
