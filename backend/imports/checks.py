"""Whether an import may run: its sequence still exists and its job is still open."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from backend.greenhouse.client import GreenhouseClient
from backend.store.models import Import
from backend.store.models import Sequence

SEQUENCE_DELETED = "The sequence was deleted."
JOB_CLOSED = "The job is closed in Greenhouse."
JOB_GONE = "The job no longer exists in Greenhouse."


def sequence_reason(session: Session, account_id: int, sequence_id: int | None) -> str | None:
    sequence = session.get(Sequence, sequence_id) if sequence_id is not None else None
    if sequence is None or sequence.account_id != account_id or sequence.deleted_at is not None:
        return SEQUENCE_DELETED
    return None


def job_reason(job: Mapping[str, Any] | None) -> str | None:
    if job is None:
        return JOB_GONE
    if job.get("status") != "open":
        return JOB_CLOSED
    return None


def pause_reason(
    session: Session, client: GreenhouseClient, row: Import
) -> tuple[str | None, str | None]:
    """(why the import cannot run, or None; the job's current name). One Greenhouse request."""
    reason = sequence_reason(session, row.account_id, row.sequence_id)
    if reason:
        return reason, None
    job = next(iter(client.jobs.get_many([row.job_id])), None)
    return job_reason(job), job and job.get("name")
