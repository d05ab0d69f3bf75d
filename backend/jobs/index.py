"""Tasks that keep the Greenhouse candidate index filled and fresh.

No catch-all `except` in a task: a failure reaches Huey, which retries and records it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from huey import crontab
from sqlalchemy import select

from backend import defaults
from backend.accounts.integration import account_client
from backend.gh_index import index as candidate_index
from backend.gh_index.backfill import claim_backfill
from backend.gh_index.backfill import fetch_candidates
from backend.gh_index.backfill import run_backfill
from backend.gh_index.backfill import run_refresh
from backend.gh_index.index import IndexStatus
from backend.infra.services import Services
from backend.jobs.queue import huey
from backend.jobs.queue import task_services
from backend.store.models import Account

log = logging.getLogger(__name__)

RETRY_DELAY_SECONDS = int(defaults.TASK_RETRY_DELAY.total_seconds())


@huey.task(retries=defaults.TASK_RETRIES, retry_delay=RETRY_DELAY_SECONDS)
def index_backfill(account_id: int) -> int:
    with task_services() as svc:
        return run_backfill(svc, account_id)


@huey.task(retries=defaults.TASK_RETRIES, retry_delay=RETRY_DELAY_SECONDS)
def index_fetch_candidates(account_id: int, candidate_ids: list[int]) -> int:
    """Re-read candidates from Greenhouse into the index (e.g. the winner of a merge)."""
    with task_services() as svc:
        return fetch_candidates(svc, account_id, candidate_ids)


def request_backfill(svc: Services, account_id: int) -> bool:
    """Queue a backfill unless one is queued or running (a stalled one is queued again)."""
    with svc.db.session() as session:
        claimed = claim_backfill(session, account_id)
    if claimed:
        index_backfill(account_id)
    return claimed


@huey.periodic_task(crontab(minute=f"*/{int(defaults.INDEX_REFRESH_EVERY / timedelta(minutes=1))}"))
def index_refresh_all() -> None:
    """Keep every connected account's index fresh: backfill cold ones, refresh ready ones.

    Every consumer runs periodic tasks; the lock makes one of them do the work.
    """
    with huey.lock_task("index-refresh-all"), task_services() as svc:
        with svc.db.session() as session:
            account_ids = list(session.scalars(select(Account.id)))
        for account_id in account_ids:
            try:
                refresh_account(svc, account_id)
            except Exception as exc:  # noqa: BLE001 - one team's failure must not stop the others
                log.warning("index refresh of account %s failed: %s", account_id, exc)
                with svc.db.session() as session:
                    state = candidate_index.index_state(session, account_id)
                    state.last_error = f"{type(exc).__name__}: {exc}"[:500]


def refresh_account(svc: Services, account_id: int) -> None:
    with svc.db.session() as session:
        status = candidate_index.index_state(session, account_id).status
    if status == IndexStatus.READY:
        run_refresh(svc, account_id)
    elif status != IndexStatus.READY and account_client(svc, account_id):
        request_backfill(svc, account_id)  # a no-op while one is queued or running
