"""`sourcebridge users create --password-stdin`: the web password set from the command line."""

from __future__ import annotations

from pathlib import Path
from subprocess import CompletedProcess

import pytest

from tests.support.cli import instance_env
from tests.support.cli import run_cli


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    return instance_env(tmp_path, TESTING="true")


def _create(env: dict[str, str], email: str, password: str) -> CompletedProcess[str]:
    args = ("users", "create", "--email", email, "--password-stdin")
    return run_cli(*args, env=env, input=password + "\n")


def test_password_stdin_sets_a_web_password_that_signs_in(cli_env, make_app, app_config):
    made = _create(cli_env, "ann@example.com", "a long web password")
    assert made.returncode == 0, made.stderr
    assert "web sign-in password set" in made.stdout
    assert "API token (shown once): sb_" in made.stdout
    assert "a long web password" not in made.stdout + made.stderr
    app = make_app({**app_config, "DATABASE_URL": cli_env["DATABASE_URL"]})
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    signed = client.post(
        "/login",
        data={"csrf_token": csrf, "email": "ann@example.com", "password": "a long web password"},
    )
    assert signed.status_code == 302


def test_a_short_stdin_password_exits_2_and_creates_nobody(cli_env):
    short = _create(cli_env, "bob@example.com", "short")
    assert short.returncode == 2
    assert short.stderr.startswith("error: password: Use at least 10 characters.")
    again = run_cli("users", "create", "--email", "bob@example.com", env=cli_env)
    assert again.returncode == 0, "nothing was left behind by the refused attempt"
