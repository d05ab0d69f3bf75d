"""The server as it runs for real, on loopback: Debian's nginx with the shipped config in front of
`sourcebridge serve` (`tests.support.processes`), plus clients that are slow on purpose."""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import requests

from tests.support.processes import REPO
from tests.support.processes import stop

NGINX_CONF = REPO / "deploy" / "nginx" / "sourcebridge.conf"


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
