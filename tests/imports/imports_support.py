"""Helpers shared by the import tests (imported by name: the basename is unique)."""

from __future__ import annotations

import random

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.sandbox.server import SandboxHandle
from backend.imports.people import Person
from backend.imports.runs import EnrolResult
from backend.infra.cache import make_cache
from backend.infra.ratelimit import RateLimiter
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import Sequence


def client_for(handle: SandboxHandle, **options: object) -> GreenhouseClient:
    return GreenhouseClient(
        handle.client_id,
        handle.client_secret,
        handle.admin_user_id,
        api_url=handle.base_url,
        auth_url=handle.base_url,
        app_url="https://app.greenhouse.io",
        cache=make_cache(None),
        limiter=RateLimiter(None),
        rng=random.Random(1),
        **{"rate_limit": 100_000, "sleep": lambda _s: None, **options},  # type: ignore[arg-type]
    )


# --- a real enrolment until the sequences feature's lands: contacts + enrollments rows ------------
def enrol_in_store(session: Session, sequence_id: int, person: Person) -> EnrolResult:
    """Add the person as a contact (found by any of their addresses) and enrol them once."""
    sequence = session.get(Sequence, sequence_id)
    contact = session.scalars(
        select(Contact).where(
            Contact.account_id == sequence.account_id,
            func.lower(Contact.email).in_([e.lower() for e in person.emails]),
        )
    ).first()
    if contact is None:
        contact = Contact(
            account_id=sequence.account_id,
            email=person.emails[0],
            emails=list(person.emails),
            first_name=person.first_name,
            last_name=person.last_name,
            company=person.company,
            title=person.title,
            source="import",
            gh_candidate_id=person.candidate_id,
            gh_application_id=person.application_id,
        )
        session.add(contact)
        session.flush()
    enrolled = session.scalar(
        select(Enrollment.id).where(
            Enrollment.sequence_id == sequence_id, Enrollment.contact_id == contact.id
        )
    )
    if enrolled is not None:
        return EnrolResult("already_in_sequence", f"already in sequence {sequence_id}")
    session.add(
        Enrollment(
            account_id=sequence.account_id,
            sequence_id=sequence_id,
            contact_id=contact.id,
            status="pending",
            active_key=str(contact.id),
        )
    )
    return EnrolResult("added")


def enrolled_emails(session: Session, sequence_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Contact.email)
            .join(Enrollment, Enrollment.contact_id == Contact.id)
            .where(Enrollment.sequence_id == sequence_id)
            .order_by(Contact.email)
        )
    )
