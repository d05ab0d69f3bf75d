"""The dispatcher and reconciler edge, sending to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from backend.jobs.sequences import MailTransport
from backend.jobs.sequences import dispatch_once
from backend.jobs.sequences import reconcile_once
from backend.mailboxes.outcome import SendOutcome
from backend.sequences.enrolment import add_person
from backend.sequences.enrolment import person_from_fields
from backend.store.models import Enrollment
from backend.store.models import StepExecution
from tests.sequences.conftest import SENT
from tests.sequences.conftest import add_sequence
from tests.sequences.conftest import at
from tests.support.processes import free_port

NOW = at(2026, 6, 8, 10)


class Sink:
    """Keeps every message it accepts (its list doubles as the mailbox's Sent folder)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append(BytesParser().parsebytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_sink():  # type: ignore[no-untyped-def]
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


def smtp_transport(port: int, sink: Sink, *, lose_reply_once: bool = False) -> MailTransport:
    lost = [lose_reply_once]

    def send(session, claimed, now):  # type: ignore[no-untyped-def]
        email = claimed.email
        message = EmailMessage()
        message["From"], message["To"] = email.from_addr, email.to_addr
        message["Subject"], message["Message-ID"] = email.subject, email.message_id
        if email.in_reply_to:
            message["In-Reply-To"] = email.in_reply_to
        message.set_content(email.text_body)
        with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
            client.send_message(message)
        if lost[0]:  # the server accepted it, but we never heard back
            lost[0] = False
            return SendOutcome("unknown", "connection lost after DATA")
        return SENT

    def in_sent(session, mailbox_id, message_id):  # type: ignore[no-untyped-def]
        return any(m["Message-ID"] == message_id for m in sink.messages)

    return MailTransport(send=send, sent_folder_has=in_sent)


def enrol(db, team, sequence_id, email):  # type: ignore[no-untyped-def]
    with db.session() as session:
        add_person(
            session,
            account_id=team.account_id,
            sequence_id=sequence_id,
            person=person_from_fields({"email": email, "first_name": "Ada", "company": "Corp"}),
            added_by=None,
            now=NOW,
        )


def test_a_tick_sends_each_due_email_once_over_smtp(db, team, smtp_sink) -> None:
    sink, port = smtp_sink
    sequence_id = add_sequence(db, team)
    enrol(db, team, sequence_id, "a@corp.example")
    enrol(db, team, sequence_id, "b@corp.example")
    transport = smtp_transport(port, sink)
    result = dispatch_once(db, transport, now=NOW, worker="t")
    assert (result.sent, result.other) == (2, 0)
    assert dispatch_once(db, transport, now=NOW + timedelta(minutes=1), worker="t").sent == 0
    assert sorted(m["To"] for m in sink.messages) == ["a@corp.example", "b@corp.example"]
    assert {m["Subject"] for m in sink.messages} == {"Hello Ada"}
    follow_ups = dispatch_once(db, transport, now=NOW + timedelta(days=2, minutes=1), worker="t")
    assert follow_ups.sent == 2
    first_ids = {m["To"]: m["Message-ID"] for m in sink.messages[:2]}
    for message in sink.messages[2:]:
        assert message["In-Reply-To"] == first_ids[message["To"]]


def test_an_ambiguous_send_found_in_sent_is_never_sent_again(db, team, smtp_sink) -> None:
    sink, port = smtp_sink
    sequence_id = add_sequence(db, team)
    enrol(db, team, sequence_id, "a@corp.example")
    transport = smtp_transport(port, sink, lose_reply_once=True)
    assert dispatch_once(db, transport, now=NOW, worker="t").other == 1
    assert reconcile_once(db, transport, now=NOW + timedelta(minutes=1)) == 1
    dispatch_once(db, transport, now=NOW + timedelta(hours=1), worker="t")
    assert len(sink.messages) == 1
    with db.session() as session:
        first = session.scalars(select(StepExecution).where(StepExecution.step_index == 0)).one()
        assert first.state == "sent"
        assert session.scalars(select(Enrollment.current_step)).one() == 1
