"""Fixtures for the sequence tests: a real database (SQLite file, or PostgreSQL under CI), a team
with a user and a mailbox, and sequences built through the feature's own functions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import delete

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


@dataclass(frozen=True)
class SendOutcome:
    """The mailbox sender's outcome as the contract defines it (a plain value)."""

    kind: str
    detail: str = ""
    retry_at: datetime | None = None


@dataclass(frozen=True)
class Inbound:
    """A classified inbound message as the contract defines it (a plain value)."""

    kind: str
    from_addr: str
    mailbox_id: int = 0
    message_id: str | None = "<reply-1@mail.example>"
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    subject: str | None = "Re: Hello"
    body_text: str | None = "Sounds good"
    received_at: datetime | None = None
    return_date: date | None = None
    bounced_address: str | None = None


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
