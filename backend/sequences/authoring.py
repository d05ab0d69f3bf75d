"""Creating and changing sequences. Steps live on immutable versions: changing the steps of a
sequence that has people on it makes a new version, and those people keep theirs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.sequences import lifecycle
from backend.sequences.control import remove_enrollment
from backend.sequences.control import resume_enrollment
from backend.sequences.errors import Refused
from backend.sequences.plan import load
from backend.sequences.plan import pause
from backend.sequences.schedule import parse_schedule
from backend.sequences.steps import parse_steps
from backend.sequences.steps import steps_from_json
from backend.sequences.steps import steps_to_json
from backend.sequences.templates import MissingValue
from backend.sequences.templates import TemplateError
from backend.sequences.templates import contact_values
from backend.sequences.templates import render_email
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import Mailbox
from backend.store.models import Sequence
from backend.store.models import SequenceVersion

SETTINGS = {"stop_on_company_reply": bool}


def _checked_schedule(raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise Refused(422, "an object", "schedule")
    try:
        parse_schedule(raw)
    except Refused as error:  # its field, within the sequence
        raise Refused(error.status, error.message, f"schedule.{error.field}") from None
    return raw


def _checked_steps(raw: Any) -> list[dict[str, Any]]:
    return steps_to_json(parse_steps(raw))


def _checked_mailbox(session: Session, account_id: int, mailbox_id: Any) -> int | None:
    if mailbox_id is None:
        return None
    mailbox = session.get(Mailbox, mailbox_id) if isinstance(mailbox_id, int) else None
    if mailbox is None or mailbox.account_id != account_id:
        raise Refused(422, f"no mailbox {mailbox_id} in this team", "mailbox_id")
    return mailbox.id


def _checked_settings(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise Refused(422, "an object", "settings")
    for name, value in raw.items():
        if name not in SETTINGS or not isinstance(value, SETTINGS[name]):
            raise Refused(422, f"unknown setting or wrong type: {name}", f"settings.{name}")
    return dict(raw)


def get_sequence(session: Session, account_id: int, sequence_id: int) -> Sequence:
    sequence = session.get(Sequence, sequence_id)
    if sequence is None or sequence.account_id != account_id or sequence.deleted_at is not None:
        raise Refused(404, f"No sequence {sequence_id}.")
    return sequence


def _new_version(
    session: Session, sequence: Sequence, steps: list[dict[str, Any]]
) -> SequenceVersion:
    number = (
        session.scalar(
            select(func.max(SequenceVersion.number)).where(
                SequenceVersion.sequence_id == sequence.id
            )
        )
        or 0
    ) + 1
    version = SequenceVersion(sequence_id=sequence.id, number=number, steps=steps)
    session.add(version)
    session.flush()
    sequence.current_version_id = version.id
    return version


def create_sequence(
    session: Session, account_id: int, user_id: int | None, data: dict[str, Any], now: datetime
) -> Sequence:
    name = (data.get("name") or "").strip() if isinstance(data.get("name"), str) else ""
    if not name or len(name) > 200:
        raise Refused(422, "1 to 200 characters", "name")
    steps = _checked_steps(data.get("steps"))
    sequence = Sequence(
        account_id=account_id,
        name=name,
        mailbox_id=_checked_mailbox(session, account_id, data.get("mailbox_id")),
        schedule=_checked_schedule(data.get("schedule")),
        settings=_checked_settings(data.get("settings")),
        sync_disabled=bool(data.get("sync_disabled", False)),
        greenhouse_target=data.get("greenhouse_target") or None,
        status="active",
        created_by=user_id,
        created_at=now,
    )
    session.add(sequence)
    session.flush()
    _new_version(session, sequence, steps)
    return sequence


def has_people(session: Session, sequence: Sequence) -> bool:
    return (
        session.scalar(
            select(Enrollment.id)
            .where(
                Enrollment.sequence_id == sequence.id,
                Enrollment.version_id == sequence.current_version_id,
            )
            .limit(1)
        )
        is not None
    )


def update_sequence(
    session: Session, sequence: Sequence, data: dict[str, Any], now: datetime
) -> Sequence:
    """Change what was given. New steps: a new version when people are on the current one."""
    if "name" in data:
        name = data["name"].strip() if isinstance(data["name"], str) else ""
        if not name or len(name) > 200:
            raise Refused(422, "1 to 200 characters", "name")
        sequence.name = name
    if "mailbox_id" in data:
        sequence.mailbox_id = _checked_mailbox(session, sequence.account_id, data["mailbox_id"])
    if "schedule" in data:
        sequence.schedule = _checked_schedule(data["schedule"])
    if "settings" in data:
        sequence.settings = _checked_settings(data["settings"])
    if "sync_disabled" in data:
        sequence.sync_disabled = bool(data["sync_disabled"])
    if "greenhouse_target" in data:
        sequence.greenhouse_target = data["greenhouse_target"] or None
    if "steps" in data:
        steps = _checked_steps(data["steps"])
        current = session.get(SequenceVersion, sequence.current_version_id)
        if current is None or has_people(session, sequence):
            _new_version(session, sequence, steps)
        else:
            current.steps = steps
    session.flush()
    return sequence


def pause_sequence(session: Session, sequence: Sequence, now: datetime) -> None:
    """Nothing of this sequence goes while it is paused (checked again in every claim)."""
    sequence.status = "paused"
    for enrollment in session.scalars(
        select(Enrollment).where(
            Enrollment.sequence_id == sequence.id,
            Enrollment.status.in_((lifecycle.PENDING, lifecycle.ACTIVE, lifecycle.WAITING_TASK)),
        )
    ):
        pause(
            session,
            load(session, enrollment),
            "sequence_paused",
            now,
            detail=lifecycle.SEQUENCE_PAUSED,
        )


def resume_sequence(session: Session, sequence: Sequence, now: datetime) -> None:
    sequence.status = "active"
    for enrollment in session.scalars(
        select(Enrollment).where(
            Enrollment.sequence_id == sequence.id,
            Enrollment.status == lifecycle.PAUSED,
            Enrollment.paused_reason == lifecycle.SEQUENCE_PAUSED,
        )
    ):
        resume_enrollment(session, enrollment, now, reason="sequence resumed")


def delete_sequence(session: Session, sequence: Sequence, now: datetime) -> None:
    """Soft delete: its people are removed, their history stays."""
    from_live = session.scalars(
        select(Enrollment).where(
            Enrollment.sequence_id == sequence.id, Enrollment.status.in_(lifecycle.LIVE)
        )
    )
    for enrollment in from_live:
        remove_enrollment(session, enrollment, now)
    sequence.deleted_at = now


def preview(session: Session, sequence: Sequence, contact: Contact) -> list[dict[str, Any]]:
    """Each step as this contact would get it, or the reason it could not be written."""
    version = session.get(SequenceVersion, sequence.current_version_id)
    mailbox = session.get(Mailbox, sequence.mailbox_id) if sequence.mailbox_id else None
    values = contact_values(contact, mailbox.display_name if mailbox else None)
    shown = []
    for index, step in enumerate(steps_from_json(version.steps if version else [])):
        item: dict[str, Any] = {"index": index, "kind": step.kind, "missing": None}
        if step.kind == "task":
            item |= {"task_type": step.task_type, "instructions": step.instructions}
        else:
            try:
                rendered = render_email(step.subject, step.body, values)
                item |= {"subject": rendered.subject, "body": rendered.body}
            except (MissingValue, TemplateError) as problem:
                item["missing"] = problem.reason
        shown.append(item)
    return shown
