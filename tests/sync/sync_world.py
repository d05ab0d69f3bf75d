"""A team, its settings, contacts, enrollments and sequence events in the real database, for the
outbox tests (events written as the sequences feature writes them)."""

from __future__ import annotations

import itertools
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session
from sync_support import by_name
from sync_support import make_executor

from backend.greenhouse.sandbox.server import SandboxHandle
from backend.sequences.events import append_event
from backend.store.models import Account
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import GreenhouseIntegration
from backend.store.models import Sequence
from backend.store.models import utcnow
from backend.sync.outbox import RunReport
from backend.sync.outbox import decide_new_events
from backend.sync.outbox import perform_due

_serial = itertools.count(1)

ROLES = [
    {"title": "Staff Engineer", "company": "Globex", "start": "2023-02", "current": True},
    {"title": "Senior Engineer", "company": "Initech", "start": "2020-01", "end": "2023-01"},
    {"title": "Engineer", "company": "Hooli", "start": "2018-03", "end": "2019-12"},
    {"title": "Junior Engineer", "company": "Contoso", "start": "2016-06", "end": "2018-02"},
    {"title": "Intern", "company": "Fabrikam", "start": "2015-06", "end": "2015-09"},
    {"title": "Tutor", "company": "Umbrella", "start": "2013-01", "end": "2015-01"},
]


class World:
    def __init__(self, session: Session, account: Account | None = None, **settings: Any) -> None:
        self.session = session
        self.account = account or Account(name=f"Team {next(_serial)}")
        session.add(self.account)
        session.flush()
        self.integration = GreenhouseIntegration(
            account_id=self.account.id,
            connected_at=datetime(2026, 1, 1, tzinfo=UTC),
            **{"custom_field_map": {}, **settings},
        )
        session.add(self.integration)
        self.sequence = Sequence(account_id=self.account.id, name="Senior Backend")
        session.add(self.sequence)
        session.commit()

    def contact(self, *, source: str = "recruiter", **fields: Any) -> Contact:
        n = next(_serial)
        email = fields.pop("email", f"pat.doe{n}@globex.example")
        values: dict[str, Any] = {
            "first_name": "Pat",
            "last_name": f"Doe{n}",
            "company": "Globex",
            "title": "Staff Engineer",
            "linkedin_url": f"https://www.linkedin.com/in/pat-doe-{n}",
            "source": source,
            "profile": {
                "source": source,
                "full_name": f"Pat Doe{n}",
                "headline": "Builds data platforms",
                "positions": ROLES,
            },
            **fields,
        }
        contact = Contact(account_id=self.account.id, email=email, emails=[email], **values)
        self.session.add(contact)
        self.session.commit()
        return contact

    def enroll(
        self, contact: Contact, *, target: dict | None = None, sync_disabled: bool = False
    ) -> Enrollment:
        enrollment = Enrollment(
            account_id=self.account.id,
            sequence_id=self.sequence.id,
            contact_id=contact.id,
            status="active",
            sync_disabled=sync_disabled,
            gh_target=target,
            active_key=contact.email,
        )
        self.session.add(enrollment)
        self.session.commit()
        self.event("enrolled", enrollment)
        return enrollment

    def event(self, type_: str, enrollment: Enrollment, **data: Any) -> None:
        append_event(
            self.session,
            account_id=self.account.id,
            type=type_,
            at=datetime.now(UTC),
            dedupe_key=f"{type_}:{enrollment.id}:{next(_serial)}",
            enrollment_id=enrollment.id,
            contact_id=enrollment.contact_id,
            data=data,
        )
        self.session.commit()

    def sent(self, enrollment: Enrollment, subject: str = "Hello") -> None:
        contact = self.session.get(Contact, enrollment.contact_id)
        # One body for every email: a read-back must tell two emails apart by more than it.
        self.event("email_sent", enrollment, subject=subject, body="Hi, are you open?",
                   message_id=f"<m{next(_serial)}@team.example>",
                   to=[contact.email], **{"from": "rec@team.example"})  # fmt: skip

    def reply(self, enrollment: Enrollment, *, first: bool = True) -> None:
        contact = self.session.get(Contact, enrollment.contact_id)
        self.event("reply_received", enrollment, subject="Re: Hello", body="Sounds good",
                   first=first, to=["rec@team.example"], **{"from": contact.email})  # fmt: skip


def pool_target(sandbox: SandboxHandle, stage: str) -> dict:
    pool = by_name(sandbox, "prospect_pools", "Engineering Talent")
    stage_row = by_name(sandbox, "prospect_pool_stages", stage, prospect_pool_id=pool["id"])
    return {"pool_id": pool["id"], "pool_stage_id": stage_row["id"]}


def job_target(sandbox: SandboxHandle, name: str = "Senior Backend Engineer") -> dict:
    return {"job_id": by_name(sandbox, "jobs", name)["id"]}


def sync(
    db_session: Session, sandbox: SandboxHandle, *, later: timedelta = timedelta(0)
) -> RunReport:
    """Read new events, then perform what is due (as the two queued tasks do)."""
    decide_new_events(db_session, lambda account: True)
    db_session.commit()
    executor = make_executor(sandbox)
    return perform_due(db_session, lambda account: executor, now=lambda: utcnow() + later)
