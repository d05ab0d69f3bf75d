"""Adding people to a sequence: from a lookup, from fields, or a CSV upload.

One active enrollment per person per team (the `active_key` unique constraint); suppressed
addresses are refused with the reason; the Greenhouse target and "Disable Sync" are copied from
the sequence when the person is added. The duplicate check is the edge's to give (a callback),
so this feature does not reach into the Greenhouse index.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend import defaults
from backend.sequences import lifecycle
from backend.sequences.contacts import with_address
from backend.sequences.errors import Refused
from backend.sequences.plan import Loaded
from backend.sequences.plan import load
from backend.sequences.plan import pause
from backend.sequences.plan import record
from backend.sequences.plan import schedule_step
from backend.sequences.schedule import valid_zone
from backend.sequences.steps import Step
from backend.sequences.suppressions import suppression_reason
from backend.sequences.templates import MissingValue
from backend.sequences.templates import TemplateError
from backend.sequences.templates import contact_values
from backend.sequences.templates import render_email
from backend.sequences.zones import zone_from_location
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import Lookup
from backend.store.models import Sequence

EXISTS_IN_GREENHOUSE = "Exists in Greenhouse"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CSV_COLUMNS = ("email", "first_name", "last_name", "company", "title", "linkedin_url")

GreenhouseMatch = Callable[[str], dict[str, Any] | None]
"""email -> {"candidate_id", "application_id"?} of an existing Greenhouse record, or None."""


@dataclass
class PersonInput:
    email: str
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    title: str | None = None
    linkedin_url: str | None = None
    timezone: str | None = None
    location: str | None = None
    source: str = "api"
    profile: dict[str, Any] | None = None
    emails: list[str] = field(default_factory=list)


@dataclass
class AddResult:
    contact: Contact
    enrollment: Enrollment
    warnings: list[str]


def _clean(value: Any, limit: int) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text[:limit] or None


def check_email(value: Any, field_name: str = "email") -> str:
    email = (value or "").strip().lower() if isinstance(value, str) else ""
    if not _EMAIL.match(email) or len(email) > 320:
        raise Refused(422, "not an email address", field_name)
    return email


def person_from_fields(data: dict[str, Any], source: str = "api") -> PersonInput:
    timezone = _clean(data.get("timezone"), 64)
    if timezone and not valid_zone(timezone):
        raise Refused(422, "not an IANA time zone like Europe/London", "timezone")
    profile = data.get("profile")
    return PersonInput(
        email=check_email(data.get("email")),
        first_name=_clean(data.get("first_name"), 200),
        last_name=_clean(data.get("last_name"), 200),
        company=_clean(data.get("company"), 300),
        title=_clean(data.get("title"), 300),
        linkedin_url=_clean(data.get("linkedin_url"), 400),
        timezone=timezone,
        source=source,
        profile=profile if isinstance(profile, dict) else None,
    )


def person_from_lookup(
    session: Session, account_id: int, lookup_id: int, email: str | None = None
) -> PersonInput:
    """Name, company, title, LinkedIn URL, source product and positions from a stored lookup."""
    row = session.get(Lookup, lookup_id)
    if row is None or row.account_id != account_id:
        raise Refused(404, f"No lookup {lookup_id}.", "lookup_id")
    found = (row.email or {}).get("address")
    address = check_email(email) if email else found
    if not address:
        raise Refused(
            422,
            "the lookup found no email address for this person; give one",
            "email",
            reason="no_email",
        )
    profile = row.profile or {}
    alternatives = [a.get("address") for a in (row.email or {}).get("alternatives", [])]
    return PersonInput(
        email=check_email(address, "email"),
        first_name=_clean(profile.get("first_name"), 200),
        last_name=_clean(profile.get("last_name"), 200),
        company=_clean(profile.get("company"), 300),
        title=_clean(profile.get("title"), 300),
        linkedin_url=_clean(profile.get("linkedin_url"), 400),
        location=_clean(profile.get("location"), 300),
        source=profile.get("source") or "linkedin",
        profile=profile,
        emails=[a for a in alternatives if isinstance(a, str) and a],
    )


# Where a contact's details came from, poorest first. A later add only ever moves it up: an
# import or API call must not turn a Recruiter contact (whose roles employment history is synced
# from) into a bare one, even when it is then refused as already enrolled.
SOURCES_BY_RICHNESS = ("api", "import", "linkedin", "sales_navigator", "recruiter")


def _richness(source: str | None) -> int:
    if source is None:
        return -1
    return SOURCES_BY_RICHNESS.index(source) if source in SOURCES_BY_RICHNESS else 0


def upsert_contact(session: Session, account_id: int, person: PersonInput) -> Contact:
    """The team's contact for this address, filled in with what is new."""
    contact = session.scalars(with_address(account_id, person.email)).first()
    if contact is None:
        contact = Contact(account_id=account_id, email=person.email, emails=[person.email])
        session.add(contact)
    for name in (
        "first_name",
        "last_name",
        "company",
        "title",
        "linkedin_url",
        "timezone",
        "location",
        "profile",
    ):
        value = getattr(person, name)
        if value:
            setattr(contact, name, value)
    if person.source and _richness(person.source) >= _richness(contact.source):
        contact.source = person.source
    if not contact.timezone:  # the recipient's zone, when the LinkedIn location says it
        contact.timezone = zone_from_location(contact.location)
    known = list(contact.emails or [])
    for address in [person.email, *person.emails]:
        if address and address.lower() not in (k.lower() for k in known):
            known.append(address.lower())
    contact.emails = known
    session.flush()
    return contact


def missing_value(steps: list[Step], contact: Contact, sender_name: str | None) -> str | None:
    """The reason the first template that cannot render would give ("no first name")."""
    values = contact_values(contact, sender_name)
    for step in steps:
        if step.kind != "email":
            continue
        try:
            render_email(step.subject, step.body, values)
        except (MissingValue, TemplateError) as problem:
            return problem.reason
    return None


def add_person(
    session: Session,
    *,
    account_id: int,
    sequence_id: int,
    person: PersonInput,
    added_by: int | None,
    now: datetime,
    greenhouse_match: GreenhouseMatch | None = None,
) -> AddResult:
    """Add one person to a sequence and schedule their first step."""
    sequence = session.get(Sequence, sequence_id)
    if sequence is None or sequence.account_id != account_id or sequence.deleted_at is not None:
        raise Refused(404, f"No sequence {sequence_id}.")
    if sequence.current_version_id is None:
        raise Refused(422, "the sequence has no steps", "sequence_id")
    reason = suppression_reason(session, account_id, person.email)
    if reason:
        raise Refused(422, f"{person.email} is suppressed: {reason}", "email", reason="suppressed")
    contact = upsert_contact(session, account_id, person)
    active = session.scalars(
        select(Enrollment).where(
            Enrollment.account_id == account_id, Enrollment.active_key == person.email
        )
    ).first()
    if active is not None:
        raise Refused(
            409, "already active in a sequence of the team", "email", reason="already_enrolled"
        )
    warnings: list[str] = []
    if greenhouse_match is not None and contact.gh_candidate_id is None:
        existing = greenhouse_match(person.email)
        if existing:
            contact.gh_candidate_id = existing.get("candidate_id")
            contact.gh_application_id = existing.get("application_id")
            contact.sync_error = EXISTS_IN_GREENHOUSE
            warnings.append(EXISTS_IN_GREENHOUSE)
    enrollment = Enrollment(
        account_id=account_id,
        sequence_id=sequence.id,
        contact_id=contact.id,
        version_id=sequence.current_version_id,
        mailbox_id=sequence.mailbox_id,
        status=lifecycle.PENDING,
        current_step=0,
        sync_disabled=sequence.sync_disabled,
        gh_target=dict(sequence.greenhouse_target) if sequence.greenhouse_target else None,
        active_key=person.email,
        added_by=added_by,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(enrollment)
    except IntegrityError:
        raise Refused(
            409,
            "already in this sequence or active in another",
            "email",
            reason="already_enrolled",
        ) from None
    loaded = load(session, enrollment)
    record(
        session,
        loaded,
        "enrolled",
        now,
        "0",
        sequence_name=sequence.name,
        sync_disabled=enrollment.sync_disabled,
        gh_target=enrollment.gh_target,
        source=contact.source,
    )
    start(session, loaded, now, warnings)
    return AddResult(contact, enrollment, warnings)


def start(session: Session, loaded: Loaded, now: datetime, warnings: list[str]) -> None:
    """pending → the first step, or paused with the reason it cannot start."""
    sender = loaded.mailbox.display_name if loaded.mailbox else None
    missing = missing_value(loaded.steps, loaded.contact, sender)
    if loaded.sequence.status == "paused":
        pause(session, loaded, "sequence_paused", now, detail=lifecycle.SEQUENCE_PAUSED)
        warnings.append("the sequence is paused; sending starts when it resumes")
    elif loaded.mailbox is None and any(s.kind == "email" for s in loaded.steps):
        pause(session, loaded, "mailbox", now, detail="the sequence has no mailbox")
        warnings.append("the sequence has no mailbox to send from")
    elif missing:
        pause(session, loaded, "missing_data", now, detail=missing)
        warnings.append(f"paused: {missing}")
    else:
        schedule_step(session, loaded, 0, now, now)


# --- CSV ---------------------------------------------------------------------------------------


def read_csv_rows(data: bytes) -> list[dict[str, str]]:
    """Rows of `email,first_name,last_name,company,title,linkedin_url` (a header row required)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused(422, "the file is not UTF-8 text", "file") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    if "email" not in header:
        raise Refused(422, f"the first row must name the columns: {','.join(CSV_COLUMNS)}", "file")
    reader.fieldnames = header
    rows = []
    for number, row in enumerate(reader, start=1):
        if number > defaults.CSV_IMPORT_MAX_ROWS:
            raise Refused(422, f"more than {defaults.CSV_IMPORT_MAX_ROWS} rows", "file")
        rows.append({k: (v or "").strip() for k, v in row.items() if k in CSV_COLUMNS})
    return rows


def import_rows(
    session: Session,
    *,
    account_id: int,
    sequence_id: int,
    rows: list[dict[str, str]],
    added_by: int | None,
    now: datetime,
    greenhouse_match: GreenhouseMatch | None = None,
) -> dict[str, Any]:
    """Add each row on its own (a bad row never stops the others); per-row results."""
    results = []
    counts = {"added": 0, "failed": 0}
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        try:
            with session.begin_nested():
                added = add_person(
                    session,
                    account_id=account_id,
                    sequence_id=sequence_id,
                    person=person_from_fields(row, source="import"),
                    added_by=added_by,
                    now=now,
                    greenhouse_match=greenhouse_match,
                )
            results.append(
                {
                    "row": number,
                    "email": row.get("email"),
                    "result": "added",
                    "enrollment_id": added.enrollment.id,
                    "warnings": added.warnings,
                }
            )
            counts["added"] += 1
        except Refused as error:
            if error.status == 404:
                raise
            results.append(
                {
                    "row": number,
                    "email": row.get("email"),
                    "result": "failed",
                    "status": error.status,
                    "reason": error.message,
                }
            )
            counts["failed"] += 1
    return {"status": "done", "progress": {"rows": len(rows), **counts}, "results": results}
