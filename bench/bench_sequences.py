"""The sequence dispatcher: tick cost against the number of waiting enrollments, and pacing.

1. A dispatcher tick (claim up to 50 due sends, re-check, freeze, record them sent) with 1k, 10k
   and 100k active enrollments of which the same 50 are due per tick: a tick's cost must not grow
   with the enrollments that are not due (100k ÷ 10k ≤ 1.5). Baseline: the 1k tick, same run.
2. Pacing at a cap of 60 sends per rolling hour (minimum gap 20 s + jitter) over a simulated day
   with a tick every 30 s and more people due than the cap allows: achieved ÷ cap ≥ 0.95, and no
   rolling hour above the cap.

SQLite by default; set BENCH_DATABASE_URL to a PostgreSQL server database to run there too.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from email.utils import make_msgid
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select

from backend.sequences import claim_due_sends
from backend.sequences import record_send_result
from backend.sequences.caps import CapPolicy
from backend.sequences.caps import Limit
from backend.store import Base
from backend.store.database import Database
from backend.store.migrations import upgrade
from backend.store.models import Account
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import Mailbox
from backend.store.models import MailboxSend
from backend.store.models import Sequence
from backend.store.models import SequenceVersion
from backend.store.models import StepExecution

START = datetime(2026, 6, 8, 0, 0, tzinfo=UTC)
BATCH = 50
TICKS = 5
ALWAYS_OPEN = {
    "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    "windows": [["00:00", "24:00"]],
}
ONE_EMAIL = [
    {
        "kind": "email",
        "subject": "Hi {{ first_name }}",
        "body": "Hello",
        "thread": "new",
        "wait": {"amount": 0, "unit": "minutes"},
    }
]


class Sent:
    kind = "sent"
    detail = ""
    retry_at = None


def fresh(url: str) -> Database:
    db = Database(url)
    with db.session() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))
    return db


def populate(db: Database, people: int, due: int, daily_cap: int, min_gap: int) -> None:
    """`people` active enrollments; the first `due` are due at START, the rest in 1-30 days."""
    with db.session() as session:
        account = Account(name="Bench")
        session.add(account)
        session.flush()
        mailbox = Mailbox(
            account_id=account.id,
            address="r@bench.example",
            display_name="R",
            smtp={},
            imap={},
            daily_cap=daily_cap,
            min_gap_seconds=min_gap,
        )
        sequence = Sequence(account_id=account.id, name="Bench", schedule=ALWAYS_OPEN)
        session.add_all([mailbox, sequence])
        session.flush()
        version = SequenceVersion(sequence_id=sequence.id, number=1, steps=ONE_EMAIL)
        session.add(version)
        session.flush()
        sequence.current_version_id = version.id
        sequence.mailbox_id = mailbox.id
        ids = (account.id, mailbox.id, sequence.id, version.id)
    account_id, mailbox_id, sequence_id, version_id = ids
    chunk = 5000
    for first in range(0, people, chunk):
        numbers = range(first, min(people, first + chunk))
        with db.session() as session:
            session.execute(
                insert(Contact),
                [
                    {
                        "id": n + 1,
                        "account_id": account_id,
                        "email": f"p{n}@corp.example",
                        "first_name": f"P{n}",
                        "emails": [],
                        "created_at": START,
                    }
                    for n in numbers
                ],
            )
            session.execute(
                insert(Enrollment),
                [
                    {
                        "id": n + 1,
                        "account_id": account_id,
                        "sequence_id": sequence_id,
                        "contact_id": n + 1,
                        "version_id": version_id,
                        "mailbox_id": mailbox_id,
                        "status": "active",
                        "current_step": 0,
                        "active_key": f"p{n}@corp.example",
                        "sync_disabled": False,
                        "created_at": START,
                    }
                    for n in numbers
                ],
            )
            session.execute(
                insert(StepExecution),
                [
                    {
                        "enrollment_id": n + 1,
                        "step_index": 0,
                        "kind": "email",
                        "state": "scheduled",
                        "due_at": START if n < due else START + timedelta(days=1 + n % 30),
                        "mailbox_id": mailbox_id,
                        "message_id": make_msgid(domain="bench.example"),
                        "attempts": 0,
                    }
                    for n in numbers
                ],
            )
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()


def tick(db: Database, now: datetime, policy_for=None) -> int:  # type: ignore[no-untyped-def]
    options = {"policy_for": policy_for} if policy_for else {}
    with db.session() as session:
        claimed = claim_due_sends(session, now, "bench", BATCH, **options)
        for send in claimed:
            record_send_result(session, send.execution_id, Sent(), now)
    return len(claimed)


def tick_cost(url: str, people: int) -> float:
    db = fresh(url)
    populate(db, people, due=BATCH * (TICKS + 1), daily_cap=1_000_000, min_gap=0)
    tick(db, START)  # warm-up (caches, statements)
    times = []
    for n in range(TICKS):
        began = time.perf_counter()
        sent = tick(db, START + timedelta(seconds=n + 1))
        times.append(time.perf_counter() - began)
        assert sent == BATCH, sent
    db.dispose()
    return statistics.median(times)


def pacing(url: str) -> tuple[int, int, float]:
    """(sends in the day, most in any rolling hour, seconds of wall time)."""
    db = fresh(url)
    populate(db, 2000, due=2000, daily_cap=1_000_000, min_gap=0)
    policy = CapPolicy(limits=(Limit(60, timedelta(hours=1)),), min_gap=timedelta(seconds=20))
    began = time.perf_counter()
    now = START
    while now < START + timedelta(days=1):
        tick(db, now, policy_for=lambda _mailbox: policy)
        now += timedelta(seconds=30)
    with db.session() as session:
        sent = sorted(session.scalars(select(MailboxSend.sent_at)))
    db.dispose()
    worst = max(sum(1 for u in sent if t - timedelta(hours=1) < u <= t) for t in sent)
    return len(sent), worst, time.perf_counter() - began


def run(url: str, label: str) -> None:
    costs = {n: tick_cost(url, n) for n in (1_000, 10_000, 100_000)}
    for people, cost in costs.items():
        print(
            f"{label}: tick with {people:>7,} active enrollments ({BATCH} due): "
            f"{cost * 1000:7.1f} ms  ({cost / costs[1_000]:.2f}x the 1k baseline)"
        )
    ratio = costs[100_000] / costs[10_000]
    print(
        f"{label}: 100k / 10k tick cost = {ratio:.2f} (must be <= 1.5): "
        f"{'ok' if ratio <= 1.5 else 'TOO SLOW'}"
    )
    sent, worst, wall = pacing(url)
    cap = 60 * 24
    print(
        f"{label}: cap 60/hour over a simulated day, tick 30 s: {sent} sent, achieved/cap = "
        f"{sent / cap:.3f} (must be >= 0.95), busiest rolling hour {worst} (cap 60), "
        f"{wall:.1f} s wall for 2,880 ticks: "
        f"{'ok' if sent / cap >= 0.95 and worst <= 60 else 'FAILED'}"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        run(url, "sqlite")
    if os.environ.get("BENCH_DATABASE_URL"):
        url = os.environ["BENCH_DATABASE_URL"]
        upgrade(url)
        run(url, "postgresql")


if __name__ == "__main__":
    main()
