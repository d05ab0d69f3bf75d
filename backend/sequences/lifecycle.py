"""The enrollment state machine and the stop rules, as pure functions.

`pending → active ⇄ waiting_task ⇄ paused → finished` (with an outcome). Nothing here touches the
database: the service layer reads a row into these values, asks, and writes the answer back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from backend import defaults

PENDING, ACTIVE, WAITING_TASK, PAUSED, FINISHED = (
    "pending",
    "active",
    "waiting_task",
    "paused",
    "finished",
)
STATUSES = (PENDING, ACTIVE, WAITING_TASK, PAUSED, FINISHED)
LIVE = (PENDING, ACTIVE, WAITING_TASK, PAUSED)
SUPPRESSION_OUTCOMES = {"unsubscribed": "unsubscribed", "bounced": "bounced", "blocked": "removed"}
"""How someone on the suppression list finishes, by why they are on it."""
SEQUENCE_PAUSED = "the sequence is paused"
"""The words an enrollment is paused with while its sequence is: resuming the sequence resumes
exactly the enrollments paused with them, whoever paused them (the pause, enrolment, a claim)."""

# Step execution states (reference §5.6).
SCHEDULED, CLAIMED, SENDING, SENT, RETRY, UNKNOWN, CANCELED, FAILED, DONE, SKIPPED = (
    "scheduled",
    "claimed",
    "sending",
    "sent",
    "retry",
    "unknown",
    "canceled",
    "failed",
    "done",
    "skipped",
)
PARKED = "paused"  # the enrollment is paused without a resume instant; resuming reschedules it
CLAIMABLE = (SCHEDULED, RETRY)
OPEN_EXECUTION = (SCHEDULED, CLAIMED, SENDING, RETRY, UNKNOWN, PARKED)


@dataclass(frozen=True)
class Suppressed:
    """Why an address may not be emailed: the entry's reason (`suppressions.REASONS`), and
    whether it is its domain's entry rather than its own."""

    reason: str
    by_domain: bool = False

    def __str__(self) -> str:
        return f"{self.reason} (domain)" if self.by_domain else self.reason


@dataclass(frozen=True)
class Guard:
    """What the claim re-checks inside its transaction (DESIGN.md decision 10)."""

    enrollment_status: str
    current_step: int
    step_index: int
    suppressed: Suppressed | None  # why the address may not be emailed, or None
    sequence_paused: bool
    mailbox_status: str
    mailbox_paused_until: datetime | None
    replied_since_last_send: bool


@dataclass(frozen=True)
class GuardVerdict:
    send: bool
    park: bool = False  # the enrollment is paused: the step waits for the resume
    cancel: bool = False  # the execution must never go (stop rule)
    finish_outcome: str | None = None  # finish the enrollment with this outcome
    pause_reason: str | None = None  # pause the enrollment
    delay_until: datetime | None = None  # try again later
    reason: str | None = None


def check_guard(guard: Guard, now: datetime) -> GuardVerdict:
    if guard.enrollment_status == PAUSED and guard.current_step == guard.step_index:
        return GuardVerdict(False, park=True, reason="enrollment paused")
    if guard.enrollment_status != ACTIVE or guard.current_step != guard.step_index:
        return GuardVerdict(False, cancel=True, reason="enrollment no longer at this step")
    if guard.replied_since_last_send:
        return GuardVerdict(False, cancel=True, finish_outcome="replied", reason="replied")
    if guard.suppressed:
        outcome = SUPPRESSION_OUTCOMES.get(guard.suppressed.reason, "removed")
        return GuardVerdict(
            False, cancel=True, finish_outcome=outcome, reason=f"suppressed: {guard.suppressed}"
        )
    if guard.sequence_paused:
        return GuardVerdict(False, pause_reason="sequence_paused", reason=SEQUENCE_PAUSED)
    if guard.mailbox_status == "auth_error":
        return GuardVerdict(False, pause_reason="mailbox", reason="mailbox cannot sign in")
    if guard.mailbox_status == "paused":
        until = guard.mailbox_paused_until
        if until is None or until > now:
            return GuardVerdict(
                False,
                delay_until=until,
                pause_reason=None if until else "mailbox",
                reason="mailbox paused",
            )
    return GuardVerdict(True)


# --- Stop rules for inbound mail --------------------------------------------------------------


@dataclass(frozen=True)
class InboundDecision:
    finish_outcome: str | None = None
    pause_until: datetime | None = None
    suppress: str | None = None  # suppression reason
    retry_after: timedelta | None = None
    event: str | None = None


def ooo_resume_at(return_date: date | None, now: datetime, zone: ZoneInfo) -> datetime:
    """Pause until the morning of the return date, a week without one, never absurdly long."""
    if return_date is None:
        return now + defaults.SEQUENCE_OOO_PAUSE
    resume = datetime.combine(return_date, time(0), tzinfo=zone)
    return min(max(resume, now), now + defaults.SEQUENCE_OOO_MAX_PAUSE)


def decide_inbound(
    kind: str,
    *,
    now: datetime,
    return_date: date | None,
    zone: ZoneInfo,
    soft_bounces_so_far: int = 0,
) -> InboundDecision:
    """What an inbound message does to each live enrollment of the person it concerns."""
    if kind == "reply":
        return InboundDecision(finish_outcome="replied", event="reply_received")
    if kind == "auto_reply":
        return InboundDecision(
            pause_until=ooo_resume_at(return_date, now, zone), event="auto_reply_received"
        )
    if kind == "bounce_hard" or (
        kind == "bounce_soft" and soft_bounces_so_far + 1 >= defaults.SEQUENCE_SOFT_BOUNCES_AS_HARD
    ):
        return InboundDecision(finish_outcome="bounced", suppress="bounced", event="bounced")
    if kind == "bounce_soft":
        return InboundDecision(retry_after=defaults.SEQUENCE_SOFT_BOUNCE_DELAY)
    if kind == "unsubscribe":
        return InboundDecision(
            finish_outcome="unsubscribed", suppress="unsubscribed", event="unsubscribed"
        )
    raise ValueError(f"unknown inbound kind {kind!r}")
