"""A mail provider's SMTP submission server on loopback (aiosmtpd), delivering into Dovecot.

    smtp = start_submission(dovecot, users={"alice@example.test": "alice-pw"},
                            tls=(server_ctx), mode="starttls" | "tls" | "none",
                            oauth=oauth_server)            # XOAUTH2 bearer tokens checked there
    smtp.port
    smtp.faults.drop_before_rcpt = True                    # connection lost, nothing delivered
    smtp.faults.drop_after_data = True                     # delivered, but the 250 never arrives
    smtp.faults.rcpt_replies["x@y.test"] = "550 5.1.1 User unknown"
    smtp.faults.mail_reply = "550 5.4.5 Daily user sending quota exceeded."
    smtp.accepted                                          # [(mail_from, rcpt_tos, raw)]

AUTH is required (PLAIN, LOGIN, XOAUTH2), after TLS unless mode is "none". Recipients who are users
of the Dovecot server land in their INBOX; everyone else is "the internet" and is recorded only.
With `files_sent=True` the server also files the submission in the sender's Sent folder, as Gmail
and Microsoft 365 do; without it the client must APPEND its own copy (a generic IMAP host).
"""

from __future__ import annotations

import base64
import smtplib
import ssl
import threading
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from aiosmtpd.smtp import LoginPassword

from tests.support.dovecot import Dovecot
from tests.support.oauth_server import OAuthServer
from tests.support.processes import free_port


@dataclass
class Faults:
    drop_before_rcpt: bool = False
    drop_after_data: bool = False
    mail_reply: str | None = None  # answer to MAIL FROM instead of 250
    data_reply: str | None = None  # answer to the end of DATA instead of 250 (nothing delivered)
    rcpt_replies: dict[str, str] = field(default_factory=dict)

    def clear(self) -> None:
        self.__init__()  # type: ignore[misc]


@dataclass
class Handler:
    dovecot: Dovecot
    users: dict[str, str]
    oauth: OAuthServer | None
    files_sent: bool
    lmtp_port: int | None = None  # deliver local recipients over LMTP (Sieve runs) instead
    faults: Faults = field(default_factory=Faults)
    accepted: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    logins: list[tuple[str, str, bool]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # -- AUTH --------------------------------------------------------------------------------
    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        ok = self.users.get(user) == password
        self.logins.append((mechanism, user, ok))
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:  # noqa: N802
        """RFC-less but documented by Google and Microsoft: user=U^Aauth=Bearer T^A^A."""
        if len(args) < 2:
            return AuthResult(
                success=False, handled=False, message="501 5.5.2 initial response required"
            )
        try:
            fields = base64.b64decode(args[1]).decode().split("\x01")
            values = dict(f.split("=", 1) for f in fields if "=" in f)
            user, token = values["user"], values["auth"].removeprefix("Bearer ")
        except (ValueError, KeyError, UnicodeDecodeError):
            return AuthResult(
                success=False, handled=False, message="501 5.5.2 malformed XOAUTH2 response"
            )
        ok = self.oauth is not None and self.oauth.email_for(token) == user
        self.logins.append(("XOAUTH2", user, ok))
        if not ok:
            return AuthResult(
                success=False, handled=False, message="535 5.7.8 Username and Password not accepted"
            )
        return AuthResult(success=True, auth_data=user)

    # -- envelope ----------------------------------------------------------------------------
    async def handle_MAIL(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.faults.mail_reply:
            return self.faults.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 2.1.0 Ok"

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.faults.drop_before_rcpt:
            server.transport.abort()
            return "250 2.1.5 Ok"  # never reaches the client
        reply = self.faults.rcpt_replies.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.faults.data_reply:
            return self.faults.data_reply
        raw = envelope.original_content or envelope.content
        with self.lock:
            self.accepted.append((envelope.mail_from, list(envelope.rcpt_tos), raw))
            local = [r for r in envelope.rcpt_tos if r.lower() in self.dovecot.users]
            if local and self.lmtp_port:
                with smtplib.LMTP(self.dovecot.host, self.lmtp_port) as lmtp:
                    lmtp.sendmail(envelope.mail_from, local, raw)
            else:
                for rcpt in local:
                    self.dovecot.drop(rcpt.lower(), raw)
            sender = session.auth_data
            if self.files_sent and isinstance(sender, str) and sender in self.dovecot.users:
                self.dovecot.drop(sender, raw, folder="Sent")
        if self.faults.drop_after_data:
            server.transport.abort()  # accepted and delivered; the client never hears "250"
        return "250 2.0.0 Ok: queued"


@dataclass
class Submission:
    host: str
    port: int
    mode: str
    handler: Handler
    _controller: Controller

    @property
    def faults(self) -> Faults:
        return self.handler.faults

    @property
    def accepted(self) -> list[tuple[str, list[str], bytes]]:
        return self.handler.accepted

    def delivered_to(self, address: str) -> list[bytes]:
        return [raw for _, rcpts, raw in self.accepted if address in rcpts]

    def stop(self) -> None:
        self._controller.stop()


def start_submission(
    dovecot: Dovecot,
    users: dict[str, str],
    *,
    server_tls: ssl.SSLContext | None,
    mode: str = "starttls",
    oauth: OAuthServer | None = None,
    files_sent: bool = False,
    host: str = "127.0.0.1",
    port: int | None = None,
    relay: bool = False,
    via_lmtp: bool = False,
) -> Submission:
    """Start on a free port; `mode` is starttls (587), tls (465, implicit) or none.

    `relay=True`: an MX-like server without AUTH (where Dovecot's Sieve sends its replies).
    `via_lmtp=True`: local recipients get the mail through Dovecot's LMTP, so Sieve runs."""
    handler = Handler(dovecot, dict(users), oauth, files_sent)
    handler.lmtp_port = dovecot.lmtp_port if via_lmtp else None
    kwargs: dict[str, Any] = {
        "authenticator": handler.authenticate,
        "auth_required": not relay,
        # implicit TLS is TLS from the first byte; aiosmtpd only counts STARTTLS as TLS
        "auth_require_tls": mode == "starttls",
    }
    if mode == "starttls":
        kwargs.update(tls_context=server_tls, require_starttls=True)
    elif mode == "tls":
        kwargs.update(ssl_context=server_tls)
    port = port or free_port(host)
    controller = Controller(handler, hostname=host, port=port, ready_timeout=5, **kwargs)
    controller.start()
    return Submission(host, port, mode, handler, controller)
