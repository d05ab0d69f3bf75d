"""Helpers shared by the sync tests (imported by name: the basename is unique)."""

from __future__ import annotations

import random
from typing import Any

from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.sandbox.server import SandboxHandle
from backend.infra.cache import make_cache
from backend.infra.ratelimit import RateLimiter
from backend.sync.catalog import Catalog
from backend.sync.executor import Executor


def make_client(handle: SandboxHandle, **options: Any) -> GreenhouseClient:
    """A client for the sandbox with its own cache and limiter; backoff sleeps are skipped."""
    options.setdefault("sleep", lambda seconds: None)
    options.setdefault("rng", random.Random(1))
    options.setdefault("cache", make_cache(None))
    options.setdefault("limiter", RateLimiter(None))
    options.setdefault("rate_limit", 100_000)
    return GreenhouseClient(
        handle.client_id,
        handle.client_secret,
        handle.admin_user_id,
        api_url=handle.base_url,
        auth_url=handle.base_url,
        app_url=handle.base_url,
        **options,
    )


def make_executor(handle: SandboxHandle, linkedin: dict[str, list[int]] | None = None) -> Executor:
    client = make_client(handle)
    index = linkedin or {}
    return Executor(
        client, Catalog(client, make_cache(None)), find_by_linkedin=lambda url: index.get(url, [])
    )


def ids_of(handle: SandboxHandle, table: str, **where: Any) -> list[int]:
    """Ids of the sandbox rows of `table` whose fields equal `where` (reads the state directly)."""
    with handle.state.lock:
        return [
            row["id"]
            for row in handle.state.tables[table].values()
            if all(row.get(k) == v for k, v in where.items())
        ]


def by_name(handle: SandboxHandle, table: str, name: str, **where: Any) -> dict[str, Any]:
    with handle.state.lock:
        return next(
            row
            for row in handle.state.tables[table].values()
            if row.get("name") == name and all(row.get(k) == v for k, v in where.items())
        )
