"""Pure rules: mailbox caps, steps, the enrollment state machine, stop rules."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from backend.sequences import lifecycle
from backend.sequences.caps import CapPolicy
from backend.sequences.caps import Limit
from backend.sequences.caps import next_allowed
from backend.sequences.errors import Refused
from backend.sequences.lifecycle import Suppressed
from backend.sequences.steps import parse_steps
from backend.sequences.steps import steps_from_json
from backend.sequences.steps import steps_to_json
from backend.sequences.zones import zone_from_location

NOON = datetime(2026, 6, 8, 12, tzinfo=UTC)


def test_an_idle_mailbox_may_send_now() -> None:
    check = next_allowed([], NOON, CapPolicy.for_mailbox(200, 100))
    assert check.allowed_at == NOON and check.reason is None


def test_the_minimum_gap_with_jitter_follows_the_last_send() -> None:
    policy = CapPolicy.for_mailbox(200, 100)
    check = next_allowed([NOON - timedelta(seconds=30)], NOON, policy, key="1")
    assert NOON + timedelta(seconds=70) <= check.allowed_at < NOON + timedelta(seconds=120)
    assert check.reason == "minimum gap between sends"
    # every consumer computes the same instant
    assert next_allowed([NOON - timedelta(seconds=30)], NOON, policy, key="1") == check


def test_a_full_daily_cap_waits_for_the_oldest_send_to_leave_the_rolling_day() -> None:
    sends = [NOON - timedelta(hours=20) + timedelta(minutes=m) for m in range(3)]
    check = next_allowed(sends, NOON, CapPolicy.for_mailbox(3, 0))
    assert check.allowed_at == sends[0] + timedelta(hours=24)
    assert check.reason == "daily cap of 3 reached"


@settings(max_examples=60, deadline=None)
@given(
    cap=st.integers(1, 30),
    gap=st.integers(0, 600),
    window_minutes=st.sampled_from([60, 24 * 60]),
    arrivals=st.lists(st.integers(0, 48 * 3600), min_size=1, max_size=120),
)
def test_sending_at_the_allowed_instants_never_breaks_a_limit(
    cap: int, gap: int, window_minutes: int, arrivals: list[int]
) -> None:
    window = timedelta(minutes=window_minutes)
    policy = CapPolicy(limits=(Limit(cap, window),), min_gap=timedelta(seconds=gap))
    sent: list[datetime] = []
    for offset in sorted(arrivals):
        wanted = NOON + timedelta(seconds=offset)
        now = max([wanted, *sent[-1:]])
        at = next_allowed([t for t in sent if t > now - window], now, policy, "m").allowed_at
        sent.append(at)
    for i, t in enumerate(sent):
        assert sum(1 for u in sent if t - window < u <= t) <= cap
        if i:
            assert t - sent[i - 1] >= timedelta(seconds=gap)


# --- Steps ------------------------------------------------------------------------------------


def test_steps_round_trip_through_json() -> None:
    raw = [
        {
            "kind": "email",
            "subject": "Hi {{ first_name }}",
            "body": "Body",
            "wait": {"amount": 0, "unit": "minutes"},
        },
        {
            "kind": "task",
            "task_type": "call",
            "instructions": "Call them",
            "wait": {"amount": 2, "unit": "business_days"},
        },
        {"kind": "email", "body": "Following up", "wait": {"amount": 3, "unit": "days"}},
    ]
    steps = parse_steps(raw)
    assert steps[2].thread == "reply"
    assert steps_from_json(steps_to_json(steps)) == steps


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ([], "steps"),
        ([{"kind": "fax"}], "steps.0.kind"),
        ([{"kind": "email", "body": "x"}], "steps.0.subject"),
        ([{"kind": "email", "subject": "s", "body": ""}], "steps.0.body"),
        ([{"kind": "email", "subject": "{{ nope }}", "body": "b"}], "steps.0.subject"),
        (
            [
                {
                    "kind": "email",
                    "subject": "s",
                    "body": "b",
                    "wait": {"amount": -1, "unit": "days"},
                }
            ],
            "steps.0.wait.amount",
        ),
        (
            [
                {
                    "kind": "email",
                    "subject": "s",
                    "body": "b",
                    "wait": {"amount": 1, "unit": "weeks"},
                }
            ],
            "steps.0.wait.unit",
        ),
        ([{"kind": "task", "task_type": "fax"}], "steps.0.task_type"),
        ([{"kind": "email", "subject": "s", "body": "b", "thread": "reply"}], "steps.0.thread"),
    ],
)
def test_bad_steps_name_the_field(raw: list, field: str) -> None:
    with pytest.raises(Refused) as caught:
        parse_steps(raw)
    assert caught.value.field == field


# --- State machine and stop rules -------------------------------------------------------------


def guard(**changes) -> lifecycle.Guard:  # type: ignore[no-untyped-def]
    values = dict(
        enrollment_status="active",
        current_step=1,
        step_index=1,
        suppressed=None,
        sequence_paused=False,
        mailbox_status="ok",
        mailbox_paused_until=None,
        replied_since_last_send=False,
    )
    return lifecycle.Guard(**(values | changes))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, dict(send=True)),
        ({"enrollment_status": "paused"}, dict(send=False, park=True, cancel=False)),
        ({"enrollment_status": "finished"}, dict(send=False, cancel=True)),
        ({"current_step": 2}, dict(send=False, cancel=True)),
        (
            {"replied_since_last_send": True},
            dict(send=False, cancel=True, finish_outcome="replied"),
        ),
        (
            {"suppressed": Suppressed("unsubscribed")},
            dict(cancel=True, finish_outcome="unsubscribed"),
        ),
        (
            {"suppressed": Suppressed("bounced", by_domain=True)},
            dict(cancel=True, finish_outcome="bounced"),
        ),  # fmt: skip
        (
            {"suppressed": Suppressed("blocked")},
            dict(send=False, cancel=True, finish_outcome="removed"),
        ),
        ({"sequence_paused": True}, dict(send=False, pause_reason="sequence_paused")),
        ({"mailbox_status": "auth_error"}, dict(send=False, pause_reason="mailbox")),
        (
            {"mailbox_status": "paused", "mailbox_paused_until": NOON + timedelta(hours=1)},
            dict(send=False, delay_until=NOON + timedelta(hours=1)),
        ),
        (
            {"mailbox_status": "paused", "mailbox_paused_until": NOON - timedelta(hours=1)},
            dict(send=True),
        ),
    ],
)
def test_the_claim_guard_stops_what_must_not_be_sent(changes: dict, expected: dict) -> None:
    verdict = lifecycle.check_guard(guard(**changes), NOON)
    for name, value in expected.items():
        assert getattr(verdict, name) == value, name


def test_stop_rules_for_each_kind_of_inbound_mail() -> None:
    zone = ZoneInfo("Europe/Paris")
    reply = lifecycle.decide_inbound("reply", now=NOON, return_date=None, zone=zone)
    assert reply.finish_outcome == "replied" and reply.suppress is None
    ooo = lifecycle.decide_inbound("auto_reply", now=NOON, return_date=None, zone=zone)
    assert ooo.pause_until == NOON + timedelta(days=7)
    dated = lifecycle.decide_inbound(
        "auto_reply", now=NOON, return_date=date(2026, 6, 15), zone=zone
    )
    assert dated.pause_until == datetime(2026, 6, 15, tzinfo=zone)
    far = lifecycle.decide_inbound("auto_reply", now=NOON, return_date=date(2029, 1, 1), zone=zone)
    assert far.pause_until == NOON + timedelta(days=60)
    hard = lifecycle.decide_inbound("bounce_hard", now=NOON, return_date=None, zone=zone)
    assert (hard.finish_outcome, hard.suppress) == ("bounced", "bounced")
    soft = lifecycle.decide_inbound("bounce_soft", now=NOON, return_date=None, zone=zone)
    assert soft.retry_after and soft.finish_outcome is None
    third = lifecycle.decide_inbound(
        "bounce_soft", now=NOON, return_date=None, zone=zone, soft_bounces_so_far=2
    )
    assert third.finish_outcome == "bounced"
    unsub = lifecycle.decide_inbound("unsubscribe", now=NOON, return_date=None, zone=zone)
    assert (unsub.finish_outcome, unsub.suppress) == ("unsubscribed", "unsubscribed")


@pytest.mark.parametrize(
    ("location", "zone"),
    [
        ("San Francisco Bay Area", "America/Los_Angeles"),
        ("London, England, United Kingdom", "Europe/London"),
        ("Bengaluru, Karnataka, India", "Asia/Kolkata"),
        ("United States", None),
        ("", None),
        (None, None),
    ],
)
def test_a_recipient_zone_comes_from_the_linkedin_location_when_it_is_unambiguous(
    location: str | None, zone: str | None
) -> None:
    assert zone_from_location(location) == zone
