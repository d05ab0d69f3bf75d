"""The sync log page: rows in words with what to do, filters, paging, Retry (htmx or not)."""

from __future__ import annotations

from html import escape
from typing import Any

import pytest

from backend.store.models import Contact
from backend.store.models import SyncJob
from backend.store.models import User
from backend.sync.failures import Failure
from backend.web.security import CONTENT_SECURITY_POLICY
from backend.web.sync_words import ADVICE
from backend.web.sync_words import DEFAULT_ADVICE
from backend.web.sync_words import advice
from tests.web.conftest import Browser

CLOSED = "The job 'Data Engineer' is closed in Greenhouse"


def seed(app: Any, user_id: int, *, done: int = 1) -> dict[str, int]:
    """A contact with a failed find-or-create and `done` finished rows (as the outbox leaves)."""
    with app.extensions["sourcebridge"].db.session() as session:
        account_id = session.get(User, user_id).account_id
        grace = Contact(account_id=account_id, email="grace@hopper.example",
                        first_name="Grace", last_name="Hopper")  # fmt: skip
        ada = Contact(account_id=account_id, email="ada@example.com", first_name="Ada",
                      last_name="Lovelace", gh_candidate_id=4242)  # fmt: skip
        session.add_all([grace, ada])
        session.flush()
        failed = SyncJob(account_id=account_id, contact_id=grace.id, kind="ensure_person",
                         payload={}, status="failed", attempts=3, last_error=CLOSED,
                         last_error_code="job_closed")  # fmt: skip
        session.add(failed)
        for n in range(done):
            session.add(
                SyncJob(
                    account_id=account_id,
                    contact_id=ada.id,
                    kind="add_employment",
                    payload={},
                    status="done",
                    attempts=1,
                    dedupe_key=f"emp-{n}",
                    greenhouse_ids={"candidate_id": 4242, "application_id": 77},
                )  # fmt: skip
            )
        session.flush()
        return {"failed": failed.id, "grace": grace.id, "ada": ada.id}


@pytest.fixture
def rows(app, admin_id) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return seed(app, admin_id)


def test_the_log_shows_each_action_in_words_with_what_to_do(member, rows):
    response = member.get("/sync")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "Find or create the person in Greenhouse" in html
    assert "Add their current job to Greenhouse" in html
    assert f"What happened:</strong> {escape(CLOSED).replace('&#x27;', '&#39;')}" in html
    assert "Choose an open job for the sequence" in html
    assert f'href="/contacts/{rows["grace"]}"' in html and "Grace Hopper" in html
    assert "/people/4242?application_id=77" in html, "the Greenhouse record is linked"
    assert html.count(">Retry</button>") == 1, "only the failed row can be retried"


def test_the_nav_shows_the_sync_log(member):
    assert 'href="/sync"' in member.get("/account").get_data(as_text=True)


def test_filters_by_status_and_contact(member, rows):
    failed = member.get("/sync?status=failed").get_data(as_text=True)
    assert "Grace Hopper" in failed and "Add their current job" not in failed
    ada = member.get(f"/sync?contact_id={rows['ada']}").get_data(as_text=True)
    assert "Only Ada Lovelace" in ada and "Find or create the person" not in ada
    assert "Nothing matches" in member.get("/sync?status=pending").get_data(as_text=True)
    # A bad filter is ignored, not an error.
    assert member.get("/sync?status=lost&contact_id=abc").status_code == 200


def test_pages_older_rows(app, member_id):
    seed(app, member_id, done=60)
    client = Browser(app.test_client())
    client.sign_in("member@example.com")
    first = client.get("/sync").get_data(as_text=True)
    assert first.count('<tr id="entry-') == 50 and ">Older</a>" in first
    cursor = first.split("before=")[1].split('"')[0]
    rest = client.get(f"/sync?before={cursor}").get_data(as_text=True)
    assert rest.count('<tr id="entry-') == 11 and ">Newest</a>" in rest


def test_retry_without_javascript_queues_it_and_comes_back(member, rows, deferred_tasks):
    member.get("/sync?status=failed")
    response = member.post(f"/sync/{rows['failed']}/retry", {"status": "failed"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/sync?status=failed#entry-{rows['failed']}")
    assert any(t.name.endswith("sync_tick") for t in deferred_tasks.pending())
    html = member.get("/sync").get_data(as_text=True)
    assert "Retry queued." in html and ">Retry</button>" not in html


def test_retry_with_htmx_swaps_only_the_row_and_announces_it(member, rows):
    member.get("/sync")
    response = member.post(f"/sync/{rows['failed']}/retry", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith(f'<tr id="entry-{rows["failed"]}"')
    # The sync ran at once (an immediate queue) with no Greenhouse connected: it waits, in words.
    assert "Waiting" in html and "Greenhouse is not connected" in html
    assert 'id="sync-announce" hx-swap-oob="true"' in html and "Retry queued" in html


def test_retry_of_a_done_row_says_why_not(member, rows, app):
    with app.extensions["sourcebridge"].db.session() as session:
        done_id = session.query(SyncJob).filter_by(status="done").first().id
    member.get("/sync")
    html = member.post(f"/sync/{done_id}/retry", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert "Not retried: This action is done" in html


def test_retry_needs_the_csrf_token_and_an_existing_row(member, rows):
    assert member.client.post(f"/sync/{rows['failed']}/retry").status_code == 400
    assert member.post("/sync/999999/retry").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(anonymous):
    response = anonymous.get("/sync")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_no_error_no_advice():
    assert advice(None, None) is None and advice("", None) is None


def test_every_failure_code_has_its_own_advice_and_the_code_wins_over_the_words():
    assert set(ADVICE) == set(Failure) - {Failure.OTHER}  # that one gets DEFAULT_ADVICE
    # the words say "closed", the code says permission: the code decides
    assert "permission" in advice("closed pool of words", Failure.PERMISSION)
    assert advice("anything", "a_code_from_a_newer_version") == DEFAULT_ADVICE
