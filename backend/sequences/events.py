"""The append-only events log: each event once (dedupe key), read by consumers with a cursor.

A consumer calls `read_events` inside the transaction in which it acts on them: the cursor moves
in that same transaction, so a consumer that fails and is retried reads the batch again, and one
that committed never sees it twice. On PostgreSQL, writers of events take a transaction-scoped
advisory lock, so event ids become visible in id order and a reader never skips one that was
still being written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import update
from sqlalchemy.orm import Session

from backend.store.conflicts import insert_for
from backend.store.models import Event
from backend.store.models import EventCursor

EVENT_TYPES = (
    "enrolled",
    "email_sent",
    "reply_received",
    "auto_reply_received",
    "bounced",
    "unsubscribed",
    "task_due",
    "task_completed",
    "task_skipped",
    "paused",
    "resumed",
    "finished",
)
_EVENTS_LOCK = 0x5EC_E7E7  # advisory lock key that orders event writers on PostgreSQL


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def append_event(
    session: Session,
    *,
    account_id: int,
    type: str,
    at: datetime,
    dedupe_key: str,
    enrollment_id: int | None = None,
    contact_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> bool:
    """Record an event unless one with this dedupe key exists; True when it was new."""
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type!r}")
    if _is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _EVENTS_LOCK})
    statement = (
        insert_for(session, Event)
        .values(
            account_id=account_id,
            enrollment_id=enrollment_id,
            contact_id=contact_id,
            type=type,
            at=at,
            data=data or {},
            dedupe_key=dedupe_key[:400],
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )
    return session.execute(statement).rowcount == 1


@dataclass(frozen=True)
class EventView:
    id: int
    type: str
    at: datetime
    account_id: int
    enrollment_id: int | None
    contact_id: int | None
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "at": self.at.isoformat(),
            "enrollment_id": self.enrollment_id,
            "contact_id": self.contact_id,
            "data": self.data,
        }


def view(event: Event) -> EventView:
    return EventView(
        event.id,
        event.type,
        event.at,
        event.account_id,
        event.enrollment_id,
        event.contact_id,
        dict(event.data or {}),
    )


def read_events(session: Session, consumer: str, limit: int) -> list[EventView]:
    """The next events after the consumer's cursor, moving it past them (uncommitted).

    The cursor row is written first, so two processes reading as one consumer queue up behind
    each other instead of both getting the same batch.
    """
    statement = (
        insert_for(session, EventCursor)
        .values(consumer=consumer, last_event_id=0)
        .on_conflict_do_nothing(index_elements=["consumer"])
    )
    session.execute(statement)
    session.execute(
        update(EventCursor)
        .where(EventCursor.consumer == consumer)
        .values(last_event_id=EventCursor.last_event_id)
        .execution_options(synchronize_session=False)
    )  # takes the row (PostgreSQL) or the write lock (SQLite) until this transaction ends
    last = session.scalar(select(EventCursor.last_event_id).where(EventCursor.consumer == consumer))
    rows = session.scalars(
        select(Event).where(Event.id > (last or 0)).order_by(Event.id).limit(limit)
    ).all()
    if rows:
        session.execute(
            update(EventCursor)
            .where(EventCursor.consumer == consumer)
            .values(last_event_id=rows[-1].id, updated_at=func.now())
            .execution_options(synchronize_session=False)
        )
    return [view(row) for row in rows]


def events_of(
    session: Session,
    *,
    enrollment_id: int | None = None,
    contact_id: int | None = None,
    limit: int = 200,
) -> list[EventView]:
    query = select(Event).order_by(Event.id)
    if enrollment_id is not None:
        query = query.where(Event.enrollment_id == enrollment_id)
    if contact_id is not None:
        query = query.where(Event.contact_id == contact_id)
    return [view(row) for row in session.scalars(query.limit(limit))]
