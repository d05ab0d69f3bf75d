"""Sandbox helpers for imports: make a job, fill it with people fast, close it.

Rows go through the sandbox's own application path, so they look like any other; candidates are
written directly (no HTTP, no rate limit) so that a job of 10,000 people takes a second.
"""

from __future__ import annotations

from typing import Any

from backend.greenhouse.sandbox.seed import JOB_STAGES
from backend.greenhouse.sandbox.state import SandboxState
from backend.greenhouse.sandbox.state import now_stamp

Row = dict[str, Any]


def add_job(state: SandboxState, name: str, *, status: str = "open") -> int:
    """A new job with the usual interview stages; returns its id."""
    with state.lock:
        now = now_stamp()
        job_id = state._ids.take("jobs")
        state.tables["jobs"][job_id] = {
            "id": job_id,
            "name": name,
            "requisition_id": f"REQ-{job_id}",
            "notes": None,
            "confidential": False,
            "status": status,
            "opened_at": now,
            "closed_at": None,
            "is_template": False,
            "copied_from_id": None,
            "department_id": None,
            "office_ids": [],
            "custom_fields": {},
            "created_at": now,
            "updated_at": now,
        }
        for order, stage_name in enumerate(JOB_STAGES):
            stage_id = state._ids.take("job_interview_stages")
            state.tables["job_interview_stages"][stage_id] = {
                "id": stage_id,
                "job_id": job_id,
                "name": stage_name,
                "sort_order": order,
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
        return job_id


def close_job(state: SandboxState, job_id: int) -> None:
    with state.lock:
        job = state.tables["jobs"][job_id]
        job.update(status="closed", closed_at=now_stamp(), updated_at=now_stamp())


def add_person(
    state: SandboxState,
    job_id: int,
    *,
    first_name: str,
    last_name: str,
    emails: list[Row] | None = None,
    prospect: bool = False,
    company: str | None = "Acme",
    title: str | None = "Engineer",
) -> Row:
    """A new candidate with one application (or prospect application) on the job:
    `{"candidate": row, "application": row}`. `emails` are `{"value", "type"}` entries."""
    with state.lock:
        now = now_stamp()
        candidate: Row = {
            "id": state._ids.take("candidates"),
            "created_at": now,
            "updated_at": now,
            "first_name": first_name,
            "last_name": last_name,
            "preferred_name": None,
            "company": company,
            "title": title,
            "last_activity_at": now,
            "private": False,
            "can_email": True,
            "time_zone": None,
            "tags": [],
            "linked_user_ids": [],
            "phone_numbers": [],
            "addresses": [],
            "email_addresses": list(emails or []),
            "website_addresses": [],
            "social_media_addresses": [],
            "custom_fields": {},
        }
        state.tables["candidates"][candidate["id"]] = candidate
        state._index(candidate)
        body: Row = {"prospect": True, "job_ids": [job_id]} if prospect else {"job_id": job_id}
        application = state.add_application(candidate["id"], body, count=False)
        return {"candidate": dict(candidate), "application": application}


def fill_job(
    state: SandboxState,
    job_id: int,
    count: int,
    *,
    prospect_every: int = 0,
    no_email_every: int = 0,
    name_prefix: str = "Person",
) -> list[Row]:
    """`count` new people on the job. Every `prospect_every`-th is a prospect and every
    `no_email_every`-th has no address (0: none); the others have a personal address listed
    before their work one (the import must still put work first). Returns `[{candidate,
    application}]` in the order made."""
    made = []
    for index in range(count):
        number = index + 1
        no_email = bool(no_email_every) and number % no_email_every == 0
        emails = (
            []
            if no_email
            else [
                {"value": f"{name_prefix}.{number}@home.example".lower(), "type": "personal"},
                {"value": f"{name_prefix}.{number}@work.example".lower(), "type": "work"},
            ]
        )
        made.append(
            add_person(
                state,
                job_id,
                first_name=name_prefix,
                last_name=f"No{number}",
                emails=emails,
                prospect=bool(prospect_every) and number % prospect_every == 0,
            )
        )
    return made
