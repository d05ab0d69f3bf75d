"""What the Job & Pools, Field Mapping and import pickers show, read from the team's Greenhouse
through the sync feature's `Catalog` (the one cached catalogue the API pickers use too), or a
problem in words when Greenhouse does not answer."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from backend.accounts.integration import Connection
from backend.accounts.integration import connection_for
from backend.accounts.integration import greenhouse_client
from backend.greenhouse.check import explain
from backend.greenhouse.errors import GreenhouseError
from backend.infra.services import db_session
from backend.infra.services import services
from backend.sync.catalog import Catalog


def team_connection() -> Connection | None:
    svc = services()
    return connection_for(
        db_session(), current_user.account_id, settings=svc.settings, secrets=svc.secrets
    )


def team_catalog(connection: Connection) -> Catalog:
    svc = services()
    return Catalog(greenhouse_client(connection, svc, interactive=True), svc.cache)


def _name(row: dict[str, Any]) -> str:
    return (row.get("name") or "").lower()


def open_jobs_by_name(catalog: Catalog, query: str | None = None) -> list[dict[str, Any]]:
    """The open jobs whose name holds `query`, as the API's job picker finds them, by name."""
    return sorted(catalog.jobs_matching(query, status="open"), key=_name)


def describe_target(target: dict[str, Any] | None, lists: dict[str, Any]) -> str | None:
    """A target in words ("Job: Backend Engineer · Stage: Application Review"), or None. Stored
    targets carry their names; `lists` (from `greenhouse_lists`) name the ones saved while
    Greenhouse was unreachable."""
    if not target:
        return None
    if target.get("job_id"):
        job = target.get("job_name") or next(
            (j["name"] for j in lists["jobs"] if j["id"] == target["job_id"]), None
        )
        stage = target.get("stage_name") or next(
            (
                s["name"]
                for s in lists["stages"].get(target["job_id"], [])
                if s["id"] == target.get("stage_id")
            ),
            None,
        )
        words = f"Job: {job or 'job ' + str(target['job_id'])}"
        return f"{words} · Stage: {stage}" if stage else words
    pool = next((p for p in lists["pools"] if p["id"] == target.get("pool_id")), None)
    name = target.get("pool_name") or (pool["name"] if pool else f"pool {target.get('pool_id')}")
    stage = target.get("stage_name") or next(
        (
            s["name"]
            for s in (pool or {}).get("stages", [])
            if s["id"] == target.get("pool_stage_id")
        ),
        None,
    )
    return f"Prospect pool: {name}" + (f" · Stage: {stage}" if stage else "")


def greenhouse_lists(target_job_ids: list[int]) -> tuple[dict[str, Any], str | None]:
    """Jobs, the stages of the jobs in use, pools, custom fields; or a problem in words."""
    lists: dict[str, Any] = {"jobs": [], "stages": {}, "pools": [], "custom_fields": []}
    connection = team_connection()
    if connection is None:
        return lists, None
    catalog = team_catalog(connection)
    try:
        lists["jobs"] = open_jobs_by_name(catalog)
        for job_id in target_job_ids:
            lists["stages"][job_id] = catalog.job_stages(job_id)
        lists["pools"] = sorted(catalog.pools(), key=_name)
        lists["custom_fields"] = sorted(catalog.custom_fields(), key=_name)
    except GreenhouseError as exc:
        return lists, f"Could not load jobs and fields from Greenhouse: {explain(exc)}"
    return lists, None


def stages_of(job_id: int) -> tuple[list[dict], str | None]:
    """One job's stages for the htmx stage picker, or a problem in words."""
    connection = team_connection()
    if connection is None:
        return [], None
    try:
        return team_catalog(connection).job_stages(job_id), None
    except GreenhouseError as exc:
        return [], f"Could not load the stages: {explain(exc)}"
