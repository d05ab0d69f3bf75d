"""Addresses and domains the team never emails again (unsubscribed, bounced, blocked)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.sequences.errors import Refused
from backend.sequences.lifecycle import Suppressed
from backend.store.models import Suppression

REASONS = ("unsubscribed", "bounced", "blocked")


def normalise(value: str) -> tuple[str, str]:
    """(kind, value): an address or a bare domain, lower-cased."""
    cleaned = value.strip().lower().lstrip("@")
    if not cleaned or len(cleaned) > 320 or any(c.isspace() for c in cleaned):
        raise Refused(422, "give an email address or a domain", "value")
    if "@" in cleaned:
        local, _, domain = cleaned.rpartition("@")
        if not local or "." not in domain:
            raise Refused(422, "not an email address", "value")
        return "email", cleaned
    if "." not in cleaned:
        raise Refused(422, "not a domain", "value")
    return "domain", cleaned


def suppression_of(session: Session, account_id: int, email: str) -> Suppressed | None:
    """Why this address may not be emailed (its own entry, else its domain's), or None."""
    address = email.strip().lower()
    domain = address.rpartition("@")[2]
    rows = session.execute(
        select(Suppression.kind, Suppression.reason).where(
            Suppression.account_id == account_id, Suppression.value.in_([address, domain])
        )
    ).all()
    for kind, reason in sorted(rows, key=lambda row: row[0] != "email"):
        return Suppressed(reason, by_domain=kind != "email")
    return None


def suppression_reason(session: Session, account_id: int, email: str) -> str | None:
    """The same, in words ("bounced (domain)")."""
    found = suppression_of(session, account_id, email)
    return str(found) if found else None


def suppress(
    session: Session,
    account_id: int,
    value: str,
    reason: str,
    now: datetime,
    created_by: int | None = None,
) -> Suppression:
    """Add (or keep) a suppression; an existing entry keeps its first reason."""
    if reason not in REASONS:
        raise Refused(422, f"one of {', '.join(REASONS)}", "reason")
    kind, cleaned = normalise(value)
    existing = session.scalars(
        select(Suppression).where(
            Suppression.account_id == account_id, Suppression.value == cleaned
        )
    ).first()
    if existing is not None:
        return existing
    row = Suppression(
        account_id=account_id,
        kind=kind,
        value=cleaned,
        reason=reason,
        created_by=created_by,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another transaction added it first
        return session.scalars(
            select(Suppression).where(
                Suppression.account_id == account_id, Suppression.value == cleaned
            )
        ).one()
    return row
