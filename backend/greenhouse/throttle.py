"""Pacing of Greenhouse calls: one shared budget per credential, corrected by the rate headers.

Every worker that uses the same Greenhouse client id takes a slot from the same limiter key
(Redis-backed when `REDIS_URL` is set), so a busy team stays under the limit instead of
collecting 429s. The headers correct the assumptions: `X-RateLimit-Limit` replaces the assumed
limit, a `Remaining` of 0 (or a 429) pauses every worker until `Reset`, and a `Reset` further
away than the assumed window widens the window.

Interactive calls (a recruiter waiting on a page) must not queue behind a backfill: while they
are happening (seen within the last window), background calls leave a share of the budget to
them, and an interactive call waits at most a couple of seconds before giving up (`Throttled`).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from collections.abc import Mapping

from backend import defaults
from backend.greenhouse.errors import Throttled
from backend.infra.cache import Cache
from backend.infra.ratelimit import RateLimiter
from backend.infra.ratelimit import RateLimitTimeout


def credential_key(client_id: str) -> str:
    """A short stable name for a credential (the id itself stays out of Redis key names)."""
    return hashlib.sha256(client_id.encode()).hexdigest()[:16]


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    try:
        return int(float(headers[name]))
    except (KeyError, TypeError, ValueError):
        return None


class Throttle:
    """Waits for a free slot before each call; learns the real limit from response headers."""

    def __init__(
        self,
        client_id: str,
        *,
        limiter: RateLimiter,
        cache: Cache,
        limit: int = defaults.GREENHOUSE_RATE_LIMIT,
        window_seconds: float = defaults.GREENHOUSE_RATE_WINDOW.total_seconds(),
        headroom: int = defaults.GREENHOUSE_RATE_HEADROOM,
        interactive: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        name = credential_key(client_id)
        self.limiter_key = f"greenhouse:{name}"
        self._pause_key = f"greenhouse:pause:{name}"
        self._limit_key = f"greenhouse:limit:{name}"
        self._interactive_key = f"greenhouse:interactive:{name}"
        self.interactive = interactive
        self._limiter = limiter
        self._cache = cache
        self.limit = limit
        self.window_seconds = window_seconds
        self._headroom = headroom
        self._sleep = sleep
        self._clock = clock

    @property
    def budget(self) -> int:
        """Requests this client lets itself make per window."""
        return max(1, self.limit - self._headroom)

    def _reserved(self) -> int:
        """Slots background calls leave free while page views are happening."""
        if self.interactive or not self._cache.get(self._interactive_key):
            return 0
        return min(self.budget - 1, math.ceil(self.budget * defaults.GREENHOUSE_INTERACTIVE_SHARE))

    def wait(self) -> float:
        """Block until this call may go; returns the seconds spent waiting."""
        learned = self._cache.get(self._limit_key)
        if learned:
            self.limit, self.window_seconds = learned
        max_wait = defaults.GREENHOUSE_INTERACTIVE_MAX_WAIT.total_seconds()
        if self.interactive:
            self._cache.set(self._interactive_key, 1, timeout=math.ceil(self.window_seconds))
        waited = 0.0
        paused_until = self._cache.get(self._pause_key)
        if paused_until and paused_until > self._clock():
            waited = paused_until - self._clock()
            if self.interactive and waited > max_wait:
                raise Throttled(f"Greenhouse asked us to pause {waited:.0f}s")
            self._sleep(waited)
        if not self.interactive:
            return waited + self._limiter.acquire(
                self.limiter_key,
                self.budget,
                self.window_seconds,
                sleep=self._sleep,
                keep_free=self._reserved(),
            )
        try:
            return waited + self._limiter.acquire(
                self.limiter_key,
                self.budget,
                self.window_seconds,
                sleep=self._sleep,
                max_wait=max_wait,
            )
        except RateLimitTimeout as exc:
            raise Throttled(f"no Greenhouse request slot free within {max_wait:.0f}s") from exc

    def pause_all(self, seconds: float) -> None:
        """Make every worker of this credential hold off for `seconds`."""
        if seconds <= 0:
            return
        until = self._clock() + seconds
        current = self._cache.get(self._pause_key) or 0.0
        if until > current:
            self._cache.set(self._pause_key, until, timeout=math.ceil(seconds) + 1)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Correct the pacing from the `X-RateLimit-*` headers of any response."""
        limit = _int_header(headers, "X-RateLimit-Limit")
        remaining = _int_header(headers, "X-RateLimit-Remaining")
        reset = _int_header(headers, "X-RateLimit-Reset")
        until_reset = (reset - self._clock()) if reset is not None else None
        window = self.window_seconds
        if until_reset is not None and until_reset > window:
            # The server's window is longer than we assumed: never under-estimate it.
            window = float(math.ceil(until_reset))
        if (limit and limit != self.limit) or window != self.window_seconds:
            self.limit, self.window_seconds = limit or self.limit, window
            self._cache.set(self._limit_key, (self.limit, self.window_seconds), timeout=0)
        if remaining is not None and remaining <= 0 and until_reset is not None:
            self.pause_all(min(until_reset, self.window_seconds))
