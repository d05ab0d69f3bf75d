"""Tasks of the Greenhouse sync: new sequence events into outbox rows, due rows performed.

`sync_tick` does both; it runs every minute on its own and whenever an edge calls `request_sync`
(after writing events, after a Retry). Rows waiting for a backoff bring the next tick forward.
All Greenhouse calls go through the team's shared client: one rate budget per credential, with
the share page views reserve (as the index tasks).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from huey import crontab
from sqlalchemy import func
from sqlalchemy import select

from backend import defaults
from backend.accounts.integration import account_client
from backend.accounts.integration import connection_for
from backend.infra.services import Services
from backend.jobs.queue import huey
from backend.jobs.queue import task_services
from backend.sequences.plan import finish
from backend.sequences.plan import load
from backend.store.models import SyncJob
from backend.store.models import utcnow
from backend.sync.catalog import Catalog
from backend.sync.executor import Executor
from backend.sync.facts import linkedin_candidates
from backend.sync.follow import FinishEnrollments
from backend.sync.follow import active_enrollments
from backend.sync.outbox import RunReport
from backend.sync.outbox import decide_new_events
from backend.sync.outbox import perform_due

log = logging.getLogger(__name__)


def executor_for(svc: Services, account_id: int) -> Executor | None:
    """The account's executor, or None when Greenhouse is not connected."""
    client = account_client(svc, account_id)
    if client is None:
        return None

    def by_linkedin(url: str) -> list[int]:
        with svc.db.session() as session:
            return linkedin_candidates(session, account_id, url)

    return Executor(client, Catalog(client, svc.cache), find_by_linkedin=by_linkedin)


def is_connected(svc: Services, account_id: int) -> bool:
    with svc.db.session() as session:
        return (
            connection_for(session, account_id, settings=svc.settings, secrets=svc.secrets)
            is not None
        )


def run_sync(svc: Services) -> RunReport:
    """Read every new event into the outbox, then perform what is due (one pass)."""
    with svc.db.session() as session:
        while decide_new_events(session, lambda account_id: is_connected(svc, account_id)):
            session.commit()
    executors: dict[int, Executor | None] = {}

    def executor(account_id: int) -> Executor | None:
        if account_id not in executors:
            executors[account_id] = executor_for(svc, account_id)
        return executors[account_id]

    total = RunReport()
    while True:
        with svc.db.session() as session:
            report = perform_due(session, executor)
        total.performed += report.performed
        total.done += report.done
        total.failed += report.failed
        total.retrying += report.retrying
        if report.performed == 0:
            return total


def next_due_in(svc: Services) -> timedelta | None:
    """How long until the next row waiting on a backoff is due (None: nothing waits)."""
    with svc.db.session() as session:
        soonest = session.scalar(
            select(func.min(SyncJob.next_attempt_at)).where(SyncJob.status == "pending")
        )
    return None if soonest is None else max(soonest - utcnow(), timedelta(0))


@huey.task(
    retries=defaults.TASK_RETRIES, retry_delay=int(defaults.TASK_RETRY_DELAY.total_seconds())
)
def sync_tick() -> dict[str, int]:
    """One run of the sync; only one consumer at a time reads events (the others perform)."""
    with task_services() as svc:
        report = run_sync(svc)
        wait = next_due_in(svc)
    if wait is not None and wait < timedelta(minutes=1) and not huey.immediate:
        sync_tick.schedule(delay=max(1, int(wait.total_seconds())))
    return {"performed": report.performed, "done": report.done, "failed": report.failed,
            "retrying": report.retrying}  # fmt: skip


@huey.periodic_task(crontab(minute="*"))
def sync_every_minute() -> None:
    """Pick up events and retries even when nobody asked (a worker restarted, a lost task)."""
    sync_tick()


def request_sync() -> None:
    """Queue a sync run now (after events were written, after a Retry)."""
    sync_tick()


@huey.task(
    retries=defaults.TASK_RETRIES, retry_delay=int(defaults.TASK_RETRY_DELAY.total_seconds())
)
def follow_greenhouse(follow_ups: list[FinishEnrollments]) -> int:
    """A webhook's follow-up work, queued once its event is recorded: a failure is retried here
    (Greenhouse's redelivery of the same event is answered as a duplicate)."""
    with task_services() as svc:
        return apply_follow_ups(svc, follow_ups)


def apply_follow_ups(svc: Services, follow_ups: list[FinishEnrollments]) -> int:
    """Carry out the sync's follow-up work through the sequences feature: the enrollments
    Greenhouse ended (rejected, hired, anonymised) finish as removed, with the reason."""
    finished = 0
    now = utcnow()
    with svc.db.session() as session:
        for follow in follow_ups:
            for enrollment in active_enrollments(session, follow):
                finish(session, load(session, enrollment), "removed", now, reason=follow.reason)
                finished += 1
    return finished
