"""Where a synced contact lands in Greenhouse: a job (and stage) or a prospect pool and pool stage.

A target is stored and sent as `{"job_id", "stage_id"?}` or `{"pool_id", "pool_stage_id"}`;
wherever one is returned it also carries `kind` and the names (`job_name` / `pool_name`,
`stage_name`). Pure: parsing and validation of the shape only (Greenhouse checks live elsewhere).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class TargetInvalid(ValueError):
    """A target that is not one of the two shapes; `field` names the bad key."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def _id(data: Mapping[str, Any], key: str, *, required: bool) -> int | None:
    value = data.get(key)
    if value is None:
        if required:
            raise TargetInvalid(key, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TargetInvalid(key, "must be a Greenhouse id (a positive integer)")
    try:
        number = int(value)
    except ValueError as exc:
        raise TargetInvalid(key, "must be a Greenhouse id (a positive integer)") from exc
    if number <= 0:
        raise TargetInvalid(key, "must be a Greenhouse id (a positive integer)")
    return number


def _name(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Target:
    kind: str  # "job" | "pool"
    job_id: int | None = None
    stage_id: int | None = None
    pool_id: int | None = None
    pool_stage_id: int | None = None
    job_name: str | None = None
    pool_name: str | None = None
    stage_name: str | None = None

    @classmethod
    def parse(cls, data: Any) -> Target | None:
        """The target a settings body or a stored JSON holds (None for none)."""
        if data is None or data == {}:
            return None
        if not isinstance(data, Mapping):
            raise TargetInvalid("target", "must be an object with job_id or pool_id")
        has_job, has_pool = data.get("job_id") is not None, data.get("pool_id") is not None
        if has_job and has_pool:
            raise TargetInvalid("target", "give job_id or pool_id, not both")
        if has_job:
            return cls(
                kind="job",
                job_id=_id(data, "job_id", required=True),
                stage_id=_id(data, "stage_id", required=False),
                job_name=_name(data, "job_name"),
                stage_name=_name(data, "stage_name"),
            )
        if has_pool:
            return cls(
                kind="pool",
                pool_id=_id(data, "pool_id", required=True),
                pool_stage_id=_id(data, "pool_stage_id", required=True),
                pool_name=_name(data, "pool_name"),
                stage_name=_name(data, "stage_name"),
            )
        raise TargetInvalid(
            "target", "must have job_id (and stage_id) or pool_id and pool_stage_id"
        )

    def to_dict(self) -> dict[str, Any]:
        if self.kind == "job":
            return {
                "kind": "job",
                "job_id": self.job_id,
                "stage_id": self.stage_id,
                "job_name": self.job_name,
                "stage_name": self.stage_name,
            }
        return {
            "kind": "pool",
            "pool_id": self.pool_id,
            "pool_stage_id": self.pool_stage_id,
            "pool_name": self.pool_name,
            "stage_name": self.stage_name,
        }

    @property
    def named(self) -> bool:
        """Every name the target needs is known (a job without a stage needs no stage name)."""
        if self.kind == "job":
            return bool(self.job_name) and (self.stage_id is None or bool(self.stage_name))
        return bool(self.pool_name) and bool(self.stage_name)

    def describe(self) -> str:
        """Words for the sync log: "job 'Data Engineer', stage 'Recruiter Screen'"."""
        place = (
            f"job '{self.job_name or self.job_id}'"
            if self.kind == "job"
            else f"pool '{self.pool_name or self.pool_id}'"
        )
        stage = self.stage_name or self.stage_id or self.pool_stage_id
        return f"{place}, stage '{stage}'" if stage else place
