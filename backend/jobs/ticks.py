"""A task every N seconds, queued by a periodic task that runs every minute.

N may be a few seconds (tests, demos) or several minutes; cron alone cannot go below a minute.
Each tick is its own short queued task, so no consumer thread waits through the minute.
"""

from __future__ import annotations

import math
import time

from huey.api import TaskWrapper

MIN_EVERY = 1.0
"""Seconds. The shortest interval ticked (a setting of 0 would tick without end)."""


def tick_offsets(every: float, minute: int) -> list[float]:
    """Seconds into this minute at which to tick, for a tick every `every` seconds (several per
    minute, one, or none in the minutes between ticks of a longer interval)."""
    if every >= 60:
        return [0.0] if minute % max(1, round(every / 60)) == 0 else []
    return [k * every for k in range(math.ceil(60 / every)) if k * every < 60]


def queue_minute(task: TaskWrapper, every: float, now: float | None = None) -> None:
    """Queue this minute's ticks of `task` (from a periodic task that runs every minute)."""
    minute = int((time.time() if now is None else now) // 60)
    for offset in tick_offsets(max(MIN_EVERY, every), minute):
        if offset:
            task.schedule(delay=offset)
        else:
            task()
