"""Helpers shared by the Greenhouse tests (imported by name: the basename is unique)."""

from __future__ import annotations

import random
from typing import Any

from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.sandbox.server import SandboxHandle
from backend.infra.cache import make_cache
from backend.infra.ratelimit import RateLimiter


class Sleeps(list):
    """A sleep function that records instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_client(
    handle: SandboxHandle, *, user_id: int | None = None, **options: Any
) -> GreenhouseClient:
    """A client for `handle` with its own in-process cache and limiter and a recorded sleep."""
    options.setdefault("sleep", Sleeps())
    options.setdefault("rng", random.Random(1))
    options.setdefault("cache", make_cache(None))
    options.setdefault("limiter", RateLimiter(None))
    options.setdefault("rate_limit", 100_000)
    return GreenhouseClient(
        handle.client_id,
        handle.client_secret,
        user_id or handle.admin_user_id,
        api_url=handle.base_url,
        auth_url=handle.base_url,
        app_url="https://app.greenhouse.io",
        **options,
    )
