"""Rate limits shared by every worker: in-process by default, Redis when `REDIS_URL` is set.

A thin layer over the `limits` library's moving-window strategy: at most `limit` hits in any
`window` seconds, counted across all processes that share the storage. A moving window is
stricter than Greenhouse's fixed window, so staying under it never earns a 429.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from functools import lru_cache

from limits import RateLimitItem
from limits import RateLimitItemPerSecond
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from limits.strategies import MovingWindowRateLimiter


class RateLimitTimeout(Exception):
    """Waited longer than allowed for a free slot."""


class RateLimiter:
    """Named limits over one storage; `acquire` waits (with an injectable sleep) for a free slot."""

    def __init__(self, redis_url: str | None = None, *, prefix: str = "sb-limits") -> None:
        uri = redis_url if redis_url else "memory://"
        options = {"key_prefix": prefix} if redis_url else {}
        self._storage = storage_from_string(uri, **options)
        self._strategy = MovingWindowRateLimiter(self._storage)
        # Request limits count every request, so they take the cheap fixed window: one INCR in
        # Redis; in-process a plain counter (the limits memory store starts a timer thread per
        # hit, which costs more than the rest of a small request).
        self._shared = bool(redis_url)
        self._fixed = FixedWindowRateLimiter(self._storage)
        self._windows = LocalWindows()

    @staticmethod
    def _item(limit: int, window_seconds: float) -> RateLimitItemPerSecond:
        return RateLimitItemPerSecond(limit, max(1, int(round(window_seconds))))

    def try_acquire(
        self, key: str, limit: int, window_seconds: float, *, keep_free: int = 0
    ) -> bool:
        """Take a slot now if one is free, leaving `keep_free` slots for other callers.

        (The counter is the one of `limit`: callers that reserve differently share it.)"""
        item = self._item(limit, window_seconds)
        if keep_free and self._strategy.get_window_stats(item, key).remaining <= keep_free:
            return False
        return self._strategy.hit(item, key)

    def seconds_until_free(
        self, key: str, limit: int, window_seconds: float, *, keep_free: int = 0
    ) -> float:
        """How long until a slot frees (0 when one is free now)."""
        stats = self._strategy.get_window_stats(self._item(limit, window_seconds), key)
        if stats.remaining > keep_free:
            return 0.0
        return max(0.0, stats.reset_time - time.time())

    def acquire(
        self,
        key: str,
        limit: int,
        window_seconds: float,
        *,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = 600.0,
        keep_free: int = 0,
    ) -> float:
        """Block until a slot is taken; returns the seconds spent waiting."""
        waited = 0.0
        while not self.try_acquire(key, limit, window_seconds, keep_free=keep_free):
            until_free = self.seconds_until_free(key, limit, window_seconds, keep_free=keep_free)
            delay = max(0.01, min(until_free, 1.0))
            if waited + delay > max_wait:
                raise RateLimitTimeout(f"no free slot for {key!r} within {max_wait:.0f}s")
            sleep(delay)
            waited += delay
        return waited

    def hit(self, key: str, limit: str) -> int:
        """Count one request against `limit` ("300/minute", fixed windows): 0 when it is within
        the limit, else the whole seconds until the window resets (for `Retry-After`)."""
        item = parse_limit(limit)
        if not self._shared:
            return self._windows.hit(key, item.amount, item.get_expiry(), time.time())
        if self._fixed.hit(item, key):
            return 0
        reset_at = self._fixed.get_window_stats(item, key).reset_time
        return max(1, math.ceil(reset_at - time.time()))

    def reset(self, key: str | None = None) -> None:
        """Forget every counter (tests)."""
        self._storage.reset()


@lru_cache(maxsize=16)
def parse_limit(limit: str) -> RateLimitItem:
    """ "300/minute" -> the limits item (raises ValueError when it is not a rate)."""
    return parse(limit)


class LocalWindows:
    """Fixed-window counters in this process (the embedded default has one API process)."""

    def __init__(self, max_keys: int = 10_000) -> None:
        self._counts: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def hit(self, key: str, amount: int, window: float, now: float) -> int:
        """0 when this hit is within `amount` per `window` seconds, else whole seconds to wait."""
        start = now - now % window
        with self._lock:
            began, count = self._counts.get(key, (start, 0))
            if began != start:
                began, count = start, 0
            if count >= amount:
                return max(1, math.ceil(began + window - now))
            if len(self._counts) >= self._max_keys:
                self._counts = {k: v for k, v in self._counts.items() if v[0] == start}
            self._counts[key] = (began, count + 1)
        return 0
