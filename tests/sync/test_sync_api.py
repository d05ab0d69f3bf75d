"""The sync's HTTP API: the sync log with Retry, a contact's re-sync, the Greenhouse pickers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sync_support import by_name
from sync_support import make_client
from sync_world import World
from sync_world import job_target
from sync_world import sync

from backend.greenhouse.sandbox.server import SandboxHandle
from backend.greenhouse.sandbox.server import start_sandbox
from backend.store.models import Account
from backend.store.models import Enrollment
from backend.store.models import Event
from backend.store.models import User
from tests.support.accounts import make_user


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxHandle]:
    handle = start_sandbox(candidates=10, rate_limit=100_000)
    yield handle
    handle.shutdown()


@pytest.fixture
def gh_app(make_app, app_config, sandbox):  # type: ignore[no-untyped-def]
    return make_app({**app_config, **sandbox.settings(), "ALLOW_PRIVATE_NETWORKS": True})


@pytest.fixture
def world(gh_app):  # type: ignore[no-untyped-def]
    user, token = make_user(gh_app)
    session = gh_app.extensions["sourcebridge"].db.sessionmaker()
    account = session.get(Account, session.get(User, user.id).account_id)
    made = World(session, account, sync_mode="on_add")
    made.auth = {"Authorization": f"Bearer {token}"}
    yield made
    session.close()


def test_sync_log_lists_actions_filters_and_pages(gh_app, world, sandbox) -> None:
    contact = world.contact()
    world.enroll(contact, target=job_target(sandbox))
    sync(world.session, sandbox)
    client = gh_app.test_client()
    reply = client.get(f"/api/v1/sync-log?contact_id={contact.id}", headers=world.auth)
    assert reply.status_code == 200
    items = reply.get_json()["items"]
    assert [i["kind"] for i in items] == ["add_employment"] * 5 + ["ensure_person"]
    assert all(i["status"] == "done" and i["attempts"] == 1 for i in items)
    assert (
        items[-1]["greenhouse_ids"]["candidate_id"]
        == world.session.get(type(contact), contact.id).gh_candidate_id
    )
    page = client.get("/api/v1/sync-log?limit=4", headers=world.auth).get_json()
    assert len(page["items"]) == 4 and page["next_cursor"]
    rest = client.get(f"/api/v1/sync-log?limit=4&cursor={page['next_cursor']}", headers=world.auth)
    assert len(rest.get_json()["items"]) == 2
    assert (
        client.get("/api/v1/sync-log?status=failed", headers=world.auth).get_json()["items"] == []
    )


def test_bad_filters_are_422_with_the_field(gh_app, world) -> None:
    reply = gh_app.test_client().get("/api/v1/sync-log?status=lost", headers=world.auth)
    assert reply.status_code == 422 and "status" in reply.get_json()["errors"]
    for cursor in ("x", "9" * 30):  # beyond SQLite's integers it was a 500
        reply = gh_app.test_client().get(f"/api/v1/sync-log?cursor={cursor}", headers=world.auth)
        assert reply.status_code == 422 and "cursor" in reply.get_json()["errors"]


def test_retry_puts_a_failed_action_back_and_404s_other_teams(
    gh_app, world, sandbox, deferred_tasks
) -> None:
    contact = world.contact()
    world.enroll(contact, target=job_target(sandbox, "Data Engineer"))
    sync(world.session, sandbox)
    client = gh_app.test_client()
    items = client.get("/api/v1/sync-log?status=failed", headers=world.auth).get_json()["items"]
    [failed] = [i for i in items if i["kind"] == "ensure_person"]
    assert len(items) == 6  # and the five employments, for want of a record
    assert failed["error"] == "The job 'Data Engineer' is closed in Greenhouse"
    assert failed["error_code"] == "job_closed"
    assert {i["error_code"] for i in items if i["kind"] == "add_employment"} == {"no_record"}
    reply = client.post(f"/api/v1/sync-log/{failed['id']}/retry", headers=world.auth)
    assert reply.status_code == 200 and reply.get_json()["status"] == "pending"
    assert (
        client.get("/api/v1/sync-log?status=failed", headers=world.auth).get_json()["items"] == []
    )
    assert client.post("/api/v1/sync-log/999999/retry", headers=world.auth).status_code == 404


def test_resync_queues_the_mapping_for_a_synced_contact(
    gh_app, world, sandbox, deferred_tasks
) -> None:
    contact = world.contact()
    world.enroll(contact, target=job_target(sandbox))
    sync(world.session, sandbox)
    world.integration.custom_field_map = {"title": "linkedin_headline"}
    world.session.commit()
    client = gh_app.test_client()
    reply = client.post(f"/api/v1/contacts/{contact.id}/resync", headers=world.auth)
    assert reply.status_code == 202
    [item] = reply.get_json()["items"]
    assert (item["kind"], item["status"]) == ("apply_custom_fields", "pending")
    unsynced = world.contact()
    assert (
        client.post(f"/api/v1/contacts/{unsynced.id}/resync", headers=world.auth).status_code == 409
    )


def test_pickers_read_greenhouse(gh_app, world, sandbox) -> None:
    client = gh_app.test_client()
    jobs = client.get("/api/v1/greenhouse/jobs?query=engineer&status=open", headers=world.auth)
    assert [j["name"] for j in jobs.get_json()] == ["Senior Backend Engineer"]
    job = by_name(sandbox, "jobs", "Senior Backend Engineer")
    stages = client.get(f"/api/v1/greenhouse/jobs/{job['id']}/stages", headers=world.auth)
    assert [s["name"] for s in stages.get_json()][:2] == ["Application Review", "Recruiter Screen"]
    assert client.get("/api/v1/greenhouse/jobs/1/stages", headers=world.auth).status_code == 404
    pools = client.get("/api/v1/greenhouse/prospect-pools", headers=world.auth).get_json()
    assert sorted(p["name"] for p in pools) == ["Engineering Talent", "Go-to-Market Talent"]
    assert [s["name"] for s in pools[0]["stages"]] == ["New", "Contacted", "Replied", "Qualified"]
    fields = client.get("/api/v1/greenhouse/custom-fields", headers=world.auth).get_json()
    status = next(f for f in fields if f["name_key"] == "outreach_status")
    assert status["options"] == ["Messaged", "Replied", "Unsubscribed"]
    assert all(f["name_key"] != "sequence_name" for f in fields)  # an application field


def test_integration_settings_accept_every_setting_and_name_targets(gh_app, world, sandbox) -> None:
    job = by_name(sandbox, "jobs", "Senior Backend Engineer")
    stage = by_name(sandbox, "job_interview_stages", "Recruiter Screen", job_id=job["id"])
    pool = by_name(sandbox, "prospect_pools", "Engineering Talent")
    replied = by_name(sandbox, "prospect_pool_stages", "Replied", prospect_pool_id=pool["id"])
    settings = {
        "sync_mode": "on_reply",
        "dedupe": False,
        "activity_tracking": False,
        "note_visibility": "public",
        "match_linkedin_url": False,
        "default_target": {"job_id": job["id"], "stage_id": stage["id"]},
        "custom_field_map": {"headline": "linkedin_headline"},
        "status_field": {"kind": "custom_field", "name_key": "outreach_status"},
        "stage_on_reply": {"pool_id": pool["id"], "pool_stage_id": replied["id"]},
        "convert_on_reply": True,
    }
    client = gh_app.test_client()
    reply = client.put("/api/v1/integrations/greenhouse", json={"settings": settings},
                       headers=world.auth)  # fmt: skip
    assert reply.status_code == 200, reply.get_json()
    saved = reply.get_json()["settings"]
    assert saved["default_target"] == {
        "kind": "job", "job_id": job["id"], "stage_id": stage["id"],
        "job_name": "Senior Backend Engineer", "stage_name": "Recruiter Screen",
    }  # fmt: skip
    assert (saved["stage_on_reply"]["kind"], saved["stage_on_reply"]["stage_name"]) == (
        "pool", "Replied",
    )  # fmt: skip
    assert {k: saved[k] for k in settings if "target" not in k and k != "stage_on_reply"} == {
        k: v for k, v in settings.items() if "target" not in k and k != "stage_on_reply"
    }
    assert (
        client.get("/api/v1/integrations/greenhouse", headers=world.auth).get_json()["settings"]
        == saved
    )


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"default_target": {"job_id": 999}}, "settings.default_target"),
        ({"custom_field_map": {"salary": "x"}}, "settings.custom_field_map.salary"),
        ({"custom_field_map": {"title": "no_such_field"}}, "settings.custom_field_map.title"),
        ({"sync_mode": "sometimes"}, "settings.sync_mode"),
    ],
)
def test_integration_settings_refuse_what_greenhouse_lacks(gh_app, world, settings, field) -> None:
    reply = gh_app.test_client().put(
        "/api/v1/integrations/greenhouse", json={"settings": settings}, headers=world.auth
    )
    assert reply.status_code == 422 and field in reply.get_json()["errors"]


def test_a_rejection_in_greenhouse_finishes_the_enrollment(make_app, app_config, sandbox) -> None:
    secret = "whsec-sync-test"
    app = make_app({**app_config, **sandbox.settings(), "ALLOW_PRIVATE_NETWORKS": True,
                    "GREENHOUSE_WEBHOOK_SECRET": secret})  # fmt: skip
    user, _token = make_user(app)
    session = app.extensions["sourcebridge"].db.sessionmaker()
    try:
        account = session.get(Account, session.get(User, user.id).account_id)
        world = World(session, account, sync_mode="on_add")
        contact = world.contact()
        enrollment = world.enroll(contact, target=job_target(sandbox))
        sync(session, sandbox)
        session.refresh(contact)
        make_client(sandbox).transport.write(
            "POST",
            f"/v3/applications/{contact.gh_application_id}/reject",
            {"rejection_reason_id": 1},
        )
        [(headers, body)] = sandbox.signed_webhooks(secret)
        reply = app.test_client().post("/webhooks/greenhouse", data=body, headers=headers)
        assert reply.status_code == 200 and reply.get_json()["status"] == "applied"
        session.expire_all()
        finished = session.get(Enrollment, enrollment.id)
        assert (finished.status, finished.outcome, finished.active_key) == (
            "finished",
            "removed",
            None,
        )
        [event] = session.query(Event).filter_by(enrollment_id=enrollment.id, type="finished").all()
        assert event.data["reason"] == "Rejected in Greenhouse"
    finally:
        session.close()
