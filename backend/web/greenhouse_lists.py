"""What the Job & Pools and Field Mapping pickers show, read from the team's Greenhouse (cached
briefly by `accounts.pickers`), or a problem in words when Greenhouse does not answer."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from backend.accounts.integration import Connection
from backend.accounts.integration import connection_for
from backend.accounts.integration import greenhouse_client
from backend.accounts.pickers import candidate_custom_fields
from backend.accounts.pickers import job_stages
from backend.accounts.pickers import jobs
from backend.accounts.pickers import prospect_pools
from backend.greenhouse.check import explain
from backend.greenhouse.errors import GreenhouseError
from backend.infra.services import db_session
from backend.infra.services import services


def team_connection() -> Connection | None:
    svc = services()
    return connection_for(
        db_session(), current_user.account_id, settings=svc.settings, secrets=svc.secrets
    )


def greenhouse_lists(target_job_ids: list[int]) -> tuple[dict[str, Any], str | None]:
    """Jobs, the stages of the jobs in use, pools, custom fields; or a problem in words."""
    lists: dict[str, Any] = {"jobs": [], "stages": {}, "pools": [], "custom_fields": []}
    connection = team_connection()
    if connection is None:
        return lists, None
    svc = services()
    client = greenhouse_client(connection, svc, interactive=True)
    try:
        lists["jobs"] = jobs(svc.cache, client)
        for job_id in target_job_ids:
            lists["stages"][job_id] = job_stages(svc.cache, client, job_id)
        lists["pools"] = prospect_pools(svc.cache, client)
        lists["custom_fields"] = candidate_custom_fields(svc.cache, client)
    except GreenhouseError as exc:
        return lists, f"Could not load jobs and fields from Greenhouse: {explain(exc)}"
    return lists, None


def stages_of(job_id: int) -> tuple[list[dict], str | None]:
    """One job's stages for the htmx stage picker, or a problem in words."""
    connection = team_connection()
    if connection is None:
        return [], None
    svc = services()
    try:
        return job_stages(
            svc.cache, greenhouse_client(connection, svc, interactive=True), job_id
        ), None
    except GreenhouseError as exc:
        return [], f"Could not load the stages: {explain(exc)}"
