"""Pure helpers that build Harvest v3 request bodies and read responses (no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from datetime import UTC
from datetime import datetime
from typing import Any

Row = dict[str, Any]
Instant = datetime | str


def compact(values: Mapping[str, Any]) -> dict[str, Any]:
    """The mapping without its None values (v3 bodies are closed; absent beats null)."""
    return {key: value for key, value in values.items() if value is not None}


def contacts(values: Iterable[str | Mapping[str, Any]] | None, default_type: str) -> list[Row]:
    """`["a@b.c"]` or `[{"value", "type"}]` -> `[{"value", "type"}]` (email, phone, website …)."""
    return [
        {"value": v, "type": default_type} if isinstance(v, str) else dict(v) for v in values or ()
    ]


def social_media(values: Iterable[str | Mapping[str, Any]] | None) -> list[Row]:
    """Social media addresses carry no type in v3: `[{"value": url}]`."""
    return [{"value": v} if isinstance(v, str) else dict(v) for v in values or ()]


def iso(instant: Instant) -> str:
    """An ISO-8601 UTC timestamp (`2026-01-02T03:04:05Z`); strings pass through."""
    if isinstance(instant, str):
        return instant
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def range_filter(
    gte: Instant | None = None,
    lte: Instant | None = None,
    gt: Instant | None = None,
    lt: Instant | None = None,
) -> str | None:
    """v3 pipe syntax for date filters: `gte|<iso>|lte|<iso>` (None when no bound is given)."""
    bounds = (("gte", gte), ("gt", gt), ("lte", lte), ("lt", lt))
    parts = [f"{op}|{iso(value)}" for op, value in bounds if value is not None]
    return "|".join(parts) or None


def parse_instant(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def unwrap_created(body: Any) -> Row:
    """`POST /v3/candidates` answers `{candidate, application}` (or, per some, a bare candidate):
    always `{"candidate": {...}, "application": {...} | None}`."""
    if isinstance(body, dict) and isinstance(body.get("candidate"), dict):
        return {"candidate": body["candidate"], "application": body.get("application")}
    return {"candidate": body, "application": None}


def newest(rows: Iterable[Row], where: Callable[[Row], bool] = lambda row: True) -> Row | None:
    """The matching row with the highest id (rows created last), or None."""
    return max((row for row in rows if where(row)), key=lambda row: row["id"], default=None)


def created_since(since: datetime) -> Callable[[Row], bool]:
    """Predicate: the row was created at or after `since`."""

    def check(row: Row) -> bool:
        created = parse_instant(row.get("created_at"))
        return created is not None and created >= since

    return check


def candidate_application(job_id: int, **fields: Any) -> Row:
    """The nested `application` of a candidate create: lands on the job's first stage unless
    `initial_stage_id` says otherwise (other keys: source_id, recruiter_id, coordinator_id …)."""
    return compact({"job_id": job_id, **fields})


def prospect_application(
    *,
    job_ids: Iterable[int] | None = None,
    prospect_pool_id: int | None = None,
    prospect_pool_stage_id: int | None = None,
    prospect_owner_id: int | None = None,
    **fields: Any,
) -> Row:
    """A prospect application (on create; PATCH names the stage `prospect_stage_id`)."""
    return compact(
        {
            "prospect": True,
            "job_ids": list(job_ids) if job_ids is not None else None,
            "prospect_pool_id": prospect_pool_id,
            "prospect_pool_stage_id": prospect_pool_stage_id,
            "prospect_owner_id": prospect_owner_id,
            **fields,
        }
    )


def email_values(addresses: Iterable[Row]) -> list[str]:
    return [str(a["value"]) for a in addresses if a.get("value")]
