"""Fixtures for the Greenhouse client and sandbox tests: small sandboxes, recorded sleeps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.sandbox.server import SandboxHandle
from backend.greenhouse.sandbox.server import start_sandbox
from tests.support.greenhouse import Sleeps
from tests.support.greenhouse import make_client


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxHandle]:
    """A small sandbox with a limit high enough never to matter (one per test module)."""
    handle = start_sandbox(candidates=60, rate_limit=100_000, rate_window_seconds=30)
    yield handle
    handle.shutdown()


@pytest.fixture
def client(sandbox: SandboxHandle) -> GreenhouseClient:
    return make_client(sandbox)
