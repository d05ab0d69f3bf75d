"""A gthread worker that reads each request whole before a thread sees it.

gunicorn's gthread worker gives a connection to a thread as soon as its first byte arrives; the
thread then blocks reading headers and body, so eight clients that trickle a request a byte at a
time hold all eight threads and `/healthz` stalls (issue 10). This worker keeps every connection
in its event loop, buffering non-blockingly, until `backend.http_framing` says the request is
whole; only then does a thread run it, from memory. Headers must arrive within
`HTTP_HEADER_TIMEOUT`, a body must keep moving (`HTTP_BODY_IDLE_TIMEOUT`) and finish within
`HTTP_BODY_TIMEOUT`; a response that the client does not read is abandoned after
`HTTP_SEND_TIMEOUT`. Too-large requests are refused from the loop with the API's error shape.

Plain HTTP only: TLS and HTTP/2 terminate at the reverse proxy (README, production topology).
"""

from __future__ import annotations

import json
import selectors
import socket
import struct
import time
from functools import partial
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

from backend import defaults
from backend.http_framing import Frame
from backend.http_framing import RequestBuffer

REFUSALS = {
    Frame.HEADERS_TOO_LARGE: (431, "Request Header Fields Too Large", "Request headers too large."),
    Frame.BODY_TOO_LARGE: (413, "Payload Too Large", "Request body is larger than {limit} bytes."),
}
TIMED_OUT = (408, "Request Timeout", "The request did not arrive in time.")
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
RECV_BYTES = 256 * 1024


class Pending:
    """A connection's request in the making, with the clocks that bound it."""

    def __init__(self, buffer: RequestBuffer, now: float) -> None:
        self.buffer = buffer
        self.started = now
        self.last_read = now
        self.headers_at: float | None = None
        self.continue_sent = False

    def expired(self, now: float) -> bool:
        if self.headers_at is None:
            return now - self.started > defaults.HTTP_HEADER_TIMEOUT.total_seconds()
        return (
            now - self.last_read > defaults.HTTP_BODY_IDLE_TIMEOUT.total_seconds()
            or now - self.headers_at > defaults.HTTP_BODY_TIMEOUT.total_seconds()
        )


def error_response(status: int, reason: str, message: str) -> bytes:
    body = json.dumps({"code": status, "status": reason, "message": message}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nX-Content-Type-Options: nosniff\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


def set_send_timeout(sock: socket.socket, seconds: float) -> None:
    """A kernel-level send/receive timeout: it survives gunicorn's `setblocking(True)`."""
    whole = int(seconds)
    timeval = struct.pack("ll", whole, int((seconds - whole) * 1_000_000))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeval)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval)


class BufferingThreadWorker(ThreadWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.buffering: dict[Any, Pending] = {}
        self.ready: set[Any] = set()

    def body_limit(self) -> int:
        config = getattr(self.wsgi, "config", None) or {}
        return int(config.get("MAX_CONTENT_LENGTH") or defaults.MAX_REQUEST_BYTES)

    def enqueue_req(self, conn: Any) -> None:
        if conn in self.ready or self.cfg.is_ssl:
            self.ready.discard(conn)
            super().enqueue_req(conn)
            return
        leftover = conn.parser.unreader.take_buffered() if conn.parser is not None else b""
        buffer = RequestBuffer(
            max_header_bytes=defaults.HTTP_MAX_HEADER_BYTES, max_body_bytes=self.body_limit()
        )
        pending = Pending(buffer, time.monotonic())
        self.buffering[conn] = pending
        conn.sock.setblocking(False)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_bytes, conn))
        if leftover:  # a pipelined request read ahead with the previous one
            self.advance(conn, pending, buffer.feed(leftover))

    def on_bytes(self, conn: Any, _sock: Any) -> None:
        pending = self.buffering.get(conn)
        if pending is None:
            return
        try:
            data = conn.sock.recv(RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self.drop(conn)
            return
        if not data:
            self.drop(conn)
            return
        pending.last_read = time.monotonic()
        self.advance(conn, pending, pending.buffer.feed(data))

    def advance(self, conn: Any, pending: Pending, frame: Frame) -> None:
        buffer = pending.buffer
        if buffer.headers_done and pending.headers_at is None:
            pending.headers_at = time.monotonic()
        if frame is Frame.INCOMPLETE:
            if buffer.expects_continue and buffer.headers_done and not pending.continue_sent:
                pending.continue_sent = True
                self.send_quietly(conn, CONTINUE)
            return
        if frame in REFUSALS:
            status, reason, message = REFUSALS[frame]
            self.refuse(conn, status, reason, message.format(limit=buffer.max_body_bytes))
            return
        # Whole (or malformed: gunicorn's parser answers that with its 400), so run it from memory.
        self.release(conn)
        conn.init()
        conn.parser.unreader.unread(bytes(buffer.data))
        set_send_timeout(conn.sock, defaults.HTTP_SEND_TIMEOUT.total_seconds())
        conn.data_ready = True
        self.ready.add(conn)
        self.enqueue_req(conn)

    def release(self, conn: Any) -> None:
        self.buffering.pop(conn, None)
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass

    def drop(self, conn: Any) -> None:
        self.release(conn)
        self.nr_conns -= 1
        conn.close()

    def send_quietly(self, conn: Any, data: bytes) -> None:
        try:
            conn.sock.send(data)  # non-blocking, small: fits the socket buffer or is lost
        except OSError:
            pass

    def refuse(self, conn: Any, status: int, reason: str, message: str) -> None:
        self.send_quietly(conn, error_response(status, reason, message))
        try:
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        self.drop(conn)

    def murder_pending(self) -> None:
        super().murder_pending()
        now = time.monotonic()
        for conn, pending in list(self.buffering.items()):
            if pending.expired(now):
                self.refuse(conn, *TIMED_OUT)
