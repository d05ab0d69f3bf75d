"""Fixtures for the import tests: a small sandbox per test (tests add jobs and people) and a
client that talks to it over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from imports_support import client_for

from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.sandbox.server import SandboxHandle
from backend.greenhouse.sandbox.server import start_sandbox


@pytest.fixture
def sandbox() -> Iterator[SandboxHandle]:
    handle = start_sandbox(candidates=20, rate_limit=100_000)
    yield handle
    handle.shutdown()


@pytest.fixture
def gh(sandbox: SandboxHandle) -> GreenhouseClient:
    return client_for(sandbox)
