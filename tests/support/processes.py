"""Helpers for tests that start Sourcebridge (or a server beside it) as a separate process:
free ports, a clean environment, and `sourcebridge serve` started, awaited and stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 40.0


def free_port(*hosts: str) -> int:
    """A port nothing listens on right now on every one of `hosts` (loopback by default)."""
    hosts = hosts or ("127.0.0.1",)
    for _ in range(20):
        with socket.socket() as probe:
            probe.bind((hosts[0], 0))
            port = probe.getsockname()[1]
        if all(_bindable(host, port) for host in hosts[1:]):
            return port
    raise RuntimeError(f"no port free on all of {hosts}")


def _bindable(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without Sourcebridge settings, plus `extra`; the code under
    test is this checkout's."""
    prefixes = ("GREENHOUSE_", "DATABASE_URL", "REDIS_URL", "SOURCEBRIDGE_", "DNS_", "EMAIL_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


@dataclass
class Serve:
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str]
    url: str | None = None  # None when it listens on a unix socket

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self) -> str:
        return self.log()[-3000:]

    def gunicorn_workers(self) -> list[int]:
        """The arbiter's forked API workers (not the embedded queue consumer)."""
        return [pid for pid in children(self.process.pid) if b"serve" in cmdline(pid)]

    def queue_consumers(self) -> list[int]:
        """The embedded `sourcebridge worker` child (its argv, not `--workers` of serve's)."""
        return [pid for pid in children(self.process.pid) if b"worker" in cmdline(pid).split(b"\0")]


def start_serve(
    directory: Path, *, unix_socket: Path | None = None, workers: int = 1, **settings: str
) -> Serve:
    """`sourcebridge serve` with its own instance folder and SQLite file (`settings` on top), its
    output in serve.log; returns once /healthz answers and its API workers are up."""
    directory.mkdir(parents=True, exist_ok=True)
    env = clean_env(
        **{
            "DATABASE_URL": f"sqlite:///{directory / 'db.sqlite'}",
            "SOURCEBRIDGE_INSTANCE": str(directory),
            "LOG_LEVEL": "WARNING",
            **settings,
        }
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
            start_new_session=True,  # its queue consumer child goes down with it in `stop`
        )  # fmt: skip
    serve = Serve(process, log_path, env, url)
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
