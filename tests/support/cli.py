"""The `sourcebridge` command line in tests: in this process (click's runner: quick, and a test's
monkeypatches apply) or as a real process (`python -m backend`, as a person runs it)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path

from click.testing import CliRunner
from click.testing import Result

from backend.__main__ import main
from tests.support.processes import clean_env

NO_SERVICES: dict[str, str | None] = {
    "REDIS_URL": None,
    "GREENHOUSE_CLIENT_ID": None,
    "GREENHOUSE_CLIENT_SECRET": None,
    "GREENHOUSE_USER_ID": None,
}
"""Unset for an in-process run: no Redis and no Greenhouse credentials from the developer's
environment (None unsets a variable for click's runner)."""


def invoke(
    args: Sequence[str], env: Mapping[str, str | None] | None = None, *, input: str | None = None
) -> Result:
    """`sourcebridge ARGS` in this process, `env` on top of NO_SERVICES; an exception the command
    does not turn into an exit code fails the test."""
    return CliRunner().invoke(
        main, list(args), env={**NO_SERVICES, **(env or {})}, input=input, catch_exceptions=False
    )


def instance_env(instance: Path, **extra: str) -> dict[str, str]:
    """An environment for `run_cli` with its own instance folder and SQLite file."""
    return clean_env(
        SOURCEBRIDGE_INSTANCE=str(instance),
        DATABASE_URL=f"sqlite:///{instance / 'cli.db'}",
        **extra,
    )


def run_cli(
    *args: str,
    env: Mapping[str, str],
    input: str | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """`sourcebridge ARGS` as its own process, run from the instance folder `env` names (or from
    here when it names none); its exit code and output."""
    return subprocess.run(
        [sys.executable, "-m", "backend", *args],
        env=dict(env),
        cwd=env.get("SOURCEBRIDGE_INSTANCE"),
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
