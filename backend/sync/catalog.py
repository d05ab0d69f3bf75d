"""Greenhouse's jobs, stages, prospect pools, candidate custom fields and tags, read live and
cached briefly (the pickers, target names, and the checks before a write).

Shared per credential through the given cache (Redis when configured), so a thousand contacts
synced onto one job cost one read of the job list, not a thousand.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

from backend import defaults
from backend.greenhouse.client import GreenhouseClient
from backend.infra.cache import Cache
from backend.sync.failures import Failure
from backend.sync.targets import Target

Row = dict[str, Any]


class TargetGone(LookupError):
    """The target names a job, stage, pool or pool stage Greenhouse no longer has (or closed)."""

    def __init__(self, message: str, code: Failure = Failure.TARGET_GONE) -> None:
        super().__init__(message)
        self.code = code


def in_order(rows: Iterable[Row]) -> list[Row]:
    """Stages or options as Greenhouse orders them (`sort_order`, then id), without the inactive
    ones (v3 lists them too: a deleted stage is no place to put a prospect)."""
    live = [r for r in rows if r.get("active") is not False]
    return sorted(
        live, key=lambda r: (r.get("sort_order") is None, r.get("sort_order") or 0, r["id"])
    )


class Catalog:
    def __init__(
        self,
        client: GreenhouseClient,
        cache: Cache,
        *,
        ttl_seconds: float = defaults.SYNC_CATALOG_TTL.total_seconds(),
    ) -> None:
        self.client = client
        self.cache = cache
        self.ttl = int(ttl_seconds)

    def _cached(self, name: str, read: Callable[[], Any]) -> Any:
        key = f"gh-catalog:{self.client.client_id}:{name}"
        value = self.cache.get(key)
        if value is None:
            value = read()
            self.cache.set(key, value, timeout=self.ttl)
        return value

    def forget(self, name: str) -> None:
        self.cache.delete(f"gh-catalog:{self.client.client_id}:{name}")

    # --- reads ---------------------------------------------------------------------------------
    def jobs(self) -> list[Row]:
        """Every job the acting user can see: {id, name, status}."""
        return self._cached(
            "jobs",
            lambda: [
                {"id": j["id"], "name": j.get("name"), "status": j.get("status")}
                for j in self.client.jobs.iter()
            ],
        )

    def jobs_matching(self, query: str | None = None, status: str | None = None) -> list[Row]:
        """The job picker: the name holds every word of `query`, in any order and case ("backend
        senior" finds "Senior Backend Engineer"), with `status` when given."""
        words = (query or "").lower().split()
        return [
            j
            for j in self.jobs()
            if all(word in (j["name"] or "").lower() for word in words)
            and (not status or j["status"] == status)
        ]

    def job(self, job_id: int) -> Row | None:
        return next((j for j in self.jobs() if j["id"] == int(job_id)), None)

    def job_stages(self, job_id: int) -> list[Row]:
        return self._cached(
            f"job-stages:{int(job_id)}",
            lambda: [
                {"id": s["id"], "name": s.get("name"), "sort_order": s.get("sort_order")}
                for s in in_order(self.client.jobs.stages(job_id))
            ],
        )

    def pools(self) -> list[Row]:
        """Prospect pools with their stages: {id, name, job_ids, stages: [{id, name}]}."""

        def read() -> list[Row]:
            pools = list(self.client.prospect_pools.iter())
            out = []
            for pool in pools:
                stages = in_order(self.client.prospect_pools.stages(pool["id"]))
                out.append(
                    {
                        "id": pool["id"],
                        "name": pool.get("name"),
                        "job_ids": list(pool.get("job_ids") or []),
                        "stages": [{"id": s["id"], "name": s.get("name")} for s in stages],
                    }
                )
            return out

        return self._cached("pools", read)

    def pool(self, pool_id: int) -> Row | None:
        return next((p for p in self.pools() if p["id"] == int(pool_id)), None)

    def custom_fields(self) -> list[Row]:
        """Candidate custom fields: {name_key, name, value_type, options}."""

        def read() -> list[Row]:
            fields = list(self.client.custom_fields.iter(field_type="candidate"))
            out = []
            for f in fields:
                options: list[str] = []
                if f.get("value_type") in ("single_select", "multi_select"):
                    rows = self.client.custom_fields.options(custom_field_ids=[f["id"]])
                    options = [o["name"] for o in in_order(rows) if o.get("name")]
                out.append(
                    {
                        "name_key": f.get("name_key"),
                        "name": f.get("name"),
                        "value_type": f.get("value_type"),
                        "options": options,
                    }
                )
            return out

        return self._cached("custom-fields", read)

    def tags(self) -> dict[str, int]:
        """The candidate tag dictionary: lower-cased name → tag id."""
        return self._cached(
            "tags",
            lambda: {t["name"].lower(): t["id"] for t in self.client.tags.iter() if t.get("name")},
        )

    # --- targets -------------------------------------------------------------------------------
    def resolve(self, target: Target) -> Target:
        """The target with its names, checked against Greenhouse (raises TargetGone in words)."""
        if target.kind == "job":
            job = self.job(target.job_id or 0)
            if job is None:
                raise TargetGone(f"The job {target.job_id} does not exist in Greenhouse")
            stage_name = None
            if target.stage_id is not None:
                stage = next(
                    (s for s in self.job_stages(job["id"]) if s["id"] == target.stage_id), None
                )
                if stage is None:
                    raise TargetGone(
                        f"The stage {target.stage_id} is not a stage of the job '{job['name']}'"
                    )
                stage_name = stage["name"]
            return Target(
                kind="job",
                job_id=job["id"],
                stage_id=target.stage_id,
                job_name=job["name"],
                stage_name=stage_name,
            )
        pool = self.pool(target.pool_id or 0)
        if pool is None:
            raise TargetGone(f"The prospect pool {target.pool_id} does not exist in Greenhouse")
        stage = next((s for s in pool["stages"] if s["id"] == target.pool_stage_id), None)
        if stage is None:
            raise TargetGone(
                f"The stage {target.pool_stage_id} is not a stage of the pool '{pool['name']}'"
            )
        return Target(
            kind="pool",
            pool_id=pool["id"],
            pool_stage_id=stage["id"],
            pool_name=pool["name"],
            stage_name=stage["name"],
        )

    def check_open(self, target: Target) -> None:
        """A job target must be open to take new applications."""
        if target.kind != "job":
            return
        job = self.job(target.job_id or 0)
        if job is not None and job.get("status") != "open":
            raise TargetGone(
                f"The job '{job['name']}' is {job.get('status')} in Greenhouse", Failure.JOB_CLOSED
            )
