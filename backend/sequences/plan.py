"""Moving an enrollment along its steps: where the next step goes and when.

Reads the rows an enrollment depends on (sequence, version, contact, mailbox, team) into the pure
schedule functions and writes the answer: the next step execution, or the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import make_msgid
from functools import cached_property
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import defaults
from backend.sequences import lifecycle
from backend.sequences.events import append_event
from backend.sequences.schedule import HolidayCalendar
from backend.sequences.schedule import NoOpenSlot
from backend.sequences.schedule import Schedule
from backend.sequences.schedule import after_wait
from backend.sequences.schedule import next_open_slot
from backend.sequences.schedule import parse_schedule
from backend.sequences.schedule import plan_send
from backend.sequences.schedule import resolve_zone
from backend.sequences.schedule import spread_over_opening
from backend.sequences.schedule import team_dates
from backend.sequences.steps import Step
from backend.sequences.steps import steps_from_json
from backend.store.models import Account
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import Mailbox
from backend.store.models import Sequence
from backend.store.models import SequenceVersion
from backend.store.models import StepExecution

NO_WINDOW = "the schedule has no open window"


@lru_cache(maxsize=256)
def _calendar(country: str | None, extra: frozenset) -> HolidayCalendar:
    return HolidayCalendar(country, extra)


@dataclass(frozen=True)
class SendContext:
    schedule: Schedule
    zone: ZoneInfo
    calendar: HolidayCalendar


def send_context(
    sequence: Sequence, contact: Contact, mailbox: Mailbox | None, account: Account
) -> SendContext:
    schedule = parse_schedule(sequence.schedule)
    zone = resolve_zone(
        schedule.timezone, contact.timezone, mailbox.timezone if mailbox else None, account.timezone
    )
    country = schedule.holiday_country or account.holiday_country
    return SendContext(schedule, zone, _calendar(country, team_dates(account.holidays)))


@dataclass
class Loaded:
    """An enrollment with the rows its next step depends on."""

    enrollment: Enrollment
    sequence: Sequence
    contact: Contact
    mailbox: Mailbox | None
    account: Account
    steps: list[Step]

    @cached_property
    def context(self) -> SendContext:
        return send_context(self.sequence, self.contact, self.mailbox, self.account)


def load(session: Session, enrollment: Enrollment) -> Loaded:
    version = session.get(SequenceVersion, enrollment.version_id) if enrollment.version_id else None
    return Loaded(
        enrollment=enrollment,
        sequence=session.get(Sequence, enrollment.sequence_id),  # type: ignore[arg-type]
        contact=session.get(Contact, enrollment.contact_id),  # type: ignore[arg-type]
        mailbox=session.get(Mailbox, enrollment.mailbox_id) if enrollment.mailbox_id else None,
        account=session.get(Account, enrollment.account_id),  # type: ignore[arg-type]
        steps=steps_from_json(version.steps if version else []),
    )


def sender_domain(mailbox: Mailbox | None) -> str:
    return mailbox.address.rpartition("@")[2] if mailbox else "sourcebridge.invalid"


def record(
    session: Session, loaded: Loaded, type: str, at: datetime, key: str, **data: object
) -> None:
    enrollment = loaded.enrollment
    append_event(
        session,
        account_id=enrollment.account_id,  # type: ignore[arg-type]
        type=type,
        at=at,
        dedupe_key=f"{type}:{enrollment.id}:{key}",
        enrollment_id=enrollment.id,
        contact_id=enrollment.contact_id,
        data={"sequence_id": enrollment.sequence_id, **data},
    )


def finish(session: Session, loaded: Loaded, outcome: str, now: datetime, **data: object) -> None:
    """End the enrollment (once) and cancel whatever step was still to go."""
    enrollment = loaded.enrollment
    if enrollment.status == lifecycle.FINISHED:
        return
    enrollment.status = lifecycle.FINISHED
    enrollment.outcome = outcome
    enrollment.finished_at = now
    enrollment.active_key = None
    enrollment.next_action_at = None
    enrollment.delay_reason = None
    for execution in open_executions(session, enrollment.id):
        if execution.state in (lifecycle.SENDING, lifecycle.UNKNOWN):
            continue  # a send may be in flight: the reconciler settles it, nothing follows
        execution.state = lifecycle.CANCELED
    record(session, loaded, "finished", now, outcome, outcome=outcome, **data)


def pause(
    session: Session,
    loaded: Loaded,
    reason: str,
    now: datetime,
    *,
    resume_at: datetime | None = None,
    detail: str | None = None,
) -> None:
    enrollment = loaded.enrollment
    if enrollment.status == lifecycle.FINISHED:
        return
    enrollment.status = lifecycle.PAUSED
    enrollment.paused_reason = detail or reason
    enrollment.resume_at = resume_at
    enrollment.next_action_at = resume_at
    record(
        session,
        loaded,
        "paused",
        now,
        f"{now.isoformat()}:{reason}",
        reason=reason,
        detail=detail,
        resume_at=resume_at.isoformat() if resume_at else None,
    )
    for execution in open_executions(session, enrollment.id):
        if execution.state not in lifecycle.CLAIMABLE:
            continue
        if resume_at is None:
            execution.state = lifecycle.PARKED
        elif execution.due_at < resume_at:
            # The step waits for the resume instant; the dispatcher resumes when it claims it.
            execution.due_at = resume_at


def open_executions(session: Session, enrollment_id: int) -> list[StepExecution]:
    return list(
        session.scalars(
            select(StepExecution).where(
                StepExecution.enrollment_id == enrollment_id,
                StepExecution.state.in_((*lifecycle.OPEN_EXECUTION, "due")),
            )
        )
    )


def _thread_headers(session: Session, enrollment_id: int) -> tuple[str | None, str | None]:
    """In-Reply-To and References for a reply in the thread: the emails sent so far."""
    sent = session.scalars(
        select(StepExecution.message_id)
        .where(
            StepExecution.enrollment_id == enrollment_id,
            StepExecution.kind == "email",
            StepExecution.state == lifecycle.SENT,
        )
        .order_by(StepExecution.step_index)
    ).all()
    ids = [m for m in sent if m]
    return (ids[-1], " ".join(ids)) if ids else (None, None)


def schedule_step(
    session: Session, loaded: Loaded, index: int, anchor: datetime, now: datetime
) -> StepExecution | None:
    """Create the execution of step `index` (or finish when there is none)."""
    enrollment = loaded.enrollment
    if index >= len(loaded.steps):
        finish(session, loaded, "completed", now)
        return None
    step = loaded.steps[index]
    context = loaded.context
    message_id = None
    try:
        if step.kind == "email":
            message_id = make_msgid(domain=sender_domain(loaded.mailbox))
            due = plan_send(
                anchor,
                step.wait_amount,
                step.wait_unit,
                now=now,
                schedule=context.schedule,
                zone=context.zone,
                calendar=context.calendar,
                key=message_id,
            )
        else:
            due = max(
                after_wait(
                    anchor,
                    step.wait_amount,
                    step.wait_unit,
                    context.schedule,
                    context.zone,
                    context.calendar,
                ),
                now,
            )
    except NoOpenSlot:
        pause(session, loaded, "schedule", now, detail=NO_WINDOW)
        return None
    in_reply_to, references = (
        _thread_headers(session, enrollment.id)
        if step.kind == "email" and step.thread == "reply"
        else (None, None)
    )
    execution = StepExecution(
        enrollment_id=enrollment.id,
        step_index=index,
        kind=step.kind,
        state=lifecycle.SCHEDULED,
        due_at=due,
        mailbox_id=enrollment.mailbox_id if step.kind == "email" else None,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        attempts=0,
    )
    session.add(execution)
    enrollment.current_step = index
    enrollment.status = lifecycle.ACTIVE
    enrollment.next_action_at = due
    enrollment.delay_reason = None
    session.flush()
    return execution


def reschedule_open_step(session: Session, loaded: Loaded, now: datetime) -> None:
    """After a resume: a step that fell due meanwhile goes at the next open instant."""
    context = loaded.context
    for execution in open_executions(session, loaded.enrollment.id):
        if execution.state not in (*lifecycle.CLAIMABLE, lifecycle.PARKED):
            continue
        execution.state = lifecycle.SCHEDULED
        if execution.kind == "email":
            try:
                slot = next_open_slot(
                    max(execution.due_at, now), context.schedule, context.zone, context.calendar
                )
            except NoOpenSlot:
                pause(session, loaded, "schedule", now, detail=NO_WINDOW)
                return
            execution.due_at = spread_over_opening(
                slot, execution.message_id or "", defaults.SEQUENCE_OPENING_SPREAD
            )
        else:
            execution.due_at = max(execution.due_at, now)
        loaded.enrollment.next_action_at = execution.due_at
