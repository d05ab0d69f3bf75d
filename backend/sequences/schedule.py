"""When a sequence may send: weekly windows in a time zone, minus holidays.

Pure: plain values in, aware UTC datetimes out. Wall-clock rules follow PEP 495: a window edge
that falls in a daylight-saving gap opens at the first instant that exists after it, an edge in a
fold is its first occurrence.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

import holidays as holiday_data

from backend import defaults
from backend.sequences.errors import Refused

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


class NoOpenSlot(Exception):
    """The schedule has no open window within the search horizon."""


@dataclass(frozen=True)
class Window:
    """Minutes since local midnight, `end` up to 1440 ("24:00")."""

    start: int
    end: int


@dataclass(frozen=True)
class Schedule:
    """Open windows per weekday (0 = Monday), a fixed zone or None, a holiday country."""

    windows: dict[int, tuple[Window, ...]]
    timezone: str | None = None
    holiday_country: str | None = None

    def windows_on(self, day: date) -> tuple[Window, ...]:
        return self.windows.get(day.weekday(), ())


def parse_clock(value: Any, field_name: str) -> int:
    match = _CLOCK.match(value) if isinstance(value, str) else None
    minutes = int(match.group(1)) * 60 + int(match.group(2)) if match else -1
    if not match or minutes > MINUTES_PER_DAY:
        raise Refused(422, f"{value!r} is not a time of day like 09:00 or 24:00", field_name)
    return minutes


def _parse_windows(raw: Any, field_name: str) -> tuple[Window, ...]:
    if not isinstance(raw, list) or not raw:
        raise Refused(422, "give at least one [start, end] window", field_name)
    windows = []
    for pair in raw:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise Refused(422, 'each window is [start, end], e.g. ["09:00", "17:00"]', field_name)
        start, end = parse_clock(pair[0], field_name), parse_clock(pair[1], field_name)
        if start >= end:
            raise Refused(422, f"window {pair[0]}-{pair[1]} ends before it starts", field_name)
        windows.append(Window(start, end))
    windows.sort(key=lambda w: w.start)
    for before, after in zip(windows, windows[1:], strict=False):
        if after.start < before.end:
            raise Refused(422, "windows overlap", field_name)
    return tuple(windows)


def valid_zone(name: Any) -> bool:
    if not isinstance(name, str) or not name or len(name) > 64:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def valid_holiday_country(code: Any) -> bool:
    if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{2}(-[A-Z0-9]{1,3})?", code):
        return False
    country, _, subdivision = code.partition("-")
    try:
        holiday_data.country_holidays(country, subdiv=subdivision or None, years=2026)
    except NotImplementedError:
        return False
    return True


def parse_schedule(raw: dict[str, Any] | None) -> Schedule:
    """`{"timezone", "days", "windows", "holidays"}` (DESIGN.md), or `windows` per day name:
    `{"mon": [["09:00", "12:00"], ["13:00", "17:00"]], ...}`. None gives the default schedule."""
    raw = dict(defaults.SEQUENCE_DEFAULT_SCHEDULE if raw is None else raw)
    zone = raw.get("timezone")
    if zone is not None and not valid_zone(zone):
        raise Refused(422, f"{zone!r} is not an IANA time zone like Europe/London", "timezone")
    country = raw.get("holidays")
    if country is not None and not valid_holiday_country(country):
        raise Refused(422, f"{country!r} is not a supported country code like US", "holidays")
    windows_raw = raw.get("windows", defaults.SEQUENCE_DEFAULT_SCHEDULE["windows"])
    if isinstance(windows_raw, dict):
        unknown = set(windows_raw) - set(DAY_NAMES)
        if unknown:
            raise Refused(422, f"unknown day names: {', '.join(sorted(unknown))}", "windows")
        windows = {
            DAY_NAMES.index(day): _parse_windows(pairs, f"windows.{day}")
            for day, pairs in windows_raw.items()
            if pairs
        }
    else:
        days = raw.get("days", defaults.SEQUENCE_DEFAULT_SCHEDULE["days"])
        if not isinstance(days, list) or not days or any(d not in DAY_NAMES for d in days):
            raise Refused(422, "give day names from mon, tue, wed, thu, fri, sat, sun", "days")
        day_windows = _parse_windows(windows_raw, "windows")
        windows = {DAY_NAMES.index(day): day_windows for day in days}
    if not windows:
        raise Refused(422, "the schedule has no open window on any day", "windows")
    return Schedule(windows=windows, timezone=zone, holiday_country=country)


# --- Time zones --------------------------------------------------------------------------------


def resolve_zone(
    schedule_zone: str | None,
    recipient: str | None,
    mailbox: str | None,
    team: str | None,
) -> ZoneInfo:
    """The sequence's fixed zone if it has one, else recipient → mailbox → team, else UTC."""
    for name in (schedule_zone, recipient, mailbox, team):
        if valid_zone(name):
            return ZoneInfo(name)  # type: ignore[arg-type]
    return ZoneInfo("UTC")


# --- Holidays ----------------------------------------------------------------------------------


@dataclass
class HolidayCalendar:
    """A country's public holidays (the `holidays` package) plus the team's own dates."""

    country: str | None = None
    extra: frozenset[date] = frozenset()
    _country_days: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.country:
            code, _, subdivision = self.country.partition("-")
            self._country_days = holiday_data.country_holidays(code, subdiv=subdivision or None)

    def __contains__(self, day: date) -> bool:
        return day in self.extra or (self._country_days is not None and day in self._country_days)


def team_dates(values: Iterable[Any] | None) -> frozenset[date]:
    """ISO dates from the team's holiday list; anything else is ignored."""
    days = set()
    for value in values or ():
        try:
            days.add(date.fromisoformat(value))
        except (TypeError, ValueError):
            continue
    return frozenset(days)


# --- Wall clock → instants ---------------------------------------------------------------------


def first_instant_at(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """The first UTC instant whose local wall time on `day` is at or after `minutes`.

    In a fold the earlier occurrence (fold=0). In a gap the wall time does not exist: the answer
    is the instant the gap ends, found by bisection between the two readings PEP 495 offers.
    """
    if minutes >= MINUTES_PER_DAY:
        day, minutes = day + timedelta(days=1), minutes - MINUTES_PER_DAY
    wall = datetime.combine(day, time(minutes // 60, minutes % 60))
    early = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if early.astimezone(zone).replace(tzinfo=None) == wall:
        return early
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)  # before the gap
    high = early  # after the gap
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def is_open_day(day: date, schedule: Schedule, calendar: HolidayCalendar) -> bool:
    return bool(schedule.windows_on(day)) and day not in calendar


@dataclass(frozen=True)
class Slot:
    """An open instant and the window it lies in (both ends UTC)."""

    at: datetime
    window_start: datetime
    window_end: datetime

    @property
    def at_opening(self) -> bool:
        return self.at == self.window_start


def next_open_slot(
    earliest: datetime,
    schedule: Schedule,
    zone: ZoneInfo,
    calendar: HolidayCalendar,
    horizon_days: int = defaults.SEQUENCE_SCHEDULE_HORIZON_DAYS,
) -> Slot:
    """The first instant at or after `earliest` inside an open window on an open day."""
    wall = earliest.astimezone(zone)
    minutes = wall.hour * 60 + wall.minute
    if is_open_day(wall.date(), schedule, calendar):
        for window in schedule.windows_on(wall.date()):
            if window.start <= minutes < window.end:  # also the repeated hour of a fold
                opens = first_instant_at(wall.date(), window.start, zone)
                closes = first_instant_at(wall.date(), window.end, zone)
                return Slot(earliest, min(opens, earliest), max(closes, earliest))
    start_day = earliest.astimezone(zone).date() - timedelta(days=1)  # a window ending past 00:00
    for offset in range(horizon_days + 2):
        day = start_day + timedelta(days=offset)
        if not is_open_day(day, schedule, calendar):
            continue
        for window in schedule.windows_on(day):
            opens = first_instant_at(day, window.start, zone)
            closes = first_instant_at(day, window.end, zone)
            if opens < closes and earliest < closes:
                return Slot(max(earliest, opens), opens, closes)
    raise NoOpenSlot(f"no open window in the {horizon_days} days after {earliest.isoformat()}")


def spread_over_opening(slot: Slot, key: str, spread: timedelta) -> datetime:
    """Move a send that would go at a window's opening to a point in its first minutes.

    Deterministic per key (the execution's Message-ID), so every consumer computes the same
    instant; never past the window's middle, so a short window still has room.
    """
    if not slot.at_opening:
        return slot.at
    room = min(spread, (slot.window_end - slot.window_start) / 2)
    return slot.at + room * random.Random(key).random()


# --- Waits -------------------------------------------------------------------------------------

WAIT_UNITS = ("minutes", "hours", "days", "business_days")


def add_business_days(start: date, amount: int, is_business_day: Callable[[date], bool]) -> date:
    """`amount` business days after `start` (Gem: Thursday + 1 with Friday and Monday off is
    Tuesday). Zero keeps the day."""
    day, left = start, amount
    guard = amount * 7 + defaults.SEQUENCE_SCHEDULE_HORIZON_DAYS
    while left > 0:
        day += timedelta(days=1)
        guard -= 1
        if guard < 0:
            raise NoOpenSlot("no business days in the schedule")
        if is_business_day(day):
            left -= 1
    return day


def _same_wall_time_on(day: date, anchor_local: datetime, zone: ZoneInfo) -> datetime:
    return first_instant_at(day, anchor_local.hour * 60 + anchor_local.minute, zone) + timedelta(
        seconds=anchor_local.second
    )


def after_wait(
    anchor: datetime,
    amount: int,
    unit: str,
    schedule: Schedule,
    zone: ZoneInfo,
    calendar: HolidayCalendar,
) -> datetime:
    """The earliest instant a step may go, `amount` `unit`s after the previous step's actual
    send or completion. Minutes and hours are elapsed time; days keep the local wall time."""
    if unit == "minutes":
        return anchor + timedelta(minutes=amount)
    if unit == "hours":
        return anchor + timedelta(hours=amount)
    local = anchor.astimezone(zone)
    if unit == "days":
        day = local.date() + timedelta(days=amount)
    elif unit == "business_days":
        day = add_business_days(local.date(), amount, lambda d: is_open_day(d, schedule, calendar))
    else:
        raise ValueError(f"unknown wait unit {unit!r}")
    return max(anchor, _same_wall_time_on(day, local, zone)) if amount else anchor


def plan_send(
    anchor: datetime,
    amount: int,
    unit: str,
    *,
    now: datetime,
    schedule: Schedule,
    zone: ZoneInfo,
    calendar: HolidayCalendar,
    key: str,
    not_before: datetime | None = None,
    spread: timedelta = defaults.SEQUENCE_OPENING_SPREAD,
) -> datetime:
    """When a step should go: after its wait, not in the past, not before `not_before`, at the
    next open instant, spread over a window's first minutes when it lands on the opening."""
    earliest = max(after_wait(anchor, amount, unit, schedule, zone, calendar), now)
    if not_before is not None:
        earliest = max(earliest, not_before)
    return spread_over_opening(next_open_slot(earliest, schedule, zone, calendar), key, spread)
