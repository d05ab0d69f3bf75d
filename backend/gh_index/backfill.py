"""Filling the candidate index from Greenhouse: the whole account (backfill) or what changed.

Called by the queue's tasks and by `sourcebridge greenhouse index`; neither lives here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy.orm import Session

from backend import defaults
from backend.accounts.integration import account_client
from backend.gh_index import index as candidate_index
from backend.gh_index.index import IndexStatus
from backend.infra.services import Services
from backend.store.models import utcnow

log = logging.getLogger(__name__)


def pages(
    rows: Iterable[dict[str, Any]], size: int = defaults.GREENHOUSE_PAGE_SIZE
) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def run_backfill(
    svc: Services, account_id: int, progress: Callable[[int], None] | None = None
) -> int:
    """Index every candidate of the account's Greenhouse."""
    client = account_client(svc, account_id)
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
    client = account_client(svc, account_id)
    if client is None:
        return 0

    def fetch(since: datetime, until: datetime) -> Iterator[list]:
        return pages(client.candidates.iter(updated_at_gte=since, updated_at_lte=until))

    return candidate_index.refresh(svc.db.session, account_id, fetch)


def fetch_candidates(svc: Services, account_id: int, candidate_ids: list[int]) -> int:
    """Re-read candidates from Greenhouse into the index (e.g. the winner of a merge)."""
    client = account_client(svc, account_id)
    if client is None:
        return 0
    rows = client.candidates.get_many(candidate_ids)
    with svc.db.session() as session:
        return candidate_index.upsert_candidates(session, account_id, rows)


def claim_backfill(session: Session, account_id: int) -> bool:
    """Mark a backfill queued unless one is queued or running (a stalled one is claimed again).

    True means the caller must queue it, after committing this session.
    """
    state = candidate_index.index_state(session, account_id)
    since = state.backfill_started_at  # set when queued, then again when it starts
    stalled = since is not None and utcnow() - since > defaults.INDEX_BACKFILL_STALLED
    if state.status in (IndexStatus.QUEUED, IndexStatus.BACKFILLING) and not stalled:
        return False
    state.status, state.backfill_started_at = IndexStatus.QUEUED, utcnow()
    return True
