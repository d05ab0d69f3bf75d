"""What a recruiter does to one enrollment: pause, resume, remove, send the next email now."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.sequences import lifecycle
from backend.sequences.errors import Refused
from backend.sequences.plan import finish
from backend.sequences.plan import load
from backend.sequences.plan import open_executions
from backend.sequences.plan import pause
from backend.sequences.plan import record
from backend.sequences.plan import reschedule_open_step
from backend.sequences.plan import schedule_step
from backend.store.models import Enrollment
from backend.store.models import StepExecution


def get_enrollment(session: Session, account_id: int, enrollment_id: int) -> Enrollment:
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.account_id != account_id:
        raise Refused(404, f"No enrollment {enrollment_id}.")
    return enrollment


def pause_enrollment(session: Session, enrollment: Enrollment, now: datetime) -> None:
    if enrollment.status == lifecycle.FINISHED:
        raise Refused(409, "the enrollment is finished")
    if enrollment.status != lifecycle.PAUSED:
        pause(session, load(session, enrollment), "manual", now, detail="paused by hand")


def resume_enrollment(
    session: Session, enrollment: Enrollment, now: datetime, reason: str = "resumed"
) -> None:
    """Back to work; a step that fell due while paused goes at the next open instant."""
    if enrollment.status == lifecycle.FINISHED:
        raise Refused(409, "the enrollment is finished")
    if enrollment.status != lifecycle.PAUSED:
        return
    loaded = load(session, enrollment)
    enrollment.status = lifecycle.ACTIVE
    enrollment.paused_reason = None
    enrollment.resume_at = None
    record(session, loaded, "resumed", now, now.isoformat(), reason=reason)
    executions = open_executions(session, enrollment.id)
    if not executions:
        schedule_step(session, loaded, enrollment.current_step, now, now)
        return
    reschedule_open_step(session, loaded, now)
    if any(e.state == "due" for e in executions):
        enrollment.status = lifecycle.WAITING_TASK


def remove_enrollment(session: Session, enrollment: Enrollment, now: datetime) -> None:
    if enrollment.status != lifecycle.FINISHED:
        finish(session, load(session, enrollment), "removed", now)


def send_now(session: Session, enrollment: Enrollment, now: datetime) -> StepExecution:
    """The next email goes at the next dispatcher tick (still within caps and stop rules)."""
    if enrollment.status != lifecycle.ACTIVE:
        raise Refused(409, f"the enrollment is {enrollment.status}, not active")
    execution = session.scalars(
        select(StepExecution).where(
            StepExecution.enrollment_id == enrollment.id,
            StepExecution.kind == "email",
            StepExecution.state.in_(lifecycle.CLAIMABLE),
        )
    ).first()
    if execution is None:
        raise Refused(409, "no email is waiting to be sent")
    execution.due_at = now
    enrollment.next_action_at = now
    enrollment.delay_reason = None
    return execution
