"""Consumers racing for the same due sends: each send is claimed once, caps hold.

Each consumer is a thread with its own engine (its own connections), as separate worker
processes would be; the database decides who wins.
"""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func
from sqlalchemy import select

from backend.sequences import claim_due_sends
from backend.sequences import record_send_result
from backend.sequences.enrolment import add_person
from backend.sequences.enrolment import person_from_fields
from backend.store.database import Database
from backend.store.models import MailboxSend
from backend.store.models import StepExecution
from tests.sequences.conftest import SENT
from tests.sequences.conftest import add_sequence
from tests.sequences.conftest import add_team
from tests.sequences.conftest import at

NOW = at(2026, 6, 8, 10)
ONE_EMAIL = [{"kind": "email", "subject": "Hi {{ first_name }}", "body": "Hello"}]


def fill(db, team, people: int) -> None:  # type: ignore[no-untyped-def]
    sequence_id = add_sequence(db, team, ONE_EMAIL)
    with db.session() as session:
        for n in range(people):
            add_person(
                session,
                account_id=team.account_id,
                sequence_id=sequence_id,
                person=person_from_fields(
                    {"email": f"p{n}@{team.mailbox_id}.example", "first_name": f"P{n}"}
                ),
                added_by=None,
                now=NOW,
            )


def race(database_url: str, consumers: int, rounds: int) -> list[tuple[int, int]]:
    """Every consumer claims and records sends until nothing is left; (execution, mailbox)."""
    claimed: list[tuple[int, int]] = []
    lock = threading.Lock()
    start = threading.Barrier(consumers)
    errors: list[BaseException] = []

    def consume(name: str) -> None:
        database = Database(database_url)
        try:
            start.wait()
            for _ in range(rounds):
                with database.session() as session:
                    batch = claim_due_sends(session, NOW, name, limit=4)
                    for send in batch:
                        record_send_result(session, send.execution_id, SENT, NOW)
                with lock:
                    claimed.extend((c.execution_id, c.mailbox_id) for c in batch)
        except BaseException as error:  # surfaced in the main thread
            errors.append(error)
        finally:
            database.dispose()

    threads = [threading.Thread(target=consume, args=(f"c{i}",)) for i in range(consumers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return claimed


def test_racing_consumers_never_claim_a_send_twice_and_never_exceed_a_cap(db, database_url) -> None:  # type: ignore[no-untyped-def]
    small = add_team(db, "Small", daily_cap=7)
    large = add_team(db, "Large", daily_cap=25)
    fill(db, small, 15)
    fill(db, large, 30)
    claimed = race(database_url, consumers=4, rounds=12)
    by_execution = Counter(execution for execution, _ in claimed)
    assert by_execution and max(by_execution.values()) == 1
    per_mailbox = Counter(mailbox for _, mailbox in claimed)
    assert per_mailbox == {small.mailbox_id: 7, large.mailbox_id: 25}
    with db.session() as session:
        sends = dict(
            session.execute(
                select(MailboxSend.mailbox_id, func.count()).group_by(MailboxSend.mailbox_id)
            ).all()
        )
        assert sends == {small.mailbox_id: 7, large.mailbox_id: 25}
        states = Counter(session.scalars(select(StepExecution.state)))
        assert states == {"sent": 32, "scheduled": 13}  # the rest wait for the cap to free
