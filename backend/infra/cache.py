"""The shared cache: in-process by default, Redis when `REDIS_URL` is set (one interface: cachelib).

Values are anything picklable; timeouts are seconds (`0` = never expires).
"""

from __future__ import annotations

from cachelib import BaseCache
from cachelib import RedisCache
from cachelib import SimpleCache

from backend import defaults

Cache = BaseCache


def make_cache(redis_url: str | None = None, *, prefix: str = defaults.CACHE_KEY_PREFIX) -> Cache:
    """A cache for this process: Redis-backed (shared by every worker) or in-process."""
    default_timeout = int(defaults.CACHE_DEFAULT_TTL.total_seconds())
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        return RedisCache(host=client, key_prefix=prefix, default_timeout=default_timeout)
    return SimpleCache(threshold=10_000, default_timeout=default_timeout)
