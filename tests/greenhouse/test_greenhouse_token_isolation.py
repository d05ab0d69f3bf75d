"""A cached token is shared only with callers that hold the same secret for the same service."""

from __future__ import annotations

import pytest

from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.errors import AuthenticationError
from backend.greenhouse.sandbox.server import start_sandbox
from backend.infra.cache import make_cache


@pytest.fixture(scope="module")
def sandbox():  # type: ignore[no-untyped-def]
    handle = start_sandbox(candidates=5, rate_limit=10_000)
    yield handle
    handle.shutdown()


def client(sandbox, secret: str, cache) -> GreenhouseClient:  # type: ignore[no-untyped-def]
    return GreenhouseClient(
        sandbox.client_id,
        secret,
        sandbox.admin_user_id,
        api_url=sandbox.base_url,
        auth_url=sandbox.base_url,
        app_url=sandbox.base_url,
        cache=cache,
        max_retries=0,
    )


def test_a_wrong_secret_never_borrows_a_cached_token(sandbox):
    shared = make_cache(None)
    assert client(sandbox, sandbox.client_secret, shared).candidates.get_many([1]) is not None
    with pytest.raises(AuthenticationError):
        client(sandbox, "a-wrong-guess", shared).candidates.get_many([1])


def test_the_right_secret_reuses_the_cached_token(sandbox):
    shared = make_cache(None)
    first = client(sandbox, sandbox.client_secret, shared)
    first.candidates.get_many([1])
    second = client(sandbox, sandbox.client_secret, shared)
    second.candidates.get_many([1])
    assert first.tokens.minted == 1 and second.tokens.minted == 0
