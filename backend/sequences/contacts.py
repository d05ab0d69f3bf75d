"""The team's contacts: search, read, correct, delete."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.sequences.errors import Refused
from backend.sequences.schedule import valid_zone
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import StepExecution

EDITABLE = {
    "first_name": 200,
    "last_name": 200,
    "company": 300,
    "title": 300,
    "linkedin_url": 400,
    "timezone": 64,
    "phone": 64,
    "location": 300,
}


def with_address(account_id: int, address: str) -> Select[tuple[Contact]]:
    """The team's contact at this address. Addresses are stored lower-cased (enrolment's
    `check_email`), so the column itself is compared: the (account_id, email) index answers."""
    return select(Contact).where(
        Contact.account_id == account_id, Contact.email == address.strip().lower()
    )


def list_contacts(
    session: Session, account_id: int, *, query: str | None, after_id: int, limit: int
) -> list[Contact]:
    statement = (
        select(Contact)
        .where(Contact.account_id == account_id, Contact.id > after_id)
        .order_by(Contact.id)
        .limit(limit)
    )
    if query and query.strip():
        like = f"%{query.strip().lower()[:200]}%"
        full_name = func.lower(
            func.coalesce(Contact.first_name, "") + " " + func.coalesce(Contact.last_name, "")
        )
        statement = statement.where(
            or_(
                func.lower(Contact.email).like(like),
                full_name.like(like),
                func.lower(func.coalesce(Contact.company, "")).like(like),
            )
        )
    return list(session.scalars(statement))


def get_contact(session: Session, account_id: int, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None or contact.account_id != account_id:
        raise Refused(404, f"No contact {contact_id}.")
    return contact


def update_contact(session: Session, contact: Contact, changes: dict[str, Any]) -> Contact:
    """Correct a contact's details (a fixed first name lets a paused enrollment resume)."""
    for name, value in changes.items():
        if name not in EDITABLE:
            raise Refused(422, "cannot be changed here", name)
        if value is not None and not isinstance(value, str):
            raise Refused(422, "must be text or null", name)
        cleaned = (value or "").strip()[: EDITABLE[name]] or None
        if name == "timezone" and cleaned and not valid_zone(cleaned):
            raise Refused(422, "not an IANA time zone like Europe/London", name)
        setattr(contact, name, cleaned)
    session.flush()
    return contact


def delete_contact(session: Session, contact: Contact) -> None:
    """Remove the person and their history from the team (their enrollments and events)."""
    enrollment_ids = select(Enrollment.id).where(Enrollment.contact_id == contact.id)
    session.execute(delete(StepExecution).where(StepExecution.enrollment_id.in_(enrollment_ids)))
    session.execute(delete(Enrollment).where(Enrollment.contact_id == contact.id))
    session.delete(contact)
    session.flush()
