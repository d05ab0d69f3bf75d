"""The outbox: sequence events become recorded Greenhouse actions, then are performed in order.

`decide_new_events` turns new events into `sync_jobs` rows (one per action, unique `dedupe_key`)
while the events log moves the 'greenhouse-sync' cursor in the same transaction, so an event is
acted on once whatever happens to the task. `perform_due` claims each contact's next due row
(attempt counted and committed before any request), performs it, and records ids, errors and the
contact's link.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from backend import defaults
from backend.sequences.events import EventView
from backend.sequences.events import read_events
from backend.store.conflicts import insert_for
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import Event
from backend.store.models import GreenhouseIntegration
from backend.store.models import SyncJob
from backend.store.models import utcnow
from backend.sync import rules
from backend.sync.actions import Action
from backend.sync.actions import action_from_payload
from backend.sync.executor import Executor
from backend.sync.executor import Link
from backend.sync.executor import Outcome
from backend.sync.executor import SyncFailed
from backend.sync.facts import contact_facts
from backend.sync.facts import enrollment_facts
from backend.sync.facts import settings_of
from backend.sync.failures import Failure

CONSUMER = "greenhouse-sync"
NO_RECORD = "The contact has no Greenhouse record"


# --- events → outbox rows ----------------------------------------------------------------------
def record_actions(
    session: Session,
    account_id: int,
    contact_id: int | None,
    actions: Iterable[Action],
    *,
    enrollment_id: int | None = None,
    event_id: int | None = None,
) -> int:
    """Insert one outbox row per action; a row with the same dedupe key already there wins."""
    rows = [
        {
            "account_id": account_id,
            "contact_id": contact_id,
            "enrollment_id": enrollment_id,
            "event_id": event_id,
            "dedupe_key": action.dedupe_key,
            "kind": action.kind,
            "payload": action.to_payload(),
            "status": "pending",
            "attempts": 0,
            "created_at": utcnow(),
            "updated_at": utcnow(),
        }
        for action in actions
    ]
    if not rows:
        return 0
    statement = insert_for(session, SyncJob).on_conflict_do_nothing(index_elements=["dedupe_key"])
    connection = session.connection()
    return sum(max(connection.execute(statement, row).rowcount, 0) for row in rows)


def decide_new_events(
    session: Session,
    is_connected: Callable[[int], bool],
    *,
    limit: int = defaults.SYNC_EVENTS_BATCH,
) -> int:
    """Decide about the events after the sync's cursor; rows and the cursor move together (the
    caller commits). Returns how many events were read."""
    events = read_events(session, CONSUMER, limit)
    settings_by_account: dict[int, rules.SyncSettings] = {}
    for event in events:
        account = event.account_id
        if account not in settings_by_account:
            row = session.get(GreenhouseIntegration, account)
            settings_by_account[account] = settings_of(row, connected=is_connected(account))
        decide_event(session, settings_by_account[account], event)
        session.flush()  # the next event of this contact sees these rows ("linked")
    return len(events)


def decide_event(session: Session, settings: rules.SyncSettings, event: EventView) -> int:
    contact = session.get(Contact, event.contact_id) if event.contact_id else None
    if contact is None or contact.anonymised_at is not None:
        return 0
    enrollment = session.get(Enrollment, event.enrollment_id) if event.enrollment_id else None
    enrollment_info = enrollment_facts(enrollment, settings)
    facts = contact_facts(session, contact)
    earlier: tuple[rules.Event, ...] = ()
    if event.type == "reply_received" and not facts.linked and enrollment is not None:
        earlier = tuple(
            _plain(e)
            for e in session.scalars(
                select(Event)
                .where(
                    Event.enrollment_id == enrollment.id,
                    Event.type == "email_sent",
                    Event.id < event.id,
                )
                .order_by(Event.id)
            )
        )
    actions = rules.decide(settings, enrollment_info, facts, _plain(event), earlier_sent=earlier)
    if event.type == "enrolled" and not facts.linked:
        contact.sync_status = _status_when_added(settings, enrollment_info, actions)
    made = record_actions(
        session,
        event.account_id,
        contact.id,
        actions,
        enrollment_id=event.enrollment_id,
        event_id=event.id,
    )
    if made and contact.sync_status in (None, "skipped", "disabled", "synced"):
        contact.sync_status = "pending"
    return made


def _status_when_added(
    settings: rules.SyncSettings, enrollment: rules.EnrollmentFacts, actions: list[Action]
) -> str | None:
    if enrollment.sync_disabled:
        return "disabled"
    if not settings.connected or settings.sync_mode == "off":
        return "skipped"
    return "pending" if actions else None  # "only when they reply": nothing yet


def _plain(event: Event | EventView) -> rules.Event:
    return rules.Event(id=event.id, type=event.type, at=event.at, data=dict(event.data or {}))


# --- performing --------------------------------------------------------------------------------
@dataclass
class RunReport:
    performed: int = 0
    done: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    """30 s, 1 min, 2 min … capped at an hour; never sooner than Greenhouse's Retry-After."""
    initial = defaults.SYNC_BACKOFF_INITIAL.total_seconds()
    delay = min(initial * 2 ** max(attempts - 1, 0), defaults.SYNC_BACKOFF_MAX.total_seconds())
    return timedelta(seconds=max(delay, retry_after or 0.0))


def _due(now: datetime) -> Any:
    pending = and_(
        SyncJob.status == "pending",
        or_(SyncJob.next_attempt_at.is_(None), SyncJob.next_attempt_at <= now),
    )
    abandoned = and_(SyncJob.status == "running", SyncJob.next_attempt_at <= now)
    return or_(pending, abandoned)


def contacts_with_due_rows(
    session: Session, *, now: datetime, limit: int, account_id: int | None = None
) -> list[tuple[int, int]]:
    """(account_id, contact_id) with a due row, oldest first."""
    query = (
        select(SyncJob.account_id, SyncJob.contact_id, func.min(SyncJob.id))
        .where(_due(now), SyncJob.contact_id.is_not(None))
        .group_by(SyncJob.account_id, SyncJob.contact_id)
        .order_by(func.min(SyncJob.id))
        .limit(limit)
    )
    if account_id is not None:
        query = query.where(SyncJob.account_id == account_id)
    return [(a, c) for a, c, _ in session.execute(query)]


def claim_next(session: Session, contact_id: int, *, now: datetime) -> SyncJob | None:
    """The contact's next unfinished row if it is due, claimed (attempt counted) and committed.

    Rows of one contact run in order: while the first unfinished one waits (backoff, or another
    consumer holds it), the later ones wait too."""
    head = session.scalar(
        select(SyncJob)
        .where(SyncJob.contact_id == contact_id, SyncJob.status.in_(("pending", "running")))
        .order_by(SyncJob.id)
        .limit(1)
    )
    if head is None:
        return None
    lease_until = now + defaults.SYNC_LEASE
    claimed = session.execute(
        update(SyncJob)
        .where(SyncJob.id == head.id, _due(now))
        .values(
            status="running",
            attempts=SyncJob.attempts + 1,
            next_attempt_at=lease_until,
            updated_at=now,
        )  # fmt: skip
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if claimed.rowcount != 1:
        return None
    session.refresh(head)
    return head


def link_of(session: Session, contact: Contact) -> Link:
    created = session.scalar(
        select(SyncJob.greenhouse_ids)
        .where(
            SyncJob.contact_id == contact.id,
            SyncJob.kind == "ensure_person",
            SyncJob.status == "done",
        )
        .order_by(SyncJob.id)
        .limit(1)
    )
    return Link(
        contact.gh_candidate_id,
        contact.gh_application_id,
        created_here=bool(created and created.get("created")),
    )


def perform_contact(
    session: Session, executor: Executor, contact_id: int, *, now: Callable[[], datetime] = utcnow
) -> RunReport:
    """Perform the contact's due rows in order until one must wait."""
    report = RunReport()
    while True:
        job = claim_next(session, contact_id, now=now())
        if job is None:
            return report
        contact = session.get(Contact, contact_id)
        if contact is None:
            return report
        action = action_from_payload(job.kind, job.dedupe_key or "", job.payload)
        link = link_of(session, contact)
        report.performed += 1
        try:
            outcome = executor.perform(action, link, again=job.attempts > 1, since=job.created_at)
        except SyncFailed as failure:
            _record_failure(session, job, contact, failure, now())
            session.commit()
            if job.status == "failed":
                report.failed += 1
                report.errors.append(failure.message)
                continue
            report.retrying += 1
            return report
        _record_success(session, job, contact, action, outcome, executor, now())
        session.commit()
        report.done += 1


def perform_due(
    session: Session,
    executor_for: Callable[[int], Executor | None],
    *,
    now: Callable[[], datetime] = utcnow,
    limit_contacts: int = defaults.SYNC_BATCH_CONTACTS,
) -> RunReport:
    """One pass over the contacts with due rows (each contact's rows in order)."""
    total = RunReport()
    executors: dict[int, Executor | None] = {}
    for account_id, contact_id in contacts_with_due_rows(session, now=now(), limit=limit_contacts):
        if account_id not in executors:
            executors[account_id] = executor_for(account_id)
        executor = executors[account_id]
        if executor is None:
            _park_disconnected(session, account_id, now())
            session.commit()
            continue
        report = perform_contact(session, executor, contact_id, now=now)
        total.performed += report.performed
        total.done += report.done
        total.retrying += report.retrying
        total.failed += report.failed
        total.errors += report.errors
    return total


def _park_disconnected(session: Session, account_id: int, now: datetime) -> None:
    """Not connected any more: rows wait (an hour) instead of failing; Retry brings them back."""
    session.execute(
        update(SyncJob)
        .where(SyncJob.account_id == account_id, _due(now))
        .values(
            status="pending",
            next_attempt_at=now + defaults.SYNC_BACKOFF_MAX,
            last_error="Greenhouse is not connected",
            last_error_code=Failure.NOT_CONNECTED,
        )  # fmt: skip
        .execution_options(synchronize_session=False)
    )


def _record_success(
    session: Session,
    job: SyncJob,
    contact: Contact,
    action: Action,
    outcome: Outcome,
    executor: Executor,
    now: datetime,
) -> None:
    job.status, job.next_attempt_at, job.last_error, job.last_error_code = "done", None, None, None
    job.greenhouse_ids = outcome.greenhouse_ids
    job.request_summary = outcome.summary
    job.result = {"warning": outcome.warning} if outcome.warning else None
    job.updated_at = now
    link = outcome.link
    contact.gh_candidate_id = link.candidate_id
    contact.gh_application_id = link.application_id
    if outcome.target is not None:
        contact.gh_target = outcome.target.to_dict()
    session.flush()
    refresh_contact_status(session, contact)


def refresh_contact_status(session: Session, contact: Contact) -> None:
    """sync_status and error from the contact's rows: the latest failure in words, else the
    find-or-create's warning ("Exists in Greenhouse")."""
    failed = _open_error(session, contact.id)
    waiting = session.scalar(
        select(SyncJob.id)
        .where(SyncJob.contact_id == contact.id, SyncJob.status.in_(("pending", "running")))
        .limit(1)
    )
    if failed is not None:
        contact.sync_status = "failed"
    elif contact.gh_candidate_id is not None:
        contact.sync_status = "synced"
    elif waiting is not None:
        contact.sync_status = "pending"
    contact.sync_error = failed or _warning(session, contact.id)


def _warning(session: Session, contact_id: int) -> str | None:
    result = session.scalar(
        select(SyncJob.result)
        .where(
            SyncJob.contact_id == contact_id,
            SyncJob.kind == "ensure_person",
            SyncJob.status == "done",
        )
        .order_by(SyncJob.id.desc())
        .limit(1)
    )
    return (result or {}).get("warning")


def _record_failure(
    session: Session, job: SyncJob, contact: Contact, failure: SyncFailed, now: datetime
) -> None:
    job.last_error, job.last_error_code = failure.message, failure.code
    job.updated_at = now
    give_up = failure.permanent or job.attempts >= defaults.SYNC_MAX_ATTEMPTS
    if not give_up:
        job.status = "pending"
        job.next_attempt_at = now + backoff(job.attempts, failure.retry_after)
        return
    job.status, job.next_attempt_at = "failed", None
    if job.kind == "ensure_person":
        # Nothing that needs the record can happen: say why on each of them.
        session.execute(
            update(SyncJob)
            .where(
                SyncJob.contact_id == contact.id,
                SyncJob.status == "pending",
                SyncJob.kind != "ensure_person",
                SyncJob.id > job.id,
            )
            .values(
                status="failed",
                last_error=f"{NO_RECORD}: {failure.message}",
                last_error_code=Failure.NO_RECORD,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
    session.flush()
    contact.sync_status, contact.sync_error = "failed", failure.message


def _open_error(session: Session, contact_id: int) -> str | None:
    return session.scalar(
        select(SyncJob.last_error)
        .where(SyncJob.contact_id == contact_id, SyncJob.status == "failed")
        .order_by(SyncJob.id)  # the first failure is the cause of the ones after it
        .limit(1)
    )
