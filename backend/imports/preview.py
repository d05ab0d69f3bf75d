"""What an import would do, without adding anyone: people on the job, with an email, already in
the sequence. A big job is previewed from its first pages (`complete` says whether that was all)."""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import defaults
from backend.greenhouse.client import GreenhouseClient
from backend.imports.people import Person
from backend.imports.reading import read_job
from backend.store.models import Contact
from backend.store.models import Enrollment


@dataclass
class Preview:
    people: int = 0
    with_email: int = 0
    without_email: int = 0
    already_in_sequence: int = 0  # of those with an email
    would_add: int = 0
    complete: bool = True
    sample: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def preview_import(
    session: Session,
    client: GreenhouseClient,
    job_id: int,
    sequence_id: int,
    *,
    max_people: int = defaults.IMPORT_PREVIEW_MAX_PEOPLE,
) -> Preview:
    preview = Preview()
    for page in read_job(client, job_id):
        enrolled = in_sequence(session, sequence_id, page.people)
        for person in page.people:
            preview.people += 1
            known = person.candidate_id in enrolled
            if len(preview.sample) < defaults.IMPORT_PREVIEW_SAMPLE:
                preview.sample.append(
                    {
                        "name": person.name,
                        "email": person.email,
                        "prospect": person.prospect,
                        "already_in_sequence": known,
                    }
                )
            if not person.emails:
                preview.without_email += 1
                continue
            preview.with_email += 1
            preview.already_in_sequence += known
            preview.would_add += not known
        if preview.people >= max_people and page.after is not None:
            preview.complete = False  # stop before reading (and paying for) another page
            break
    return preview


def in_sequence(session: Session, sequence_id: int, people: list[Person]) -> set[int]:
    """Candidate ids of the people with an address enrolled in the sequence (contacts keep their
    address lower-cased)."""
    by_email = {e.lower(): p.candidate_id for p in people for e in p.emails}
    if not by_email:
        return set()
    rows = session.execute(
        select(Contact.email)
        .join(Enrollment, Enrollment.contact_id == Contact.id)
        .where(Enrollment.sequence_id == sequence_id, Contact.email.in_(list(by_email)))
    )
    return {by_email[email.lower()] for (email,) in rows if email.lower() in by_email}
