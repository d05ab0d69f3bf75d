"""Reading a real Dovecot mailbox: every fixture classified as its golden says, incrementally by
UID, Junk too, UIDVALIDITY resets, Sent copies for reconciliation, and what the finder learns."""

from __future__ import annotations

import json
import logging
import secrets
from datetime import UTC
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from imapclient import IMAPClient
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.lookups.known_emails import learn_from_reply
from backend.lookups.known_emails import record_bounced
from backend.mailboxes import imap_read
from backend.mailboxes import junk
from backend.mailboxes import polling
from backend.mailboxes.context import MailContext
from backend.mailboxes.polling import AddressFeedback
from backend.mailboxes.polling import poll_mailbox
from backend.mailboxes.sending import sent_folder_has
from backend.mailboxes.service import create_mailbox
from backend.store.models import Contact
from backend.store.models import InboundMessage as InboundRow
from backend.store.models import KnownEmail
from backend.store.models import MailboxCursor
from tests.mailboxes.conftest import RECRUITER
from tests.mailboxes.conftest import MailServers
from tests.mailboxes.conftest import mailbox_input

MESSAGES = Path(__file__).parent / "messages"
FEEDBACK = AddressFeedback(replied=learn_from_reply, bounced=record_bounced)


def fixture(name: str) -> bytes:
    return (MESSAGES / name).read_bytes()


def arrival(raw: bytes) -> datetime:
    for line in raw.decode("utf-8", "replace").splitlines():
        if line.lower().startswith("date:"):
            return parsedate_to_datetime(line[5:].strip()).astimezone(UTC)
    raise AssertionError("fixture without Date")


def unique(raw: bytes) -> tuple[bytes, str]:
    """The fixture with a Message-ID no other test used (the server is shared)."""
    new_id = f"<poll-{secrets.token_hex(6)}@test>"
    lines = raw.split(b"\n")
    for i, line in enumerate(lines):
        if line.lower().startswith(b"message-id:"):
            lines[i] = b"Message-ID: " + new_id.encode()
            return b"\n".join(lines), new_id
    return b"Message-ID: " + new_id.encode() + b"\n" + raw, new_id


def new_mailbox(session: Session, account_id: int, mail: MailServers, ctx: MailContext) -> int:
    mailbox = create_mailbox(session, account_id, None, mailbox_input(mail), ctx)
    assert poll_mailbox(session, mailbox.id, None, ctx) == []  # cursors start at "now"
    return mailbox.id


def test_every_fixture_read_from_the_inbox_classifies_as_its_golden(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    mailbox_id = new_mailbox(db_session, account_id, mail, ctx)
    expected = {}
    for path in sorted(MESSAGES.glob("*.eml")):
        raw = path.read_bytes()
        mail.dovecot.drop(RECRUITER, raw, when=arrival(raw))
        expected[path.stem] = json.loads(path.with_suffix(".json").read_text())
    found = poll_mailbox(db_session, mailbox_id, None, ctx)
    actionable = [g for g in expected.values() if g["kind"] is not None]
    assert len(found) == len(actionable)
    by_id = {m.message_id: m for m in found}
    for golden in actionable:
        message = by_id[golden["message_id"]]
        got = {
            "kind": message.kind,
            "from_addr": message.from_addr,
            "in_reply_to": message.in_reply_to,
            "body_text": message.body_text,
            "return_date": message.return_date.isoformat() if message.return_date else None,
            "bounced_address": message.bounced_address,
            "bounce_status": message.bounce_status,
        }
        assert got == {k: golden[k] for k in got}, golden["message_id"]
    stored = db_session.scalar(
        select(func.count()).select_from(InboundRow).where(InboundRow.mailbox_id == mailbox_id)
    )
    assert stored == len(expected)  # ignored mail is stored too, as "ignored"


def test_a_second_poll_reads_only_what_is_new(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    mailbox_id = new_mailbox(db_session, account_id, mail, ctx)
    first, first_id = unique(fixture("reply_gmail.eml"))
    mail.dovecot.drop(RECRUITER, first)
    assert [m.message_id for m in poll_mailbox(db_session, mailbox_id, None, ctx)] == [first_id]
    assert poll_mailbox(db_session, mailbox_id, None, ctx) == []
    second, second_id = unique(fixture("ooo_de.eml"))
    mail.dovecot.drop(RECRUITER, second)
    again = poll_mailbox(db_session, mailbox_id, None, ctx)
    assert [(m.message_id, m.kind) for m in again] == [(second_id, "auto_reply")]
    cursor = db_session.get(MailboxCursor, (mailbox_id, "INBOX"))
    assert cursor is not None and cursor.last_uid > 0


def test_replies_filed_as_junk_are_read_too(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    mailbox_id = new_mailbox(db_session, account_id, mail, ctx)
    raw, message_id = unique(fixture("reply_outlook.eml"))
    mail.dovecot.drop(RECRUITER, raw, folder="Junk")
    assert [m.message_id for m in poll_mailbox(db_session, mailbox_id, None, ctx)] == [message_id]


def lists(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The LIST commands the IMAP client sent (imapclient logs each command at DEBUG)."""
    return [r.getMessage() for r in caplog.records if " LIST " in r.getMessage()[:40]]


def test_the_junk_folder_is_looked_for_once_not_on_every_poll(
    db_session: Session,
    account_id: int,
    mail: MailServers,
    ctx: MailContext,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="imapclient"):
        mailbox_id = new_mailbox(db_session, account_id, mail, ctx)
        assert lists(caplog)  # the first poll looks for the Junk (and Sent) folder
        caplog.clear()
        raw, message_id = unique(fixture("reply_outlook.eml"))
        mail.dovecot.drop(RECRUITER, raw, folder="Junk")
        found = poll_mailbox(db_session, mailbox_id, None, ctx)
    assert [m.message_id for m in found] == [message_id]
    assert lists(caplog) == []


def test_a_forgotten_junk_folder_is_looked_for_again(
    mail: MailServers, caplog: pytest.LogCaptureFixture
) -> None:
    key = (10**9, mail.imap())
    with imap_read.connect(mail.imap(), mail.password(), mail.network) as client:
        with caplog.at_level(logging.DEBUG, logger="imapclient"):
            assert junk.junk_folder(client, key) == "Junk" and lists(caplog)
            caplog.clear()
            assert junk.junk_folder(client, key) == "Junk" and lists(caplog) == []
            junk.forget(key)  # what a failed read of the folder does
            assert junk.junk_folder(client, key) == "Junk" and lists(caplog)


def test_uidvalidity_change_rereads_recent_mail_without_repeating_it(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    mailbox_id = new_mailbox(db_session, account_id, mail, ctx)
    old, old_id = unique(fixture("reply_german.eml"))
    mail.dovecot.drop(RECRUITER, old, folder="Junk")
    assert [m.message_id for m in poll_mailbox(db_session, mailbox_id, None, ctx)] == [old_id]
    before = db_session.get(MailboxCursor, (mailbox_id, "Junk"))
    assert before is not None
    validity = before.uidvalidity
    with IMAPClient(mail.dovecot.host, port=mail.dovecot.port, ssl=False) as client:
        client.login(RECRUITER, mail.dovecot.users[RECRUITER])
        client.delete_folder("Junk")  # the server forgets its UIDs: a new UIDVALIDITY
        client.create_folder("Junk")
    mail.dovecot.drop(RECRUITER, old, folder="Junk")
    new, new_id = unique(fixture("reply_forwarded.eml"))
    mail.dovecot.drop(RECRUITER, new, folder="Junk")
    again = poll_mailbox(db_session, mailbox_id, None, ctx)
    assert [m.message_id for m in again] == [new_id]
    after = db_session.get(MailboxCursor, (mailbox_id, "Junk"))
    assert after is not None and after.uidvalidity != validity


def test_sent_folder_copies_are_stored_for_the_reconciler(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    mailbox_id = new_mailbox(db_session, account_id, mail, ctx)
    message_id = f"<sent-{secrets.token_hex(6)}@acme-recruiting.test>"
    raw = f"Message-ID: {message_id}\nFrom: {RECRUITER}\nTo: x@y.test\nSubject: s\n\nbody\n"
    mail.dovecot.drop(RECRUITER, raw.encode(), folder="Sent")
    assert poll_mailbox(db_session, mailbox_id, None, ctx) == []  # our own mail is no reply
    row = db_session.scalar(select(InboundRow).where(InboundRow.message_id == message_id))
    assert row is not None and row.classification == "sent" and row.folder == "Sent"
    assert sent_folder_has(db_session, mailbox_id, message_id, ctx) is True


def test_a_sent_copy_is_parsed_once_per_poll(
    db_session: Session,
    account_id: int,
    mail: MailServers,
    ctx: MailContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mailbox_id = new_mailbox(db_session, account_id, mail, ctx)
    message_id = f"<sent-{secrets.token_hex(6)}@acme-recruiting.test>"
    raw = f"Message-ID: {message_id}\nFrom: {RECRUITER}\nTo: x@y.test\nSubject: s\n\nbody\n"
    mail.dovecot.drop(RECRUITER, raw.encode(), folder="Sent")
    parsed: list[bytes] = []
    real = polling.parse_mail
    monkeypatch.setattr(polling, "parse_mail", lambda raw: parsed.append(raw) or real(raw))
    poll_mailbox(db_session, mailbox_id, None, ctx)
    row = db_session.scalar(select(InboundRow).where(InboundRow.message_id == message_id))
    assert row is not None and row.subject == "s"
    assert len(parsed) == 1


def test_replies_teach_the_finder_and_hard_bounces_retire_addresses(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    mailbox_id = new_mailbox(db_session, account_id, mail, ctx)
    db_session.add(
        Contact(
            account_id=account_id,
            email="tom.baker@contoso.example",
            first_name="Tom",
            last_name="Baker",
            company="Contoso",
        )
    )
    db_session.flush()
    for name in ("reply_outlook.eml", "bounce_postfix.eml", "bounce_exim_policy.eml"):
        raw, _ = unique(fixture(name))
        mail.dovecot.drop(RECRUITER, raw)
    poll_mailbox(db_session, mailbox_id, None, ctx, FEEDBACK)
    known = {
        (k.address, k.source)
        for k in db_session.scalars(select(KnownEmail).where(KnownEmail.account_id == account_id))
    }
    assert ("tom.baker@contoso.example", "replied") in known
    assert ("old.address@initech.example", "bounced") in known
    # 5.7.1 is a policy refusal of the sender: the address itself is not known to be bad
    assert not any(address == "hr@umbrella.example" for address, _ in known)


def test_a_refused_imap_login_puts_the_mailbox_in_auth_error(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    data = mailbox_input(mail)
    data["imap"] = {**data["imap"], "password": "wrong"}  # type: ignore[dict-item]
    mailbox = create_mailbox(db_session, account_id, None, data, ctx)
    assert poll_mailbox(db_session, mailbox.id, None, ctx) == []
    assert mailbox.status == "auth_error" and "IMAP login refused" in (mailbox.status_reason or "")


def test_a_mime_bomb_is_stored_as_unreadable_and_the_poll_moves_on(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    mailbox_id = new_mailbox(db_session, account_id, mail, ctx)
    nested = b"".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n'.encode() for i in range(3000)
    )
    bomb = b"From: x@evil.test\nMessage-ID: <bomb-1@evil.test>\nSubject: hi\n" + nested
    mail.dovecot.drop(RECRUITER, bomb)
    raw, message_id = unique(fixture("reply_gmail.eml"))
    mail.dovecot.drop(RECRUITER, raw)
    assert [m.message_id for m in poll_mailbox(db_session, mailbox_id, None, ctx)] == [message_id]
    unreadable = db_session.scalars(
        select(InboundRow).where(
            InboundRow.mailbox_id == mailbox_id, InboundRow.classification == "ignored"
        )
    ).all()
    assert [row.data["reason"] for row in unreadable] == ["unreadable: ValueError"]
    assert poll_mailbox(db_session, mailbox_id, None, ctx) == []  # not read again
