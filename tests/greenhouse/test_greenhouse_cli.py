"""`sourcebridge greenhouse check | find` and `sourcebridge sandbox`, run as real commands."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from click.testing import Result

from backend.accounts import cli as greenhouse_cli
from backend.greenhouse.client import connect
from backend.greenhouse.sandbox.server import SandboxHandle
from backend.greenhouse.sandbox.server import start_sandbox
from tests.support.cli import invoke


@pytest.fixture(scope="module")
def sb() -> Iterator[SandboxHandle]:
    handle = start_sandbox(candidates=20, rate_limit=100_000)
    yield handle
    handle.shutdown()


def run(args: list[str], env: dict[str, str | None], tmp_path: Path) -> Result:
    return invoke(args, {"SOURCEBRIDGE_INSTANCE": str(tmp_path), "SECRET_KEY": "test", **env})


def env_for(sb: SandboxHandle, **overrides: str | None) -> dict[str, str | None]:
    return {**sb.settings(), **overrides}


def test_check_names_the_site_admin_and_every_read_scope(sb: SandboxHandle, tmp_path: Path) -> None:
    result = run(["greenhouse", "check"], env_for(sb), tmp_path)
    assert result.exit_code == 0, result.output
    assert f"acting user: {sb.admin_user_id} Ada Admin" in result.output
    assert "site admin: yes" in result.output
    assert "scope harvest:candidates:list: ok" in result.output
    assert "scope harvest:users:list: ok" in result.output


def test_check_reports_a_user_who_is_not_site_admin(sb: SandboxHandle, tmp_path: Path) -> None:
    result = run(
        ["greenhouse", "check"], env_for(sb, GREENHOUSE_USER_ID=str(sb.plain_user_id)), tmp_path
    )
    assert result.exit_code == 1
    assert "site admin: no" in result.output
    assert "is not a site admin" in result.output


def test_check_reports_each_missing_scope(tmp_path: Path) -> None:
    granted = {"harvest:users:list", "harvest:candidates:list"}
    with start_sandbox(candidates=2, scopes=granted) as narrow:
        result = run(["greenhouse", "check"], env_for(narrow), tmp_path)
    assert result.exit_code == 1
    assert "scope harvest:candidates:list: ok" in result.output
    assert "scope harvest:jobs:list: FAILED" in result.output
    assert "problem: harvest:jobs:list does not answer" in result.output


def test_check_with_a_wrong_secret_fails_with_one_clear_line(
    sb: SandboxHandle, tmp_path: Path
) -> None:
    result = run(["greenhouse", "check"], env_for(sb, GREENHOUSE_CLIENT_SECRET="nope"), tmp_path)
    assert result.exit_code == 1
    assert "Greenhouse refused the credentials" in result.output
    assert "nope" not in result.output


def test_missing_credentials_exit_2(sb: SandboxHandle, tmp_path: Path) -> None:
    result = run(
        ["greenhouse", "find", "--email", "a@b.example"],
        env_for(sb, GREENHOUSE_CLIENT_ID=None),
        tmp_path,
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: missing GREENHOUSE_CLIENT_ID (set them in the environment or .env, or save a"
        " connection)"
    ]


def test_unreachable_greenhouse_exits_1(
    sb: SandboxHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(greenhouse_cli, "connect", partial(connect, max_retries=0))
    dead = "http://127.0.0.1:9"
    result = run(
        ["greenhouse", "check"],
        env_for(sb, GREENHOUSE_AUTH_URL=dead, GREENHOUSE_API_URL=dead),
        tmp_path,
    )
    assert result.exit_code == 1
    assert "cannot reach Greenhouse" in result.output


def test_find_prints_matching_candidates_with_links(sb: SandboxHandle, tmp_path: Path) -> None:
    from tests.support.greenhouse import make_client

    email = "Jo.Find@Example.org"
    made = make_client(sb).candidates.create(
        first_name="Jo", last_name="Find", email_addresses=[email]
    )
    result = run(["greenhouse", "find", "--email", email.lower()], env_for(sb), tmp_path)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == [made["candidate"]["id"]]
    assert rows[0]["url"] == f"{sb.base_url}/people/{made['candidate']['id']}"


def test_find_rejects_something_that_is_not_an_email(sb: SandboxHandle, tmp_path: Path) -> None:
    result = run(["greenhouse", "find", "--email", "not-an-email"], env_for(sb), tmp_path)
    assert result.exit_code == 2


def _read_until(proc: subprocess.Popen[bytes], marker: str, seconds: float) -> str:
    """Unbuffered reads from the child's stdout until `marker` shows up (bounded in time)."""
    out, deadline = b"", time.monotonic() + seconds
    while marker.encode() not in out and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            out += chunk
    return out.decode()


def test_sandbox_command_runs_a_server_and_prints_how_to_reach_it(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backend",
            "sandbox",
            "--port",
            "0",
            "--candidates",
            "5",
            "--client-id",
            "demo-id",
            "--client-secret",
            "demo-secret",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "SOURCEBRIDGE_INSTANCE": str(tmp_path)},
    )
    try:
        banner = _read_until(proc, "plain user id", 20)
        assert "client id: demo-id" in banner and "client secret: demo-secret" in banner
        base_url = next(w for w in banner.split() if w.startswith("http://"))
        admin = next(
            line.split()[-1] for line in banner.splitlines() if "site-admin user id" in line
        )
        env = {
            "GREENHOUSE_CLIENT_ID": "demo-id",
            "GREENHOUSE_CLIENT_SECRET": "demo-secret",
            "GREENHOUSE_USER_ID": admin,
            "GREENHOUSE_API_URL": base_url,
            "GREENHOUSE_AUTH_URL": base_url,
        }
        result = run(["greenhouse", "check"], env, tmp_path)
        assert result.exit_code == 0, result.output
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
