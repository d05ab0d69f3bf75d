"""Mailbox rows: create, list, read, change, delete, test, and their credentials.

Passwords and OAuth tokens are encrypted at rest with the secret box and are write-only: no view
of a mailbox carries them, and no error or log line quotes them.
"""

from __future__ import annotations

import json
import smtplib
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import defaults
from backend.infra.secrets_box import SecretUnreadable
from backend.mailboxes import imap_read
from backend.mailboxes.context import MailContext
from backend.mailboxes.dns_records import check_domain
from backend.mailboxes.oauth import GrantRevoked
from backend.mailboxes.oauth import OAuthError
from backend.mailboxes.oauth import TokenSet
from backend.mailboxes.oauth import needs_refresh
from backend.mailboxes.oauth import refresh_access_token
from backend.mailboxes.servers import SECURITIES
from backend.mailboxes.servers import Credentials
from backend.mailboxes.servers import HostRefused
from backend.mailboxes.servers import Server
from backend.mailboxes.smtp_send import login as smtp_login
from backend.mailboxes.smtp_send import open_connection as open_smtp
from backend.store.models import Mailbox


class MailboxInputError(ValueError):
    """Bad input for a mailbox: which field, and why (the API answers 422 with them)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class MailboxNotFound(LookupError):
    pass


class MailboxNotYours(PermissionError):
    """The mailbox is another teammate's: only they reconnect it (an admin may remove it)."""


def may_manage(mailbox: Mailbox, user_id: int, *, is_admin: bool) -> bool:
    """Whether a user may change or remove a mailbox: its owner, anyone for an unowned one, an
    admin."""
    return mailbox.user_id in (None, user_id) or is_admin


@dataclass(frozen=True)
class MailboxCredentials:
    smtp: Credentials
    imap: Credentials


def _now() -> datetime:
    return datetime.now(UTC)


# -- views -----------------------------------------------------------------------------------
def mailbox_view(mailbox: Mailbox) -> dict[str, Any]:
    """The public shape of a mailbox: never a password or a token."""
    return {
        "id": mailbox.id,
        "user_id": mailbox.user_id,
        "address": mailbox.address,
        "display_name": mailbox.display_name,
        "provider": mailbox.provider,
        "smtp": Server.from_dict(mailbox.smtp).as_dict(),
        "imap": Server.from_dict(mailbox.imap).as_dict(),
        "has_password": mailbox.password_encrypted is not None,
        "timezone": mailbox.timezone,
        "daily_cap": mailbox.daily_cap,
        "min_gap_seconds": mailbox.min_gap_seconds,
        "signature": mailbox.signature,
        "reply_to": mailbox.reply_to,
        "status": mailbox.status,
        "status_reason": mailbox.status_reason,
        "paused_until": mailbox.paused_until.isoformat() if mailbox.paused_until else None,
        "sent_folder": mailbox.sent_folder,
        "created_at": mailbox.created_at.isoformat() if mailbox.created_at else None,
    }


# -- input -----------------------------------------------------------------------------------
def _server_input(data: Any, name: str, ctx: MailContext, errors: dict[str, list[str]]) -> Any:
    if not isinstance(data, dict):
        errors[name] = ["must be an object with host, port, security, username"]
        return None
    problems = []
    host = str(data.get("host") or "").strip()
    if not host or len(host) > 253 or any(c.isspace() for c in host):
        problems.append("host: must be a host name")
    port = data.get("port")
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        problems.append("port: must be 1-65535")
    security = data.get("security", "starttls")
    if security not in SECURITIES:
        problems.append("security: must be starttls, tls or none")
    elif security == "none" and not ctx.network.allow_private:
        problems.append("security: none is only allowed with ALLOW_PRIVATE_NETWORKS")
    username = str(data.get("username") or "").strip()
    if not username or len(username) > 320:
        problems.append("username: required")
    password = data.get("password")
    if password is not None and (not isinstance(password, str) or len(password) > 1000):
        problems.append("password: must be text")
    if problems:
        errors[name] = problems
        return None
    return Server(host, port, security, username), password  # type: ignore[arg-type]


def _passwords(mailbox: Mailbox, ctx: MailContext) -> dict[str, str]:
    if mailbox.password_encrypted is None:
        return {}
    return json.loads(ctx.secrets.decrypt(mailbox.password_encrypted))


def _store_passwords(mailbox: Mailbox, ctx: MailContext, passwords: dict[str, str]) -> None:
    clean = {k: v for k, v in passwords.items() if v}
    mailbox.password_encrypted = ctx.secrets.encrypt(json.dumps(clean)) if clean else None


def _settings_input(data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("daily_cap", "min_gap_seconds"):
        if key in data:
            value = data[key]
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100_000:
                errors[key] = ["must be a whole number from 0 to 100000"]
            else:
                out[key] = value
    for key, limit in (("display_name", 200), ("signature", 5000), ("timezone", 64)):
        if key in data:
            value = data[key]
            if value is not None and (not isinstance(value, str) or len(value) > limit):
                errors[key] = [f"must be text of at most {limit} characters"]
            else:
                out[key] = value
    if "timezone" in out and out["timezone"]:
        if out["timezone"] not in available_timezones():
            errors["timezone"] = ["must be an IANA time zone such as Europe/Berlin"]
    if "reply_to" in data:
        value = data["reply_to"]
        if value is not None and (
            not isinstance(value, str) or "@" not in value or len(value) > 320
        ):
            errors["reply_to"] = ["must be an email address"]
        else:
            out["reply_to"] = value
    return out


def mail_address(value: Any) -> str | None:
    """The address, cleaned, or None when it is not an email address."""
    errors: dict[str, list[str]] = {}
    address = _address(value, errors)
    return None if errors else address


def _address(value: Any, errors: dict[str, list[str]]) -> str:
    address = str(value or "").strip().lower()
    local, _, domain = address.partition("@")
    if not local or "." not in domain or len(address) > 320 or any(c.isspace() for c in address):
        errors["address"] = ["must be an email address"]
    return address


# -- create / read / change / delete -----------------------------------------------------------
def create_mailbox(
    session: Session, account_id: int, user_id: int | None, data: dict[str, Any], ctx: MailContext
) -> Mailbox:
    """A password mailbox from API input (OAuth mailboxes come from `connect_oauth_mailbox`)."""
    errors: dict[str, list[str]] = {}
    address = _address(data.get("address"), errors)
    smtp = _server_input(data.get("smtp"), "smtp", ctx, errors)
    imap = _server_input(data.get("imap"), "imap", ctx, errors)
    settings = _settings_input(data, errors)
    if smtp and not smtp[1]:
        errors.setdefault("smtp", []).append("password: required")
    if imap and not imap[1]:
        errors.setdefault("imap", []).append("password: required")
    if errors:
        raise MailboxInputError(errors)
    mailbox = Mailbox(
        account_id=account_id,
        user_id=user_id,
        address=address,
        provider="password",
        smtp=smtp[0].as_dict(),
        imap=imap[0].as_dict(),
        daily_cap=defaults.MAILBOX_DAILY_CAP,
        min_gap_seconds=defaults.MAILBOX_MIN_GAP_SECONDS,
        status="ok",
    )
    for key, value in settings.items():
        setattr(mailbox, key, value)
    _store_passwords(mailbox, ctx, {"smtp": smtp[1], "imap": imap[1]})
    session.add(mailbox)
    session.flush()
    return mailbox


def connect_oauth_mailbox(
    session: Session,
    account_id: int,
    user_id: int | None,
    *,
    provider: str,
    address: str,
    display_name: str | None,
    tokens: TokenSet,
    ctx: MailContext,
) -> Mailbox:
    """Create (or reconnect: the owner only, MailboxNotYours otherwise) a Google / Microsoft
    mailbox after the authorisation-code flow."""
    hosts = {
        "google": (("smtp.gmail.com", 465, "tls"), ("imap.gmail.com", 993, "tls")),
        "microsoft": (
            ("smtp.office365.com", 587, "starttls"),
            ("outlook.office365.com", 993, "tls"),
        ),
    }[provider]
    mailbox = session.scalar(
        select(Mailbox).where(Mailbox.account_id == account_id, Mailbox.address == address.lower())
    )
    if mailbox is not None and mailbox.user_id not in (None, user_id):
        # Nothing proves the provider account signed in owns this address: reconnecting
        # someone else's mailbox would hand it (and its sending) to another login.
        raise MailboxNotYours(f"{address.lower()} is another teammate's mailbox")
    if mailbox is None:
        mailbox = Mailbox(
            account_id=account_id,
            address=address.lower(),
            daily_cap=defaults.MAILBOX_DAILY_CAP,
            min_gap_seconds=defaults.MAILBOX_MIN_GAP_SECONDS,
        )
        session.add(mailbox)
    mailbox.user_id = user_id
    mailbox.provider = provider
    mailbox.display_name = display_name or mailbox.display_name
    (sh, sp, ss), (ih, ip, is_) = hosts
    mailbox.smtp = {"host": sh, "port": sp, "security": ss, "username": address.lower()}
    mailbox.imap = {"host": ih, "port": ip, "security": is_, "username": address.lower()}
    mailbox.password_encrypted = None
    store_tokens(mailbox, tokens, ctx)
    mailbox.files_sent_copy = True  # both file SMTP submissions in Sent themselves
    mailbox.status, mailbox.status_reason = "ok", None
    session.flush()
    return mailbox


def store_tokens(mailbox: Mailbox, tokens: TokenSet, ctx: MailContext) -> None:
    mailbox.oauth_access_encrypted = ctx.secrets.encrypt(tokens.access_token)
    mailbox.oauth_expires_at = tokens.expires_at
    if tokens.refresh_token:  # Microsoft rotates refresh tokens; Google keeps the first
        mailbox.oauth_refresh_encrypted = ctx.secrets.encrypt(tokens.refresh_token)


def list_mailboxes(session: Session, account_id: int) -> list[Mailbox]:
    return list(
        session.scalars(
            select(Mailbox).where(Mailbox.account_id == account_id).order_by(Mailbox.id)
        )
    )


def get_mailbox(session: Session, account_id: int, mailbox_id: int) -> Mailbox:
    mailbox = session.get(Mailbox, mailbox_id)
    if mailbox is None or mailbox.account_id != account_id:
        raise MailboxNotFound(f"mailbox {mailbox_id} not found")
    return mailbox


def update_mailbox(
    session: Session, account_id: int, mailbox_id: int, data: dict[str, Any], ctx: MailContext
) -> Mailbox:
    mailbox = get_mailbox(session, account_id, mailbox_id)
    errors: dict[str, list[str]] = {}
    settings = _settings_input(data, errors)
    servers = {}
    for name in ("smtp", "imap"):
        if name in data:
            merged = {**getattr(mailbox, name), **(data[name] or {})}
            servers[name] = _server_input(merged, name, ctx, errors)
    if "address" in data:
        settings["address"] = _address(data["address"], errors)
    if errors:
        raise MailboxInputError(errors)
    for key, value in settings.items():
        setattr(mailbox, key, value)
    passwords = _passwords(mailbox, ctx) if servers else {}
    for name, (server, password) in servers.items():
        setattr(mailbox, name, server.as_dict())
        if password:
            passwords[name] = password
    if servers:
        _store_passwords(mailbox, ctx, passwords)
        if mailbox.status == "auth_error":  # new credentials: try again
            mailbox.status, mailbox.status_reason = "ok", None
    session.flush()
    return mailbox


def delete_mailbox(session: Session, account_id: int, mailbox_id: int) -> None:
    session.delete(get_mailbox(session, account_id, mailbox_id))
    session.flush()


def mark_auth_error(mailbox: Mailbox, reason: str) -> None:
    mailbox.status, mailbox.status_reason = "auth_error", reason[:500]


def pause_mailbox(mailbox: Mailbox, reason: str, until: datetime | None) -> None:
    mailbox.status, mailbox.status_reason, mailbox.paused_until = "paused", reason[:500], until


def ready_to_send(mailbox: Mailbox, now: datetime) -> bool:
    """ok, or paused with a window that has passed (the pause then ends)."""
    if mailbox.status == "paused" and mailbox.paused_until and mailbox.paused_until <= now:
        mailbox.status, mailbox.status_reason, mailbox.paused_until = "ok", None, None
    return mailbox.status == "ok"


# -- credentials -------------------------------------------------------------------------------
def credentials(mailbox: Mailbox, ctx: MailContext, now: datetime) -> MailboxCredentials:
    """Decrypted credentials; an OAuth access token is refreshed first when it is about to expire.

    Raises GrantRevoked (after marking the mailbox auth_error), OAuthError (try later), or
    SecretUnreadable (SECRET_KEY changed: the mailbox must be connected again)."""
    if mailbox.provider == "password":
        passwords = _passwords(mailbox, ctx)
        return MailboxCredentials(
            Credentials(password=passwords.get("smtp")), Credentials(password=passwords.get("imap"))
        )
    if needs_refresh(mailbox.oauth_expires_at, now) or mailbox.oauth_access_encrypted is None:
        provider = ctx.oauth.get(mailbox.provider)
        if provider is None or mailbox.oauth_refresh_encrypted is None:
            reason = f"{mailbox.provider} OAuth is not configured on this server; connect again"
            mark_auth_error(mailbox, reason)
            raise GrantRevoked(reason)
        refresh = ctx.secrets.decrypt(mailbox.oauth_refresh_encrypted)
        try:
            tokens = refresh_access_token(provider, refresh, now)
        except GrantRevoked as exc:
            mark_auth_error(mailbox, str(exc))
            raise
        store_tokens(mailbox, tokens, ctx)
    token = ctx.secrets.decrypt(mailbox.oauth_access_encrypted)  # type: ignore[arg-type]
    return MailboxCredentials(Credentials(access_token=token), Credentials(access_token=token))


# -- test ---------------------------------------------------------------------------------------
def _smtp_check(server: Server, creds: Credentials, ctx: MailContext, helo: str) -> dict[str, Any]:
    try:
        conn = open_smtp(server, ctx.network, helo)
    except HostRefused as exc:
        return {"ok": False, "message": f"Not allowed: {exc}."}
    except (OSError, smtplib.SMTPException) as exc:
        return {
            "ok": False,
            "message": f"Could not connect to {server.host}:{server.port} ({exc}).",
        }
    try:
        smtp_login(conn, server, creds)
        return {
            "ok": True,
            "message": f"Logged in to {server.host}:{server.port} as {server.username}.",
        }
    except smtplib.SMTPAuthenticationError as exc:
        return {"ok": False, "message": f"Login refused by {server.host}: {exc.smtp_code}."}
    except (OSError, smtplib.SMTPException) as exc:
        return {"ok": False, "message": f"SMTP error at {server.host}: {exc}."}
    finally:
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            conn.close()


def _imap_check(mailbox: Mailbox, creds: Credentials, ctx: MailContext) -> dict[str, Any]:
    server = Server.from_dict(mailbox.imap)
    try:
        with imap_read.connect(server, creds, ctx.network) as client:
            sent = imap_read.sent_folder(client)
            mailbox.sent_folder = sent or mailbox.sent_folder
            where = f"Sent folder: {sent}" if sent else "no Sent folder found"
            who = f"{server.host}:{server.port} as {server.username}"
            return {"ok": True, "message": f"Logged in to {who}; {where}."}
    except HostRefused as exc:
        return {"ok": False, "message": f"Not allowed: {exc}."}
    except imap_read.IMAPError as exc:
        return {"ok": False, "message": f"IMAP error at {server.host}:{server.port}: {exc}."}


def check_mailbox(
    session: Session,
    account_id: int,
    mailbox_id: int,
    ctx: MailContext,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Log in to both servers and read the sending domain's SPF, DKIM and DMARC records."""
    now = now or _now()
    mailbox = get_mailbox(session, account_id, mailbox_id)
    try:
        creds = credentials(mailbox, ctx, now)
    except (OAuthError, SecretUnreadable) as exc:
        failed = {"ok": False, "message": f"No usable credentials: {exc}."}
        smtp_result, imap_result = failed, failed
    else:
        domain = mailbox.address.rpartition("@")[2]
        smtp_result = _smtp_check(Server.from_dict(mailbox.smtp), creds.smtp, ctx, domain)
        imap_result = _imap_check(mailbox, creds.imap, ctx)
        if smtp_result["ok"] and imap_result["ok"] and mailbox.status == "auth_error":
            mailbox.status, mailbox.status_reason = "ok", None
    session.flush()
    return {
        "smtp": smtp_result,
        "imap": imap_result,
        "dns": check_domain(ctx.resolver(), mailbox.address.rpartition("@")[2]),
    }
