"""The send schedule: windows, holidays, time zones, DST and business days."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from backend.sequences.errors import Refused
from backend.sequences.schedule import DAY_NAMES
from backend.sequences.schedule import HolidayCalendar
from backend.sequences.schedule import NoOpenSlot
from backend.sequences.schedule import Schedule
from backend.sequences.schedule import add_business_days
from backend.sequences.schedule import after_wait
from backend.sequences.schedule import first_instant_at
from backend.sequences.schedule import next_open_slot
from backend.sequences.schedule import parse_schedule
from backend.sequences.schedule import plan_send
from backend.sequences.schedule import resolve_zone
from backend.sequences.schedule import spread_over_opening
from backend.sequences.schedule import team_dates

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
NO_HOLIDAYS = HolidayCalendar()


def open_at(
    earliest: datetime, schedule: Schedule, zone: ZoneInfo, calendar: HolidayCalendar
) -> datetime:
    """When a send due at `earliest` may go."""
    return next_open_slot(earliest, schedule, zone, calendar).at


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone: ZoneInfo, *args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=zone, fold=fold).astimezone(UTC)


def test_default_schedule_is_weekdays_nine_to_five() -> None:
    schedule = parse_schedule(None)
    assert sorted(schedule.windows) == [0, 1, 2, 3, 4]
    # Saturday 10:00 in London → Monday 09:00
    assert open_at(local(LONDON, 2026, 6, 6, 10), schedule, LONDON, NO_HOLIDAYS) == (
        local(LONDON, 2026, 6, 8, 9)
    )


def test_inside_a_window_sends_at_once_and_after_it_moves_to_the_next_window() -> None:
    schedule = parse_schedule(
        {"days": ["tue"], "windows": [["09:00", "12:00"], ["14:00", "16:00"]]}
    )
    tuesday = (2026, 6, 9)
    assert open_at(local(NEW_YORK, *tuesday, 10), schedule, NEW_YORK, NO_HOLIDAYS) == (
        local(NEW_YORK, *tuesday, 10)
    )
    assert open_at(local(NEW_YORK, *tuesday, 12), schedule, NEW_YORK, NO_HOLIDAYS) == (
        local(NEW_YORK, *tuesday, 14)
    )
    assert open_at(local(NEW_YORK, *tuesday, 16), schedule, NEW_YORK, NO_HOLIDAYS) == (
        local(NEW_YORK, 2026, 6, 16, 9)
    )


def test_windows_can_differ_per_weekday() -> None:
    schedule = parse_schedule(
        {"windows": {"mon": [["10:00", "11:00"]], "fri": [["15:00", "24:00"]]}}
    )
    friday_late = local(LONDON, 2026, 6, 12, 23, 59)
    assert open_at(friday_late, schedule, LONDON, NO_HOLIDAYS) == friday_late
    assert open_at(local(LONDON, 2026, 6, 13, 0), schedule, LONDON, NO_HOLIDAYS) == (
        local(LONDON, 2026, 6, 15, 10)
    )


def test_window_ending_at_24_00_closes_at_midnight() -> None:
    schedule = parse_schedule({"days": ["mon"], "windows": [["18:00", "24:00"]]})
    slot = next_open_slot(local(LONDON, 2026, 6, 8, 19), schedule, LONDON, NO_HOLIDAYS)
    assert slot.window_end == local(LONDON, 2026, 6, 9, 0)


def test_country_holidays_and_team_dates_are_skipped() -> None:
    schedule = parse_schedule(
        {
            "days": ["mon", "tue", "wed", "thu", "fri"],
            "windows": [["09:00", "17:00"]],
            "holidays": "US",
        }
    )
    calendar = HolidayCalendar("US", team_dates(["2026-07-06", "not a date"]))
    # Friday 3 July 2026 is the observed Independence Day; Monday 6 July is the team's own day off.
    assert open_at(local(NEW_YORK, 2026, 7, 2, 18), schedule, NEW_YORK, calendar) == (
        local(NEW_YORK, 2026, 7, 7, 9)
    )


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"holidays": "XX"}, "holidays"),
        ({"days": ["funday"]}, "days"),
        ({"windows": [["17:00", "09:00"]]}, "windows"),
        ({"windows": [["09:00", "12:00"], ["11:00", "13:00"]]}, "windows"),
        ({"windows": [["9am", "5pm"]]}, "windows"),
        ({"windows": [["09:00", "24:01"]]}, "windows"),
        ({"windows": {"someday": [["09:00", "10:00"]]}}, "windows"),
    ],
)
def test_bad_schedules_name_the_field(raw: dict, field: str) -> None:
    with pytest.raises(Refused) as caught:
        parse_schedule(raw)
    assert caught.value.field == field


def test_zone_precedence_is_schedule_then_recipient_then_mailbox_then_team() -> None:
    assert resolve_zone(None, "Asia/Tokyo", "Europe/Paris", "UTC").key == "Asia/Tokyo"
    assert resolve_zone(None, None, "Europe/Paris", "UTC").key == "Europe/Paris"
    assert resolve_zone(None, "garbage", None, "America/Chicago").key == "America/Chicago"
    assert resolve_zone("Europe/Berlin", "Asia/Tokyo", None, None).key == "Europe/Berlin"
    assert resolve_zone(None, None, None, None).key == "UTC"


# --- Daylight saving --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "gap_day", "gap_wall", "expected_local"),
    [
        # New York springs forward at 02:00 → 03:00 on 8 March 2026.
        (NEW_YORK, date(2026, 3, 8), (2, 30), (3, 0)),
        # London springs forward at 01:00 → 02:00 on 29 March 2026.
        (LONDON, date(2026, 3, 29), (1, 15), (2, 0)),
    ],
)
def test_a_window_opening_in_a_dst_gap_opens_when_the_gap_ends(
    zone: ZoneInfo, gap_day: date, gap_wall: tuple[int, int], expected_local: tuple[int, int]
) -> None:
    opens = first_instant_at(gap_day, gap_wall[0] * 60 + gap_wall[1], zone)
    assert opens.astimezone(zone).replace(tzinfo=None) == datetime.combine(
        gap_day, datetime.min.time()
    ).replace(hour=expected_local[0], minute=expected_local[1])


@pytest.mark.parametrize(
    ("zone", "fold_day", "hour"),
    [(NEW_YORK, date(2026, 11, 1), 1), (LONDON, date(2026, 10, 25), 1)],
)
def test_a_window_opening_in_a_dst_fold_opens_at_its_first_occurrence(
    zone: ZoneInfo, fold_day: date, hour: int
) -> None:
    opens = first_instant_at(fold_day, hour * 60 + 30, zone)
    assert opens == local(zone, fold_day.year, fold_day.month, fold_day.day, hour, 30, fold=0)
    assert opens < local(zone, fold_day.year, fold_day.month, fold_day.day, hour, 30, fold=1)


def test_a_window_inside_a_dst_gap_does_not_exist_that_day() -> None:
    schedule = parse_schedule({"days": ["sun"], "windows": [["02:00", "02:45"]]})
    before = local(NEW_YORK, 2026, 3, 8, 0)
    assert open_at(before, schedule, NEW_YORK, NO_HOLIDAYS) == local(NEW_YORK, 2026, 3, 15, 2)


def test_days_wait_keeps_the_local_wall_time_across_a_dst_change() -> None:
    schedule = parse_schedule({"days": list(DAY_NAMES), "windows": [["00:00", "24:00"]]})
    friday_ten = local(LONDON, 2026, 3, 27, 10)  # GMT
    assert after_wait(friday_ten, 3, "days", schedule, LONDON, NO_HOLIDAYS) == local(
        LONDON, 2026, 3, 30, 10
    )  # BST: 71 elapsed hours, same wall time
    assert after_wait(friday_ten, 72, "hours", schedule, LONDON, NO_HOLIDAYS) == local(
        LONDON, 2026, 3, 30, 11
    )


# --- Business days ----------------------------------------------------------------------------


def test_business_days_skip_holidays_like_gem() -> None:
    friday_and_monday_off = {date(2026, 6, 12), date(2026, 6, 15)}
    thursday = date(2026, 6, 11)
    is_business_day = lambda d: d.weekday() < 5 and d not in friday_and_monday_off  # noqa: E731
    assert add_business_days(thursday, 1, is_business_day) == date(2026, 6, 16)
    assert add_business_days(thursday, 0, is_business_day) == thursday


def test_business_days_wait_uses_the_schedule_days_and_holiday_calendar() -> None:
    schedule = parse_schedule({"holidays": "US"})
    calendar = HolidayCalendar("US")
    # Wednesday 24 Dec 2025 14:00 + 2 business days: 25 Dec is Christmas, 27/28 a weekend → Mon 29.
    start = local(NEW_YORK, 2025, 12, 24, 14)
    assert after_wait(start, 2, "business_days", schedule, NEW_YORK, calendar) == local(
        NEW_YORK, 2025, 12, 29, 14
    )


def test_a_schedule_with_no_business_day_is_refused() -> None:
    with pytest.raises(NoOpenSlot):
        add_business_days(date(2026, 1, 1), 1, lambda d: False)


# --- Spreading --------------------------------------------------------------------------------


def test_sends_due_at_an_opening_are_spread_over_its_first_minutes() -> None:
    schedule = parse_schedule(None)
    monday_nine = local(LONDON, 2026, 6, 8, 9)
    times = [
        plan_send(
            local(LONDON, 2026, 6, 6, 12),
            0,
            "minutes",
            now=local(LONDON, 2026, 6, 6, 12),
            schedule=schedule,
            zone=LONDON,
            calendar=NO_HOLIDAYS,
            key=f"<{n}@example.com>",
        )
        for n in range(200)
    ]
    assert all(monday_nine <= t < monday_nine + timedelta(minutes=20) for t in times)
    assert len({t.replace(microsecond=0) for t in times}) > 150  # not a burst
    inside = next_open_slot(local(LONDON, 2026, 6, 8, 10), schedule, LONDON, NO_HOLIDAYS)
    assert spread_over_opening(inside, "<x@y>", timedelta(minutes=20)) == inside.at


# --- Properties -------------------------------------------------------------------------------

ZONES = [
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",  # 30-minute DST shift
    "America/Santiago",  # DST changes at midnight
    "Asia/Kolkata",
    "UTC",
]

US_HOLIDAYS = frozenset(holidays.country_holidays("US", years=range(2025, 2030)))  # built once

clock = st.integers(min_value=0, max_value=24 * 4).map(lambda q: q * 15)


@st.composite
def schedules(draw):  # type: ignore[no-untyped-def]
    days = draw(st.lists(st.sampled_from(DAY_NAMES), min_size=1, max_size=7, unique=True))
    edges = sorted(draw(st.lists(clock, min_size=2, max_size=6, unique=True)))
    if len(edges) % 2:
        edges = edges[:-1]
    windows = [
        [f"{a // 60:02d}:{a % 60:02d}", f"{b // 60:02d}:{b % 60:02d}"]
        for a, b in zip(edges[::2], edges[1::2], strict=True)
    ]
    return parse_schedule({"days": days, "windows": windows})


def wall_minutes(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


@settings(max_examples=200, deadline=None)
@given(
    schedule=schedules(),
    zone_name=st.sampled_from(ZONES),
    earliest=st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
    ),
    holiday_days=st.lists(st.dates(date(2025, 1, 1), date(2029, 3, 1)), max_size=30),
)
def test_next_open_instant_is_never_early_and_always_inside_an_open_window(
    schedule, zone_name, earliest, holiday_days
) -> None:  # type: ignore[no-untyped-def]
    zone = ZoneInfo(zone_name)
    calendar = HolidayCalendar(None, US_HOLIDAYS | frozenset(holiday_days))
    found = open_at(earliest, schedule, zone, calendar)
    assert found >= earliest
    wall = found.astimezone(zone)
    assert wall.date() not in calendar
    windows = schedule.windows_on(wall.date())
    assert any(w.start <= wall_minutes(wall) < w.end for w in windows), (wall, windows)
    # Nothing open was skipped: a minute-by-minute walk finds no earlier open instant.
    probe = earliest
    while probe < min(found, earliest + timedelta(days=1)):
        probe_wall = probe.astimezone(zone)
        if probe_wall.date() not in calendar:
            assert not any(
                w.start <= wall_minutes(probe_wall) < w.end
                and first_instant_at(probe_wall.date(), w.start, zone) <= probe
                for w in schedule.windows_on(probe_wall.date())
            ), probe_wall
        probe = (probe + timedelta(minutes=15)).replace(second=0, microsecond=0)


def test_the_repeated_hour_of_a_fold_is_inside_a_window_on_both_passes() -> None:
    schedule = parse_schedule({"days": ["sun"], "windows": [["01:00", "01:45"]]})
    second_pass = local(NEW_YORK, 2026, 11, 1, 1, 10, fold=1)
    assert open_at(second_pass, schedule, NEW_YORK, NO_HOLIDAYS) == second_pass
