"""Page views are not starved by a backfill: background calls leave them a share of the budget."""

from __future__ import annotations

import pytest

from backend.greenhouse.errors import Throttled
from backend.greenhouse.throttle import Throttle
from backend.infra.cache import make_cache
from backend.infra.ratelimit import RateLimiter


class NoWaiting(Exception):
    pass


def refuse_to_sleep(seconds: float) -> None:
    raise NoWaiting(seconds)


def throttles(interactive_sleep=refuse_to_sleep):  # type: ignore[no-untyped-def]
    limiter, cache = RateLimiter(None), make_cache(None)
    common = {"limiter": limiter, "cache": cache, "limit": 10, "window_seconds": 60, "headroom": 0}
    background = Throttle("cid", sleep=refuse_to_sleep, **common)
    interactive = Throttle("cid", interactive=True, sleep=interactive_sleep, **common)
    return background, interactive


def test_without_page_views_a_backfill_uses_the_whole_budget():
    background, _ = throttles()
    for _ in range(10):
        background.wait()
    with pytest.raises(NoWaiting):
        background.wait()


def test_while_recruiters_look_people_up_the_backfill_leaves_them_a_share():
    background, interactive = throttles()
    interactive.wait()  # a page view: 1 slot, and the reservation starts
    for _ in range(7):  # 10 - 20% reserve = 8 in all for background, 1 already taken
        background.wait()
    with pytest.raises(NoWaiting):
        background.wait()
    interactive.wait()  # the reserved share is still there for the next page view
    interactive.wait()


def test_a_page_view_gives_up_after_a_short_wait_instead_of_queueing():
    slept: list[float] = []
    background, interactive = throttles(interactive_sleep=slept.append)
    for _ in range(10):
        interactive.wait()
    with pytest.raises(Throttled):
        interactive.wait()
    assert 0 < sum(slept) <= 2.0
