"""One SMTP submission, with an outcome that says whether the message may have gone (decision 10).

Never retried here. Everything that fails before the server answered DATA with 354 cannot have
delivered the message: `retry` (or a mailbox/recipient outcome). Once the content is on its way,
a lost connection or a timeout is `unknown`: the reconciler looks in the Sent folder before
anything is sent again.
"""

from __future__ import annotations

import logging
import re
import smtplib
from datetime import datetime
from datetime import timedelta

from backend import defaults
from backend.mailboxes.outcome import SendOutcome
from backend.mailboxes.pinned import PinnedSMTP
from backend.mailboxes.pinned import PinnedSMTPSSL
from backend.mailboxes.servers import Credentials
from backend.mailboxes.servers import HostRefused
from backend.mailboxes.servers import Network
from backend.mailboxes.servers import Server
from backend.mailboxes.servers import vetted_addresses
from backend.mailboxes.servers import xoauth2_string

log = logging.getLogger(__name__)

# Provider refusals that are about the sender's quota or standing, not this recipient:
# Gmail "550 5.4.5 Daily user sending limit exceeded", Exchange "554 5.2.0 ... SendAsDenied",
# "421 4.7.0 Try again later, closing connection", "452 4.5.3 Too many recipients" (rate), etc.
_QUOTA = re.compile(
    r"(?i)\b(4\.7\.0|5\.4\.5|4\.4\.5|5\.7\.0)\b|quota|limit exceeded|sending limit|rate limit|"
    r"too many (messages|connections)|try again later|sendasdenied|suspended|blocked"
)


# Details of refusals only the mailbox's owner can fix (credentials, server settings): the
# mailbox goes to `auth_error` instead of a timed pause.
NEEDS_OWNER = "needs the owner: "


def needs_owner(outcome: SendOutcome) -> bool:
    return outcome.kind == "mailbox_paused" and outcome.detail.startswith(NEEDS_OWNER)


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def open_connection(server: Server, network: Network, helo: str) -> smtplib.SMTP:
    """A connection (TLS as configured) to the server's vetted address; HostRefused when the
    rule forbids the server."""
    addresses = vetted_addresses(server, network)
    if server.security == "tls":
        return PinnedSMTPSSL(
            addresses, server.host, server.port, helo, network.smtp_timeout, network.context()
        )
    conn = PinnedSMTP(addresses, server.host, server.port, helo, network.smtp_timeout)
    try:
        if server.security == "starttls":
            conn.ehlo()
            if not conn.has_extn("starttls"):
                raise smtplib.SMTPNotSupportedError("the server does not offer STARTTLS")
            conn.starttls(context=network.context())
        conn.ehlo()
    except BaseException:  # a refused or failed TLS upgrade: the socket is ours to close
        conn.close()
        raise
    return conn


def login(conn: smtplib.SMTP, server: Server, creds: Credentials) -> None:
    if creds.access_token:
        initial = xoauth2_string(server.username, creds.access_token)
        # on failure the server sends a JSON challenge and expects an empty answer (then 535)
        conn.auth(
            "XOAUTH2",
            lambda challenge=None: initial if challenge is None else "",
            initial_response_ok=True,
        )
    else:
        conn.login(server.username, creds.password or "")


def _dot_stuffed(raw: bytes) -> bytes:
    body = re.sub(rb"(?<!\r)\n", b"\r\n", raw)
    body = re.sub(rb"(?m)^\.", b"..", body)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return body + b".\r\n"


def _later(now: datetime, delay: timedelta) -> datetime:
    return now + delay


def submit(
    server: Server,
    creds: Credentials,
    network: Network,
    *,
    from_addr: str,
    to_addr: str,
    raw: bytes,
    now: datetime,
) -> SendOutcome:
    """Submit `raw` once. The outcome's detail is safe to show (never a secret)."""
    retry_at = _later(now, defaults.MAIL_SEND_RETRY_DELAY)
    paused_until = _later(now, defaults.MAIL_QUOTA_PAUSE)
    helo = from_addr.rpartition("@")[2] or "localhost"
    try:
        conn = open_connection(server, network, helo)
    except HostRefused as exc:
        return SendOutcome("mailbox_paused", f"{NEEDS_OWNER}SMTP server not allowed: {exc}")
    except smtplib.SMTPNotSupportedError as exc:
        return SendOutcome("mailbox_paused", f"{NEEDS_OWNER}SMTP: {exc}")
    except (OSError, smtplib.SMTPException) as exc:
        return SendOutcome("retry", f"could not connect to {server.host}: {exc}", retry_at)
    try:
        try:
            login(conn, server, creds)
        except smtplib.SMTPAuthenticationError as exc:
            detail = f"authentication failed: {exc.smtp_code} {_text(exc.smtp_error)[:200]}"
            return SendOutcome("mailbox_paused", NEEDS_OWNER + detail)
        except smtplib.SMTPNotSupportedError:
            return SendOutcome("mailbox_paused", f"{NEEDS_OWNER}the server offers no AUTH")
        return _transaction(conn, from_addr, to_addr, raw, retry_at, paused_until)
    except (OSError, smtplib.SMTPException) as exc:
        # once DATA is accepted, _transaction answers every failure itself (`unknown`)
        return SendOutcome("retry", f"connection lost before the message was sent: {exc}", retry_at)
    finally:
        try:
            conn.close()
        except OSError:
            pass


def _refusal(
    code: int, text: str, stage: str, retry_at: datetime, paused_until: datetime
) -> SendOutcome:
    detail = f"{stage} refused: {code} {text[:300]}"
    if _QUOTA.search(text) or code == 421:
        return SendOutcome("mailbox_paused", detail, paused_until if code >= 500 else retry_at)
    if 400 <= code < 500:
        return SendOutcome("retry", detail, retry_at)
    return SendOutcome("failed", detail, None)


def _transaction(
    conn: smtplib.SMTP,
    from_addr: str,
    to_addr: str,
    raw: bytes,
    retry_at: datetime,
    paused_until: datetime,
) -> SendOutcome:
    code, reply = conn.mail(from_addr)
    if code != 250:
        return _refusal(code, _text(reply), "MAIL FROM", retry_at, paused_until)
    code, reply = conn.rcpt(to_addr)
    if code not in (250, 251):
        text = _text(reply)
        if 500 <= code < 600 and not _QUOTA.search(text):
            return SendOutcome("recipient_rejected", f"RCPT refused: {code} {text[:300]}")
        return _refusal(code, text, "RCPT", retry_at, paused_until)
    code, reply = conn.docmd("DATA")
    if code != 354:
        return _refusal(code, _text(reply), "DATA", retry_at, paused_until)
    try:
        conn.send(_dot_stuffed(raw))
        code, reply = conn.getreply()
    except (OSError, smtplib.SMTPException) as exc:  # timeouts and TLS errors are OSErrors
        return SendOutcome("unknown", f"no answer after the message was sent: {exc}")
    if code == 250:
        return SendOutcome("sent", _text(reply)[:300])
    if code == -1:
        return SendOutcome("unknown", "no answer after the message was sent")
    return _refusal(code, _text(reply), "message", retry_at, paused_until)
