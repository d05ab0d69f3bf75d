"""What the settings pickers show: Greenhouse jobs, their stages, prospect pools and custom fields.

Read through the account's Greenhouse client and cached briefly per client id, so opening a
settings page repeatedly costs Greenhouse nothing. Returns plain dicts sorted for people.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from backend import defaults
from backend.greenhouse.client import GreenhouseClient
from backend.infra.cache import Cache

TTL_SECONDS = int(defaults.GREENHOUSE_PICKER_TTL.total_seconds())


def _cached(cache: Cache, client: GreenhouseClient, name: str, load: Callable[[], Any]) -> Any:
    key = f"gh-picker:{client.client_id}:{name}"
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, timeout=TTL_SECONDS)
    return value


def jobs(cache: Cache, client: GreenhouseClient, *, status: str | None = "open") -> list[dict]:
    def load() -> list[dict]:
        rows = client.jobs.iter(status=status)
        found = [{"id": r["id"], "name": r["name"], "status": r.get("status")} for r in rows]
        return sorted(found, key=lambda j: j["name"].lower())

    return _cached(cache, client, f"jobs:{status}", load)


def job_stages(cache: Cache, client: GreenhouseClient, job_id: int) -> list[dict]:
    def load() -> list[dict]:
        rows = sorted(client.jobs.stages(job_id), key=lambda s: s.get("sort_order", 0))
        return [{"id": r["id"], "name": r["name"]} for r in rows if r.get("active", True)]

    return _cached(cache, client, f"stages:{int(job_id)}", load)


def prospect_pools(cache: Cache, client: GreenhouseClient) -> list[dict]:
    def load() -> list[dict]:
        pools = []
        for pool in client.prospect_pools.iter():
            if not pool.get("active", True):
                continue
            stages = sorted(
                client.prospect_pools.stages(pool["id"]), key=lambda s: s.get("sort_order", 0)
            )
            pools.append(
                {
                    "id": pool["id"],
                    "name": pool["name"],
                    "stages": [{"id": s["id"], "name": s["name"]} for s in stages],
                }
            )
        return sorted(pools, key=lambda p: p["name"].lower())

    return _cached(cache, client, "pools", load)


def candidate_custom_fields(cache: Cache, client: GreenhouseClient) -> list[dict]:
    def load() -> list[dict]:
        rows = client.custom_fields.iter(field_type="candidate")
        found = [
            {"name_key": r["name_key"], "name": r["name"], "value_type": r.get("value_type")}
            for r in rows
            if r.get("name_key")
        ]
        return sorted(found, key=lambda f: f["name"].lower())

    return _cached(cache, client, "custom-fields:candidate", load)


def describe_target(
    target: dict[str, Any] | None, job_list: list[dict], stage_list: list[dict], pools: list[dict]
) -> str | None:
    """A target in words ("Job: Backend Engineer · Stage: Application Review"), or None."""
    if not target:
        return None
    if target.get("job_id"):
        job = next((j["name"] for j in job_list if j["id"] == target["job_id"]), None)
        stage = next((s["name"] for s in stage_list if s["id"] == target.get("stage_id")), None)
        words = f"Job: {job or 'job ' + str(target['job_id'])}"
        return f"{words} · Stage: {stage}" if stage else words
    pool = next((p for p in pools if p["id"] == target.get("pool_id")), None)
    stage = next(
        (
            s["name"]
            for s in (pool or {}).get("stages", [])
            if s["id"] == target.get("pool_stage_id")
        ),
        None,
    )
    name = pool["name"] if pool else f"pool {target.get('pool_id')}"
    return f"Prospect pool: {name}" + (f" · Stage: {stage}" if stage else "")
