"""Fake mail servers (MX) on loopback addresses for mailbox-verification tests (aiosmtpd).

Several fakes share one port on different loopback IPs (127.0.0.2, 127.0.0.3, ...), so the code
under test needs a single SMTP port override (SMTP_PROBE_PORT), as in production:

    port = free_port("127.0.0.2", "127.0.0.3")  # tests.support.processes
    mx = start_mx("127.0.0.2", port, FakeMailbox(users={"jane.doe@acme.test"}))
    ...
    mx.handler.log      # [(event, session, address, reply, monotonic time)] as the server saw it
    mx.stop()

`FakeMailbox` answers RCPT from its settings: known users accepted, the rest rejected with
`reject`; or catch-all, greylisting, a delay, a recipient limit per session, a dropped connection
after the first rejection, or any reply per address through `replies`. DATA is recorded (and a
test can assert that it never happens).
"""

from __future__ import annotations

import asyncio
import itertools
import socketserver
import ssl
import threading
import time
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

GREYLISTED = "Greylisted, try again later"
USER_UNKNOWN = (
    "550 5.1.1 <{addr}>: Recipient address rejected: User unknown in local recipient table"
)


@dataclass
class FakeMailbox:
    users: set[str] = field(default_factory=set)
    catch_all: bool = False
    reject: str = USER_UNKNOWN
    accept: str = "250 2.1.5 Ok"
    replies: dict[str, str] = field(default_factory=dict)  # address -> reply, before anything
    greylist_seconds: float | None = None  # 451 until the (peer, from, rcpt) triplet is this old
    rcpt_delay: float = 0.0  # seconds to sleep before answering RCPT
    max_rcpts: int | None = None  # 452 4.5.3 past this many RCPTs in one session
    drop_after_reject: bool = False  # close the connection right after the first rejection
    log: list[tuple[str, int, str, str, float]] = field(default_factory=list)
    _triplets: dict[tuple[str, str, str], float] = field(default_factory=dict)

    def record(self, event: str, session: int, address: str = "", reply: str = "") -> None:
        self.log.append((event, session, address, reply, time.monotonic()))

    def events(self, kind: str) -> list[tuple[str, int, str, str, float]]:
        return [e for e in self.log if e[0] == kind]

    def rcpt_addresses(self) -> list[str]:
        return [e[2] for e in self.events("rcpt")]

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        sid = getattr(server, "sid", -1)
        count = sum(1 for e in self.log if e[0] == "rcpt" and e[1] == sid)
        reply = self._reply(server, session, envelope, address, count)
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        self.record("rcpt", sid, address, reply)
        if reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        elif reply.startswith("5") and self.drop_after_reject:
            asyncio.get_running_loop().call_soon(server.transport.close)
        return reply

    def _reply(self, server: Any, session: Any, envelope: Any, address: str, count: int) -> str:
        addr = address.lower()
        if self.max_rcpts is not None and count >= self.max_rcpts:
            return "452 4.5.3 Too many recipients"
        if addr in self.replies:
            return self.replies[addr].format(addr=address)
        if self.greylist_seconds is not None:
            key = (session.peer[0], (envelope.mail_from or "").lower(), addr)
            first = self._triplets.setdefault(key, time.monotonic())
            if time.monotonic() - first < self.greylist_seconds:
                return f"451 4.7.1 <{address}>: Recipient address rejected: {GREYLISTED}"
        if self.catch_all or addr in {u.lower() for u in self.users}:
            return self.accept
        return self.reject.format(addr=address)

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, mail_options: Any
    ) -> str:
        self.record("mail", getattr(server, "sid", -1), address)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 Ok"

    def wait_closed(self, timeout: float = 2.0) -> None:
        """Wait (bounded) until every session that connected has been logged as closed."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            opened = {e[1] for e in self.log if e[0] == "connect"}
            if opened <= {e[1] for e in self.log if e[0] == "close"}:
                return
            time.sleep(0.01)

    def sessions(self) -> list[int]:
        """Sessions that got as far as MAIL FROM (the controller's own start-up check does not)."""
        return sorted({e[1] for e in self.events("mail")})

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.record("data", getattr(server, "sid", -1))
        return "250 2.0.0 Ok: queued"


_session_ids = itertools.count(1)


class _LoggingSMTP(SMTP):
    def connection_made(self, transport: Any) -> None:
        self.sid = next(_session_ids)
        self.event_handler.record("connect", self.sid)
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        self.event_handler.record("close", self.sid)
        super().connection_lost(error)


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _LoggingSMTP(self.handler, **self.SMTP_kwargs)


@dataclass
class FakeMX:
    host: str
    port: int
    handler: FakeMailbox
    _controller: Any

    def stop(self) -> None:
        self._controller.stop()


def start_mx(
    host: str,
    port: int,
    handler: FakeMailbox,
    *,
    tls_context: ssl.SSLContext | None = None,
    require_starttls: bool = False,
    smtputf8: bool = False,
) -> FakeMX:
    kwargs: dict[str, Any] = {"enable_SMTPUTF8": smtputf8}
    if tls_context is not None:
        kwargs.update(tls_context=tls_context, require_starttls=require_starttls)
    controller = _Controller(handler, hostname=host, port=port, ready_timeout=5, **kwargs)
    controller.start()
    return FakeMX(host, port, handler, controller)


@dataclass
class GreetingServer:
    """A server that sends one fixed greeting line and closes (e.g. a 554 block at connect)."""

    host: str
    port: int
    connections: list[float]
    _server: socketserver.TCPServer

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def start_greeting_server(host: str, port: int, line: str) -> GreetingServer:
    connections: list[float] = []

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            connections.append(time.monotonic())
            self.request.sendall(line.encode() + b"\r\n")

    socketserver.TCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return GreetingServer(host, port, connections, server)


def tls_contexts(names: list[str]) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server, client) contexts from a fresh self-signed certificate for `names` (host names or
    IP addresses); the client context trusts exactly that certificate (verification stays on)."""
    import tempfile
    from pathlib import Path

    from tests.support.certs import self_signed

    cert_pem, key_pem = self_signed(names)
    with tempfile.TemporaryDirectory() as tmp:
        cert_path, key_path = Path(tmp, "cert.pem"), Path(tmp, "key.pem")
        cert_path.write_bytes(cert_pem)
        key_path.write_bytes(key_pem)
        server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server.load_cert_chain(cert_path, key_path)
    client = ssl.create_default_context(cadata=cert_pem.decode())
    return server, client
