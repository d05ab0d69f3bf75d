"""Integration sync settings: each field checked, targets named from Greenhouse (the sandbox)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sync_support import by_name
from sync_support import make_executor

from backend.greenhouse.sandbox.server import SandboxHandle
from backend.greenhouse.sandbox.server import start_sandbox
from backend.sync.settings import SettingInvalid
from backend.sync.settings import check_against_greenhouse
from backend.sync.settings import check_settings


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxHandle]:
    handle = start_sandbox(candidates=5, rate_limit=100_000)
    yield handle
    handle.shutdown()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sync_mode": "sometimes"}, "sync_mode"),
        ({"note_visibility": "everyone"}, "note_visibility"),
        ({"dedupe": "yes"}, "dedupe"),
        ({"convert_on_reply": 1}, "convert_on_reply"),
        ({"default_target": {"pool_id": 3}}, "default_target.pool_stage_id"),
        ({"stage_on_reply": {"job_id": -1}}, "stage_on_reply.job_id"),
        ({"custom_field_map": {"salary": "x"}}, "custom_field_map.salary"),
        ({"custom_field_map": {"title": "x", "headline": "x"}}, "custom_field_map"),
        ({"status_field": {"kind": "custom_field"}}, "status_field.name_key"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_settings_name_the_field(body: dict, field: str) -> None:
    with pytest.raises(SettingInvalid) as bad:
        check_settings(body)
    assert bad.value.field == field


def test_every_setting_is_accepted() -> None:
    body = {
        "sync_mode": "on_reply",
        "dedupe": False,
        "activity_tracking": True,
        "note_visibility": "admin_only",
        "match_linkedin_url": False,
        "default_target": None,
        "custom_field_map": {"headline": "linkedin_headline"},
        "status_field": {"kind": "tags"},
        "stage_on_reply": {"pool_id": 1, "pool_stage_id": 2},
        "convert_on_reply": True,
    }
    checked = check_settings(body)
    assert {**checked, "stage_on_reply": None} == {**body, "stage_on_reply": None}
    stage = checked["stage_on_reply"]
    assert (stage.kind, stage.pool_id, stage.pool_stage_id) == ("pool", 1, 2)


def test_targets_are_named_from_greenhouse(sandbox: SandboxHandle) -> None:
    catalog = make_executor(sandbox).catalog
    job = by_name(sandbox, "jobs", "Product Designer")
    stage = by_name(sandbox, "job_interview_stages", "Onsite", job_id=job["id"])
    pool = by_name(sandbox, "prospect_pools", "Go-to-Market Talent")
    pool_stage = by_name(sandbox, "prospect_pool_stages", "Replied", prospect_pool_id=pool["id"])
    settings = check_settings({
        "default_target": {"job_id": job["id"], "stage_id": stage["id"]},
        "stage_on_reply": {"pool_id": pool["id"], "pool_stage_id": pool_stage["id"]},
        "status_field": {"kind": "custom_field", "name_key": "outreach_status"},
    })  # fmt: skip
    stored = check_against_greenhouse(settings, catalog)
    assert stored["default_target"] == {
        "kind": "job", "job_id": job["id"], "stage_id": stage["id"],
        "job_name": "Product Designer", "stage_name": "Onsite",
    }  # fmt: skip
    assert stored["stage_on_reply"]["pool_name"] == "Go-to-Market Talent"
    assert stored["stage_on_reply"]["stage_name"] == "Replied"


def test_targets_and_fields_unknown_to_greenhouse_are_refused_in_words(sandbox) -> None:
    catalog = make_executor(sandbox).catalog
    pool = by_name(sandbox, "prospect_pools", "Engineering Talent")
    other = by_name(sandbox, "prospect_pools", "Go-to-Market Talent")
    foreign = by_name(sandbox, "prospect_pool_stages", "New", prospect_pool_id=other["id"])
    with pytest.raises(SettingInvalid) as bad:
        check_against_greenhouse(
            check_settings(
                {"default_target": {"pool_id": pool["id"], "pool_stage_id": foreign["id"]}}
            ),
            catalog,
        )
    assert bad.value.field == "default_target"
    assert "is not a stage of the pool 'Engineering Talent'" in bad.value.reason
    with pytest.raises(SettingInvalid) as bad:
        check_against_greenhouse(check_settings({"default_target": {"job_id": 999}}), catalog)
    assert bad.value.reason == "The job 999 does not exist in Greenhouse"
    with pytest.raises(SettingInvalid) as bad:
        check_against_greenhouse(check_settings({"custom_field_map": {"title": "nope"}}), catalog)
    assert bad.value.field == "custom_field_map.title"


def test_inactive_stages_are_no_target_and_unordered_ones_come_last() -> None:
    handle = start_sandbox(candidates=1, rate_limit=100_000)
    try:
        job = by_name(handle, "jobs", "Product Designer")
        onsite = by_name(handle, "job_interview_stages", "Onsite", job_id=job["id"])
        onsite["active"] = False  # deleted in Greenhouse: v3 still lists it, marked inactive
        first = by_name(handle, "job_interview_stages", "Application Review", job_id=job["id"])
        first["sort_order"] = None  # another server may leave an order out
        catalog = make_executor(handle).catalog
        names = [s["name"] for s in catalog.job_stages(job["id"])]
        assert "Onsite" not in names
        assert names[-1] == "Application Review"
        settings = check_settings(
            {"default_target": {"job_id": job["id"], "stage_id": onsite["id"]}}
        )
        with pytest.raises(SettingInvalid) as refused:
            check_against_greenhouse(settings, catalog)
        assert refused.value.field == "default_target"
    finally:
        handle.shutdown()
