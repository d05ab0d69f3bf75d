"""Stop rules for what arrives in a mailbox: replies, out-of-office, bounces, unsubscribes.

The mailboxes feature reads and classifies the mail; `apply_inbound` decides what it does to the
person's enrollments (`lifecycle.decide_inbound`) and writes it, with its events.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import String
from sqlalchemy import cast
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.email_lookup.domains import is_personal_domain
from backend.sequences import lifecycle
from backend.sequences.contacts import with_address
from backend.sequences.plan import Loaded
from backend.sequences.plan import finish
from backend.sequences.plan import load
from backend.sequences.plan import open_executions
from backend.sequences.plan import pause
from backend.sequences.plan import record
from backend.sequences.suppressions import suppress
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import Event
from backend.store.models import Sequence
from backend.store.models import StepExecution


class InboundLike(Protocol):
    """`mailboxes.inbound.InboundMessage`, read by attribute."""

    kind: str
    mailbox_id: int
    from_addr: str
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str | None
    body_text: str | None
    received_at: datetime | None
    return_date: date | None
    bounced_address: str | None


def contacts_with_address(session: Session, account_id: int, address: str) -> list[Contact]:
    address = address.strip().lower()
    primary = list(session.scalars(with_address(account_id, address)))
    if primary:
        return primary
    # Other known addresses of a contact (the `emails` JSON list), narrowed in SQL first.
    quoted = f'"{address}"'
    candidates = session.scalars(
        select(Contact).where(
            Contact.account_id == account_id,
            func.lower(cast(Contact.emails, String)).contains(quoted, autoescape=True),
        )
    )
    return [c for c in candidates if address in (a.lower() for a in (c.emails or []))]


def live_enrollments(session: Session, contact_ids: list[int]) -> list[Enrollment]:
    if not contact_ids:
        return []
    return list(
        session.scalars(
            select(Enrollment)
            .where(Enrollment.contact_id.in_(contact_ids), Enrollment.status.in_(lifecycle.LIVE))
            .order_by(Enrollment.id)
        )
    )


def enrollment_by_thread(
    session: Session, account_id: int, message_ids: list[str]
) -> Enrollment | None:
    ids = [m.strip() for m in message_ids if m and m.strip()]
    if not ids:
        return None
    row = (
        session.execute(
            select(Enrollment)
            .join(StepExecution, StepExecution.enrollment_id == Enrollment.id)
            .where(StepExecution.message_id.in_(ids), Enrollment.account_id == account_id)
            .order_by(Enrollment.id.desc())
        )
        .scalars()
        .first()
    )
    return row


def finish_person(
    session: Session,
    account_id: int,
    address: str,
    outcome: str,
    now: datetime,
    *,
    event: str,
    data: dict[str, Any],
    key: str | None = None,
) -> list[int]:
    """Finish every live enrollment of the person at this address in the team."""
    contacts = contacts_with_address(session, account_id, address)
    finished = []
    for enrollment in live_enrollments(session, [c.id for c in contacts]):
        loaded = load(session, enrollment)
        record(session, loaded, event, now, key or now.isoformat(), **data)
        finish(session, loaded, outcome, now)
        finished.append(enrollment.id)
    return finished


def unsubscribe(session: Session, account_id: int, email: str, now: datetime) -> list[int]:
    """Suppress the address team-wide and finish the person's live enrollments."""
    suppress(session, account_id, email, "unsubscribed", now)
    return finish_person(
        session,
        account_id,
        email,
        "unsubscribed",
        now,
        event="unsubscribed",
        data={"email": email.strip().lower()},
        key=email.strip().lower(),
    )


def _had_reply(session: Session, enrollment_id: int) -> bool:
    return (
        session.scalar(
            select(Event.id)
            .where(Event.enrollment_id == enrollment_id, Event.type == "reply_received")
            .limit(1)
        )
        is not None
    )


def _person_enrollments(
    session: Session, account_id: int, inbound: InboundLike
) -> list[Enrollment]:
    """The live enrollments the message concerns: by thread first, else by sender address."""
    threaded = enrollment_by_thread(
        session, account_id, [inbound.in_reply_to or "", *inbound.references]
    )
    contact_ids = [threaded.contact_id] if threaded is not None else []
    address = inbound.bounced_address if inbound.kind.startswith("bounce") else inbound.from_addr
    if address:
        contact_ids += [c.id for c in contacts_with_address(session, account_id, address)]
    live = live_enrollments(session, sorted(set(contact_ids)))
    if not live and threaded is not None and inbound.kind == "reply":
        return [threaded]  # a later reply after the stop still lands on the activity feed
    return live


PAUSABLE = (lifecycle.PENDING, lifecycle.ACTIVE, lifecycle.WAITING_TASK)


def apply_inbound(session: Session, account_id: int, inbound: InboundLike, now: datetime) -> None:
    """Apply one classified inbound message to the person's enrollments in the team: for each,
    `lifecycle.decide_inbound` decides and this writes what it decided."""
    enrollments = _person_enrollments(session, account_id, inbound)
    key = inbound.message_id or f"{inbound.mailbox_id}:{inbound.received_at}"
    decisions = []
    for enrollment in enrollments:
        loaded = load(session, enrollment)
        decision = _decide(inbound, now, loaded.context.zone, _soft_bounces(session, enrollment.id))
        _apply(session, loaded, decision, inbound, key, now)
        decisions.append(decision)
    if inbound.kind == "reply" and inbound.from_addr and enrollments:
        # Only a reply from someone in a sequence: anyone else at the company (a client, a
        # colleague writing to the recruiter) says nothing about the people being contacted.
        stop_company(session, account_id, inbound.from_addr, now, key)
    if not enrollments:  # nobody in a sequence: the address may still be suppressed
        decisions.append(_decide(inbound, now, ZoneInfo("UTC"), 0))
    reason = next((d.suppress for d in decisions if d.suppress), None)
    address = inbound.bounced_address if inbound.kind.startswith("bounce") else inbound.from_addr
    if reason and address:
        suppress(session, account_id, address, reason, now)


def _decide(
    inbound: InboundLike, now: datetime, zone: ZoneInfo, soft_bounces: int
) -> lifecycle.InboundDecision:
    return lifecycle.decide_inbound(
        inbound.kind,
        now=now,
        return_date=inbound.return_date,
        zone=zone,
        soft_bounces_so_far=soft_bounces,
    )


def _apply(
    session: Session,
    loaded: Loaded,
    decision: lifecycle.InboundDecision,
    inbound: InboundLike,
    key: str,
    now: datetime,
) -> None:
    """Write one enrollment's decision, with the event it names (keeping what the message was)."""
    if decision.pause_until is not None and loaded.enrollment.status not in PAUSABLE:
        return  # already paused or stopped
    if decision.event:
        record(session, loaded, decision.event, now, key, **_event_data(session, loaded, inbound))
    if decision.pause_until is not None:
        pause(session, loaded, "ooo", now, resume_at=decision.pause_until, detail="out of office")
    elif decision.retry_after is not None:
        _count_soft_bounce(session, loaded, inbound, now + decision.retry_after)
    elif decision.finish_outcome:
        finish(session, loaded, decision.finish_outcome, now)


def _event_data(session: Session, loaded: Loaded, inbound: InboundLike) -> dict[str, Any]:
    """What the event keeps of the message (DESIGN.md: a reply's message_id, subject, body,
    first)."""
    if inbound.kind == "reply":
        return {
            "message_id": inbound.message_id,
            "subject": inbound.subject,
            "body": inbound.body_text,
            "first": not _had_reply(session, loaded.enrollment.id),
            "from": inbound.from_addr,
        }
    if inbound.kind == "auto_reply":
        return_date = inbound.return_date.isoformat() if inbound.return_date else None
        return {
            "message_id": inbound.message_id,
            "subject": inbound.subject,
            "return_date": return_date,
        }
    return {"reason": inbound.kind, "message_id": inbound.message_id}


SOFT_BOUNCE = "soft bounce"


def _soft_bounces(session: Session, enrollment_id: int) -> int:
    """Soft bounces so far: each one is noted on the execution that bounced."""
    return len(
        session.scalars(
            select(StepExecution.id).where(
                StepExecution.enrollment_id == enrollment_id,
                StepExecution.last_error.like(f"{SOFT_BOUNCE}%"),
            )
        ).all()
    )


def _count_soft_bounce(
    session: Session, loaded: Loaded, inbound: InboundLike, later: datetime
) -> None:
    """A soft bounce: noted on the bounced send; the next step waits until `later`."""
    ids = [m for m in (inbound.in_reply_to, *inbound.references) if m]
    bounced = session.scalars(
        select(StepExecution)
        .where(
            StepExecution.enrollment_id == loaded.enrollment.id,
            StepExecution.state == lifecycle.SENT,
            StepExecution.message_id.in_(ids) if ids else StepExecution.id.is_not(None),
        )
        .order_by(StepExecution.step_index.desc())
    ).first()
    if bounced is not None:
        bounced.last_error = f"{SOFT_BOUNCE}: {inbound.subject or ''}"[:500]
    for execution in open_executions(session, loaded.enrollment.id):
        if execution.state in lifecycle.CLAIMABLE and execution.due_at < later:
            execution.due_at = later
            loaded.enrollment.next_action_at = later
            loaded.enrollment.delay_reason = "the last email soft-bounced; waiting before the next"


def stop_company(session: Session, account_id: int, sender: str, now: datetime, key: str) -> None:
    """Sequences with "stop on company reply" stop everyone at the sender's company domain
    (never for free-mail domains, where a shared domain says nothing about a company)."""
    domain = sender.strip().lower().rpartition("@")[2]
    if not domain or is_personal_domain(domain):
        return
    rows = session.execute(
        select(Enrollment, Sequence)
        .join(Contact, Contact.id == Enrollment.contact_id)
        .join(Sequence, Sequence.id == Enrollment.sequence_id)
        .where(
            Enrollment.account_id == account_id,
            Enrollment.status.in_(lifecycle.LIVE),
            func.lower(Contact.email).endswith(f"@{domain}", autoescape=True),
        )
    ).all()
    for enrollment, sequence in rows:
        if (sequence.settings or {}).get("stop_on_company_reply"):
            finish(
                session,
                load(session, enrollment),
                "removed",
                now,
                reason=f"someone at {domain} replied",
                reply_key=key,
            )
