"""The server as it runs for real, on loopback: `sourcebridge serve` (alone or on a unix socket)
and Debian's nginx with the shipped config, plus clients that are slow on purpose."""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.support.processes import clean_env
from tests.support.processes import free_port

REPO = Path(__file__).resolve().parents[2]
NGINX_CONF = REPO / "deploy" / "nginx" / "sourcebridge.conf"
START_TIMEOUT = 40.0


@dataclass
class Serve:
    process: subprocess.Popen[bytes]
    log_path: Path
    url: str | None = None  # None when it listens on a unix socket

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def gunicorn_workers(self) -> list[int]:
        """The arbiter's forked API workers (not the embedded queue consumer)."""
        return [pid for pid in children(self.process.pid) if b"serve" in cmdline(pid)]


def start_serve(directory: Path, *, unix_socket: Path | None = None, workers: int = 1) -> Serve:
    directory.mkdir(parents=True, exist_ok=True)
    env = clean_env(
        DATABASE_URL=f"sqlite:///{directory / 'db.sqlite'}",
        SOURCEBRIDGE_INSTANCE=str(directory),
        LOG_LEVEL="WARNING",
    )
    args = [sys.executable, "-m", "backend", "serve", "--workers", str(workers)]
    if unix_socket is not None:
        args += ["--unix-socket", str(unix_socket)]
        url = None
    else:
        port = free_port()
        args += ["--host", "127.0.0.1", "--port", str(port)]
        url = f"http://127.0.0.1:{port}"
    log_path = directory / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            args, env=env, cwd=directory, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    serve = Serve(process, log_path, url)
    deadline = time.monotonic() + START_TIMEOUT
    while not _answers(serve, unix_socket):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise AssertionError(f"sourcebridge serve did not start:\n{serve.log_tail()}")
        time.sleep(0.1)
    while len(serve.gunicorn_workers()) < workers and time.monotonic() < deadline:
        time.sleep(0.1)
    return serve


def _answers(serve: Serve, unix_socket: Path | None) -> bool:
    try:
        if unix_socket is None:
            return requests.get(f"{serve.url}/healthz", timeout=1).status_code == 200
        return unix_get(unix_socket, "/healthz").startswith(b"HTTP/1.1 200")
    except (OSError, requests.RequestException):
        return False


def unix_get(path: Path, target: str) -> bytes:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(2)
        sock.connect(str(path))
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        return sock.recv(65536)


def start_nginx(directory: Path, *, port: int, upstream_socket: Path) -> subprocess.Popen[bytes]:
    """Debian's nginx as the current user, with a private prefix and the shipped server block."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    directory.mkdir(parents=True, exist_ok=True)
    site = NGINX_CONF.read_text()
    site, listens = re.subn(r"(?m)^(\s*)listen 80;", rf"\1listen 127.0.0.1:{port};", site)
    site, upstreams = re.subn(
        r"unix:/run/sourcebridge/gunicorn\.sock", f"unix:{upstream_socket}", site
    )
    assert listens == 1 and upstreams == 1, "the shipped nginx config changed shape"
    (directory / "sourcebridge.conf").write_text(site)
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    temp = {name: directory / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    (directory / "nginx.conf").write_text(
        "\n".join(
            [
                f"user {user} {group};" if os.getuid() == 0 else "",
                "worker_processes 1;",
                f"pid {directory / 'nginx.pid'};",
                f"error_log {directory / 'error.log'} warn;",
                "events { worker_connections 1024; }",
                "http {",
                f"  access_log {directory / 'access.log'};",
                f"  client_body_temp_path {temp['body']};",
                f"  proxy_temp_path {temp['proxy']};",
                f"  fastcgi_temp_path {temp['fastcgi']};",
                f"  uwsgi_temp_path {temp['uwsgi']};",
                f"  scgi_temp_path {temp['scgi']};",
                f"  include {directory / 'sourcebridge.conf'};",
                "}",
            ]
        )
    )
    process = subprocess.Popen(
        [binary, "-p", str(directory), "-c", str(directory / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"nginx did not start: {stop(process)!r}") from None
            time.sleep(0.05)


def stop(process: subprocess.Popen[bytes]) -> bytes:
    """Stop the process group; returns what it wrote to a piped stderr (the pipe is closed)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    if process.stderr is None:
        return b""
    with process.stderr:
        return process.stderr.read()


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


SLOW_STARTS = {
    # Headers that never end.
    "headers": b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: 1",
    # Headers whole, body promised and never sent (a slow gzip upload before auth).
    "body": (
        b"POST /api/v1/lookups HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Encoding: gzip\r\nContent-Length: 100000\r\n\r\n\x1f\x8b"
    ),
    # A chunked body that stops after its first chunk.
    "chunked": (
        b"POST /api/v1/lookups HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'4\r\n{"a"\r\n'
    ),
}


def open_slow_clients(host: str, port: int, count: int) -> list[socket.socket]:
    """`count` connections, cycling through the slow shapes, each left hanging mid-request."""
    shapes = list(SLOW_STARTS.values())
    opened = []
    for index in range(count):
        sock = socket.create_connection((host, port), timeout=5)
        sock.sendall(shapes[index % len(shapes)])
        opened.append(sock)
    return opened


def trickle(sockets: list[socket.socket]) -> None:
    """One more byte on every slow connection: each stays alive and unfinished (a "0" extends a
    header value, a body, or a chunk-size line alike)."""
    for sock in sockets:
        try:
            sock.sendall(b"0")
        except OSError:
            pass


def timed_healthz(url: str, timeout: float = 5.0) -> tuple[int, float]:
    started = time.monotonic()
    response = requests.get(f"{url}/healthz", timeout=timeout)
    return response.status_code, time.monotonic() - started
