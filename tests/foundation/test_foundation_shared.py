"""Cache, rate limiter and log scrubbing: in-process and Redis behind one interface."""

from __future__ import annotations

import logging
import multiprocessing
import time

import pytest

from backend.infra.cache import make_cache
from backend.infra.ratelimit import RateLimiter
from backend.infra.ratelimit import RateLimitTimeout
from backend.logs import RequestContextFilter
from backend.logs import scrub


def test_in_process_cache_stores_and_expires():
    cache = make_cache(None)
    cache.set("k", {"a": 1}, timeout=1)
    assert cache.get("k") == {"a": 1}
    time.sleep(1.1)
    assert cache.get("k") is None


@pytest.mark.redis
def test_redis_cache_is_shared_between_instances(redis_url, redis_prefix):
    one = make_cache(redis_url, prefix=redis_prefix)
    two = make_cache(redis_url, prefix=redis_prefix)
    one.set("token", "abc", timeout=5)
    assert two.get("token") == "abc"
    two.delete("token")
    assert one.get("token") is None


def test_limiter_allows_the_limit_then_refuses():
    limiter = RateLimiter(None, prefix="t1")
    assert [limiter.try_acquire("k", 3, 10) for _ in range(4)] == [True, True, True, False]
    assert 0 < limiter.seconds_until_free("k", 3, 10) <= 10


def test_acquire_waits_with_the_injected_sleep_and_gives_up_after_max_wait():
    limiter = RateLimiter(None, prefix="t2")
    slept: list[float] = []
    limiter.acquire("k", 1, 60, sleep=slept.append)
    with pytest.raises(RateLimitTimeout):
        limiter.acquire("k", 1, 60, sleep=slept.append, max_wait=3)
    assert 0 < sum(slept) <= 3


def _hammer(redis_url: str, prefix: str, seconds: float, queue) -> None:  # type: ignore[no-untyped-def]
    limiter = RateLimiter(redis_url, prefix=prefix)
    granted: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        limiter.acquire("shared", 10, 2, max_wait=seconds)
        granted.append(time.time())
    queue.put(granted)


@pytest.mark.redis
def test_two_processes_sharing_redis_respect_one_limit_together(redis_url, redis_prefix):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_hammer, args=(redis_url, redis_prefix, 4.5, queue)) for _ in range(2)
    ]
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=30) for _ in procs]
    for proc in procs:
        proc.join(timeout=10)
    stamps = sorted(t for granted in results for t in granted)
    assert all(results), "both processes got slots"
    # In any 2 s window at most 10 grants across both processes (moving window).
    for i, start in enumerate(stamps):
        in_window = [t for t in stamps[i:] if t < start + 2 - 0.02]
        assert len(in_window) <= 10
    # And they used the limit rather than starving: ~10 per 2 s over ~4.5 s.
    assert len(stamps) >= 20


def test_secrets_are_scrubbed_from_log_lines():
    line = "Authorization: Bearer abc.def client_secret=hunter2 token sb_" + "x" * 30
    cleaned = scrub(line)
    assert "abc.def" not in cleaned and "hunter2" not in cleaned and "x" * 30 not in cleaned


def test_log_filter_scrubs_formatted_arguments():
    record = logging.LogRecord("t", logging.INFO, "f", 1, "sent %s", ("secret=topsecret",), None)
    RequestContextFilter().filter(record)
    assert "topsecret" not in record.getMessage()
    assert record.request_id == "-"
