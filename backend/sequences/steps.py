"""A sequence's steps as plain data: validated once, stored as JSON on a version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.sequences.errors import Refused
from backend.sequences.schedule import WAIT_UNITS
from backend.sequences.templates import TemplateError
from backend.sequences.templates import check_template

TASK_TYPES = ("call", "linkedin", "custom")
TASK_WORDS = {"call": "Call", "linkedin": "LinkedIn message", "custom": "Task"}
MAX_STEPS = 30
MAX_WAIT = {"minutes": 60 * 24 * 90, "hours": 24 * 90, "days": 365, "business_days": 260}


@dataclass(frozen=True)
class Step:
    kind: str  # email | task
    wait_amount: int
    wait_unit: str
    subject: str = ""
    body: str = ""
    thread: str = "new"  # new | reply (emails)
    task_type: str = ""  # call | linkedin | custom (tasks)
    instructions: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "wait": {"amount": self.wait_amount, "unit": self.wait_unit},
        }
        if self.kind == "email":
            data |= {"subject": self.subject, "body": self.body, "thread": self.thread}
        else:
            data |= {"task_type": self.task_type, "instructions": self.instructions}
        return data


def _text(raw: dict[str, Any], name: str, where: str, *, required: bool) -> str:
    value = raw.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Refused(422, "must be text", f"{where}.{name}")
    if required and not value.strip():
        raise Refused(422, "is required", f"{where}.{name}")
    return value


def _wait(raw: Any, where: str) -> tuple[int, str]:
    if raw is None:
        return 0, "minutes"
    if not isinstance(raw, dict):
        raise Refused(422, 'give {"amount": n, "unit": "days"}', f"{where}.wait")
    amount, unit = raw.get("amount", 0), raw.get("unit", "days")
    if unit not in WAIT_UNITS:
        raise Refused(422, f"use one of {', '.join(WAIT_UNITS)}", f"{where}.wait.unit")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_WAIT[unit]:
        raise Refused(422, f"a whole number from 0 to {MAX_WAIT[unit]}", f"{where}.wait.amount")
    return amount, unit


def parse_step(raw: Any, index: int) -> Step:
    where = f"steps.{index}"
    if not isinstance(raw, dict):
        raise Refused(422, "each step is an object", where)
    amount, unit = _wait(raw.get("wait"), where)
    kind = raw.get("kind")
    if kind == "email":
        subject = _text(raw, "subject", where, required=False)
        body = _text(raw, "body", where, required=True)
        thread = raw.get("thread", "new" if index == 0 else "reply")
        if thread not in ("new", "reply"):
            raise Refused(422, "new or reply", f"{where}.thread")
        if thread == "new" and not subject.strip():
            raise Refused(422, "a new thread needs a subject", f"{where}.subject")
        for name, source in (("subject", subject), ("body", body)):
            try:
                check_template(source)
            except TemplateError as error:
                raise Refused(422, str(error), f"{where}.{name}") from None
        return Step("email", amount, unit, subject=subject, body=body, thread=thread)
    if kind == "task":
        task_type = raw.get("task_type", "custom")
        if task_type not in TASK_TYPES:
            raise Refused(422, f"use one of {', '.join(TASK_TYPES)}", f"{where}.task_type")
        instructions = _text(raw, "instructions", where, required=False)
        return Step("task", amount, unit, task_type=task_type, instructions=instructions)
    raise Refused(422, "email or task", f"{where}.kind")


def parse_steps(raw: Any) -> list[Step]:
    if not isinstance(raw, list) or not raw:
        raise Refused(422, "give at least one step", "steps")
    if len(raw) > MAX_STEPS:
        raise Refused(422, f"at most {MAX_STEPS} steps", "steps")
    steps = [parse_step(item, index) for index, item in enumerate(raw)]
    first_email = next((i for i, s in enumerate(steps) if s.kind == "email"), None)
    if first_email is not None and steps[first_email].thread == "reply":
        raise Refused(422, "the first email starts a new thread", f"steps.{first_email}.thread")
    return steps


def steps_from_json(raw: list[dict[str, Any]]) -> list[Step]:
    """Steps stored on a version (already validated when saved)."""
    return [
        Step(
            kind=item["kind"],
            wait_amount=item["wait"]["amount"],
            wait_unit=item["wait"]["unit"],
            subject=item.get("subject", ""),
            body=item.get("body", ""),
            thread=item.get("thread", "new"),
            task_type=item.get("task_type", ""),
            instructions=item.get("instructions", ""),
        )
        for item in raw
    ]


def steps_to_json(steps: list[Step]) -> list[dict[str, Any]]:
    return [step.to_json() for step in steps]
