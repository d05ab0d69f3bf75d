"""The JSON shapes of DESIGN.md (Contact, Enrollment, sequence items), as plain dicts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.greenhouse.links import candidate_url
from backend.sequences import lifecycle
from backend.sequences.events import events_of
from backend.sequences.steps import steps_from_json
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import Sequence
from backend.store.models import SequenceVersion

SOURCES = ("recruiter", "linkedin", "sales_navigator", "import", "api")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def enrollment_json(enrollment: Enrollment) -> dict[str, Any]:
    return {
        "id": enrollment.id,
        "sequence_id": enrollment.sequence_id,
        "contact_id": enrollment.contact_id,
        "status": enrollment.status,
        "outcome": enrollment.outcome,
        "paused_reason": enrollment.paused_reason,
        "resume_at": _iso(enrollment.resume_at),
        "current_step": enrollment.current_step,
        "next_action_at": _iso(enrollment.next_action_at),
        "delay_reason": enrollment.delay_reason,
        "sync_disabled": enrollment.sync_disabled,
        "greenhouse_target": enrollment.gh_target,
        "created_at": _iso(enrollment.created_at),
        "finished_at": _iso(enrollment.finished_at),
    }


def sync_status(contact: Contact, enrollments: list[Enrollment]) -> str:
    if contact.sync_status:
        return contact.sync_status
    if enrollments and all(e.sync_disabled for e in enrollments):
        return "disabled"
    return "pending"


def contact_fields(contact: Contact) -> dict[str, Any]:
    """The contact's own details: the head of a Contact (DESIGN.md), and a task's contact."""
    return {
        "id": contact.id,
        "email": contact.email,
        "emails": list(contact.emails or []),
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "company": contact.company,
        "title": contact.title,
        "linkedin_url": contact.linkedin_url,
        "timezone": contact.timezone,
        "location": contact.location,
        "phone": contact.phone,
        "source": contact.source if contact.source in SOURCES else "api",
    }


def contact_json(
    session: Session,
    contact: Contact,
    app_url: str,
    *,
    with_activity: bool = True,
    enrollments: list[Enrollment] | None = None,
) -> dict[str, Any]:
    """`enrollments`, when given, are the contact's (by id), read for a whole list at once."""
    if enrollments is None:
        enrollments = list(
            session.scalars(
                select(Enrollment)
                .where(Enrollment.contact_id == contact.id)
                .order_by(Enrollment.id)
            )
        )
    url = (
        candidate_url(app_url, contact.gh_candidate_id, contact.gh_application_id)
        if contact.gh_candidate_id
        else None
    )
    data = {
        **contact_fields(contact),
        "greenhouse": {
            "candidate_id": contact.gh_candidate_id,
            "application_id": contact.gh_application_id,
            "url": url,
            "target": contact.gh_target,
            "sync_status": sync_status(contact, enrollments),
            "error": contact.sync_error,
        },
        "enrollments": [enrollment_json(e) for e in enrollments],
    }
    if with_activity:
        data["activity"] = [e.to_json() for e in events_of(session, contact_id=contact.id)]
    return data


def counts_by_status(session: Session, sequence_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {
        i: dict.fromkeys(lifecycle.STATUSES, 0) for i in sequence_ids
    }
    if not sequence_ids:
        return counts
    rows = session.execute(
        select(Enrollment.sequence_id, Enrollment.status, func.count())
        .where(Enrollment.sequence_id.in_(sequence_ids))
        .group_by(Enrollment.sequence_id, Enrollment.status)
    ).all()
    for sequence_id, status, count in rows:
        counts[sequence_id][status] = count
    return counts


def indicators(sequence: Sequence) -> list[str]:
    words = []
    if sequence.sync_disabled:
        words.append("Sync Disabled")
    if sequence.greenhouse_target:
        words.append("Custom Sync")
    return words


def sequence_json(
    session: Session,
    sequence: Sequence,
    counts: dict[str, int] | None = None,
    *,
    with_steps: bool = True,
    version: SequenceVersion | None = None,
) -> dict[str, Any]:
    """The DESIGN.md sequence; a list passes the current `version` it read for many at once."""
    if version is None and sequence.current_version_id:
        version = session.get(SequenceVersion, sequence.current_version_id)
    data: dict[str, Any] = {
        "id": sequence.id,
        "name": sequence.name,
        "mailbox_id": sequence.mailbox_id,
        "status": sequence.status,
        "schedule": sequence.schedule,
        "settings": sequence.settings or {},
        "sync_disabled": sequence.sync_disabled,
        "greenhouse_target": sequence.greenhouse_target,
        "custom_sync": bool(sequence.greenhouse_target),
        "indicators": indicators(sequence),
        "version": version.number if version else None,
        "counts": counts
        if counts is not None
        else counts_by_status(session, [sequence.id])[sequence.id],
        "created_at": _iso(sequence.created_at),
    }
    if with_steps:
        data["steps"] = [s.to_json() for s in steps_from_json(version.steps if version else [])]
    return data
