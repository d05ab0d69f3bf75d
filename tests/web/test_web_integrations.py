"""The Integrations page against the Greenhouse sandbox: connection, Test connection, settings."""

from __future__ import annotations

import re

import pytest

from backend.greenhouse.sandbox.server import start_sandbox
from backend.store.models import GreenhouseIntegration
from tests.web.conftest import Browser
from tests.web.conftest import add_person


@pytest.fixture(scope="module")
def sandbox():  # type: ignore[no-untyped-def]
    handle = start_sandbox(candidates=5, rate_limit=10_000, rate_window_seconds=30)
    yield handle
    handle.shutdown()


@pytest.fixture
def gh_app(make_app, app_config, sandbox):  # type: ignore[no-untyped-def]
    """Greenhouse URLs point at the sandbox; the credentials are saved through the page."""
    return make_app(
        {
            **app_config,
            "GREENHOUSE_API_URL": sandbox.base_url,
            "GREENHOUSE_AUTH_URL": sandbox.base_url,
            "GREENHOUSE_APP_URL": sandbox.base_url,
            "ALLOW_PRIVATE_NETWORKS": True,
        }
    )


@pytest.fixture
def gh_admin(gh_app) -> Browser:  # type: ignore[no-untyped-def]
    add_person(gh_app, "admin@example.com", admin=True)
    browser = Browser(gh_app.test_client())
    browser.sign_in("admin@example.com")
    return browser


@pytest.fixture
def connected(gh_admin, sandbox) -> Browser:  # type: ignore[no-untyped-def]
    gh_admin.get("/settings/integrations")
    response = gh_admin.post(
        "/settings/integrations/connection",
        {"client_id": sandbox.client_id, "client_secret": sandbox.client_secret,
         "user_id": str(sandbox.admin_user_id)},
    )  # fmt: skip
    assert response.status_code == 302
    return gh_admin


def _row(app) -> GreenhouseIntegration:  # type: ignore[no-untyped-def]
    with app.extensions["sourcebridge"].db.session() as session:
        row = session.get(GreenhouseIntegration, 1) or session.query(GreenhouseIntegration).one()
        session.expunge(row)
        return row


def test_members_are_refused_the_integrations_page(member):
    assert member.get("/settings/integrations").status_code == 403
    assert member.post("/settings/integrations/sync", {"sync_mode": "off"}).status_code == 403
    assert "Integrations" not in member.get("/account").get_data(as_text=True).split("<main")[0]


def test_the_page_uses_interseller_words(admin):
    html = admin.get("/settings/integrations").get_data(as_text=True)
    for words in ("Off", "Sync contacts when added to a sequence",
                  "Sync contacts only when they reply back", "Deduplication",
                  "Activity Tracking", "Job &amp; Pools", "Field Mapping",
                  "Not connected"):  # fmt: skip
        assert words in html


def test_a_connection_without_a_secret_is_refused_with_the_field_named(gh_admin):
    gh_admin.get("/settings/integrations")
    response = gh_admin.post(
        "/settings/integrations/connection", {"client_id": "abc", "user_id": "nope"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html
    assert 'id="user_id"' in html and 'aria-describedby="user_id-hint user_id-error"' in html


def test_saving_a_connection_keeps_the_secret_secret(gh_app, connected, sandbox):
    html = connected.get("/settings/integrations").get_data(as_text=True)
    assert "Connected" in html
    assert sandbox.client_secret not in html
    assert "Stored. Leave blank to keep it." in html
    assert sandbox.client_secret.encode() not in _row(gh_app).client_secret_encrypted


def test_test_connection_answers_in_the_status_box_with_htmx(connected):
    response = connected.post("/settings/integrations/test", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html, "htmx gets the fragment only"
    assert "Connected." in html and "site admin" in html


def test_test_connection_without_javascript_renders_the_whole_page(connected):
    html = connected.post("/settings/integrations/test").get_data(as_text=True)
    assert "<html" in html and "Connected." in html


def test_test_connection_says_what_is_wrong_when_not_connected(admin):
    admin.get("/settings/integrations")
    html = admin.post("/settings/integrations/test", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert "Greenhouse is not connected" in html


def test_sync_settings_save_and_the_api_sees_them(gh_app, connected):
    response = connected.post(
        "/settings/integrations/sync",
        {"sync_mode": "on_reply", "activity_tracking": "y", "note_visibility": "admin_only"},
    )
    assert response.status_code == 302
    row = _row(gh_app)
    assert (row.sync_mode, row.dedupe, row.activity_tracking) == ("on_reply", False, True)
    assert row.note_visibility == "admin_only"


def test_an_unknown_sync_mode_is_refused(connected):
    response = connected.post("/settings/integrations/sync", {"sync_mode": "sometimes"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_job_pickers_list_greenhouse_jobs_and_htmx_loads_stages(connected, sandbox):
    html = connected.get("/settings/integrations").get_data(as_text=True)
    job = next(j for j in sandbox.state.tables["jobs"].values() if j["status"] == "open")
    assert f'<option value="{job["id"]}">{job["name"]}</option>' in html
    stages = connected.get(
        f"/greenhouse/stages?prefix=default&default-job_id={job['id']}",
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert "Application Review" in stages or "<option value=" in stages
    assert 'id="default-stage_id"' in stages


def test_a_job_and_stage_target_is_saved(gh_app, connected, sandbox):
    job = next(j for j in sandbox.state.tables["jobs"].values() if j["status"] == "open")
    stage = next(
        s for s in sandbox.state.tables["job_interview_stages"].values() if s["job_id"] == job["id"]
    )
    response = connected.post(
        "/settings/integrations/targets",
        {"default-kind": "job", "default-job_id": str(job["id"]),
         "default-stage_id": str(stage["id"]), "reply-kind": "none"},
    )  # fmt: skip
    assert response.status_code == 302
    # stored with the names Greenhouse gives them, as the API stores targets
    assert _row(gh_app).default_target == {
        "kind": "job",
        "job_id": job["id"],
        "job_name": job["name"],
        "stage_id": stage["id"],
        "stage_name": stage["name"],
    }
    html = connected.get("/settings/integrations").get_data(as_text=True)
    assert f"Job: {job['name']} · Stage: {stage['name']}" in html


def test_a_pool_stage_target_is_saved_from_one_select(gh_app, connected, sandbox):
    stage = next(iter(sandbox.state.tables["prospect_pool_stages"].values()))
    value = f"{stage['prospect_pool_id']}:{stage['id']}"
    response = connected.post(
        "/settings/integrations/targets",
        {"default-kind": "pool", "default-pool_stage": value, "reply-kind": "none"},
    )
    assert response.status_code == 302
    saved = _row(gh_app).default_target
    assert saved["kind"] == "pool" and saved["stage_name"] == stage["name"]
    assert {k: saved[k] for k in ("pool_id", "pool_stage_id")} == {
        "pool_id": stage["prospect_pool_id"],
        "pool_stage_id": stage["id"],
    }


def test_a_job_target_without_a_job_is_refused_with_the_field_marked(connected):
    response = connected.post(
        "/settings/integrations/targets", {"default-kind": "job", "reply-kind": "none"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#default-job_id">Choose a job.</a>' in html
    assert 'id="default-job_id" name="default-job_id" aria-invalid="true"' in html


def test_show_stages_without_javascript_keeps_the_choice_and_saves_nothing(
    gh_app, connected, sandbox
):
    job = next(j for j in sandbox.state.tables["jobs"].values() if j["status"] == "open")
    response = connected.post(
        "/settings/integrations/targets",
        {"default-kind": "job", "default-job_id": str(job["id"]), "action": "load_stages"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<option value="{job["id"]}" selected>' in html
    assert "Choose a job first" not in html.split('id="default-stage-box"')[1].split("</div>")[0]
    assert _row(gh_app).default_target is None


def test_field_mapping_reads_greenhouse_custom_fields_and_saves(gh_app, connected):
    html = connected.get("/settings/integrations").get_data(as_text=True)
    assert '<option value="linkedin_headline">LinkedIn headline</option>' in html
    response = connected.post(
        "/settings/integrations/mapping",
        {"map-headline": "linkedin_headline", "status-kind": "custom_field",
         "status-name_key": "outreach_status"},
    )  # fmt: skip
    assert response.status_code == 302
    row = _row(gh_app)
    assert row.custom_field_map == {"headline": "linkedin_headline"}
    assert row.status_field == {"kind": "custom_field", "name_key": "outreach_status"}


def test_every_field_the_mapping_offers_can_be_saved(gh_app, connected):
    html = connected.get("/settings/integrations").get_data(as_text=True)
    offered = re.findall(r'name="map-([a-z_]+)"', html)
    assert "title" in offered and "sequence_name" not in offered
    for name in offered:  # one at a time: a Greenhouse field holds one contact field
        response = connected.post(
            "/settings/integrations/mapping", {f"map-{name}": "linkedin_headline"}
        )
        assert response.status_code == 302
        assert _row(gh_app).custom_field_map == {name: "linkedin_headline"}, name


def test_two_contact_fields_in_one_greenhouse_field_are_refused_beside_the_table(gh_app, connected):
    response = connected.post(
        "/settings/integrations/mapping",
        {"map-headline": "linkedin_headline", "map-title": "linkedin_headline"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="mapping" aria-invalid="true"' in html  # the table is marked, the choices kept
    assert html.count('<option value="linkedin_headline" selected>') == 2
    assert _row(gh_app).custom_field_map in ({}, None)


def test_a_status_field_without_a_field_is_refused(connected):
    response = connected.post("/settings/integrations/mapping", {"status-kind": "custom_field"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose the custom field that holds the outreach status." in html


def test_settings_posts_need_the_csrf_token(connected):
    response = connected.client.post("/settings/integrations/sync", data={"sync_mode": "off"})
    assert response.status_code == 400
