"""The popup's Add to sequence, end to end: real extension, real backend, Greenhouse sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

pytestmark = [pytest.mark.e2e]

FIRST_EMAIL = {
    "kind": "email",
    "subject": "Hi {{ first_name }}",
    "body": "Hello {{ first_name }}",
    "thread": "new",
    "wait": {"amount": 0, "unit": "days"},
}


@pytest.fixture(scope="module")
def sequences(backend) -> dict[str, int]:  # type: ignore[no-untyped-def]
    made = {}
    for name, extra in (("Backend engineers", {}), ("Quiet outreach", {"sync_disabled": True})):
        response = requests.post(
            f"{backend.url}/api/v1/sequences",
            json={"name": name, "steps": [FIRST_EMAIL], **extra},
            headers={"Authorization": f"Bearer {backend.token}"},
            timeout=10,
        )
        assert response.status_code == 201, response.text
        made[name] = response.json()["id"]
    return made


SHOTS = Path(__file__).resolve().parents[2] / "e2e-shots"


def _add_from_popup(ext, page, sequence_name: str):  # type: ignore[no-untyped-def]
    popup = ext.popup(page)
    picker = popup.get_by_label("Add to sequence")
    popup.locator("#sequence:not([disabled])").wait_for()
    labels = picker.locator("option").all_text_contents()
    assert "Quiet outreach · Sync Disabled" in labels
    value = picker.locator("option", has_text=sequence_name).first.get_attribute("value")
    picker.select_option(value)
    popup.get_by_role("button", name="Add to sequence").click()
    popup.locator(".sb-outcome[data-outcome]").wait_for(timeout=15_000)
    return popup


def test_add_to_sequence_from_the_popup_then_it_shows_the_sequence(ext, backend, cases, sequences):
    case = cases["recruiter_new"]
    ext.configure(backend.url, backend.token)
    page = ext.open(case.url)
    ext.wait_for_badge(page, case.person_key)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "badge-on-profile.png"))  # for a person to look at
    popup = _add_from_popup(ext, page, "Backend engineers")
    outcome = popup.locator(".sb-outcome")
    assert outcome.get_attribute("data-outcome") == "added"
    assert outcome.locator(".sb-outcome-text").text_content() == "Added to Backend engineers."
    membership = popup.locator(".sb-in-sequence")
    membership.wait_for()
    assert membership.text_content().startswith("In sequence: Backend engineers — ")
    assert popup.locator("#sequence").count() == 0, "someone already added gets no picker"
    SHOTS.mkdir(exist_ok=True)
    popup.screenshot(path=str(SHOTS / "popup-in-sequence.png"))  # for a person to look at


def test_someone_already_in_greenhouse_is_added_and_marked_with_the_link(
    ext, backend, cases, duplicate, sequences
):
    case = cases["recruiter_duplicate"]
    ext.configure(backend.url, backend.token)
    page = ext.open(case.url)
    ext.wait_for_badge(page, case.person_key)
    popup = _add_from_popup(ext, page, "Backend engineers")
    outcome = popup.locator(".sb-outcome")
    assert outcome.get_attribute("data-outcome") == "exists_in_greenhouse"
    assert "Exists in Greenhouse" in outcome.text_content()
    SHOTS.mkdir(exist_ok=True)
    popup.screenshot(path=str(SHOTS / "popup-exists-in-greenhouse.png"))
    link = outcome.get_by_role("link", name="Open the Greenhouse record")
    assert link.get_attribute("href").startswith(f"{duplicate.url.split('/people/')[0]}/people/")


def test_a_suppressed_person_is_not_added_and_the_popup_says_why(ext, backend, cases, sequences):
    case = cases["sales_navigator"]
    ext.configure(backend.url, backend.token)
    page = ext.open(case.url)
    ext.wait_for_badge(page, case.person_key)
    address = ext.badge_text(page, ".sb-address")
    auth = {"Authorization": f"Bearer {backend.token}"}
    suppressed = requests.post(
        f"{backend.url}/api/v1/suppressions",
        json={"value": address, "reason": "unsubscribed"},
        headers=auth,
        timeout=10,
    )
    assert suppressed.status_code == 201, suppressed.text
    try:
        popup = _add_from_popup(ext, page, "Backend engineers")
        outcome = popup.locator(".sb-outcome")
        # From the backend's `reason`, not its words.
        assert outcome.get_attribute("data-outcome") == "suppressed"
        assert outcome.text_content() == f"Not added: {address} is suppressed: unsubscribed"
        assert popup.locator("#sequence").count() == 1, "the picker stays after a refusal"
        SHOTS.mkdir(exist_ok=True)
        popup.screenshot(path=str(SHOTS / "popup-suppressed.png"))
    finally:
        requests.delete(
            f"{backend.url}/api/v1/suppressions/{suppressed.json()['id']}", headers=auth, timeout=10
        )
