"""The "Job & Pools" picker as form data: none, a job (+ stage), or a prospect pool stage.

A pool stage travels as one value "pool_id:pool_stage_id" (one <select> with a group per pool,
so it works without JavaScript); a job's stages load with htmx once a job is chosen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

KINDS = ("none", "job", "pool")


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


@dataclass(frozen=True)
class TargetChoice:
    kind: str = "none"
    job_id: int | None = None
    stage_id: int | None = None
    pool_id: int | None = None
    pool_stage_id: int | None = None

    @property
    def pool_value(self) -> str:
        return f"{self.pool_id}:{self.pool_stage_id}" if self.pool_id else ""

    @classmethod
    def from_target(cls, target: Mapping[str, Any] | None) -> TargetChoice:
        if not target:
            return cls()
        if target.get("job_id"):
            return cls("job", job_id=target["job_id"], stage_id=target.get("stage_id"))
        return cls("pool", pool_id=target.get("pool_id"), pool_stage_id=target.get("pool_stage_id"))

    @classmethod
    def from_form(cls, form: Mapping[str, str], prefix: str) -> TargetChoice:
        kind = form.get(f"{prefix}-kind", "none")
        kind = kind if kind in KINDS else "invalid"
        pool_id, _, pool_stage_id = (form.get(f"{prefix}-pool_stage") or "").partition(":")
        return cls(
            kind,
            job_id=_int(form.get(f"{prefix}-job_id")),
            stage_id=_int(form.get(f"{prefix}-stage_id")),
            pool_id=_int(pool_id),
            pool_stage_id=_int(pool_stage_id),
        )


@dataclass(frozen=True)
class PickedTarget:
    """One picker's submission: the choice (shown again on a refusal or a stage reload), the
    target to store, and what is wrong keyed by control id ("seq-job_id"), empty when good."""

    choice: TargetChoice
    target: dict[str, Any] | None
    errors: dict[str, str]


def picked_target(form: Mapping[str, str], prefix: str) -> PickedTarget:
    """The target (DESIGN.md's target shape) the `prefix` picker asks for.

    A job or a pool, never both, and a pool always with its stage: the picker's shape makes the
    API's other refusals impossible here."""
    choice = TargetChoice.from_form(form, prefix)
    target: dict[str, Any] | None = None
    field, message = "", ""
    if choice.kind == "job":
        if choice.job_id:
            target = {"job_id": choice.job_id, "stage_id": choice.stage_id}
        else:
            field, message = "job_id", "Choose a job."
    elif choice.kind == "pool":
        if choice.pool_id and choice.pool_stage_id:
            target = {"pool_id": choice.pool_id, "pool_stage_id": choice.pool_stage_id}
        else:
            field, message = "pool_stage", "Choose a prospect pool stage."
    elif choice.kind != "none":
        field, message = "kind", "Choose none, a job or a prospect pool."
    return PickedTarget(choice, target, {f"{prefix}-{field}": message} if field else {})
