"""The fault suite: server errors, dropped connections, a 429 storm and workers killed mid-task,
with three consumers at once. Afterwards: no duplicate candidate, no duplicate or lost note, no
lost employment, and every contact synced or failed with a reason."""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sync_support import make_executor
from sync_world import World
from sync_world import pool_target

from backend import defaults
from backend.greenhouse.sandbox.server import start_sandbox
from backend.store.models import Contact
from backend.store.models import SyncJob
from backend.store.models import utcnow
from backend.sync.outbox import decide_new_events
from backend.sync.outbox import perform_due

CONTACTS = 24


class Killed(BaseException):
    """The worker process dies (SIGKILL): nothing after this point runs or commits."""


class DyingExecutor:
    """Performs the action, then dies before the outcome is recorded every `every` actions."""

    def __init__(self, inner, every: int, lock: threading.Lock, counter) -> None:  # type: ignore[no-untyped-def]
        self.inner, self.every, self.lock, self.counter = inner, every, lock, counter

    def perform(self, action, link, **kw):  # type: ignore[no-untyped-def]
        outcome = self.inner.perform(action, link, **kw)
        with self.lock:
            n = next(self.counter)
        if n % self.every == 0:
            raise Killed
        return outcome


@pytest.mark.slow
def test_faults_and_killed_workers_leave_exactly_one_of_everything(app, db_session) -> None:
    sandbox = start_sandbox(candidates=30, rate_limit=100_000)
    try:
        world = World(db_session, sync_mode="on_add", status_field={"kind": "tags"})
        contacts = []
        for _ in range(CONTACTS):
            contact = world.contact()
            enrollment = world.enroll(contact, target=pool_target(sandbox, "New"))
            world.sent(enrollment)
            world.reply(enrollment)
            contacts.append(contact.id)
        decide_new_events(db_session, lambda account: True)
        db_session.commit()

        sandbox.set_faults(error_rate=0.10, drop_rate=0.05, storm_seconds=1.0, storm_retry_after=1)
        db = app.extensions["sourcebridge"].db
        offset = [timedelta(0)]
        lock, counter, kills = threading.Lock(), itertools.count(1), Counter()

        def consumer(name: str) -> None:
            executor = DyingExecutor(make_executor(sandbox), 7, lock, counter)
            while True:
                session = db.sessionmaker()
                try:
                    report = perform_due(
                        session, lambda a: executor, now=lambda: utcnow() + offset[0]
                    )
                    if report.performed == 0:
                        return
                except Killed:
                    kills[name] += 1  # a new worker takes its place
                finally:
                    session.close()

        for _round in range(12):
            threads = [threading.Thread(target=consumer, args=(f"w{i}",)) for i in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            # Time passes: leases of killed workers and retry backoffs run out.
            offset[0] += defaults.SYNC_LEASE + defaults.SYNC_BACKOFF_MAX
            db_session.expire_all()
            left = (
                db_session.query(SyncJob)
                .filter(
                    SyncJob.status.in_(("pending", "running")),
                    SyncJob.account_id == world.account.id,
                )
                .count()
            )
            if left == 0:
                break
        sandbox.clear_faults()
        counts = sandbox.counters()
        assert counts.get("fault_error", 0) + counts.get("fault_drop", 0) > 0
        assert sum(kills.values()) > 0
        assert left == 0

        state = sandbox.state.tables
        statuses = Counter(db_session.get(Contact, c).sync_status for c in contacts)
        assert statuses["synced"] >= CONTACTS * 0.9  # faults are retried, not given up on
        for contact_id in contacts:
            contact = db_session.get(Contact, contact_id)
            assert contact.sync_status in ("synced", "failed")
            if contact.sync_status == "failed":
                assert contact.sync_error
                continue
            cid = contact.gh_candidate_id
            assert counts["created_per_email"][contact.email] == 1  # no duplicate candidate
            notes = Counter(
                n["subject"] for n in state["notes"].values() if n["candidate_id"] == cid
            )
            assert notes == Counter({"Hello": 1, "Re: Hello": 1})  # none lost, none twice
            roles = [e for e in state["candidate_employments"].values() if e["candidate_id"] == cid]
            assert len(roles) == 5
            assert state["candidates"][cid]["tags"] == ["Replied"]
        assert not counts["duplicates"]
    finally:
        sandbox.shutdown()
