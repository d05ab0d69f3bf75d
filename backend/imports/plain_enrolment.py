"""A plain enrolment (a contact and a pending enrollment), used by the edges until the sequences
feature's `add_person` is wired in its place (see `backend/jobs/imports.py`).

It keeps the team's rules that the data model enforces: one contact per address, one active
enrollment per person per team (`active_key`), the sequence's Greenhouse target and "Disable
Sync" copied when the person is added. Scheduling the first step is the sequences feature's.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.imports.people import Person
from backend.imports.runs import EnrolResult
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import Sequence


def _contact(session: Session, account_id: int, person: Person) -> Contact:
    contact = session.scalars(
        select(Contact).where(
            Contact.account_id == account_id,
            func.lower(Contact.email).in_([e.lower() for e in person.emails]),
        )
    ).first()
    if contact is None:
        contact = Contact(
            account_id=account_id,
            email=person.emails[0],
            emails=list(person.emails),
            first_name=person.first_name or None,
            last_name=person.last_name or None,
            company=person.company,
            title=person.title,
            source="import",
            sync_status="pending",
        )
        session.add(contact)
    if contact.gh_candidate_id is None:  # the sync attaches to this record, never a second one
        contact.gh_candidate_id = person.candidate_id
        contact.gh_application_id = person.application_id
    session.flush()
    return contact


def enrol_plainly(session: Session, sequence_id: int, person: Person) -> EnrolResult:
    sequence = session.get(Sequence, sequence_id)
    if sequence is None or sequence.deleted_at is not None:
        return EnrolResult("failed", "the sequence was deleted")
    contact = _contact(session, sequence.account_id, person)
    earlier = session.scalar(
        select(Enrollment.sequence_id).where(
            Enrollment.account_id == sequence.account_id,
            or_(
                Enrollment.active_key == contact.email,  # active in any sequence of the team
                (Enrollment.sequence_id == sequence_id) & (Enrollment.contact_id == contact.id),
            ),
        )
    )
    if earlier is not None:
        where = "this sequence" if earlier == sequence_id else f"sequence {earlier}"
        return EnrolResult("already_in_sequence", f"already in {where}")
    session.add(
        Enrollment(
            account_id=sequence.account_id,
            sequence_id=sequence_id,
            contact_id=contact.id,
            version_id=sequence.current_version_id,
            mailbox_id=sequence.mailbox_id,
            status="pending",
            sync_disabled=sequence.sync_disabled,
            gh_target=dict(sequence.greenhouse_target) if sequence.greenhouse_target else None,
            active_key=contact.email,
        )
    )
    return EnrolResult("added")


def in_sequence_plainly(session: Session, sequence_id: int, people: list[Person]) -> set[int]:
    """Candidate ids of the people with an address that is enrolled in the sequence."""
    by_email = {e.lower(): p.candidate_id for p in people for e in p.emails}
    if not by_email:
        return set()
    rows = session.execute(
        select(Contact.email)
        .join(Enrollment, Enrollment.contact_id == Contact.id)
        .where(Enrollment.sequence_id == sequence_id, func.lower(Contact.email).in_(list(by_email)))
    )
    return {by_email[email.lower()] for (email,) in rows if email.lower() in by_email}
