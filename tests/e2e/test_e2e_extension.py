"""The extension in real headless Chromium against the real backend and the Greenhouse sandbox."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

DUPLICATE = "Duplicate found in Greenhouse"
NO_DUPLICATES = "No duplicates found in Greenhouse"


def test_recruiter_profile_in_greenhouse_shows_duplicate_with_link(
    browser, backend, duplicate, cases
):
    case = cases["recruiter_duplicate"]
    browser.configure(backend.url, backend.token)
    page = browser.open(case.url)
    shown_ms = browser.wait_for_badge(page, case.person_key)
    browser.record("page_load", shown_ms)
    assert browser.badge_text(page, ".sb-label") == DUPLICATE
    assert browser.badge_text(page, ".sb-address") == duplicate.email
    links = browser.badge_links(page)
    assert [link["href"] for link in links] == [duplicate.url]
    popup = browser.popup(page)
    popup.locator(".sb-label").wait_for()
    assert popup.locator(".sb-label").text_content() == DUPLICATE
    assert popup.locator(".sb-match a").get_attribute("href") == duplicate.url
    page.close()
    popup.close()
