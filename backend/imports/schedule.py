"""Which imports the scheduler should queue now (recurring ones that are due, crashed runs)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from backend import defaults
from backend.store.models import Import


def due_imports(session: Session, now: datetime) -> list[int]:
    """Ids to queue: recurring imports whose time has come, runs whose worker died (lease
    lapsed) and one-off imports queued so long ago that their task must have been lost.
    A recurring one is not due again for a lease's length, so that the next sweep does not
    queue it twice (its run sets the real next time)."""
    free = or_(Import.lease_until.is_(None), Import.lease_until < now)
    lost = now - defaults.IMPORT_LEASE
    wanted = and_(
        Import.deleted_at.is_(None),
        Import.status != "paused",
        free,
        or_(
            and_(Import.recurring.is_(True), Import.next_run_at <= now),
            and_(Import.status == "running", Import.lease_until < now),
            and_(Import.status == "queued", Import.lease_until.is_(None), Import.created_at < lost),
        ),
    )
    ids = list(session.scalars(select(Import.id).where(wanted).order_by(Import.id)))
    if ids:
        session.execute(
            update(Import)
            .where(Import.id.in_(ids), Import.recurring.is_(True))
            .values(next_run_at=now + defaults.IMPORT_LEASE)
            .execution_options(synchronize_session=False)
        )
    return ids
