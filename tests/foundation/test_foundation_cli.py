"""The `sourcebridge` command line: exit codes, users, migrate, and serve as a new user runs it."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import requests

from tests.support.cli import instance_env
from tests.support.cli import run_cli
from tests.support.processes import start_serve


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    return instance_env(tmp_path)


def test_migrate_then_users_create_prints_the_token_once(cli_env):
    assert run_cli("migrate", env=cli_env).returncode == 0
    created = run_cli("users", "create", "--email", "Ann@Example.com", "--admin", env=cli_env)
    assert created.returncode == 0, created.stderr
    assert "created admin ann@example.com" in created.stdout
    assert re.search(r"API token \(shown once\): sb_\S{40,}", created.stdout)


def test_users_create_with_a_bad_email_exits_2_with_one_line(cli_env):
    result = run_cli("users", "create", "--email", "not-an-email", env=cli_env)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "not an email address" in result.stderr


def test_users_create_twice_exits_2(cli_env):
    assert run_cli("users", "create", "--email", "a@b.co", env=cli_env).returncode == 0
    again = run_cli("users", "create", "--email", "a@b.co", env=cli_env)
    assert again.returncode == 2
    assert "already exists" in again.stderr


def test_unknown_option_is_bad_usage(cli_env):
    assert run_cli("users", "create", "--nope", env=cli_env).returncode == 2


def test_migrate_against_an_unreachable_database_exits_1(cli_env):
    env = {**cli_env, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    result = run_cli("migrate", env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("error: migration failed")


@pytest.mark.slow
def test_serve_first_run_prints_a_one_time_setup_link_for_the_first_admin(tmp_path):
    serve = start_serve(tmp_path, LOG_LEVEL="INFO")
    try:
        deadline = time.monotonic() + 30
        while not (match := re.search(r"(http://127\.0\.0\.1:\d+/invite/\S+)", serve.log())):
            assert time.monotonic() < deadline, serve.log_tail()
            time.sleep(0.1)
        link = match.group(1)
        assert "API token" not in serve.log(), "no long-lived token in the terminal"
        base = serve.url
        assert requests.get(f"{base}/healthz", timeout=5).json() == {"status": "ok"}
        browser = requests.Session()
        page = browser.get(link, timeout=5)
        assert page.status_code == 200 and "Set up Sourcebridge" in page.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        password = "first admin password"
        form = {"csrf_token": csrf, "email": "boss@example.com", "name": "Boss",
                "new_password": password, "confirm": password}  # fmt: skip
        made = browser.post(link, data=form, timeout=10, allow_redirects=False)
        assert made.status_code == 302, made.text
        account = browser.get(f"{base}/account", timeout=5, allow_redirects=False)
        assert account.status_code == 200 and "boss@example.com" in account.text
        assert "(Admin)" in account.text
        assert requests.get(link, timeout=5).status_code == 404, "the link works once"
        anonymous = requests.get(f"{base}/api/v1/me", timeout=5, headers={"X-Request-ID": "r-42"})
        assert anonymous.status_code == 401
        assert set(anonymous.json()) == {"code", "status", "message"}
        consumers = serve.queue_consumers()
        assert len(consumers) == 1, "serve runs one queue consumer beside the API"
    finally:
        serve.process.terminate()  # serve alone, not its process group: it must stop the consumer
        serve.process.wait(timeout=20)
    time.sleep(0.5)
    assert not Path(f"/proc/{consumers[0]}").exists(), "the consumer stops with serve"
    # One access line per request: address, request line, status, bytes, time, request id.
    rest = serve.log()
    assert re.search(r'127\.0\.0\.1 "GET /api/v1/me HTTP/1\.1" 401 \d+ \d+ms \[r-42\]', rest), rest
