"""Each page in real Chromium: happy path, htmx interactions, no-JavaScript forms, axe, no console
errors, screenshots."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.webui.conftest import ADMIN
from tests.webui.conftest import MEMBER
from tests.webui.conftest import Guard
from tests.webui.conftest import assert_accessible
from tests.webui.conftest import new_context
from tests.webui.conftest import shoot
from tests.webui.conftest import sign_in

pytestmark = [pytest.mark.e2e]
RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results"


def test_sign_in_page_is_accessible_and_the_skip_link_comes_first(live, anonymous_page):
    page, guard = anonymous_page
    page.goto(f"{live.url}/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert_accessible(page)
    shoot(page, "login")
    guard.assert_clean()


def test_a_wrong_password_shows_the_summary_focused_and_accessible(live, anonymous_page):
    page, guard = anonymous_page
    page.goto(f"{live.url}/login")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.get_by_role("alert")
    summary.wait_for()
    assert "The email or password is not right." in summary.text_content()
    # app.js moves the focus once it runs, which can be after the summary is on screen.
    expect(page.locator("#error-summary")).to_be_focused()
    assert page.get_by_label("Password").get_attribute("aria-invalid") == "true"
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    shoot(page, "login-error")
    guard.problems = [p for p in guard.problems if "422" not in p]  # the page itself is the 422
    guard.assert_clean()


def test_sign_in_works_without_javascript(browser, live):
    context = new_context(browser, javascript=False)
    page = context.new_page()
    sign_in(page, live.url, MEMBER)
    assert "/login" not in page.url
    assert f"Signed in as {MEMBER}" in page.content()
    context.close()


def test_account_page_is_accessible(live, admin_page):
    page, guard = admin_page
    page.goto(f"{live.url}/account")
    page.get_by_role("heading", name="Connected extensions").wait_for()
    assert page.get_by_role("link", name="Account").get_attribute("aria-current") == "page"
    assert_accessible(page)
    shoot(page, "account")
    guard.assert_clean()


def test_an_invite_link_is_shown_once_and_the_state_is_accessible(live, admin_page):
    page, guard = admin_page
    page.goto(f"{live.url}/account")
    page.get_by_label("Teammate's email").fill("new.person@acme.example")
    page.get_by_role("button", name="Make invite link").click()
    link = page.get_by_label("One-time invite link (shown once)")
    link.wait_for()
    assert "/invite/" in link.input_value()
    assert_accessible(page)
    guard.assert_clean()


def test_integrations_test_connection_updates_the_status_box_with_htmx(live, admin_page):
    page, guard = admin_page
    page.goto(f"{live.url}/settings/integrations")
    assert_accessible(page)
    shoot(page, "integrations")
    with page.expect_response(lambda r: r.url.endswith("/settings/integrations/test")):
        page.get_by_role("button", name="Test connection").click()
    status = page.locator("#test-result")
    status.get_by_text("Connected.").wait_for()
    assert page.url == f"{live.url}/settings/integrations", "htmx swapped; no navigation"
    assert_accessible(page)
    guard.assert_clean()


def test_choosing_a_job_loads_its_stages_with_htmx(live, admin_page, sandbox):
    page, guard = admin_page
    page.goto(f"{live.url}/settings/integrations")
    job = next(j for j in sandbox.state.tables["jobs"].values() if j["status"] == "open")
    stages = [
        s["name"]
        for s in sandbox.state.tables["job_interview_stages"].values()
        if s["job_id"] == job["id"]
    ]
    page.locator("#default-job_id").select_option(str(job["id"]))
    stage_select = page.locator("#default-stage_id")
    stage_select.locator("option", has_text=stages[-1]).wait_for(state="attached")
    stage_id = stage_select.locator("option", has_text=stages[-1]).get_attribute("value")
    stage_select.select_option(stage_id)
    page.get_by_label("A job (as a prospect)").first.check()
    page.get_by_role("button", name="Save Job & Pools").click()
    page.get_by_text("Job & Pools saved.").wait_for()
    assert f"Job: {job['name']} · Stage: {stages[-1]}" in page.content()
    assert_accessible(page)
    guard.assert_clean()


def test_a_refused_target_renders_an_accessible_error_state(live, admin_page):
    page, guard = admin_page
    page.goto(f"{live.url}/settings/integrations")
    page.get_by_label("A prospect pool stage").first.check()
    page.locator("#default-pool_stage").select_option("")
    page.get_by_role("button", name="Save Job & Pools").click()
    page.get_by_role("alert").wait_for()
    assert page.locator("#default-pool_stage").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    shoot(page, "integrations-error")
    guard.problems = [p for p in guard.problems if "422" not in p]
    guard.assert_clean()


def test_a_greenhouse_field_given_twice_is_shown_beside_the_mapping(live, admin_page):
    page, guard = admin_page
    page.goto(f"{live.url}/settings/integrations")
    page.locator("#map-headline").select_option("linkedin_headline")
    page.locator("#map-title").select_option("linkedin_headline")
    page.get_by_role("button", name="Save Field Mapping").click()
    page.get_by_role("alert").wait_for()
    assert page.locator("#mapping").get_attribute("aria-invalid") == "true"
    assert page.locator("#map-title").input_value() == "linkedin_headline"  # choices kept
    assert_accessible(page)
    guard.problems = [p for p in guard.problems if "422" not in p]
    guard.assert_clean()


def test_sync_settings_save_without_javascript(browser, live, admin_state):
    context = new_context(browser, javascript=False, state=admin_state)
    page = context.new_page()
    page.goto(f"{live.url}/settings/integrations")
    page.get_by_label("Sync contacts only when they reply back").check()
    page.get_by_role("button", name="Save sync settings").click()
    page.get_by_text("Sync settings saved.").wait_for()
    assert page.get_by_label("Sync contacts only when they reply back").is_checked()
    page.get_by_label("Sync contacts when added to a sequence").check()
    page.get_by_role("button", name="Save sync settings").click()
    page.get_by_text("Sync settings saved.").wait_for()
    context.close()


def test_members_do_not_see_integrations(browser, live):
    context = new_context(browser)
    page = context.new_page()
    guard = Guard(page)
    sign_in(page, live.url, MEMBER)
    assert page.get_by_role("link", name="Integrations").count() == 0
    response = page.goto(f"{live.url}/settings/integrations")
    assert response.status == 403
    assert "Only a team admin can open this page." in page.content()
    assert_accessible(page)
    context.close()
    del guard


def test_the_extension_connect_page_is_accessible(live, admin_page):
    page, guard = admin_page
    challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    page.goto(
        f"{live.url}/extension/connect?code_challenge={challenge}&state=abc&device=Chrome+on+Linux"
    )
    page.get_by_role("button", name="Connect").wait_for()
    assert_accessible(page)
    shoot(page, "extension-connect")
    guard.assert_clean()


def test_figures_server_time_per_page_and_weight_of_the_heaviest(live, admin_page):
    """Prints (and writes to bench/results/web_pages.json) the median server time of each page
    and the bytes of HTML + CSS + JS of the heaviest one, as Chromium received them."""
    page, guard = admin_page
    weights: dict[str, int] = {}
    current: dict[str, int] = {}

    def record(response) -> None:  # type: ignore[no-untyped-def]
        if response.request.resource_type in ("document", "stylesheet", "script"):
            current[response.url] = int(response.headers.get("content-length", "0"))

    page.on("response", record)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # count every file, every load
    for path in ("/account", "/settings/integrations", "/sync", "/imports/new",
                 "/extension/connect?code_challenge="
                 "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&state=abc"):  # fmt: skip
        for _ in range(5):
            current.clear()
            page.goto(f"{live.url}{path}")
            page.wait_for_load_state("networkidle")
            weights[path.split("?")[0]] = sum(current.values())
    medians = {
        rule: round(statistics.median(values), 1)
        for rule, values in sorted(live.server_ms.items())
        if rule.startswith("GET ")
    }
    heaviest = max(weights, key=weights.get)
    summary = {
        "what": "server time (ms, from before_request to after_request, median of every request"
        " made by this module) per HTML page; bytes of HTML + CSS + JS Chromium received for a"
        " page load (uncompressed), threaded Werkzeug + SQLite + Greenhouse sandbox, same machine",
        "server_ms_median": medians,
        "page_bytes": weights,
        "heaviest_page": {"path": heaviest, "bytes": weights[heaviest]},
    }
    print("\nweb pages:", json.dumps(summary, indent=1))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "web_pages.json").write_text(json.dumps(summary, indent=2) + "\n")
    assert weights[heaviest] < 400_000, "the heaviest page stays under 400 kB"
    guard.assert_clean()
