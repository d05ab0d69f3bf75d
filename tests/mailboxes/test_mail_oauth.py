"""OAuth mailboxes against a local token endpoint and servers that check the bearer token:
code exchange, XOAUTH2 on SMTP and IMAP, refresh before expiry, a revoked grant."""

from __future__ import annotations

import secrets
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from sqlalchemy.orm import Session

from backend.config import load_settings
from backend.mailboxes.context import MailContext
from backend.mailboxes.message import OutgoingEmail
from backend.mailboxes.oauth import GrantRevoked
from backend.mailboxes.oauth import authorization_url
from backend.mailboxes.oauth import exchange_code
from backend.mailboxes.oauth import providers_from_settings
from backend.mailboxes.oauth import refresh_access_token
from backend.mailboxes.polling import poll_mailbox
from backend.mailboxes.sending import send_email
from backend.mailboxes.service import connect_oauth_mailbox
from backend.store.models import Mailbox
from tests.mailboxes.conftest import RECRUITER
from tests.mailboxes.conftest import MailServers
from tests.support.oauth_server import CLIENT_ID

REDIRECT = "https://sb.acme-recruiting.test/mailboxes/connect/google/callback"


def outgoing() -> OutgoingEmail:
    return OutgoingEmail(
        message_id=f"<oauth-{secrets.token_hex(6)}@acme-recruiting.test>",
        from_addr=RECRUITER,
        from_name="Riley",
        to_addr="jane@candidates.test",
        to_name="Jane",
        subject="Hello",
        text_body="Hi",
        in_reply_to=None,
        references=(),
        unsubscribe_url="https://sb.acme-recruiting.test/u/t",
        reply_to=None,
    )


def connected(session: Session, account_id: int, mail: MailServers, ctx: MailContext) -> Mailbox:
    """A Google mailbox after the consent screen, pointed at the local servers."""
    now = datetime.now(UTC)
    code = mail.oauth.issue_code(RECRUITER)
    tokens = exchange_code(ctx.oauth["google"], code=code, redirect_uri=REDIRECT, now=now)
    mailbox = connect_oauth_mailbox(
        session,
        account_id,
        None,
        provider="google",
        address=RECRUITER,
        display_name="Riley",
        tokens=tokens,
        ctx=ctx,
    )
    mailbox.smtp = mail.smtp(mail.filing).as_dict()
    mailbox.imap = mail.imap(security="tls").as_dict()
    return mailbox


def grants(mail: MailServers, kind: str) -> int:
    return sum(1 for r in mail.oauth.state.requests if r.get("grant_type") == kind)


def test_authorization_url_asks_for_offline_mail_access(ctx: MailContext) -> None:
    url = authorization_url(
        ctx.oauth["google"], redirect_uri=REDIRECT, state="s1", login_hint=RECRUITER
    )
    query = parse_qs(urlsplit(url).query)
    assert query["client_id"] == [CLIENT_ID] and query["state"] == ["s1"]
    assert query["scope"] == ["https://mail.google.com/"]
    assert query["access_type"] == ["offline"] and query["redirect_uri"] == [REDIRECT]


def test_providers_come_from_settings_with_overridable_endpoints() -> None:
    settings = load_settings(
        {
            "SECRET_KEY": "k",
            "MICROSOFT_OAUTH_CLIENT_ID": "id",
            "MICROSOFT_OAUTH_CLIENT_SECRET": "secret",
            "MICROSOFT_OAUTH_URL": "http://127.0.0.1:9/",
        }
    )
    providers = providers_from_settings(settings)
    assert set(providers) == {"microsoft"}  # Google is offered only when configured
    assert providers["microsoft"].token_url == (
        "http://127.0.0.1:9/organizations/oauth2/v2.0/token"
    )
    assert "offline_access" in providers["microsoft"].scopes
    assert "secret" not in repr(providers["microsoft"])


def test_tokens_are_encrypted_and_sending_uses_xoauth2(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    mailbox = connected(db_session, account_id, mail, ctx)
    assert mailbox.provider == "google" and mailbox.password_encrypted is None
    assert mailbox.oauth_refresh_encrypted and b"rt-" not in mailbox.oauth_refresh_encrypted
    assert send_email(db_session, mailbox.id, outgoing(), ctx).kind == "sent"
    assert mail.filing.handler.logins[-1] == ("XOAUTH2", RECRUITER, True)


def test_access_token_is_refreshed_before_it_expires(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    mailbox = connected(db_session, account_id, mail, ctx)
    before = grants(mail, "refresh_token")
    mailbox.oauth_expires_at = datetime.now(UTC) + timedelta(minutes=2)  # inside the margin
    assert send_email(db_session, mailbox.id, outgoing(), ctx).kind == "sent"
    assert grants(mail, "refresh_token") == before + 1
    assert mailbox.oauth_expires_at > datetime.now(UTC) + timedelta(minutes=30)
    assert send_email(db_session, mailbox.id, outgoing(), ctx).kind == "sent"
    assert grants(mail, "refresh_token") == before + 1  # still fresh: no second refresh


def test_imap_polls_with_xoauth2_checked_by_dovecot(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    mailbox = connected(db_session, account_id, mail, ctx)
    assert poll_mailbox(db_session, mailbox.id, None, ctx) == []
    assert mailbox.status == "ok"  # Dovecot accepted the bearer token via the tokeninfo URL
    mailbox.oauth_access_encrypted = ctx.secrets.encrypt("at-forged")
    poll_mailbox(db_session, mailbox.id, None, ctx)
    assert mailbox.status == "auth_error"


def test_revoked_grant_puts_the_mailbox_in_auth_error_with_the_reason(
    db_session: Session, account_id: int, mail: MailServers, ctx: MailContext
) -> None:
    mailbox = connected(db_session, account_id, mail, ctx)
    refresh = ctx.secrets.decrypt(mailbox.oauth_refresh_encrypted)  # type: ignore[arg-type]
    mail.oauth.revoke(refresh)
    mailbox.oauth_expires_at = datetime.now(UTC) - timedelta(seconds=1)
    outcome = send_email(db_session, mailbox.id, outgoing(), ctx)
    assert outcome.kind == "mailbox_paused" and "refused the grant" in outcome.detail
    assert mailbox.status == "auth_error" and "revoked" in (mailbox.status_reason or "").lower()
    with pytest.raises(GrantRevoked):
        refresh_access_token(ctx.oauth["google"], refresh, datetime.now(UTC))
