"""Mailbox rows against the database and the real servers: secrets at rest, CRUD, Test, sending
with the Sent copy, and the Sent-folder check the reconciler relies on."""

from __future__ import annotations

import secrets
from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from backend.mailboxes.context import MailContext
from backend.mailboxes.message import OutgoingEmail
from backend.mailboxes.sending import send_email
from backend.mailboxes.sending import sent_folder_has
from backend.mailboxes.servers import Network
from backend.mailboxes.service import MailboxInputError
from backend.mailboxes.service import MailboxNotFound
from backend.mailboxes.service import check_mailbox
from backend.mailboxes.service import create_mailbox
from backend.mailboxes.service import delete_mailbox
from backend.mailboxes.service import get_mailbox
from backend.mailboxes.service import list_mailboxes
from backend.mailboxes.service import mailbox_view
from backend.mailboxes.service import update_mailbox
from backend.store.models import Account
from tests.mailboxes.conftest import RECRUITER
from tests.mailboxes.conftest import RECRUITER_PW
from tests.mailboxes.conftest import MailServers
from tests.mailboxes.conftest import mailbox_input

JANE = "jane@candidates.test"


def outgoing(**changes: object) -> OutgoingEmail:
    values: dict[str, object] = {
        "message_id": f"<svc-{secrets.token_hex(6)}@acme-recruiting.test>",
        "from_addr": RECRUITER,
        "from_name": "Riley Recruiter",
        "to_addr": JANE,
        "to_name": "Jane",
        "subject": "Platform role",
        "text_body": "Hi Jane, are you open to a chat?",
        "in_reply_to": None,
        "references": (),
        "unsubscribe_url": "https://sb.acme-recruiting.test/u/tok",
        "reply_to": None,
    }
    values.update(changes)
    return OutgoingEmail(**values)  # type: ignore[arg-type]


def count_in(mail: MailServers, user: str, folder: str, message_id: str) -> int:
    base = mail.dovecot.maildir(user, folder)
    hits = 0
    for sub in ("new", "cur"):
        for path in (base / sub).iterdir():
            hits += message_id.encode() in path.read_bytes()
    return hits


def test_passwords_are_encrypted_at_rest_and_never_in_the_view(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    mailbox = create_mailbox(db_session, account_id, None, mailbox_input(mail), ctx)
    assert RECRUITER_PW.encode() not in (mailbox.password_encrypted or b"")
    view = mailbox_view(mailbox)
    assert RECRUITER_PW not in repr(view) and "password" not in view["smtp"]
    assert view["has_password"] is True and view["status"] == "ok"
    assert view["daily_cap"] == 200 and view["min_gap_seconds"] == 100


def test_bad_input_names_each_field_and_reason(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    data = mailbox_input(mail, address="not-an-address", daily_cap=-1, reply_to="nope")
    data["smtp"] = {"host": "", "port": 99999, "security": "ssl3", "username": ""}
    with pytest.raises(MailboxInputError) as caught:
        create_mailbox(db_session, account_id, None, data, ctx)
    errors = caught.value.errors
    assert set(errors) == {"address", "daily_cap", "reply_to", "smtp"}
    assert any("port" in e for e in errors["smtp"]) and any("security" in e for e in errors["smtp"])


def test_security_none_is_refused_outside_private_networks(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    public = MailContext(**{**ctx.__dict__, "network": Network(allow_private=False)})
    with pytest.raises(MailboxInputError) as caught:
        create_mailbox(db_session, account_id, None, mailbox_input(mail, mail.plain), public)
    assert "ALLOW_PRIVATE_NETWORKS" in " ".join(caught.value.errors["smtp"])


def test_list_get_update_delete_stay_within_the_team(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    mailbox = create_mailbox(db_session, account_id, None, mailbox_input(mail), ctx)
    other = Account(name="Other team")
    db_session.add(other)
    db_session.flush()
    assert [m.id for m in list_mailboxes(db_session, account_id)] == [mailbox.id]
    assert list_mailboxes(db_session, other.id) == []
    with pytest.raises(MailboxNotFound):
        get_mailbox(db_session, other.id, mailbox.id)
    before = mailbox.password_encrypted
    update_mailbox(db_session, account_id, mailbox.id, {"daily_cap": 50, "signature": None}, ctx)
    assert (mailbox.daily_cap, mailbox.signature) == (50, None)
    assert mailbox.password_encrypted == before  # untouched when no password is given
    update_mailbox(db_session, account_id, mailbox.id, {"imap": {"password": "new-pw"}}, ctx)
    assert mailbox.password_encrypted != before
    delete_mailbox(db_session, account_id, mailbox.id)
    assert list_mailboxes(db_session, account_id) == []


def test_check_logs_in_to_both_servers_and_reports_dns_in_words(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    mailbox = create_mailbox(db_session, account_id, None, mailbox_input(mail), ctx)
    report = check_mailbox(db_session, account_id, mailbox.id, ctx)
    assert report["smtp"]["ok"] and "Logged in" in report["smtp"]["message"]
    assert report["imap"]["ok"] and "Sent folder: Sent" in report["imap"]["message"]
    assert report["dns"]["spf"] == {
        "ok": True,
        "message": "SPF record found: v=spf1 include:_spf.example.test -all; "
        "receivers refuse mail from other servers.",
    }
    assert "selector google" in report["dns"]["dkim"]["message"]
    assert report["dns"]["dmarc"]["message"].startswith("DMARC policy quarantine")
    assert mailbox.sent_folder == "Sent"


def test_check_reports_a_refused_login_and_a_domain_without_records(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    data = mailbox_input(mail, address="someone@bare.test")
    data["smtp"] = {**data["smtp"], "password": "wrong"}  # type: ignore[dict-item]
    mailbox = create_mailbox(db_session, account_id, None, data, ctx)
    report = check_mailbox(db_session, account_id, mailbox.id, ctx)
    assert report["smtp"] == {
        "ok": False,
        "message": f"Login refused by {mail.starttls.host}: 535.",
    }
    assert report["imap"]["ok"]
    assert not report["dns"]["spf"]["ok"] and "no SPF record" in report["dns"]["spf"]["message"]
    assert not report["dns"]["dkim"]["ok"] and not report["dns"]["dmarc"]["ok"]


def test_send_appends_the_sent_copy_where_the_provider_does_not(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    mailbox = create_mailbox(db_session, account_id, None, mailbox_input(mail), ctx)
    email = outgoing()
    outcome = send_email(db_session, mailbox.id, email, ctx)
    assert outcome.kind == "sent"
    assert mailbox.files_sent_copy is False  # learned on the first send
    assert count_in(mail, JANE, "INBOX", email.message_id) == 1
    assert count_in(mail, RECRUITER, "Sent", email.message_id) == 1
    assert sent_folder_has(db_session, mailbox.id, email.message_id, ctx) is True
    assert sent_folder_has(db_session, mailbox.id, "<never-sent@acme.test>", ctx) is False


def test_send_through_a_provider_that_files_sent_adds_no_second_copy(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    data = mailbox_input(mail, mail.filing)
    mailbox = create_mailbox(db_session, account_id, None, data, ctx)
    email = outgoing()
    assert send_email(db_session, mailbox.id, email, ctx).kind == "sent"
    assert mailbox.files_sent_copy is True
    assert count_in(mail, RECRUITER, "Sent", email.message_id) == 1


def test_sent_message_carries_signature_postal_address_and_unsubscribe(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    db_session.get(Account, account_id).postal_address = "Acme Inc., 1 Main St"  # type: ignore[union-attr]
    mailbox = create_mailbox(db_session, account_id, None, mailbox_input(mail), ctx)
    email = outgoing()
    send_email(db_session, mailbox.id, email, ctx)
    raw = mail.starttls.delivered_to(JANE)[-1]
    assert b"Riley Recruiter\r\nAcme Talent" in raw and b"Acme Inc., 1 Main St" in raw
    assert b"List-Unsubscribe: <https://sb.acme-recruiting.test/u/tok>" in raw


def test_wrong_password_puts_the_mailbox_in_auth_error_and_later_sends_wait(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    data = mailbox_input(mail)
    data["smtp"] = {**data["smtp"], "password": "wrong"}  # type: ignore[dict-item]
    mailbox = create_mailbox(db_session, account_id, None, data, ctx)
    first = send_email(db_session, mailbox.id, outgoing(), ctx)
    assert first.kind == "mailbox_paused"
    assert mailbox.status == "auth_error" and "authentication failed" in (
        mailbox.status_reason or ""
    )
    attempts = len(mail.starttls.handler.logins)
    second = send_email(db_session, mailbox.id, outgoing(), ctx)
    assert second.kind == "mailbox_paused" and len(mail.starttls.handler.logins) == attempts
    update_mailbox(db_session, account_id, mailbox.id, {"smtp": {"password": RECRUITER_PW}}, ctx)
    assert mailbox.status == "ok"
    assert send_email(db_session, mailbox.id, outgoing(), ctx).kind == "sent"


def test_quota_refusal_pauses_the_mailbox_until_its_window_frees(
    db_session: Session, account_id: int, clean_faults: MailServers, ctx: MailContext
) -> None:
    mail = clean_faults
    mailbox = create_mailbox(db_session, account_id, None, mailbox_input(mail), ctx)
    mail.starttls.faults.mail_reply = "550 5.4.5 Daily user sending limit exceeded."
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert send_email(db_session, mailbox.id, outgoing(), ctx, now).kind == "mailbox_paused"
    assert mailbox.status == "paused" and "sending limit" in (mailbox.status_reason or "")
    mail.starttls.faults.clear()
    paused = send_email(db_session, mailbox.id, outgoing(), ctx, now.replace(hour=20))
    assert paused.kind == "mailbox_paused"
    later = datetime(2026, 12, 2, 12, 1, tzinfo=UTC)
    assert send_email(db_session, mailbox.id, outgoing(), ctx, later).kind == "sent"
    assert mailbox.status == "ok"


def test_sent_folder_check_says_none_when_the_server_cannot_be_asked(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    data = mailbox_input(mail)
    data["imap"] = {**data["imap"], "port": 1}  # type: ignore[dict-item]
    mailbox = create_mailbox(db_session, account_id, None, data, ctx)
    assert sent_folder_has(db_session, mailbox.id, "<any@acme.test>", ctx) is None


def test_a_server_setting_only_the_owner_can_fix_puts_the_mailbox_in_auth_error(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    plain = mailbox_input(mail)  # says STARTTLS, but the server offers none
    plain["smtp"] = {**plain["smtp"], "port": mail.plain.port}  # type: ignore[dict-item]
    no_tls = create_mailbox(db_session, account_id, None, plain, ctx)
    refused = send_email(db_session, no_tls.id, outgoing(), ctx)
    assert refused.kind == "mailbox_paused" and "STARTTLS" in refused.detail
    assert no_tls.status == "auth_error" and no_tls.paused_until is None
