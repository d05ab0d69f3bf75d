"""The lists' reads, each in a fixed number of queries however long the page: the team's
sequences (the API's, the web app's, the import picker's), a sequence's people and the contacts
list's items."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.sequences.views import contact_json
from backend.sequences.views import counts_by_status
from backend.sequences.views import sequence_json
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import Sequence
from backend.store.models import SequenceVersion


def team_sequences(
    session: Session,
    account_id: int,
    *,
    by_name: bool = False,
    after_id: int = 0,
    limit: int | None = None,
) -> list[Sequence]:
    """The team's sequences: by name (pickers, the web list) or by id after `after_id` (paged)."""
    query = select(Sequence).where(
        Sequence.account_id == account_id, Sequence.deleted_at.is_(None), Sequence.id > after_id
    )
    query = query.order_by(Sequence.name if by_name else Sequence.id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def sequence_items(session: Session, sequences: list[Sequence]) -> list[dict[str, Any]]:
    """The list's items (DESIGN.md's sequence without steps, with counts by status)."""
    counts = counts_by_status(session, [s.id for s in sequences])
    version_ids = [s.current_version_id for s in sequences if s.current_version_id]
    versions = (
        {
            v.id: v
            for v in session.scalars(
                select(SequenceVersion).where(SequenceVersion.id.in_(version_ids))
            )
        }
        if version_ids
        else {}
    )
    return [
        sequence_json(
            session,
            s,
            counts[s.id],
            with_steps=False,
            version=versions.get(s.current_version_id or 0),
        )
        for s in sequences
    ]


def sequence_names(session: Session, sequence_ids: set[int]) -> dict[int, str]:
    """Names by id, for pages that show rows of several sequences (one query)."""
    if not sequence_ids:
        return {}
    rows = session.execute(select(Sequence.id, Sequence.name).where(Sequence.id.in_(sequence_ids)))
    return {sequence_id: name for sequence_id, name in rows}


def sequence_people(
    session: Session, sequence_id: int, *, before_id: int | None, limit: int
) -> list[tuple[Enrollment, Contact]]:
    """A sequence's enrollments with their contacts, newest first, before `before_id` (paged)."""
    query = (
        select(Enrollment, Contact)
        .join(Contact, Contact.id == Enrollment.contact_id)
        .where(Enrollment.sequence_id == sequence_id)
    )
    if before_id is not None:
        query = query.where(Enrollment.id < before_id)
    rows = session.execute(query.order_by(Enrollment.id.desc()).limit(limit))
    return [(enrollment, contact) for enrollment, contact in rows]


def contact_items(session: Session, contacts: list[Contact], app_url: str) -> list[dict[str, Any]]:
    """The contacts list's items (DESIGN.md's Contact, no activity), enrollments read at once."""
    by_contact: dict[int, list[Enrollment]] = {c.id: [] for c in contacts}
    if by_contact:
        for enrollment in session.scalars(
            select(Enrollment).where(Enrollment.contact_id.in_(by_contact)).order_by(Enrollment.id)
        ):
            by_contact[enrollment.contact_id].append(enrollment)
    return [
        contact_json(session, c, app_url, with_activity=False, enrollments=by_contact[c.id])
        for c in contacts
    ]
