"""What the team sees of the sync: the sync log, Retry, re-sync, and a contact's Greenhouse view."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from backend.store.models import Contact
from backend.store.models import SyncJob
from backend.store.models import utcnow
from backend.sync import rules
from backend.sync.facts import contact_facts
from backend.sync.failures import Failure
from backend.sync.outbox import record_actions
from backend.sync.outbox import refresh_contact_status
from backend.sync.rules import SyncSettings

LOG_STATUSES = ("pending", "done", "failed")


class NotFoundHere(LookupError):
    """No such row in this team."""


class CannotRetry(ValueError):
    """The row cannot be retried (it is done, or its contact was anonymised)."""


def log_entry(job: SyncJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "contact_id": job.contact_id,
        "kind": job.kind,
        "status": "pending" if job.status == "running" else job.status,
        "attempts": job.attempts,
        "error": job.last_error,
        "error_code": job.last_error_code,
        "request_summary": job.request_summary,
        "greenhouse_ids": job.greenhouse_ids or {},
        "created_at": job.created_at,
        "updated_at": job.updated_at,
    }


def sync_log(
    session: Session,
    account_id: int,
    *,
    contact_id: int | None = None,
    status: str | None = None,
    limit: int = 50,
    before_id: int | None = None,
) -> tuple[list[dict[str, Any]], int | None]:
    """Newest first; returns the page and the id to continue before (None at the end)."""
    query = select(SyncJob).where(SyncJob.account_id == account_id)
    if contact_id is not None:
        query = query.where(SyncJob.contact_id == contact_id)
    if status == "pending":
        query = query.where(SyncJob.status.in_(("pending", "running")))
    elif status is not None:
        query = query.where(SyncJob.status == status)
    if before_id is not None:
        query = query.where(SyncJob.id < before_id)
    rows = list(session.scalars(query.order_by(SyncJob.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return [log_entry(r) for r in rows], (rows[-1].id if more and rows else None)


def retry(session: Session, account_id: int, job_id: int) -> SyncJob:
    """Put a failed (or waiting) row back in line now; a retried find-or-create brings back the
    rows that failed only because the contact had no record."""
    job = session.get(SyncJob, job_id)
    if job is None or job.account_id != account_id:
        raise NotFoundHere(f"sync log entry {job_id}")
    contact = session.get(Contact, job.contact_id) if job.contact_id else None
    if job.status == "done":
        raise CannotRetry("This action is done; nothing to retry.")
    if contact is None or contact.anonymised_at is not None:
        raise CannotRetry("The contact was anonymised or deleted.")
    now = utcnow()
    job.status, job.next_attempt_at, job.updated_at = "pending", None, now
    if job.kind == "ensure_person":
        session.execute(
            update(SyncJob)
            .where(
                SyncJob.contact_id == job.contact_id,
                SyncJob.status == "failed",
                SyncJob.last_error_code == Failure.NO_RECORD,
            )
            .values(status="pending", next_attempt_at=None, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    session.flush()
    refresh_contact_status(session, contact)
    return job


def request_resync(
    session: Session, account_id: int, contact_id: int, settings: SyncSettings, request_id: str
) -> list[SyncJob]:
    """The explicit re-sync: the current custom field mapping written to a synced contact."""
    contact = session.get(Contact, contact_id)
    if contact is None or contact.account_id != account_id:
        raise NotFoundHere(f"contact {contact_id}")
    if contact.gh_candidate_id is None:
        raise CannotRetry("The contact has no Greenhouse record yet: nothing to re-sync.")
    actions = rules.resync(settings, contact_facts(session, contact), request_id)
    record_actions(session, account_id, contact.id, actions)
    session.flush()
    keys = [a.dedupe_key for a in actions]
    return (
        list(session.scalars(select(SyncJob).where(SyncJob.dedupe_key.in_(keys)))) if keys else []
    )
