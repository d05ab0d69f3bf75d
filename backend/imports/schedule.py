"""Which imports the scheduler should queue now (recurring ones that are due, crashed runs)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from backend import defaults
from backend.store.models import Import


def due_imports(session: Session, now: datetime) -> list[int]:
    """Ids to queue, marked `queued`: recurring imports whose time has come, runs whose worker
    died (lease lapsed), and imports queued a lease's length ago that never started (their task
    was lost). An import already queued is not handed out again before then."""
    lost = now - defaults.IMPORT_LEASE
    wanted = and_(
        Import.deleted_at.is_(None),
        Import.status != "paused",
        or_(Import.lease_until.is_(None), Import.lease_until < now),
        or_(
            and_(Import.recurring.is_(True), Import.status != "queued", Import.next_run_at <= now),
            and_(Import.status == "running", Import.lease_until < now),
            and_(
                Import.status == "queued",
                func.coalesce(Import.next_run_at, Import.created_at) < lost,
            ),
        ),
    )
    ids = list(session.scalars(select(Import.id).where(wanted).order_by(Import.id)))
    if ids:
        session.execute(
            update(Import)
            .where(Import.id.in_(ids), Import.status != "running")
            .values(status="queued")
            .execution_options(synchronize_session=False)
        )
    return ids
