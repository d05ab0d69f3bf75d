"""The "Job & Pools" picker as form data: none, a job (+ stage), or a prospect pool stage.

A pool stage travels as one value "pool_id:pool_stage_id" (one <select> with a group per pool,
so it works without JavaScript); a job's stages load with htmx once a job is chosen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError

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


def target_from_form(choice: TargetChoice) -> dict[str, Any] | None:
    """The target to store (DESIGN.md's target shape); ValidationError names the field.

    A job or a pool, never both, and a pool always with its stage: the picker's shape makes the
    API's other refusals impossible here."""
    if choice.kind == "none":
        return None
    if choice.kind == "job":
        if not choice.job_id:
            raise ValidationError({"job_id": ["Choose a job."]})
        return {"job_id": choice.job_id, "stage_id": choice.stage_id}
    if choice.kind == "pool":
        if not choice.pool_id or not choice.pool_stage_id:
            raise ValidationError({"pool_stage": ["Choose a prospect pool stage."]})
        return {"pool_id": choice.pool_id, "pool_stage_id": choice.pool_stage_id}
    raise ValidationError({"kind": ["Choose none, a job or a prospect pool."]})
