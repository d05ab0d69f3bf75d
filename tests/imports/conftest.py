"""Fixtures for the import tests: a small sandbox per test (tests add jobs and people) and a
client that talks to it over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from imports_support import client_for

from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.sandbox.server import SandboxHandle
from backend.greenhouse.sandbox.server import start_sandbox
from backend.sequences.authoring import create_sequence
from backend.store import Database
from backend.store.models import utcnow
from tests.support.accounts import make_user


@pytest.fixture
def sandbox() -> Iterator[SandboxHandle]:
    handle = start_sandbox(candidates=20, rate_limit=100_000)
    yield handle
    handle.shutdown()


@pytest.fixture
def gh(sandbox: SandboxHandle) -> GreenhouseClient:
    return client_for(sandbox)


@dataclass(frozen=True)
class Team:
    account_id: int
    user_id: int
    sequence_id: int


@pytest.fixture
def db(app) -> Database:  # type: ignore[no-untyped-def]
    return app.extensions["sourcebridge"].db


@pytest.fixture
def team(app, db: Database) -> Team:  # type: ignore[no-untyped-def]
    user, _token = make_user(app)
    with db.session() as session:
        steps = [{"kind": "task", "task_type": "call", "instructions": "Call them"}]
        body = {"name": "Backend outreach", "steps": steps}
        sequence = create_sequence(session, user.account_id, user.id, body, utcnow())
        return Team(user.account_id, user.id, sequence.id)
