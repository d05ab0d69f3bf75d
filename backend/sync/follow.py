"""Kept in step from Greenhouse: what a webhook means for the team's contacts.

merged → the contact follows the surviving candidate; deleted → the link is removed (the contact
stays); anonymised → the contact's personal data is erased too; a rejected prospect or a hired
candidate → their active enrollments finish. Finishing enrollments belongs to the sequences
feature, so it is returned as follow-up work (`FinishEnrollments`) for the edge to carry out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import SyncJob
from backend.store.models import utcnow
from backend.sync.failures import Failure

ANONYMISED_DOMAIN = "anonymised.invalid"
"""Erased contacts keep a unique, undeliverable address (RFC 2606 `.invalid`)."""


@dataclass(frozen=True)
class FinishEnrollments:
    """Finish these contacts' active enrollments (`outcome` for the sequences feature)."""

    account_id: int
    contact_ids: tuple[int, ...]
    outcome: str
    reason: str


def _id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _obj(value: Any) -> Mapping[str, Any]:
    """Untrusted JSON: an object, or nothing."""
    return value if isinstance(value, Mapping) else {}


def _contacts(session: Session, account_id: int, candidate_id: int) -> list[Contact]:
    return list(
        session.scalars(
            select(Contact).where(
                Contact.account_id == account_id, Contact.gh_candidate_id == candidate_id
            )
        )
    )


def apply_webhook(
    session: Session, account_id: int, action: str, payload: Mapping[str, Any]
) -> list[FinishEnrollments]:
    """Bring the account's contacts in line with one Greenhouse event; returns follow-up work."""
    if action == "merge_candidate":
        person = _obj(payload.get("person"))
        loser, winner = _id(person.get("id")), _id(person.get("new_candidate_id"))
        if loser is not None and winner is not None:
            for contact in _contacts(session, account_id, loser):
                contact.gh_candidate_id = winner  # applications move with the merge
        return []
    if action == "delete_candidate":
        person = _obj(payload.get("person"))
        gone = _id(person.get("id"))
        if gone is not None:
            for contact in _contacts(session, account_id, gone):
                unlink(contact, "The record was deleted in Greenhouse")
        return []
    if action == "candidate_anonymized":
        anonymised = _id(payload.get("candidate_id"))
        contacts = _contacts(session, account_id, anonymised) if anonymised else []
        for contact in contacts:
            erase(session, contact)
        ids = tuple(c.id for c in contacts)
        return (
            [FinishEnrollments(account_id, ids, "removed", "Anonymised in Greenhouse")]
            if ids
            else []
        )
    if action in ("reject_candidate", "hire_candidate"):
        application = _obj(payload.get("application"))
        candidate = _obj(application.get("candidate"))
        cid = _id(candidate.get("id")) or _id(application.get("candidate_id"))
        if cid is None:
            return []
        contacts = _contacts(session, account_id, cid)
        if action == "reject_candidate":
            # Only the application we placed them on counts (another job's rejection does not).
            app_id = _id(application.get("id"))
            contacts = [c for c in contacts if c.gh_application_id in (None, app_id)]
        ids = tuple(c.id for c in contacts)
        reason = "Rejected in Greenhouse" if action == "reject_candidate" else "Hired in Greenhouse"
        return [FinishEnrollments(account_id, ids, "removed", reason)] if ids else []
    return []


def unlink(contact: Contact, reason: str) -> None:
    contact.gh_candidate_id = None
    contact.gh_application_id = None
    contact.gh_target = None
    contact.sync_status = "skipped"
    contact.sync_error = reason


def erase(session: Session, contact: Contact) -> None:
    """Erase the contact's personal data (Greenhouse anonymised the person); the pending
    Greenhouse writes about them are dropped, and their payloads (names, emails) with them."""
    contact.email = f"contact-{contact.id}@{ANONYMISED_DOMAIN}"
    contact.emails = []
    for column in ("first_name", "last_name", "company", "title", "phone", "location",
                   "linkedin_url", "profile", "timezone"):  # fmt: skip
        setattr(contact, column, None)
    contact.anonymised_at = utcnow()
    for job in session.scalars(select(SyncJob).where(SyncJob.contact_id == contact.id)):
        job.payload = {}
        if job.status in ("pending", "running"):
            job.status, job.last_error = "failed", "Anonymised in Greenhouse"
            job.last_error_code = Failure.ANONYMISED


def active_enrollments(session: Session, follow: FinishEnrollments) -> list[Enrollment]:
    """The enrollments a follow-up finishes: the contacts' unfinished ones in that team."""
    return list(
        session.scalars(
            select(Enrollment).where(
                Enrollment.contact_id.in_(follow.contact_ids),
                Enrollment.account_id == follow.account_id,
                Enrollment.status != "finished",
            )
        )
    )
