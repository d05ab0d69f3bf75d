"""The Greenhouse candidate index (DESIGN.md decision 6): storage, backfill and refresh.

Rows hold only what the duplicate check and the email finder need: names, company, emails and
LinkedIn URLs. Filled by paging `GET /v3/candidates`, kept fresh by `updated_at` windows and
webhooks, and by every live answer the duplicate check gets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import union
from sqlalchemy.orm import Session

from backend import defaults
from backend.matching import CandidateKeys
from backend.matching import PersonKeys
from backend.matching import candidate_keys
from backend.store.models import CandidateIndexState
from backend.store.models import IndexedCandidate
from backend.store.models import IndexedEmail
from backend.store.models import IndexedLinkedin
from backend.store.models import utcnow

log = logging.getLogger(__name__)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def upsert_candidates(
    session: Session, account_id: int, candidates: Iterable[Mapping[str, Any]]
) -> int:
    """Replace the index rows of these candidates with their current keys."""
    keys = [candidate_keys(c) for c in candidates if c.get("id") is not None]
    if not keys:
        return 0
    ids = [k.candidate_id for k in keys]
    remove_candidates(session, account_id, ids)
    session.add_all(
        IndexedCandidate(
            account_id=account_id,
            candidate_id=k.candidate_id,
            first_name=(k.first_name or "")[:200] or None,
            last_name=(k.last_name or "")[:200] or None,
            name_key=(k.name_key or "")[:400] or None,
            company_key=(k.company_key or "")[:300] or None,
            updated_at=_parse_time(k.updated_at),
        )
        for k in keys
    )
    session.add_all(
        IndexedEmail(account_id=account_id, email=e, candidate_id=k.candidate_id, email_type=t)
        for k in keys
        for e, t in k.emails
        if len(e) <= 320
    )
    session.add_all(
        IndexedLinkedin(account_id=account_id, linkedin_url=u, candidate_id=k.candidate_id)
        for k in keys
        for u in k.linkedin_urls
        if len(u) <= 400
    )
    session.flush()
    return len(keys)


def remove_candidates(session: Session, account_id: int, candidate_ids: list[int]) -> None:
    for model in (IndexedEmail, IndexedLinkedin, IndexedCandidate):
        session.execute(
            delete(model).where(
                model.account_id == account_id, model.candidate_id.in_(candidate_ids)
            )
        )


def find_candidates(session: Session, account_id: int, person: PersonKeys) -> list[CandidateKeys]:
    """Every indexed candidate sharing an email, the LinkedIn URL, or name and company."""
    queries = []
    if person.emails:
        queries.append(
            select(IndexedEmail.candidate_id).where(
                IndexedEmail.account_id == account_id, IndexedEmail.email.in_(person.emails)
            )
        )
    if person.linkedin_url:
        queries.append(
            select(IndexedLinkedin.candidate_id).where(
                IndexedLinkedin.account_id == account_id,
                IndexedLinkedin.linkedin_url == person.linkedin_url,
            )
        )
    if person.name_key and person.company_key:
        queries.append(
            select(IndexedCandidate.candidate_id).where(
                IndexedCandidate.account_id == account_id,
                IndexedCandidate.name_key == person.name_key,
                IndexedCandidate.company_key == person.company_key,
            )
        )
    if not queries:
        return []
    # One round trip for all three keys (this runs on every page view).
    ids = set(session.scalars(union(*queries)) if len(queries) > 1 else session.scalars(queries[0]))
    return load_keys(session, account_id, sorted(ids))


def load_keys(session: Session, account_id: int, ids: list[int]) -> list[CandidateKeys]:
    if not ids:
        return []
    rows = session.scalars(
        select(IndexedCandidate).where(
            IndexedCandidate.account_id == account_id, IndexedCandidate.candidate_id.in_(ids)
        )
    ).all()
    emails: dict[int, list[tuple[str, str | None]]] = {}
    for row in session.scalars(
        select(IndexedEmail).where(
            IndexedEmail.account_id == account_id, IndexedEmail.candidate_id.in_(ids)
        )
    ):
        emails.setdefault(row.candidate_id, []).append((row.email, row.email_type))
    urls: dict[int, list[str]] = {}
    for row in session.scalars(
        select(IndexedLinkedin).where(
            IndexedLinkedin.account_id == account_id, IndexedLinkedin.candidate_id.in_(ids)
        )
    ):
        urls.setdefault(row.candidate_id, []).append(row.linkedin_url)
    return [
        CandidateKeys(
            candidate_id=row.candidate_id,
            first_name=row.first_name,
            last_name=row.last_name,
            name_key=row.name_key,
            company_key=row.company_key,
            emails=tuple(emails.get(row.candidate_id, ())),
            linkedin_urls=tuple(urls.get(row.candidate_id, ())),
            updated_at=row.updated_at.isoformat() if row.updated_at else None,
        )
        for row in rows
    ]


def known_work_emails(
    session: Session, account_id: int, *, domain: str | None = None, company: str | None = None
) -> list[tuple[str, str, str]]:
    """(first, last, address) of indexed candidates, by email domain or by company key."""
    query = (
        select(IndexedCandidate.first_name, IndexedCandidate.last_name, IndexedEmail.email)
        .join(
            IndexedEmail,
            (IndexedEmail.account_id == IndexedCandidate.account_id)
            & (IndexedEmail.candidate_id == IndexedCandidate.candidate_id),
        )
        .where(IndexedCandidate.account_id == account_id)
        .where(or_(IndexedEmail.email_type.is_(None), IndexedEmail.email_type != "personal"))
    )
    if domain:
        query = query.where(IndexedEmail.email.like(f"%@{domain}"))
    if company:
        query = query.where(IndexedCandidate.company_key == company)
    rows = session.execute(query.limit(defaults.EMAIL_KNOWN_ADDRESSES_MAX)).all()
    return [(f or "", last or "", e) for f, last, e in rows if f and last]


# --- State, backfill, refresh -------------------------------------------------------------------


def index_state(session: Session, account_id: int) -> CandidateIndexState:
    state = session.get(CandidateIndexState, account_id)
    if state is None:
        state = CandidateIndexState(account_id=account_id, status="cold", candidates_indexed=0)
        session.add(state)
        session.flush()
    return state


SessionFactory = Callable[[], Any]  # a context manager yielding a Session (Database.session)


def backfill(
    session_factory: SessionFactory,
    account_id: int,
    pages: Iterable[list[dict[str, Any]]],
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Index every candidate from `pages`, committing page by page so progress is visible."""
    started = utcnow()
    with session_factory() as session:
        state = index_state(session, account_id)
        state.status, state.backfill_started_at, state.last_error = "backfilling", started, None
        state.candidates_indexed = 0
    total = 0
    try:
        for page in pages:
            with session_factory() as session:
                total += upsert_candidates(session, account_id, page)
                index_state(session, account_id).candidates_indexed = total
            if progress:
                progress(total)
    except Exception as exc:
        with session_factory() as session:
            state = index_state(session, account_id)
            state.status, state.last_error = "failed", f"{type(exc).__name__}: {exc}"[:500]
        raise
    with session_factory() as session:
        state = index_state(session, account_id)
        state.status, state.backfill_finished_at = "ready", utcnow()
        # Changes made while we paged are caught by the first refresh from this point.
        state.refreshed_through = started - defaults.INDEX_REFRESH_OVERLAP
    return total


def refresh_window(state: CandidateIndexState, now: datetime) -> tuple[datetime, datetime]:
    """The `updated_at` window of the next incremental refresh (overlapping the last one)."""
    since = state.refreshed_through or (now - timedelta(days=1))
    if since.tzinfo is None:  # SQLite returns naive datetimes
        since = since.replace(tzinfo=now.tzinfo)
    return since - defaults.INDEX_REFRESH_OVERLAP, now


def refresh(
    session_factory: SessionFactory,
    account_id: int,
    fetch_window: Callable[[datetime, datetime], Iterable[list[dict[str, Any]]]],
) -> int:
    """Re-index candidates updated since the watermark; advance it only when all pages landed."""
    now = utcnow()
    with session_factory() as session:
        since, until = refresh_window(index_state(session, account_id), now)
    total = 0
    for page in fetch_window(since, until):
        with session_factory() as session:
            total += upsert_candidates(session, account_id, page)
    with session_factory() as session:
        state = index_state(session, account_id)
        state.refreshed_through = until
        state.candidates_indexed = (
            session.query(IndexedCandidate).filter_by(account_id=account_id).count()
        )
    return total
