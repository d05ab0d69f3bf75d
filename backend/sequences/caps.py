"""How fast one mailbox may send: rolling-window caps and a minimum gap with jitter.

Pure: the mailbox's recent send times in, the next allowed instant out. The jitter is derived from
the last send, so every consumer computes the same instant (no consumer can "win" an earlier one).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from backend import defaults


@dataclass(frozen=True)
class Limit:
    """At most `count` sends in any rolling `window`."""

    count: int
    window: timedelta


@dataclass(frozen=True)
class CapPolicy:
    limits: tuple[Limit, ...]
    min_gap: timedelta
    jitter: float = defaults.MAILBOX_GAP_JITTER  # fraction of min_gap added at most

    @classmethod
    def for_mailbox(cls, daily_cap: int, min_gap_seconds: int) -> CapPolicy:
        return cls(
            limits=(Limit(max(0, daily_cap), defaults.MAILBOX_CAP_WINDOW),),
            min_gap=timedelta(seconds=max(0, min_gap_seconds)),
        )

    @property
    def longest_window(self) -> timedelta:
        return max((limit.window for limit in self.limits), default=timedelta(0))


@dataclass(frozen=True)
class CapCheck:
    allowed_at: datetime
    reason: str | None  # None when `now` is allowed; else why not, in words


def gap_jitter(last_sent: datetime, key: str, policy: CapPolicy) -> timedelta:
    """A stable pseudo-random share of the gap, in [0, jitter * min_gap)."""
    digest = hashlib.sha256(f"{key}|{last_sent.isoformat()}".encode()).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64
    return policy.min_gap * policy.jitter * fraction


def next_allowed(
    sent_at: Sequence[datetime], now: datetime, policy: CapPolicy, key: str = ""
) -> CapCheck:
    """The earliest instant at or after `now` at which one more send keeps every limit.

    `sent_at` holds the mailbox's sends within the longest window (any order); `key` names the
    mailbox for the jitter.
    """
    ordered = sorted(sent_at)
    allowed, reason = now, None
    for limit in policy.limits:
        recent = [t for t in ordered if t > now - limit.window]
        if limit.count <= 0:
            return CapCheck(now + limit.window * 365, "the mailbox's cap is zero")
        if len(recent) >= limit.count:
            # One more is allowed once all but count-1 of these have left the window.
            frees_at = recent[len(recent) - limit.count] + limit.window
            if frees_at > allowed:
                allowed, reason = frees_at, f"daily cap of {limit.count} reached"
                if limit.window != defaults.MAILBOX_CAP_WINDOW:
                    reason = f"cap of {limit.count} per {_words(limit.window)} reached"
    if ordered and policy.min_gap:
        last = ordered[-1]
        gap_ends = last + policy.min_gap + gap_jitter(last, key, policy)
        if gap_ends > allowed:
            allowed, reason = gap_ends, "minimum gap between sends"
    return CapCheck(allowed, reason if allowed > now else None)


def _words(window: timedelta) -> str:
    seconds = int(window.total_seconds())
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "hour" if hours == 1 else f"{hours} hours"
    return f"{seconds} seconds"
