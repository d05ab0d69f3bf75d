"""The Greenhouse candidate index (DESIGN.md decision 6): storage, backfill and refresh.

Rows hold only what the duplicate check and the email finder need: names, company, emails and
LinkedIn URLs. Filled by paging `GET /v3/candidates`, kept fresh by `updated_at` windows and
webhooks, and by every live answer the duplicate check gets.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from datetime import datetime
from datetime import timedelta
from enum import StrEnum
from typing import Any
from typing import Protocol

from sqlalchemy import Executable
from sqlalchemy import Select
from sqlalchemy import bindparam
from sqlalchemy import delete
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import union
from sqlalchemy.orm import Session

from backend import defaults
from backend.gh_index.matching import CandidateKeys
from backend.gh_index.matching import PersonKeys
from backend.gh_index.matching import candidate_id_of
from backend.gh_index.matching import candidate_keys
from backend.store.conflicts import insert_for
from backend.store.models import CandidateIndexState
from backend.store.models import IndexedCandidate
from backend.store.models import IndexedEmail
from backend.store.models import IndexedLinkedin
from backend.store.models import IndexTombstone
from backend.store.models import utcnow

log = logging.getLogger(__name__)


class IndexStatus(StrEnum):
    """An account's index (`CandidateIndexState.status`, shown by the integration API)."""

    COLD = "cold"  # never filled, or cleared for another Greenhouse
    QUEUED = "queued"  # a backfill is queued
    BACKFILLING = "backfilling"
    READY = "ready"  # filled; kept fresh by refreshes and webhooks
    FAILED = "failed"  # the last backfill failed (`last_error`)


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def upsert_candidates(
    session: Session, account_id: int, candidates: Iterable[Mapping[str, Any]]
) -> int:
    """Replace the index rows of these candidates with their current keys.

    Safe when two requests index the same candidate at once (ON CONFLICT, not check-then-insert).
    """
    valid = (c for c in candidates if candidate_id_of(c) is not None)
    keys = list({k.candidate_id: k for k in map(candidate_keys, valid)}.values())
    if not keys:
        return 0
    gone = buried(session, account_id, [k.candidate_id for k in keys])
    keys = [k for k in keys if k.candidate_id not in gone]
    if not keys:
        return 0
    ids = [k.candidate_id for k in keys]
    for model in (IndexedEmail, IndexedLinkedin):
        session.execute(
            delete(model).where(model.account_id == account_id, model.candidate_id.in_(ids))
        )
    rows = [
        {
            "account_id": account_id,
            "candidate_id": k.candidate_id,
            "first_name": (k.first_name or "")[:200] or None,
            "last_name": (k.last_name or "")[:200] or None,
            "name_key": (k.name_key or "")[:400] or None,
            "company_key": (k.company_key or "")[:300] or None,
            "updated_at": parse_time(k.updated_at),
        }
        for k in keys
    ]
    insert = insert_for(session, IndexedCandidate)
    changed = {c: insert.excluded[c] for c in rows[0] if c not in ("account_id", "candidate_id")}
    session.execute(
        insert.on_conflict_do_update(index_elements=["account_id", "candidate_id"], set_=changed),
        rows,
    )
    emails = [
        {"account_id": account_id, "email": e, "candidate_id": k.candidate_id, "email_type": t}
        for k in keys
        for e, t in k.emails
        if len(e) <= 320
    ]
    if emails:
        session.execute(insert_for(session, IndexedEmail).on_conflict_do_nothing(), emails)
    links = [
        {"account_id": account_id, "linkedin_url": u, "candidate_id": k.candidate_id}
        for k in keys
        for u in k.linkedin_urls
        if len(u) <= 400
    ]
    if links:
        session.execute(insert_for(session, IndexedLinkedin).on_conflict_do_nothing(), links)
    return len(keys)


def remove_candidates(
    session: Session, account_id: int, candidate_ids: list[int], *, tombstone: str | None = None
) -> None:
    """Drop candidates from the index; with `tombstone` (why they are gone for good: deleted,
    merged away, anonymised) they are never indexed again, whatever update arrives later."""
    for model in (IndexedEmail, IndexedLinkedin, IndexedCandidate):
        session.execute(
            delete(model).where(
                model.account_id == account_id, model.candidate_id.in_(candidate_ids)
            )
        )
    if tombstone and candidate_ids:
        rows = [
            {"account_id": account_id, "candidate_id": cid, "reason": tombstone[:32]}
            for cid in candidate_ids
        ]
        session.execute(insert_for(session, IndexTombstone).on_conflict_do_nothing(), rows)


def buried(session: Session, account_id: int, candidate_ids: list[int]) -> set[int]:
    """Which of these candidates have a tombstone."""
    return set(
        session.scalars(
            select(IndexTombstone.candidate_id).where(
                IndexTombstone.account_id == account_id,
                IndexTombstone.candidate_id.in_(candidate_ids),
            )
        )
    )


def clear_index(session: Session, account_id: int) -> None:
    """Forget the account's index (it now points at another Greenhouse): cold again."""
    for model in (IndexedEmail, IndexedLinkedin, IndexedCandidate, IndexTombstone):
        session.execute(delete(model).where(model.account_id == account_id))
    state = index_state(session, account_id)
    state.status, state.candidates_indexed, state.refreshed_through = IndexStatus.COLD, 0, None


def _by_email() -> Select:
    return select(IndexedEmail.candidate_id).where(
        IndexedEmail.account_id == bindparam("account_id"),
        IndexedEmail.email.in_(bindparam("emails", expanding=True)),
    )


def _by_linkedin() -> Select:
    return select(IndexedLinkedin.candidate_id).where(
        IndexedLinkedin.account_id == bindparam("account_id"),
        IndexedLinkedin.linkedin_url == bindparam("linkedin_url"),
    )


def _by_name() -> Select:
    return select(IndexedCandidate.candidate_id).where(
        IndexedCandidate.account_id == bindparam("account_id"),
        IndexedCandidate.name_key == bindparam("name_key"),
        IndexedCandidate.company_key == bindparam("company_key"),
    )


@functools.cache
def candidates_sharing(emails: bool, linkedin: bool, name: bool) -> Executable:
    """One statement for the keys a person has (built once per combination: this runs on every
    page view, and building a statement costs more than SQLite running it)."""
    parts = [
        build()
        for wanted, build in ((emails, _by_email), (linkedin, _by_linkedin), (name, _by_name))
        if wanted
    ]
    return union(*parts) if len(parts) > 1 else parts[0]


def find_candidates(session: Session, account_id: int, person: PersonKeys) -> list[CandidateKeys]:
    """Every indexed candidate sharing an email, the LinkedIn URL, or name and company."""
    by_name = bool(person.name_key and person.company_key)
    if not (person.emails or person.linkedin_url or by_name):
        return []
    statement = candidates_sharing(bool(person.emails), bool(person.linkedin_url), by_name)
    params = {
        "account_id": account_id,
        "emails": list(person.emails),
        "linkedin_url": person.linkedin_url,
        "name_key": person.name_key,
        "company_key": person.company_key,
    }
    ids = set(session.connection().scalars(statement, params))  # one round trip, three keys
    return load_keys(session, account_id, sorted(ids))


KEYS_OF = select(
    IndexedCandidate.candidate_id,
    IndexedCandidate.first_name,
    IndexedCandidate.last_name,
    IndexedCandidate.name_key,
    IndexedCandidate.company_key,
    IndexedCandidate.updated_at,
).where(
    IndexedCandidate.account_id == bindparam("account_id"),
    IndexedCandidate.candidate_id.in_(bindparam("ids", expanding=True)),
)
EMAILS_OF = select(IndexedEmail.candidate_id, IndexedEmail.email, IndexedEmail.email_type).where(
    IndexedEmail.account_id == bindparam("account_id"),
    IndexedEmail.candidate_id.in_(bindparam("ids", expanding=True)),
)
URLS_OF = select(IndexedLinkedin.candidate_id, IndexedLinkedin.linkedin_url).where(
    IndexedLinkedin.account_id == bindparam("account_id"),
    IndexedLinkedin.candidate_id.in_(bindparam("ids", expanding=True)),
)


def load_keys(session: Session, account_id: int, ids: list[int]) -> list[CandidateKeys]:
    """The match keys of these candidates: plain rows (no ORM objects; this runs per page view)."""
    if not ids:
        return []
    params = {"account_id": account_id, "ids": ids}
    connection = session.connection()  # plain rows: no ORM on this path
    rows = connection.execute(KEYS_OF, params).all()
    emails: dict[int, list[tuple[str, str | None]]] = {}
    for candidate_id, email, email_type in connection.execute(EMAILS_OF, params):
        emails.setdefault(candidate_id, []).append((email, email_type))
    urls: dict[int, list[str]] = {}
    for candidate_id, url in connection.execute(URLS_OF, params):
        urls.setdefault(candidate_id, []).append(url)
    return [
        CandidateKeys(
            candidate_id=candidate_id,
            first_name=first_name,
            last_name=last_name,
            name_key=name_key,
            company_key=company_key,
            emails=tuple(emails.get(candidate_id, ())),
            linkedin_urls=tuple(urls.get(candidate_id, ())),
            updated_at=updated_at.isoformat() if updated_at else None,
        )
        for candidate_id, first_name, last_name, name_key, company_key, updated_at in rows
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
        state = CandidateIndexState(
            account_id=account_id, status=IndexStatus.COLD, candidates_indexed=0
        )
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
    """Index every candidate from `pages`, committing page by page so progress is visible;
    at the end, drop what Greenhouse no longer has (deleted while webhooks were off)."""
    started = utcnow()
    with session_factory() as session:
        state = index_state(session, account_id)
        state.status, state.backfill_started_at, state.last_error = (
            IndexStatus.BACKFILLING,
            started,
            None,
        )
        state.candidates_indexed = 0
    seen: set[int] = set()
    try:
        for page in pages:
            with session_factory() as session:
                upsert_candidates(session, account_id, page)
                seen.update(i for i in map(candidate_id_of, page) if i is not None)
                index_state(session, account_id).candidates_indexed = len(seen)
            if progress:
                progress(len(seen))
    except Exception as exc:
        with session_factory() as session:
            state = index_state(session, account_id)
            state.status, state.last_error = (
                IndexStatus.FAILED,
                f"{type(exc).__name__}: {exc}"[:500],
            )
        raise
    with session_factory() as session:
        _drop_unseen(session, account_id, seen, before=started)
        state = index_state(session, account_id)
        state.status, state.backfill_finished_at = IndexStatus.READY, utcnow()
        # Changes made while we paged are caught by the first refresh from this point.
        state.refreshed_through = started - defaults.INDEX_REFRESH_OVERLAP
    return len(seen)


def _drop_unseen(session: Session, account_id: int, seen: set[int], *, before: datetime) -> None:
    """Remove candidates the backfill did not see, unless they arrived (webhook) meanwhile."""
    stale = [
        cid
        for cid, updated in session.execute(
            select(IndexedCandidate.candidate_id, IndexedCandidate.updated_at).where(
                IndexedCandidate.account_id == account_id
            )
        )
        if cid not in seen and (updated is None or updated < before)
    ]
    for start in range(0, len(stale), defaults.GREENHOUSE_PAGE_SIZE):
        remove_candidates(session, account_id, stale[start : start + defaults.GREENHOUSE_PAGE_SIZE])


class IndexProgress(Protocol):
    """What freshness is judged on: a `CandidateIndexState`, or a row of its two columns."""

    status: str | None
    refreshed_through: datetime | None


def is_fresh(state: IndexProgress, now: datetime | None = None) -> bool:
    """Ready, and refreshed recently enough to trust a miss."""
    if state.status != IndexStatus.READY or state.refreshed_through is None:
        return False
    return (now or utcnow()) - state.refreshed_through <= defaults.INDEX_STALE_AFTER


def refresh_window(state: CandidateIndexState, now: datetime) -> tuple[datetime, datetime]:
    """The `updated_at` window of the next incremental refresh (overlapping the last one)."""
    since = state.refreshed_through or (now - timedelta(days=1))
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
