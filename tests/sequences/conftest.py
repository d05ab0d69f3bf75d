"""Fixtures for the sequence tests: a real database (SQLite file, or PostgreSQL under CI), a team
with a user and a mailbox, and sequences built through the feature's own functions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import delete

from backend.mailboxes.inbound import InboundKind
from backend.mailboxes.inbound import InboundMessage
from backend.mailboxes.outcome import SendOutcome
from backend.sequences.authoring import create_sequence
from backend.store import Base
from backend.store.database import Database
from backend.store.models import Account
from backend.store.models import Mailbox
from backend.store.models import User

ALWAYS_OPEN = {
    "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    "windows": [["00:00", "24:00"]],
}
TWO_EMAILS = [
    {
        "kind": "email",
        "subject": "Hello {{ first_name }}",
        "body": "Hi {{ first_name }}, about {{ company }}.\n{{ sender_first_name }}",
        "wait": {"amount": 0, "unit": "minutes"},
    },
    {
        "kind": "email",
        "body": "Following up, {{ first_name }}.",
        "wait": {"amount": 2, "unit": "days"},
    },
]


@dataclass(frozen=True)
class Team:
    account_id: int
    user_id: int
    mailbox_id: int


SENT = SendOutcome("sent", "250 2.0.0 OK")
"""The mailbox sender's outcome for a submission the server accepted."""


def inbound(kind: InboundKind, from_addr: str, **fields: Any) -> InboundMessage:
    """The mailbox poller's classified message, with plain defaults for what a test leaves out."""
    defaults: dict[str, Any] = {
        "mailbox_id": 0,
        "message_id": "<reply-1@mail.example>",
        "in_reply_to": None,
        "references": (),
        "subject": "Re: Hello",
        "body_text": "Sounds good",
        "received_at": datetime(2026, 6, 8, 11, tzinfo=UTC),
    }
    return InboundMessage(kind, from_addr=from_addr, **{**defaults, **fields})


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    with database.session() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))
    database.dispose()


def add_team(
    db: Database, name: str = "Team", *, daily_cap: int = 200, min_gap: int = 0, **account: Any
) -> Team:
    with db.session() as session:
        team = Account(name=name, **account)
        session.add(team)
        session.flush()
        user = User(
            account_id=team.id,
            email=f"grace@{name.lower()}.example",
            role="admin",
            name="Grace Hopper",
        )
        session.add(user)
        session.flush()
        mailbox = Mailbox(
            account_id=team.id,
            user_id=user.id,
            address=f"grace@{name.lower()}.example",
            display_name="Grace Hopper",
            smtp={"host": "127.0.0.1", "port": 1, "security": "none", "username": "grace"},
            imap={"host": "127.0.0.1", "port": 1, "security": "none", "username": "grace"},
            daily_cap=daily_cap,
            min_gap_seconds=min_gap,
            status="ok",
        )
        session.add(mailbox)
        session.flush()
        return Team(team.id, user.id, mailbox.id)


@pytest.fixture
def team(db: Database) -> Team:
    return add_team(db)


def add_sequence(db: Database, team: Team, steps: list[dict] | None = None, **extra: Any) -> int:
    with db.session() as session:
        sequence = create_sequence(
            session,
            team.account_id,
            team.user_id,
            {
                "name": "Backend engineers",
                "mailbox_id": team.mailbox_id,
                "steps": steps or TWO_EMAILS,
                "schedule": ALWAYS_OPEN,
                **extra,
            },
            at(2026, 6, 1),
        )
        return sequence.id
