"""Create, list, show and remove imports; what the API and the web app show of one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import defaults
from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.shapes import iso
from backend.imports.checks import job_reason
from backend.imports.checks import sequence_reason
from backend.imports.runs import COUNTS
from backend.imports.runs import RunOutcome
from backend.imports.runs import zero_progress
from backend.store.models import Import
from backend.store.models import ImportItem
from backend.store.models import utcnow


class ImportInputError(ValueError):
    """Bad input for an import, naming the field (the API answers 422 with it)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class NewImport:
    job_id: int
    sequence_id: int
    recurring: bool


def create_import(
    session: Session,
    client: GreenhouseClient,
    account_id: int,
    user_id: int | None,
    request: NewImport,
) -> Import:
    """A queued import of an open job into a live sequence of the team (one Greenhouse read).
    The edge queues its first run."""
    reason = sequence_reason(session, account_id, request.sequence_id)
    if reason:
        raise ImportInputError("sequence_id", "no such sequence")
    job = next(iter(client.jobs.get_many([request.job_id])), None)
    reason = job_reason(job)
    if reason:
        raise ImportInputError("job_id", reason)
    row = Import(
        account_id=account_id,
        created_by=user_id,
        job_id=request.job_id,
        job_name=(job or {}).get("name"),
        sequence_id=request.sequence_id,
        recurring=request.recurring,
        status="queued",
        progress=zero_progress(),
    )
    session.add(row)
    session.flush()
    return row


def find_import(session: Session, account_id: int, import_id: int) -> Import | None:
    row = session.get(Import, import_id)
    if row is None or row.account_id != account_id or row.deleted_at is not None:
        return None
    return row


def list_imports(
    session: Session, account_id: int, *, after_id: int | None = None, limit: int = 50
) -> list[Import]:
    """The team's imports, newest first (one-off and scheduled alike), `limit` from `after_id`."""
    query = select(Import).where(Import.account_id == account_id, Import.deleted_at.is_(None))
    if after_id is not None:
        query = query.where(Import.id < after_id)
    return list(session.scalars(query.order_by(Import.id.desc()).limit(limit)))


def remove_import(session: Session, row: Import, now: datetime | None = None) -> None:
    """Stop it: no further runs; a run in progress stops at its next page."""
    row.deleted_at = now or utcnow()
    row.next_run_at = None


def skipped_names(session: Session, import_id: int) -> list[str]:
    """People without an email, by name, so the recruiter can fix them in Greenhouse."""
    query = (
        select(ImportItem.name)
        .where(ImportItem.import_id == import_id, ImportItem.result == "skipped_no_email")
        .order_by(ImportItem.name)
        .limit(defaults.IMPORT_SKIPPED_NAMES_SHOWN)
    )
    return [name or "" for name in session.scalars(query)]


def _when(value: datetime | None) -> str | None:
    return iso(value) if value else None


def _progress(values: Mapping[str, Any] | None) -> dict[str, int]:
    return {name: int((values or {}).get(name) or 0) for name in COUNTS}


def describe(session: Session, row: Import) -> dict[str, Any]:
    """An import as the API shows it (DESIGN.md "Imports")."""
    last = row.last_result or {}
    return {
        "id": row.id,
        "job_id": row.job_id,
        "job_name": row.job_name,
        "sequence_id": row.sequence_id,
        "status": row.status,
        "paused_reason": row.paused_reason,
        "recurring": row.recurring,
        "progress": _progress(row.progress),
        "skipped_no_email": skipped_names(session, row.id),
        "last_run_at": _when(row.last_run_at),
        "next_run_at": _when(row.next_run_at),
        "last_result": {
            "status": last.get("status"),
            "progress": _progress(last.get("progress")) if last.get("progress") else None,
            "error": last.get("error") or last.get("reason"),
        }
        if last
        else None,
        "created_at": _when(row.created_at),
    }


def mark_unrunnable(
    session: Session, import_id: int, reason: str, interval: timedelta, now: datetime | None = None
) -> RunOutcome:
    """A run that could not start (Greenhouse not connected): failed, with the reason; a
    schedule tries again at its next time."""
    now = now or utcnow()
    row = session.get(Import, import_id)
    if row is None or row.deleted_at is not None or row.status == "paused":
        return RunOutcome(import_id, "gone")
    row.status, row.last_run_at = "failed", now
    row.last_result = {"status": "failed", "error": reason, "at": iso(now)}
    row.next_run_at = now + interval if row.recurring else None
    return RunOutcome(import_id, "failed", dict(row.progress or {}), reason, row.next_run_at)
