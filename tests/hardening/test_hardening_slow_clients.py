"""Slow or idle clients never hold a worker: `sourcebridge serve` alone and behind nginx.

Each test opens 50 connections that stop mid-request (headers that never end, a body promised and
not sent, a chunked body that stalls), keeps them alive with a byte now and then, and checks that
`/healthz` still answers at once. The worker-kill test kills a gunicorn worker while requests are
in flight behind nginx.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import socket
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.support.processes import free_port
from tests.support.processes import start_serve
from tests.support.processes import stop
from tests.support.topology import open_slow_clients
from tests.support.topology import start_nginx
from tests.support.topology import timed_healthz
from tests.support.topology import trickle

pytestmark = pytest.mark.slow

SLOW_CLIENTS = 50
HEALTHZ_WITHIN = 1.0  # seconds


def assert_healthz_answers_beside(url: str, host: str, port: int) -> None:
    slow = open_slow_clients(host, port, SLOW_CLIENTS)
    try:
        for _ in range(5):
            trickle(slow)
            status, seconds = timed_healthz(url)
            assert status == 200 and seconds < HEALTHZ_WITHIN, (status, seconds)
            time.sleep(0.2)
    finally:
        for sock in slow:
            sock.close()


@pytest.fixture(scope="module")
def serve_alone(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    serve = start_serve(tmp_path_factory.mktemp("alone"))
    yield serve
    stop(serve.process)


def test_serve_alone_answers_healthz_with_50_slow_clients_open(serve_alone):
    port = int(serve_alone.url.rsplit(":", 1)[1])
    assert_healthz_answers_beside(serve_alone.url, "127.0.0.1", port)


def test_serve_alone_refuses_an_oversized_body_without_reading_it(serve_alone):
    port = int(serve_alone.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"POST /api/v1/lookups HTTP/1.1\r\nHost: x\r\nContent-Length: 9999999\r\n\r\n")
        answer = sock.recv(65536)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert json.loads(body)["code"] == 413


def test_serve_alone_still_speaks_keepalive_pipelining_and_chunked_uploads(serve_alone):
    port = int(serve_alone.url.rsplit(":", 1)[1])
    with requests.Session() as session:  # kept-alive: each request goes back through the buffer
        for _ in range(5):
            assert session.get(f"{serve_alone.url}/healthz", timeout=5).status_code == 200
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        one = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        sock.sendall(one + one.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
        answers = b""
        while chunk := sock.recv(65536):
            answers += chunk
    assert answers.count(b"HTTP/1.1 200") == 2

    def chunks():  # a chunked gzip body reaches the app whole (401: no token, but parsed)
        data = gzip.compress(b'{"url": "https://www.linkedin.com/in/x"}')
        yield data[:10]
        yield data[10:]

    response = requests.post(
        f"{serve_alone.url}/api/v1/lookups",
        data=chunks(),
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        timeout=5,
    )
    assert response.status_code == 401


needs_nginx = pytest.mark.skipif(
    not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()),
    reason="nginx is not installed (.ci/run installs Debian's nginx-light)",
)


@pytest.fixture(scope="module")
def behind_nginx(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp_path = tmp_path_factory.mktemp("topology")
    upstream = tmp_path / "gunicorn.sock"
    serve = start_serve(tmp_path / "serve", unix_socket=upstream, workers=2)
    port = free_port()
    try:
        nginx = start_nginx(tmp_path / "nginx", port=port, upstream_socket=upstream)
    except BaseException:
        stop(serve.process)
        raise
    yield serve, f"http://127.0.0.1:{port}", port
    stop(nginx)
    stop(serve.process)


@needs_nginx
def test_nginx_topology_answers_healthz_with_50_slow_clients_open(behind_nginx):
    _, url, port = behind_nginx
    assert timed_healthz(url)[0] == 200
    assert_healthz_answers_beside(url, "127.0.0.1", port)


@needs_nginx
def test_nginx_topology_keeps_answering_when_a_worker_is_killed_mid_request(behind_nginx):
    serve, url, _ = behind_nginx
    workers = serve.gunicorn_workers()
    assert len(workers) == 2, serve.log_tail()
    results: list[tuple[float, int]] = []
    stop_at = time.monotonic() + 4.0

    def hammer() -> None:
        with requests.Session() as session:
            while time.monotonic() < stop_at:
                try:
                    status = session.get(f"{url}/healthz", timeout=5).status_code
                except requests.RequestException:
                    status = 0
                results.append((time.monotonic(), status))

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    killed_at = time.monotonic()
    os.kill(workers[0], signal.SIGKILL)
    for thread in threads:
        thread.join()
    before = [status for at, status in results if at < killed_at]
    after = [status for at, status in results if at > killed_at + 0.5]
    assert before and set(before) == {200}
    assert after and set(after) == {200}, after
    failed = [status for _, status in results if status != 200]
    assert len(failed) <= len(threads), failed  # at most the requests in flight on that worker
    deadline = time.monotonic() + 10
    while len(serve.gunicorn_workers()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(serve.gunicorn_workers()) == 2, "the arbiter replaces the killed worker"
