"""Local services the benchmarks use when they are there (never required)."""

from __future__ import annotations

import os

import redis


def local_redis_url() -> str | None:
    """The Redis to share a rate budget through: REDIS_URL, TEST_REDIS_URL or the local one;
    None when none answers (the benchmark then runs without it)."""
    url = (
        os.environ.get("REDIS_URL")
        or os.environ.get("TEST_REDIS_URL")
        or "redis://127.0.0.1:6379/0"
    )
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return None
    return url
