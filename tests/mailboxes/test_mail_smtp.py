"""SMTP submission against a real server: each outcome, and at most one delivery per message."""

from __future__ import annotations

import secrets
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from backend.mailboxes.message import OutgoingEmail
from backend.mailboxes.message import compose
from backend.mailboxes.message import to_bytes
from backend.mailboxes.outcome import SendOutcome
from backend.mailboxes.servers import Credentials
from backend.mailboxes.servers import Network
from backend.mailboxes.smtp_send import submit
from tests.mailboxes.conftest import RECRUITER
from tests.mailboxes.conftest import MailServers
from tests.support.submission import Submission

NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
JANE = "jane@candidates.test"


def message(to: str = JANE) -> tuple[str, bytes]:
    message_id = f"<t-{secrets.token_hex(6)}@acme-recruiting.test>"
    email = OutgoingEmail(
        message_id=message_id,
        from_addr=RECRUITER,
        from_name="Riley Recruiter",
        to_addr=to,
        to_name="Jane",
        subject="Platform role",
        text_body="Hi Jane",
        in_reply_to=None,
        references=(),
        unsubscribe_url="https://sb.example.test/u/x",
        reply_to=None,
    )
    return message_id, to_bytes(compose(email, sent_at=NOW))


def send(mail: MailServers, server: Submission, raw: bytes, **kw: object) -> SendOutcome:
    creds = kw.pop("creds", mail.password())
    network = kw.pop("network", mail.network)
    to = str(kw.pop("to", JANE))
    return submit(
        kw.pop("at", mail.smtp(server)),  # type: ignore[arg-type]
        creds,  # type: ignore[arg-type]
        network,  # type: ignore[arg-type]
        from_addr=RECRUITER,
        to_addr=to,
        raw=raw,
        now=NOW,
    )


def deliveries(server: Submission, message_id: str) -> int:
    return sum(1 for _, _, raw in server.accepted if message_id.encode() in raw)


@pytest.mark.parametrize("mode", ["starttls", "tls", "plain"])
def test_accepted_message_is_sent_once_over_each_security(mail: MailServers, mode: str) -> None:
    server = getattr(mail, mode)
    message_id, raw = message()
    outcome = send(mail, server, raw)
    assert outcome.kind == "sent"
    assert deliveries(server, message_id) == 1


def test_private_host_is_refused_without_allow_private(mail: MailServers) -> None:
    message_id, raw = message()
    outcome = send(mail, mail.starttls, raw, network=Network(tls_context=mail.network.tls_context))
    assert outcome.kind == "mailbox_paused"
    assert "private address" in outcome.detail
    assert deliveries(mail.starttls, message_id) == 0


def test_security_none_needs_allow_private(mail: MailServers) -> None:
    _, raw = message()
    outcome = send(mail, mail.plain, raw, network=Network(allow_private=False))
    assert outcome.kind == "mailbox_paused" and "without TLS" in outcome.detail


def test_wrong_password_pauses_the_mailbox_and_hides_the_password(mail: MailServers) -> None:
    _, raw = message()
    outcome = send(mail, mail.starttls, raw, creds=Credentials(password="wrong-secret-pw"))
    assert outcome.kind == "mailbox_paused"
    assert "authentication failed" in outcome.detail
    assert "wrong-secret-pw" not in outcome.detail


def test_xoauth2_with_a_valid_bearer_token_sends(mail: MailServers) -> None:
    token = str(mail.oauth.state.mint(RECRUITER)["access_token"])
    message_id, raw = message()
    outcome = send(mail, mail.starttls, raw, creds=Credentials(access_token=token))
    assert outcome.kind == "sent"
    assert deliveries(mail.starttls, message_id) == 1
    assert ("XOAUTH2", RECRUITER, True) in mail.starttls.handler.logins


def test_xoauth2_with_an_unknown_token_is_an_auth_failure(mail: MailServers) -> None:
    _, raw = message()
    outcome = send(mail, mail.starttls, raw, creds=Credentials(access_token="at-forged"))
    assert outcome.kind == "mailbox_paused" and "authentication failed" in outcome.detail


def test_connection_refused_is_retried_later(mail: MailServers) -> None:
    _, raw = message()
    server = mail.smtp(mail.starttls)
    closed = type(server)(server.host, 1, server.security, server.username)
    outcome = submit(
        closed, mail.password(), mail.network, from_addr=RECRUITER, to_addr=JANE, raw=raw, now=NOW
    )
    assert outcome.kind == "retry"
    assert outcome.retry_at is not None and outcome.retry_at > NOW


def test_dropped_before_rcpt_retries_and_the_retry_delivers_exactly_once(
    clean_faults: MailServers,
) -> None:
    mail = clean_faults
    message_id, raw = message()
    mail.starttls.faults.drop_before_rcpt = True
    assert send(mail, mail.starttls, raw).kind == "retry"
    assert deliveries(mail.starttls, message_id) == 0
    mail.starttls.faults.drop_before_rcpt = False
    assert send(mail, mail.starttls, raw).kind == "sent"
    assert deliveries(mail.starttls, message_id) == 1


def test_dropped_after_data_is_unknown_and_the_message_was_delivered_once(
    clean_faults: MailServers,
) -> None:
    mail = clean_faults
    message_id, raw = message()
    mail.starttls.faults.drop_after_data = True
    outcome = send(mail, mail.starttls, raw)
    assert outcome.kind == "unknown"
    assert deliveries(mail.starttls, message_id) == 1


def test_recipient_refused_with_5xx_is_recipient_rejected(clean_faults: MailServers) -> None:
    mail = clean_faults
    mail.starttls.faults.rcpt_replies["gone@candidates.test"] = "550 5.1.1 User unknown"
    message_id, raw = message("gone@candidates.test")
    outcome = send(mail, mail.starttls, raw, to="gone@candidates.test")
    assert outcome.kind == "recipient_rejected" and "5.1.1" in outcome.detail
    assert deliveries(mail.starttls, message_id) == 0


def test_recipient_4xx_is_retried(clean_faults: MailServers) -> None:
    mail = clean_faults
    mail.starttls.faults.rcpt_replies[JANE] = "451 4.3.0 Temporary lookup failure"
    _, raw = message()
    assert send(mail, mail.starttls, raw).kind == "retry"


def test_daily_quota_refusal_pauses_the_mailbox_for_the_rolling_window(
    clean_faults: MailServers,
) -> None:
    mail = clean_faults
    mail.starttls.faults.mail_reply = "550 5.4.5 Daily user sending limit exceeded."
    message_id, raw = message()
    outcome = send(mail, mail.starttls, raw)
    assert outcome.kind == "mailbox_paused" and "sending limit" in outcome.detail
    assert outcome.retry_at == NOW + timedelta(hours=24)
    assert deliveries(mail.starttls, message_id) == 0


def test_temporary_refusal_of_the_message_is_retried(clean_faults: MailServers) -> None:
    mail = clean_faults
    mail.starttls.faults.data_reply = "451 4.3.0 Please try again"
    message_id, raw = message()
    assert send(mail, mail.starttls, raw).kind == "retry"
    assert deliveries(mail.starttls, message_id) == 0
