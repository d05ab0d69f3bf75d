"""End to end through real mail servers: enrol → first email delivered → the person replies →
the poll reads it → the sequence stops for them (no follow-up)."""

from __future__ import annotations

import mailbox as maildir_lib
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from email import message_from_bytes

from sqlalchemy import select

from backend.jobs.sequences import dispatch_once
from backend.jobs.sequences_mail import transport_for
from backend.mailboxes.context import MailContext
from backend.mailboxes.polling import poll_mailbox
from backend.mailboxes.service import create_mailbox
from backend.sequences import apply_inbound
from backend.sequences.authoring import create_sequence
from backend.sequences.enrolment import add_person
from backend.sequences.enrolment import person_from_fields
from backend.store.models import Enrollment
from backend.store.models import Event
from backend.store.models import StepExecution
from tests.mailboxes.conftest import RECRUITER
from tests.mailboxes.conftest import MailServers
from tests.mailboxes.conftest import mailbox_input

ALWAYS_OPEN = {
    "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    "windows": [["00:00", "24:00"]],
}
STEPS = [
    {"kind": "email", "subject": "Hello {{ first_name }}", "body": "Hi {{ first_name }}, a role?"},
    {"kind": "email", "body": "Following up.", "wait": {"amount": 2, "unit": "days"}},
]


def inbox_of(mail: MailServers, user: str) -> dict:
    """Messages by Maildir key (a Maildir has no order; the server is shared by the tests)."""
    folder = maildir_lib.Maildir(mail.dovecot.maildir(user), create=False)
    return {key: message_from_bytes(message.as_bytes()) for key, message in folder.items()}


def test_enrol_send_reply_stop(app, account_id: int, mail: MailServers, ctx: MailContext):
    db = app.extensions["sourcebridge"].db
    now = datetime.now(UTC)
    with db.session() as session:
        box = create_mailbox(session, account_id, None, mailbox_input(mail, min_gap_seconds=0), ctx)
        assert poll_mailbox(session, box.id, now, ctx) == []  # cursors start here
        sequence = create_sequence(
            session,
            account_id,
            None,
            {"name": "E2E", "mailbox_id": box.id, "steps": STEPS, "schedule": ALWAYS_OPEN},
            now,
        )
        added = add_person(
            session,
            account_id=account_id,
            sequence_id=sequence.id,
            person=person_from_fields({"email": "tom@candidates.test", "first_name": "Tom"}),
            added_by=None,
            now=now,
        )
        enrollment_id = added.enrollment.id
    before = set(inbox_of(mail, "tom@candidates.test"))
    result = dispatch_once(db, transport_for(ctx), now=now, worker="e2e")
    assert (result.sent, result.other) == (1, 0)
    delivered = [m for k, m in inbox_of(mail, "tom@candidates.test").items() if k not in before]
    assert len(delivered) == 1
    first = delivered[0]
    assert first["Subject"] == "Hello Tom" and "List-Unsubscribe" in first
    reply = (
        f"From: Tom <tom@candidates.test>\r\nTo: {RECRUITER}\r\nSubject: Re: Hello Tom\r\n"
        f"Message-ID: <tom-reply-{enrollment_id}@candidates.test>\r\n"
        f"In-Reply-To: {first['Message-ID']}\r\nReferences: {first['Message-ID']}\r\n"
        f"Date: {first['Date']}\r\n\r\nSure, let's talk on Friday.\r\n"
    ).encode()
    mail.dovecot.drop(RECRUITER, reply)
    with db.session() as session:
        inbound = poll_mailbox(session, box.id, now + timedelta(minutes=1), ctx)
        assert [m.kind for m in inbound] == ["reply"]
        for message in inbound:
            apply_inbound(session, account_id, message, now + timedelta(minutes=1))
    with db.session() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert (enrollment.status, enrollment.outcome) == ("finished", "replied")
        follow_up = session.scalars(
            select(StepExecution).where(
                StepExecution.enrollment_id == enrollment_id, StepExecution.step_index == 1
            )
        ).one()
        assert follow_up.state == "canceled"
        replied = session.scalars(
            select(Event).where(
                Event.enrollment_id == enrollment_id, Event.type == "reply_received"
            )
        ).one()
        assert replied.data["first"] is True and "Friday" in replied.data["body"]
    later = dispatch_once(db, transport_for(ctx), now=now + timedelta(days=3), worker="e2e")
    assert later.sent == 0
    assert len(set(inbox_of(mail, "tom@candidates.test")) - before) == 1
