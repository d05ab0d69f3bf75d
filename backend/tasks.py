"""Queued and periodic tasks. Each takes ids and builds what it needs inside `task_app()`.

No catch-all `except` here: a failure reaches Huey, which retries and records it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from collections.abc import Iterator
from datetime import datetime
from datetime import timedelta
from itertools import islice
from typing import Any

from huey import crontab
from sqlalchemy import select

from backend import candidate_index
from backend import defaults
from backend.integration import connection_for
from backend.integration import greenhouse_client
from backend.queue import huey
from backend.queue import task_app
from backend.services import Services
from backend.store.models import Account
from backend.store.models import utcnow

log = logging.getLogger(__name__)


def pages(
    rows: Iterable[dict[str, Any]], size: int = defaults.GREENHOUSE_PAGE_SIZE
) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _client(svc: Services, account_id: int):  # type: ignore[no-untyped-def]
    with svc.db.session() as session:
        connection = connection_for(session, account_id, settings=svc.settings, secrets=svc.secrets)
    return greenhouse_client(connection, svc) if connection else None


def run_backfill(svc: Services, account_id: int, progress=None) -> int:  # type: ignore[no-untyped-def]
    """Index every candidate of the account's Greenhouse (also used by the CLI)."""
    client = _client(svc, account_id)
    if client is None:
        log.info("account %s is not connected; no backfill", account_id)
        return 0
    rows = client.candidates.iter(per_page=defaults.GREENHOUSE_PAGE_SIZE)
    total = candidate_index.backfill(svc.db.session, account_id, pages(rows), progress=progress)
    # Catch what changed while we paged now, not at the next periodic run: until then a long
    # backfill would leave the index "not fresh" and page views would say "still reading".
    run_refresh(svc, account_id)
    return total


def run_refresh(svc: Services, account_id: int) -> int:
    client = _client(svc, account_id)
    if client is None:
        return 0

    def fetch(since: datetime, until: datetime) -> Iterator[list]:
        return pages(client.candidates.iter(updated_at_gte=since, updated_at_lte=until))

    return candidate_index.refresh(svc.db.session, account_id, fetch)


@huey.task(
    retries=defaults.TASK_RETRIES, retry_delay=int(defaults.TASK_RETRY_DELAY.total_seconds())
)
def index_backfill(account_id: int) -> int:
    with task_app() as app:
        return run_backfill(app.extensions["sourcebridge"], account_id)


@huey.task(
    retries=defaults.TASK_RETRIES, retry_delay=int(defaults.TASK_RETRY_DELAY.total_seconds())
)
def index_fetch_candidates(account_id: int, candidate_ids: list[int]) -> int:
    """Re-read candidates from Greenhouse into the index (e.g. the winner of a merge)."""
    with task_app() as app:
        svc = app.extensions["sourcebridge"]
        client = _client(svc, account_id)
        if client is None:
            return 0
        rows = client.candidates.get_many(candidate_ids)
        with svc.db.session() as session:
            return candidate_index.upsert_candidates(session, account_id, rows)


@huey.task(
    retries=defaults.TASK_RETRIES, retry_delay=int(defaults.TASK_RETRY_DELAY.total_seconds())
)
def verify_lookup_email(lookup_id: int) -> dict | None:
    """SMTP-verify a lookup's email off the page view (it can take a minute); the answer is
    stored on the lookup and cached, so the next look at the person shows it."""
    from backend.lookups import verify_stored_lookup

    with task_app() as app:
        svc = app.extensions["sourcebridge"]
        with svc.db.session() as session:
            return verify_stored_lookup(session, svc, lookup_id)


def request_backfill(svc: Services, account_id: int) -> bool:
    """Queue a backfill unless one is queued or running (a stalled one is queued again)."""
    with svc.db.session() as session:
        state = candidate_index.index_state(session, account_id)
        since = state.backfill_started_at  # set when queued, then again when it starts
        stalled = since is not None and utcnow() - since > defaults.INDEX_BACKFILL_STALLED
        if state.status in ("queued", "backfilling") and not stalled:
            return False
        state.status, state.backfill_started_at = "queued", utcnow()
    index_backfill(account_id)
    return True


@huey.periodic_task(crontab(minute=f"*/{int(defaults.INDEX_REFRESH_EVERY / timedelta(minutes=1))}"))
def index_refresh_all() -> None:
    """Keep every connected account's index fresh: backfill cold ones, refresh ready ones.

    Every consumer runs periodic tasks; the lock makes one of them do the work.
    """
    with huey.lock_task("index-refresh-all"), task_app() as app:
        svc = app.extensions["sourcebridge"]
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
    if status == "ready":
        run_refresh(svc, account_id)
    elif status in ("cold", "failed", "queued", "backfilling") and _client(svc, account_id):
        request_backfill(svc, account_id)  # a no-op while one is queued or running
