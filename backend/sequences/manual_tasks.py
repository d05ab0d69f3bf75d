"""Manual task steps (call, LinkedIn message, custom): listed per user, completed or skipped,
which moves the enrollment on to its next step."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.sequences import lifecycle
from backend.sequences.errors import Refused
from backend.sequences.plan import load
from backend.sequences.plan import record
from backend.sequences.plan import schedule_step
from backend.sequences.steps import TASK_WORDS
from backend.sequences.steps import Step
from backend.sequences.steps import steps_from_json
from backend.sequences.views import contact_fields
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import Sequence
from backend.store.models import SequenceVersion
from backend.store.models import StepExecution

VIEWS = ("due", "upcoming", "completed")
COMPLETED, SKIPPED, DUE = "completed", "skipped", "due"
MAX_NOTE_CHARS = 5000


def list_tasks(
    session: Session,
    account_id: int,
    *,
    view: str,
    now: datetime,
    user_id: int | None = None,
    after_id: int = 0,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Tasks of the team (or of the user's sequences and adds), oldest first, id-paged."""
    query = (
        select(StepExecution, Enrollment, Contact, Sequence)
        .join(Enrollment, Enrollment.id == StepExecution.enrollment_id)
        .join(Contact, Contact.id == Enrollment.contact_id)
        .join(Sequence, Sequence.id == Enrollment.sequence_id)
        .where(
            Enrollment.account_id == account_id,
            StepExecution.kind == "task",
            StepExecution.id > after_id,
        )
        .order_by(StepExecution.id)
        .limit(limit)
    )
    if view == "due":
        query = query.where(StepExecution.state == DUE)
    elif view == "upcoming":
        query = query.where(
            StepExecution.state.in_(lifecycle.CLAIMABLE), Enrollment.status.in_(lifecycle.LIVE)
        )
    else:
        query = query.where(StepExecution.state.in_((COMPLETED, SKIPPED)))
    if user_id is not None:
        query = query.where(or_(Enrollment.added_by == user_id, Sequence.created_by == user_id))
    rows = session.execute(query).all()
    version_ids = {e.version_id for _, e, _, _ in rows if e.version_id}
    steps = {  # the page's versions in one query, not one per task
        v.id: steps_from_json(v.steps)
        for v in (
            session.scalars(select(SequenceVersion).where(SequenceVersion.id.in_(version_ids)))
            if version_ids
            else []
        )
    }
    return [
        task_view(x, e, c, s, steps.get(e.version_id or 0, [])[x.step_index]) for x, e, c, s in rows
    ]


def task_view(
    execution: StepExecution,
    enrollment: Enrollment,
    contact: Contact,
    sequence: Sequence,
    step: Step,
) -> dict[str, Any]:
    return {
        "id": execution.id,
        "task_type": step.task_type,
        "instructions": step.instructions,
        "state": execution.state,
        "contact": contact_fields(contact),
        "sequence": {"id": sequence.id, "name": sequence.name},
        "enrollment_id": enrollment.id,
        "due_at": execution.due_at.isoformat(),
        "completed_at": execution.completed_at.isoformat() if execution.completed_at else None,
        "note": execution.note,
    }


def _task(session: Session, account_id: int, task_id: int) -> tuple[StepExecution, Enrollment]:
    execution = session.get(StepExecution, task_id)
    enrollment = session.get(Enrollment, execution.enrollment_id) if execution else None
    if (
        execution is None
        or execution.kind != "task"
        or enrollment is None
        or (enrollment.account_id != account_id)
    ):
        raise Refused(404, f"No task {task_id}.")
    if execution.state in (COMPLETED, SKIPPED):
        raise Refused(409, f"the task is already {execution.state}")
    if execution.state not in (DUE, *lifecycle.CLAIMABLE) or enrollment.status == (
        lifecycle.FINISHED
    ):
        raise Refused(409, "the enrollment has stopped; nothing to do")
    return execution, enrollment


def finish_task(
    session: Session,
    account_id: int,
    task_id: int,
    *,
    user_id: int | None,
    now: datetime,
    skipped: bool = False,
    note: str | None = None,
) -> dict[str, Any]:
    """Complete (with a note) or skip a task; the enrollment moves on to its next step."""
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise Refused(422, f"at most {MAX_NOTE_CHARS} characters", "note")
    execution, enrollment = _task(session, account_id, task_id)
    loaded = load(session, enrollment)
    step = loaded.steps[execution.step_index]
    execution.state = SKIPPED if skipped else COMPLETED
    execution.completed_at = now
    execution.completed_by = user_id
    execution.note = None if skipped else (note or None)
    record(
        session,
        loaded,
        "task_skipped" if skipped else "task_completed",
        now,
        str(execution.step_index),
        task_id=execution.id,
        task_type=step.task_type,
        task_words=TASK_WORDS.get(step.task_type, "Task"),
        instructions=step.instructions,
        note=execution.note,
        sequence_name=loaded.sequence.name,
        by=user_id,
    )
    if enrollment.status in (lifecycle.ACTIVE, lifecycle.WAITING_TASK):
        schedule_step(session, loaded, execution.step_index + 1, now, now)
    else:
        enrollment.current_step = execution.step_index + 1  # picked up when it resumes
    return task_view(execution, enrollment, loaded.contact, loaded.sequence, step)
