"""The extension in real headless Chromium against the real backend and the Greenhouse sandbox.

Each test opens fixture pages at their real www.linkedin.com URLs (served by the fake site) and
reads what the inline badge and the popup show. Timings (navigation to badge) are collected and
written to bench/results/e2e_badge_ms.json at the end of the session.
"""

from __future__ import annotations

import json
import re
import time
from html import escape as html_escape

import pytest
import requests

pytestmark = pytest.mark.e2e

DUPLICATE = "Duplicate found in Greenhouse"
NO_DUPLICATES = "No duplicates found in Greenhouse"
REJECTED = "The API token was rejected — check it in Options"
NOT_CONFIGURED = "Set the backend URL and API token in Options"

# Replaces the page as LinkedIn's router does: the URL changes first, the new profile renders
# `delay` ms later. Returns performance.now() at the pushState (the navigation's start).
SPA_NAVIGATE = """
async ([url, delay]) => {
  const html = await (await fetch(url)).text();
  const next = new DOMParser().parseFromString(html, 'text/html');
  const started = performance.now();
  history.pushState(null, '', url);
  await new Promise((resolve) => setTimeout(resolve, delay));
  document.title = next.title;
  document.body.replaceWith(document.adoptNode(next.body));
  return started;
}
"""


def assert_popup(ext, page, *, name, label, links):
    popup = ext.popup(page)
    popup.locator(".sb-label").wait_for()
    assert popup.locator(".sb-name").text_content() == name
    assert popup.locator(".sb-label").text_content() == label
    assert popup.locator(".sb-match a").evaluate_all("as => as.map(a => a.href)") == links
    return popup


def test_recruiter_profile_in_greenhouse_shows_duplicate_and_link(ext, backend, duplicate, cases):
    case = cases["recruiter_duplicate"]
    ext.configure(backend.url, backend.token)
    page = ext.open(case.url)
    ext.record("page_load", ext.wait_for_badge(page, case.person_key))
    ext.record_phases("load_phase", page, case.person_key)
    assert ext.badge_text(page, ".sb-label") == DUPLICATE
    assert ext.badge_text(page, ".sb-address") == duplicate.email
    assert ext.badge_text(page, ".sb-confidence") in {"verified", "probable", "possible"}
    assert ext.badge_links(page) == [
        {
            "href": duplicate.url,
            # the Greenhouse record's name (the page's full name may carry titles or letters)
            "text": f"{case.profile['first_name']} {case.profile['last_name']}",
            "target": "_blank",
            "rel": "noopener",
        }
    ]
    # LinkedIn's own scripts cannot read what the badge shows.
    assert page.evaluate("document.getElementById('sourcebridge-badge').shadowRoot") is None
    assert duplicate.email not in page.evaluate("document.documentElement.outerHTML")
    popup = assert_popup(
        ext, page, name=case.profile["full_name"], label=DUPLICATE, links=[duplicate.url]
    )
    assert popup.locator(".sb-email .sb-address").text_content() == duplicate.email
    assert popup.locator(".sb-copy").is_visible()


def test_recruiter_profile_not_in_greenhouse_shows_no_duplicates(ext, backend, cases):
    case = cases["recruiter_new"]
    ext.configure(backend.url, backend.token)
    page = ext.open(case.url)
    ext.record("page_load", ext.wait_for_badge(page, case.person_key))
    ext.record_phases("load_phase", page, case.person_key)
    assert ext.badge_text(page, ".sb-label") == NO_DUPLICATES
    assert ext.badge_links(page) == []
    assert ext.badge_text(page, ".sb-address").endswith("@klarna.com")
    assert_popup(ext, page, name=case.profile["full_name"], label=NO_DUPLICATES, links=[])


@pytest.mark.parametrize("case_name", ["linkedin", "sales_navigator"])
def test_regular_profile_and_sales_navigator_lead_are_looked_up(ext, backend, cases, case_name):
    case = cases[case_name]
    ext.configure(backend.url, backend.token)
    page = ext.open(case.url)
    ext.record("page_load", ext.wait_for_badge(page, case.person_key))
    ext.record_phases("load_phase", page, case.person_key)
    assert ext.badge_text(page, ".sb-label") == NO_DUPLICATES
    assert_popup(ext, page, name=case.profile["full_name"], label=NO_DUPLICATES, links=[])


def test_single_page_navigation_to_another_person_updates_the_badge_once(
    ext, backend, duplicate, cases
):
    first, second = cases["recruiter_duplicate"], cases["recruiter_new"]
    ext.configure(backend.url, backend.token)
    page = ext.open(first.url)
    ext.wait_for_badge(page, first.person_key)
    assert ext.badge_text(page, ".sb-label") == DUPLICATE

    started = page.evaluate(SPA_NAVIGATE, [second.url, 150])
    shown = ext.wait_for_badge(page, second.person_key)
    ext.record("spa_navigation", shown - started)
    assert ext.badge_text(page, ".sb-label") == NO_DUPLICATES
    assert ext.badge_links(page) == []

    # The same person again (another query string, a re-render): no second lookup.
    page.evaluate(
        """(url) => {
            history.pushState(null, '', url);
            document.body.append(document.createElement('div'));
        }""",
        f"{second.url}&start=25",
    )
    page.wait_for_timeout(800)  # longer than the content script's URL poll (500 ms)
    assert ext.badge_states(page) == [
        f"loading:{first.person_key}",
        f"result:{first.person_key}",
        f"loading:{second.person_key}",
        f"result:{second.person_key}",
    ]
    popup = ext.popup(page)
    popup.locator(".sb-label").wait_for()
    assert popup.locator(".sb-name").text_content() == second.profile["full_name"]


def test_reaching_a_profile_from_the_feed_by_single_page_navigation_looks_it_up(
    ext, backend, cases
):
    case = cases["linkedin"]
    ext.configure(backend.url, backend.token)
    page = ext.open("https://www.linkedin.com/feed/")
    page.wait_for_function("document.readyState === 'complete'")
    page.wait_for_timeout(300)
    assert ext.badge_states(page) == []  # nothing on a page that is not a profile
    started = page.evaluate(SPA_NAVIGATE, [case.url, 150])
    ext.record("spa_navigation", ext.wait_for_badge(page, case.person_key) - started)
    assert ext.badge_text(page, ".sb-label") == NO_DUPLICATES


def test_backend_down_is_reported_with_its_url(ext, cases):
    case = cases["recruiter_new"]
    down = "http://127.0.0.1:9"  # discard port: nothing listens
    ext.configure(down, "any-token")
    page = ext.open(case.url)
    ext.wait_for_badge(page, case.person_key, state="error")
    message = f"Can't reach the Sourcebridge backend at {down}"
    assert ext.badge_text(page, ".sb-error") == message
    popup = ext.popup(page)
    assert popup.locator(".sb-error").text_content() == message


def test_bad_token_is_reported_and_try_again_works_once_fixed(ext, backend, cases):
    case = cases["sales_navigator"]
    ext.configure(backend.url, "not-a-valid-token")
    page = ext.open(case.url)
    ext.wait_for_badge(page, case.person_key, state="error")
    assert ext.badge_text(page, ".sb-error") == REJECTED

    ext.configure(backend.url, backend.token)
    ext.badge_click(page, ".sb-retry")
    ext.wait_for_badge(page, case.person_key)
    assert ext.badge_text(page, ".sb-label") == NO_DUPLICATES


def test_missing_options_say_where_to_set_them(ext, cases):
    case = cases["linkedin"]
    ext.configure("", "")
    page = ext.open(case.url)
    ext.wait_for_badge(page, case.person_key, state="error")
    assert ext.badge_text(page, ".sb-error") == NOT_CONFIGURED


@pytest.mark.parametrize(
    ("backend_fixture", "status"),
    [("backend_not_connected", "not_connected"), ("backend_greenhouse_down", "unavailable")],
)
def test_greenhouse_not_connected_or_down_shows_the_backend_label(
    ext, cases, request, backend_fixture, status
):
    backend = request.getfixturevalue(backend_fixture)
    case = cases["recruiter_duplicate"]
    ext.configure(backend.url, backend.token)
    page = ext.open(case.url)
    ext.wait_for_badge(page, case.person_key)
    direct = requests.post(
        f"{backend.url}/api/v1/lookups",
        headers={"Authorization": f"Bearer {backend.token}"},
        json={"url": case.url, "html": case.html},
        timeout=20,
    )
    assert direct.status_code == 200, direct.text
    greenhouse = direct.json()["greenhouse"]
    assert greenhouse["status"] == status
    assert greenhouse["label"] not in (DUPLICATE, NO_DUPLICATES)
    assert ext.badge_text(page, ".sb-label") == greenhouse["label"]
    badge_status = ext.badge_attribute(page, ".sb-greenhouse", "data-status")
    assert badge_status == status
    assert ext.badge_links(page) == []
    assert ext.badge_text(page, ".sb-address").endswith("@mollie.com")  # the email still shows


def test_lookups_work_after_the_service_worker_is_stopped(ext, backend, duplicate, cases):
    first, second = cases["recruiter_duplicate"], cases["sales_navigator"]
    ext.configure(backend.url, backend.token)
    first_page = ext.open(first.url)
    ext.wait_for_badge(first_page, first.person_key)
    ext.mark_worker()
    assert ext.worker_marked()

    ext.stop_worker()
    assert ext.worker_target() is None

    second_page = ext.open(second.url)  # its lookup message wakes a new worker
    ext.wait_for_badge(second_page, second.person_key)
    assert ext.badge_text(second_page, ".sb-label") == NO_DUPLICATES
    assert ext.worker_target() is not None
    assert not ext.worker_marked()  # a fresh worker, not the one that was stopped
    # The first tab's result was kept in storage, not in the stopped worker's memory.
    assert_popup(
        ext, first_page, name=first.profile["full_name"], label=DUPLICATE, links=[duplicate.url]
    )


def test_options_page_saves_and_tests_the_connection_without_showing_the_token(ext, backend):
    ext.configure("", "")
    options = ext.context.new_page()
    ext.pages.append(options)
    options.goto(f"chrome-extension://{ext.extension_id}/options/options.html")
    options.fill("input[name=backendUrl]", f"{backend.url}/")
    options.fill("input[name=apiToken]", backend.token)
    options.click("button[type=submit]")
    options.locator("#status", has_text="Saved.").wait_for()
    saved = options.evaluate("chrome.storage.local.get(['backendUrl', 'apiToken'])")
    assert saved == {"backendUrl": backend.url, "apiToken": backend.token}
    assert options.input_value("input[name=apiToken]") == ""
    assert backend.token not in options.content()
    assert options.locator("#token-hint").text_content().endswith(backend.token[-4:])

    options.click("#test-connection")
    status = options.locator("#status[data-kind=ok]")
    status.wait_for()
    assert status.text_content().startswith("Connected as recruiter@acme.example")

    options.fill("input[name=apiToken]", "wrong-token")
    options.click("#test-connection")
    options.locator("#status[data-kind=error]").wait_for()
    assert options.locator("#status").text_content() == REJECTED


def test_badge_latency_against_the_backend_alone(ext, backend, cases):
    """Reloads of a profile (backend warm) against direct API calls for the same page."""
    case = cases["recruiter_new"]
    ext.configure(backend.url, backend.token)
    page = ext.open(case.url)
    ext.wait_for_badge(page, case.person_key)
    for _ in range(3):
        page.reload(wait_until="commit")
        ext.record("page_reload", ext.wait_for_badge(page, case.person_key))
        ext.record_phases("phase", page, case.person_key)
    for _ in range(3):
        started = time.perf_counter()
        response = requests.post(
            f"{backend.url}/api/v1/lookups",
            headers={"Authorization": f"Bearer {backend.token}"},
            json={"url": case.url, "html": case.html},
            timeout=20,
        )
        ext.record("api_direct", (time.perf_counter() - started) * 1000)
        assert response.status_code == 200


# The profile renders in passes, as LinkedIn's app does after boot: the name 40 ms after the HTML is
# parsed, the first experience entry 100 ms after the name (a second fetch), then the remaining
# entries 10 ms apart. window.__lastPassAt: performance.now() after the last pass.
HYDRATE_IN_PASSES = """
<script>
document.addEventListener('DOMContentLoaded', () => {
  const later = document.getElementById('e2e-later').content;
  const list = document.querySelector(
    '[data-test-profile-container] .expandable-list-profile-core__list');
  const name = document.querySelector(
    '[data-test-profile-container] [data-test-row-lockup-full-name] div');
  const passes = [[40, () => { name.textContent = NAME; }]];
  [...later.children].forEach((item, i) => passes.push([140 + 10 * i, () => list.append(item)]));
  for (const [at, pass] of passes) {
    setTimeout(() => { pass(); window.__lastPassAt = performance.now(); }, at);
  }
});
</script>
"""


def hydrating_in_passes(case) -> str:
    """The case's page with its name and experience entries left out of the HTML; the page's own
    script renders them in passes (HYDRATE_IN_PASSES)."""
    html = case.html
    name_html = f">{html_escape(case.profile['full_name'])}</div></span>"
    assert html.count(name_html) == 1
    html = html.replace(name_html, "></div></span>")
    items = re.findall(
        r'<li class="expandable-list-profile-core__list-item".*?\n</li>', html, flags=re.S
    )
    assert len(items) == 3
    for item in items:
        html = html.replace(item, "")
    script = HYDRATE_IN_PASSES.replace("NAME", json.dumps(case.profile["full_name"]))
    later = f'<template id="e2e-later">{"".join(items)}</template>'
    return html.replace("</body>", f"{later}{script}</body>")


def test_a_profile_rendered_in_passes_is_snapshotted_after_the_last_pass(
    ext, backend, cases, linkedin
):
    case = cases["recruiter_new"]
    path = f"{case.path}-in-passes"
    linkedin.pages[path] = hydrating_in_passes(case)
    person_key = f"recruiter:{path.rsplit('/', 1)[1]}"
    ext.configure(backend.url, backend.token)
    page = ext.open(f"https://www.linkedin.com{path}")
    ext.wait_for_badge(page, person_key)
    phases = ext.phases(page, person_key)
    last_pass = page.evaluate("window.__lastPassAt")
    assert phases["rendered"] >= last_pass, "snapshot taken before the last pass"
    assert phases["rendered"] - phases["detected"] < 1000  # the quiet period, not the timeout
    stored = ext.control.evaluate("chrome.storage.session.get(null)")
    entry = next(e for e in stored.values() if e.get("personKey") == person_key)
    profile = entry["result"]["profile"]
    assert profile["full_name"] == case.profile["full_name"]
    assert profile["positions"] == case.profile["positions"]
    assert ext.badge_text(page, ".sb-address").endswith("@klarna.com")
