"""The dispatcher: claim due sends across any number of consumers, record what happened.

Sending at most once (DESIGN.md decision 10, reference §5.6): a claim marks the execution
`sending`, freezes its subject and body, reserves a slot in the mailbox's cap and commits before
any network call. The claim is one UPDATE that takes the rows (`FOR UPDATE SKIP LOCKED` on
PostgreSQL; on SQLite the UPDATE itself takes the database's single write lock), so two consumers
never get one execution; the mailbox row is locked while its cap is checked, so caps hold across
consumers. The stop rules are re-checked inside that same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import Any
from typing import Protocol

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from backend import defaults
from backend.sequences import lifecycle
from backend.sequences.caps import CapCheck
from backend.sequences.caps import CapPolicy
from backend.sequences.caps import next_allowed
from backend.sequences.inbound_rules import finish_person
from backend.sequences.plan import NO_WINDOW
from backend.sequences.plan import Loaded
from backend.sequences.plan import finish
from backend.sequences.plan import load
from backend.sequences.plan import pause
from backend.sequences.plan import record
from backend.sequences.plan import schedule_step
from backend.sequences.schedule import NoOpenSlot
from backend.sequences.schedule import next_open_slot
from backend.sequences.schedule import spread_over_opening
from backend.sequences.suppressions import suppress
from backend.sequences.suppressions import suppression_of
from backend.sequences.templates import MissingValue
from backend.sequences.templates import TemplateError
from backend.sequences.templates import contact_values
from backend.sequences.templates import render_email
from backend.store.models import Enrollment
from backend.store.models import Mailbox
from backend.store.models import MailboxSend
from backend.store.models import Sequence
from backend.store.models import StepExecution

OUTSIDE_WINDOW = "outside the send window"


@dataclass(frozen=True)
class OutgoingDraft:
    """Everything of `mailboxes.message.OutgoingEmail` except the unsubscribe URL, which the
    edge signs (it holds the secret key)."""

    message_id: str
    from_addr: str
    from_name: str | None
    to_addr: str
    to_name: str | None
    subject: str
    text_body: str
    in_reply_to: str | None
    references: tuple[str, ...]
    reply_to: str | None


@dataclass(frozen=True)
class ClaimedSend:
    execution_id: int
    mailbox_id: int
    account_id: int
    email: OutgoingDraft


class SendOutcomeLike(Protocol):
    """`mailboxes.outcome.SendOutcome`, read by attribute."""

    kind: str
    detail: str
    retry_at: datetime | None


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _claim_ids(session: Session, now: datetime, worker: str, limit: int, kind: str) -> list[int]:
    """Take up to `limit` due executions of `kind` in one statement; the ids taken."""
    due = (
        select(StepExecution.id)
        .where(
            StepExecution.state.in_(lifecycle.CLAIMABLE),
            StepExecution.due_at <= now,
            StepExecution.kind == kind,
        )
        .order_by(StepExecution.due_at, StepExecution.id)
        .limit(limit)
    )
    if _is_postgres(session):
        due = due.with_for_update(skip_locked=True)
    statement = (
        update(StepExecution)
        .where(
            StepExecution.id.in_(due.scalar_subquery()),
            StepExecution.state.in_(lifecycle.CLAIMABLE),
        )
        .values(
            state=lifecycle.CLAIMED,
            lease_owner=worker,
            lease_until=now + defaults.SEQUENCE_LEASE,
            attempts=StepExecution.attempts + 1,
        )
        .returning(StepExecution.id)
        .execution_options(synchronize_session=False)
    )
    return list(session.execute(statement).scalars())


def _lock_mailbox(session: Session, mailbox_id: int) -> Mailbox | None:
    query = select(Mailbox).where(Mailbox.id == mailbox_id)
    if _is_postgres(session):
        query = query.with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).first()


def recent_sends(session: Session, mailbox_id: int, now: datetime, window) -> list[datetime]:  # type: ignore[no-untyped-def]
    return list(
        session.scalars(
            select(MailboxSend.sent_at).where(
                MailboxSend.mailbox_id == mailbox_id, MailboxSend.sent_at > now - window
            )
        )
    )


def cap_policy(mailbox: Mailbox) -> CapPolicy:
    return CapPolicy.for_mailbox(mailbox.daily_cap, mailbox.min_gap_seconds)


def _put_back(execution: StepExecution, loaded: Loaded, due: datetime, reason: str | None) -> None:
    execution.state = lifecycle.SCHEDULED
    execution.due_at = due
    execution.lease_owner = None
    execution.lease_until = None
    execution.attempts = max(0, execution.attempts - 1)  # a deferral is not an attempt
    loaded.enrollment.next_action_at = due
    loaded.enrollment.delay_reason = reason


def _spacing(policy: CapPolicy) -> timedelta:
    """The mailbox's steady pace: its minimum gap, or its tightest cap spread over its window."""
    spreads = [limit.window / limit.count for limit in policy.limits if limit.count > 0]
    return max([policy.min_gap, *spreads])


def _defer(session: Session, execution: StepExecution, until: datetime, reason: str) -> None:
    """Put a claimed send back until `until` without re-reading what it depends on."""
    execution.state = lifecycle.SCHEDULED
    execution.due_at = max(execution.due_at, until)
    execution.lease_owner = None
    execution.lease_until = None
    execution.attempts = max(0, execution.attempts - 1)
    session.execute(
        update(Enrollment)
        .where(Enrollment.id == execution.enrollment_id)
        .values(next_action_at=execution.due_at, delay_reason=reason)
        .execution_options(synchronize_session=False)
    )


def _auto_resume(session: Session, loaded: Loaded, now: datetime) -> None:
    """A pause with a resume instant (out of office) ends when its step is claimed."""
    enrollment = loaded.enrollment
    if (
        enrollment.status == lifecycle.PAUSED
        and enrollment.resume_at is not None
        and enrollment.resume_at <= now
    ):
        enrollment.status = lifecycle.ACTIVE
        enrollment.paused_reason = None
        enrollment.resume_at = None
        record(session, loaded, "resumed", now, now.isoformat(), reason="resume date reached")


def _prepare(
    session: Session,
    execution: StepExecution,
    mailbox: Mailbox | None,
    now: datetime,
    policy_for: Any,
) -> ClaimedSend | CapCheck | None:
    """Re-check everything for one claimed execution: a ClaimedSend when it may go now, the
    CapCheck when the mailbox's cap holds it back, else None."""
    enrollment = session.get(Enrollment, execution.enrollment_id)
    assert enrollment is not None
    loaded = load(session, enrollment)
    _auto_resume(session, loaded, now)
    sequence: Sequence = loaded.sequence
    verdict = lifecycle.check_guard(
        lifecycle.Guard(
            enrollment_status=enrollment.status,
            current_step=enrollment.current_step,
            step_index=execution.step_index,
            suppressed=suppression_of(session, enrollment.account_id, loaded.contact.email),  # type: ignore[arg-type]
            sequence_paused=sequence.status == "paused" or sequence.deleted_at is not None,
            mailbox_status=mailbox.status if mailbox else "auth_error",
            mailbox_paused_until=mailbox.paused_until if mailbox else None,
            replied_since_last_send=False,  # a reply finishes the enrollment when it is read
        ),
        now,
    )
    if not verdict.send:
        if verdict.park:
            _put_back(execution, loaded, execution.due_at, enrollment.paused_reason)
            execution.state = lifecycle.PARKED
        elif verdict.cancel:
            execution.state = lifecycle.CANCELED
            execution.lease_owner = None
            if verdict.finish_outcome:
                finish(session, loaded, verdict.finish_outcome, now, reason=verdict.reason)
        elif verdict.pause_reason:
            _put_back(execution, loaded, execution.due_at, verdict.reason)
            pause(session, loaded, verdict.pause_reason, now, detail=verdict.reason)
        else:
            _put_back(execution, loaded, verdict.delay_until or now, verdict.reason)
        return None
    assert mailbox is not None
    context = loaded.context
    try:
        slot = next_open_slot(now, context.schedule, context.zone, context.calendar)
    except NoOpenSlot:
        _put_back(execution, loaded, execution.due_at, NO_WINDOW)
        pause(session, loaded, "schedule", now, detail=NO_WINDOW)
        return None
    if slot.at > now:
        due = spread_over_opening(
            slot, execution.message_id or "", defaults.SEQUENCE_OPENING_SPREAD
        )
        _put_back(execution, loaded, due, OUTSIDE_WINDOW)
        return None
    policy: CapPolicy = policy_for(mailbox)
    check = next_allowed(
        recent_sends(session, mailbox.id, now, policy.longest_window), now, policy, str(mailbox.id)
    )
    if check.reason is not None:
        try:
            later = next_open_slot(
                check.allowed_at, context.schedule, context.zone, context.calendar
            ).at
        except NoOpenSlot:
            later = check.allowed_at
        _put_back(execution, loaded, later, check.reason)
        return CapCheck(later, check.reason)
    step = loaded.steps[execution.step_index]
    try:
        rendered = render_email(
            step.subject,
            step.body,
            contact_values(loaded.contact, mailbox.display_name),
        )
    except (MissingValue, TemplateError) as problem:
        _put_back(execution, loaded, execution.due_at, problem.reason)
        pause(session, loaded, "missing_data", now, detail=problem.reason)
        return None
    subject = rendered.subject
    if step.thread == "reply" and enrollment.thread_subject:
        subject = enrollment.thread_subject
        if not subject.lower().startswith("re:"):
            subject = f"Re: {subject}"
    body = rendered.body  # the mailbox's signature and opt-out line are added when composed
    execution.subject = subject
    execution.body = body
    execution.state = lifecycle.SENDING
    enrollment.delay_reason = None
    session.add(MailboxSend(mailbox_id=mailbox.id, sent_at=now, step_execution_id=execution.id))
    session.flush()  # the next claim in this batch sees the reservation
    contact = loaded.contact
    to_name = " ".join(p for p in (contact.first_name, contact.last_name) if p) or None
    return ClaimedSend(
        execution_id=execution.id,
        mailbox_id=mailbox.id,
        account_id=enrollment.account_id,  # type: ignore[arg-type]
        email=OutgoingDraft(
            message_id=execution.message_id or "",
            from_addr=mailbox.address,
            from_name=mailbox.display_name,
            to_addr=contact.email,
            to_name=to_name,
            subject=subject,
            text_body=body,
            in_reply_to=execution.in_reply_to,
            references=tuple((execution.references or "").split()),
            reply_to=mailbox.reply_to,
        ),
    )


def claim_due_sends(
    session: Session,
    now: datetime,
    worker: str,
    limit: int = defaults.SEQUENCE_CLAIM_BATCH,
    *,
    policy_for: Any = cap_policy,
) -> list[ClaimedSend]:
    """Claim due email sends, re-check them, mark the ones that may go `sending`, commit.

    Commits what the session held before, so the claim is the first statement of its own
    transaction (on SQLite that makes it take the write lock at once).
    """
    session.commit()
    ids = _claim_ids(session, now, worker, limit, "email")
    if not ids:
        session.commit()
        return []
    executions = session.scalars(
        select(StepExecution)
        .where(StepExecution.id.in_(ids))
        .execution_options(populate_existing=True)
    ).all()
    claimed: list[ClaimedSend] = []
    mailboxes: dict[int, Mailbox | None] = {}
    capped: dict[int, tuple[datetime, str, timedelta, int]] = {}
    # Lock mailboxes in id order so two consumers can never wait on each other in a cycle.
    for execution in sorted(executions, key=lambda e: (e.mailbox_id or 0, e.due_at, e.id)):
        mailbox_id = execution.mailbox_id or 0
        if mailbox_id not in mailboxes:
            mailboxes[mailbox_id] = _lock_mailbox(session, mailbox_id) if mailbox_id else None
        if mailbox_id in capped:
            # The cap is full: the rest of this mailbox waits, each for its likely turn, so the
            # next ticks do not claim (and put back) the whole backlog again.
            until, reason, spacing, queued = capped[mailbox_id]
            _defer(session, execution, until + spacing * queued, reason)
            capped[mailbox_id] = (until, reason, spacing, queued + 1)
            continue
        ready = _prepare(session, execution, mailboxes[mailbox_id], now, policy_for)
        if isinstance(ready, ClaimedSend):
            claimed.append(ready)
        elif isinstance(ready, CapCheck):
            spacing = _spacing(policy_for(mailboxes[mailbox_id]))
            capped[mailbox_id] = (ready.allowed_at, ready.reason or "", spacing, 1)
    session.commit()
    return claimed


def activate_due_tasks(session: Session, now: datetime, worker: str, limit: int = 500) -> int:
    """Manual task steps whose wait is over become due (the recruiter's task list); commits."""
    session.commit()
    ids = _claim_ids(session, now, worker, limit, "task")
    for execution in session.scalars(
        select(StepExecution)
        .where(StepExecution.id.in_(ids))
        .execution_options(populate_existing=True)
    ):
        enrollment = session.get(Enrollment, execution.enrollment_id)
        assert enrollment is not None
        loaded = load(session, enrollment)
        _auto_resume(session, loaded, now)
        if enrollment.status != lifecycle.ACTIVE or enrollment.current_step != execution.step_index:
            if enrollment.status == lifecycle.PAUSED:
                _put_back(execution, loaded, execution.due_at, enrollment.paused_reason)
                execution.state = lifecycle.PARKED
                continue
            execution.state = lifecycle.CANCELED
            continue
        execution.state = "due"
        execution.lease_owner = None
        enrollment.status = lifecycle.WAITING_TASK
        enrollment.next_action_at = execution.due_at
        step = loaded.steps[execution.step_index]
        record(
            session,
            loaded,
            "task_due",
            now,
            str(execution.step_index),
            task_id=execution.id,
            task_type=step.task_type,
            instructions=step.instructions,
        )
    session.commit()
    return len(ids)


# --- Results ---------------------------------------------------------------------------------


def _release_reservation(session: Session, execution_id: int) -> None:
    session.execute(delete(MailboxSend).where(MailboxSend.step_execution_id == execution_id))


def record_send_result(
    session: Session, execution_id: int, outcome: SendOutcomeLike, now: datetime
) -> None:
    """Apply one send's outcome (the mailbox sender's `SendOutcome`)."""
    execution = session.get(StepExecution, execution_id)
    if execution is None or execution.state not in (lifecycle.SENDING, lifecycle.UNKNOWN):
        return  # already settled (a reconciler and a late result can both arrive)
    enrollment = session.get(Enrollment, execution.enrollment_id)
    assert enrollment is not None
    loaded = load(session, enrollment)
    kind = outcome.kind
    if kind != "unknown":  # an unknown send keeps its lease times: the reconciler's clock
        execution.lease_owner = None
        execution.lease_until = None
    if kind == "sent":
        _mark_sent(session, loaded, execution, now)
    elif kind == "retry":
        _release_reservation(session, execution.id)
        execution.last_error = outcome.detail
        if execution.attempts >= defaults.SEQUENCE_MAX_ATTEMPTS:
            execution.state = lifecycle.FAILED
            finish(session, loaded, "failed", now, reason=outcome.detail)
        else:
            execution.state = lifecycle.RETRY
            execution.due_at = outcome.retry_at or now + defaults.SEQUENCE_RETRY_DELAY
            enrollment.next_action_at = execution.due_at
            enrollment.delay_reason = f"retrying: {outcome.detail}"
    elif kind == "unknown":
        execution.state = lifecycle.UNKNOWN
        execution.last_error = outcome.detail
    elif kind == "recipient_rejected":
        _release_reservation(session, execution.id)
        execution.state = lifecycle.FAILED
        execution.last_error = outcome.detail
        address = loaded.contact.email
        suppress(session, enrollment.account_id, address, "bounced", now)  # type: ignore[arg-type]
        finish_person(
            session,
            enrollment.account_id,
            address,
            "bounced",
            now,  # type: ignore[arg-type]
            event="bounced",
            data={"reason": outcome.detail, "hard": True},
        )
    elif kind == "mailbox_paused":
        _release_reservation(session, execution.id)
        execution.state = lifecycle.SCHEDULED
        execution.attempts = max(0, execution.attempts - 1)
        execution.due_at = outcome.retry_at or now + defaults.SEQUENCE_RETRY_DELAY
        enrollment.next_action_at = execution.due_at
        enrollment.delay_reason = outcome.detail or "mailbox paused"
    else:  # failed: the provider refused for good
        _release_reservation(session, execution.id)
        execution.state = lifecycle.FAILED
        execution.last_error = outcome.detail
        finish(session, loaded, "failed", now, reason=outcome.detail)


def _mark_sent(session: Session, loaded: Loaded, execution: StepExecution, now: datetime) -> None:
    enrollment = loaded.enrollment
    execution.state = lifecycle.SENT
    execution.sent_at = now
    session.execute(
        update(MailboxSend)
        .where(MailboxSend.step_execution_id == execution.id)
        .values(sent_at=now)
        .execution_options(synchronize_session=False)
    )
    step = loaded.steps[execution.step_index]
    if step.thread == "new" or enrollment.thread_message_id is None:
        enrollment.thread_message_id = execution.message_id
        enrollment.thread_subject = execution.subject
    mailbox = loaded.mailbox
    record(
        session,
        loaded,
        "email_sent",
        now,
        execution.message_id or str(execution.id),
        message_id=execution.message_id,
        subject=execution.subject,
        body=execution.body,
        step_index=execution.step_index,
        **{"from": mailbox.address if mailbox else None, "to": loaded.contact.email},
    )
    if enrollment.status == lifecycle.FINISHED:
        return  # stopped while the message was on its way
    schedule_step(session, loaded, execution.step_index + 1, now, now)


def executions_to_reconcile(session: Session, now: datetime) -> list[tuple[int, int, str]]:
    """(execution id, mailbox id, Message-ID) of sends whose fate is not known: an ambiguous
    outcome, or `sending` past its lease (the worker died)."""
    rows = session.execute(
        select(StepExecution.id, StepExecution.mailbox_id, StepExecution.message_id).where(
            (StepExecution.state == lifecycle.UNKNOWN)
            | ((StepExecution.state == lifecycle.SENDING) & (StepExecution.lease_until < now))
        )
    ).all()
    return [(row[0], row[1], row[2]) for row in rows if row[1] is not None and row[2]]


def settle_unsent(session: Session, execution_id: int, now: datetime) -> bool:
    """The Sent folder does not have it: after the grace period send again, same Message-ID.
    True when it was put back."""
    execution = session.get(StepExecution, execution_id)
    if execution is None or execution.state not in (lifecycle.SENDING, lifecycle.UNKNOWN):
        return False
    sending_since = (execution.lease_until or now) - defaults.SEQUENCE_LEASE
    if now - sending_since < defaults.SEQUENCE_RECONCILE_GRACE:
        execution.state = lifecycle.UNKNOWN  # a lapsed lease is never sent again directly
        return False
    _release_reservation(session, execution.id)
    execution.state = lifecycle.SCHEDULED
    execution.due_at = now
    execution.lease_owner = None
    execution.lease_until = None
    return True


def reap_stale_claims(session: Session, now: datetime) -> int:
    """`claimed` past its lease goes back to `scheduled` (nothing was sent). `sending` past its
    lease is the reconciler's (`executions_to_reconcile`): the message may have left."""
    back = session.execute(
        update(StepExecution)
        .where(StepExecution.state == lifecycle.CLAIMED, StepExecution.lease_until < now)
        .values(state=lifecycle.SCHEDULED, lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    return back
