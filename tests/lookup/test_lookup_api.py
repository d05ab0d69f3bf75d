"""POST /api/v1/lookups end to end over real HTTP to the Greenhouse sandbox and a loopback DNS."""

from __future__ import annotations

import gzip
import json
import secrets
import time

from backend.api.lookups import LookupOutSchema
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import Sequence
from backend.store.models import User
from tests.lookup.conftest import page
from tests.support.apps import settings_of

DUPLICATE = "Duplicate found in Greenhouse"
NO_DUPLICATES = "No duplicates found in Greenhouse"


def lookup(client, headers, case: str, **extra):  # type: ignore[no-untyped-def]
    url, html, _ = page(case)
    return client.post("/api/v1/lookups", json={"url": url, "html": html, **extra}, headers=headers)


def test_lookup_returns_the_parsed_profile_and_an_email(gh_app, gh_auth):
    response = lookup(gh_app.test_client(), gh_auth, "recruiter_grouped_roles")
    assert response.status_code == 200, response.json
    body = response.json
    _, _, expected = page("recruiter_grouped_roles")
    for key in ("source", "full_name", "company", "linkedin_url", "positions"):
        assert body["profile"][key] == expected[key]
    assert body["email"]["domain"] == "klarna.com"
    assert body["email"]["address"].endswith("@klarna.com")
    assert body["email"]["confidence"] in ("probable", "possible")
    assert body["email"]["alternatives"]
    assert body["contact"] is None
    assert isinstance(body["id"], int)


def test_the_answer_is_exactly_the_documented_lookup_result(gh_app, gh_auth, gh_client):
    """The view sends run_lookup's plain data without a schema dump: it must already be the
    documented shape, nothing more (a dump would drop an undocumented key)."""
    client = gh_app.test_client()
    for case in ("recruiter_profile_page", "linkedin_sdui_french", "sales_navigator_lead"):
        body = lookup(client, gh_auth, case).json
        assert set(body) == set(LookupOutSchema().fields)  # every documented key, no other
        assert LookupOutSchema().dump(body) == body
    first = lookup(client, gh_auth, "recruiter_grouped_roles").json
    gh_client.candidates.create(
        first_name="Anna", last_name="X", email_addresses=[first["email"]["address"]]
    )
    gh_app.extensions["sourcebridge"].cache.clear()
    duplicate = lookup(client, gh_auth, "recruiter_grouped_roles").json
    assert duplicate["greenhouse"]["matches"]
    assert LookupOutSchema().dump(duplicate) == duplicate


def test_a_person_already_in_greenhouse_is_a_duplicate_with_a_link(gh_app, gh_auth, gh_client):
    client = gh_app.test_client()
    first = lookup(client, gh_auth, "recruiter_profile_page").json
    address = first["email"]["address"]
    made = gh_client.candidates.create(
        first_name="Johannes", last_name="van der Berg", email_addresses=[address.upper()]
    )["candidate"]
    gh_app.extensions["sourcebridge"].cache.clear()  # forget the live "no" from the first look
    body = lookup(client, gh_auth, "recruiter_profile_page").json
    assert body["greenhouse"]["status"] == "duplicate"
    assert body["greenhouse"]["label"] == DUPLICATE
    match = body["greenhouse"]["matches"][0]
    assert match["candidate_id"] == made["id"]
    assert match["url"] == f"{settings_of(gh_app).greenhouse_app_url}/people/{made['id']}"
    assert "email" in match["matched_on"]


def test_a_linkedin_url_match_is_a_duplicate_even_with_another_email(gh_app, gh_auth, gh_client):
    made = gh_client.candidates.create(
        first_name="Chloé",
        last_name="Martin",
        email_addresses=[f"chloe.{secrets.token_hex(3)}@gmail.com"],
        social_media_addresses=["http://fr.linkedin.com/in/Chloe-Martin-PM/"],
    )["candidate"]
    body = lookup(gh_app.test_client(), gh_auth, "linkedin_sdui_french").json
    assert body["greenhouse"]["status"] == "duplicate"
    match = next(m for m in body["greenhouse"]["matches"] if m["candidate_id"] == made["id"])
    assert match["matched_on"] == ["linkedin_url"]


def test_a_new_person_is_no_duplicates(gh_app, gh_auth):
    body = lookup(gh_app.test_client(), gh_auth, "sales_navigator_lead").json
    assert body["greenhouse"] == {"status": "no_duplicates", "label": NO_DUPLICATES, "matches": []}


def test_not_connected_is_its_own_state(app, client, auth):
    url, html, _ = page("recruiter_grouped_roles")
    body = client.post("/api/v1/lookups", json={"url": url, "html": html}, headers=auth).json
    assert body["greenhouse"]["status"] == "not_connected"
    assert body["greenhouse"]["label"] not in ("No duplicates found in Greenhouse",)
    assert "not connected" in body["greenhouse"]["label"]


def test_greenhouse_down_with_a_cold_index_is_unavailable_not_no_duplicates(
    gh_config, make_app, deferred_tasks
):
    app = make_app({**gh_config, "GREENHOUSE_API_URL": "http://127.0.0.1:9"})
    from tests.support.accounts import make_user

    headers = {"Authorization": f"Bearer {make_user(app, 'down@example.com')[1]}"}
    started = time.monotonic()
    body = lookup(app.test_client(), headers, "sales_navigator_lead").json
    assert time.monotonic() - started < 3, "an outage answers fast, with one short retry"
    assert body["greenhouse"]["status"] == "unavailable"
    assert body["greenhouse"]["label"] != NO_DUPLICATES


def test_a_cold_index_queues_one_backfill_and_the_page_view_does_not_wait(
    gh_app, gh_auth, deferred_tasks
):
    client = gh_app.test_client()
    assert lookup(client, gh_auth, "sales_navigator_lead").status_code == 200
    assert lookup(client, gh_auth, "recruiter_grouped_roles").status_code == 200
    assert [t.name for t in deferred_tasks.pending()] == ["index_backfill"]
    state = client.get("/api/v1/integrations/greenhouse", headers=gh_auth).json["index"]
    assert state["status"] == "queued"


def test_dedupe_off_says_so_instead_of_no_duplicates(gh_app, gh_auth):
    client = gh_app.test_client()
    client.put(
        "/api/v1/integrations/greenhouse", json={"settings": {"dedupe": False}}, headers=gh_auth
    )
    body = lookup(client, gh_auth, "sales_navigator_lead").json
    assert body["greenhouse"]["status"] == "disabled"


def test_structured_profile_is_accepted(gh_app, gh_auth):
    _, _, expected = page("recruiter_profile_page")
    response = gh_app.test_client().post(
        "/api/v1/lookups",
        json={"url": "https://www.linkedin.com/in/jvdberg/", "profile": expected},
        headers=gh_auth,
    )
    assert response.status_code == 200, response.json
    assert response.json["profile"]["full_name"] == "Johannes van der Berg, MBA"  # as shown
    assert response.json["email"]["domain"] == "mollie.com"


def test_gzip_snapshot_is_accepted(gh_app, gh_auth):
    url, html, _ = page("sales_navigator_lead")
    response = gh_app.test_client().post(
        "/api/v1/lookups",
        data=gzip.compress(json.dumps({"url": url, "html": html}).encode()),
        headers={**gh_auth, "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 200
    assert response.json["profile"]["full_name"] == "Rahul Mehta, CFA"  # as shown


def test_a_lookup_is_stored_and_can_be_read_back(gh_app, gh_auth):
    client = gh_app.test_client()
    made = lookup(client, gh_auth, "sales_navigator_lead").json
    again = client.get(f"/api/v1/lookups/{made['id']}", headers=gh_auth)
    assert again.status_code == 200
    assert again.json["email"] == made["email"]
    assert client.get("/api/v1/lookups/999999", headers=gh_auth).status_code == 404


def test_an_existing_contact_comes_back_with_its_sequences(gh_app, gh_auth):
    client = gh_app.test_client()
    first = lookup(client, gh_auth, "recruiter_profile_page").json
    with gh_app.extensions["sourcebridge"].db.session() as session:
        account_id = session.query(User).first().account_id
        seq = Sequence(account_id=account_id, name="Senior Backend")
        contact = Contact(
            account_id=account_id,
            email=first["email"]["address"],
            linkedin_url="https://www.linkedin.com/in/jvdberg",
        )
        session.add_all([seq, contact])
        session.flush()
        session.add(Enrollment(sequence_id=seq.id, contact_id=contact.id, status="active"))
    body = lookup(client, gh_auth, "recruiter_profile_page").json
    assert body["contact"]["email"] == first["email"]["address"]
    assert body["contact"]["sequences"] == [
        {"id": body["contact"]["sequences"][0]["id"], "name": "Senior Backend", "status": "active"}
    ]


def test_a_guessed_email_alone_never_picks_a_namesakes_contact(gh_app, gh_auth):
    client = gh_app.test_client()
    first = lookup(client, gh_auth, "sales_navigator_lead").json
    assert first["email"]["confidence"] == "possible"
    with gh_app.extensions["sourcebridge"].db.session() as session:
        account_id = session.query(User).first().account_id
        session.add(Contact(account_id=account_id, email=first["email"]["address"]))
    assert lookup(client, gh_auth, "sales_navigator_lead").json["contact"] is None
    # The stored lookup reads the same way.
    assert client.get(f"/api/v1/lookups/{first['id']}", headers=gh_auth).json["contact"] is None


def test_nothing_to_match_on_is_never_no_duplicates(gh_app, gh_auth):
    url = "https://www.linkedin.com/sales/lead/ACwAAA1,NAME_SEARCH,x"
    body = {"url": url, "profile": {"full_name": "Jane Doe"}}
    result = gh_app.test_client().post("/api/v1/lookups", json=body, headers=gh_auth).json
    assert result["greenhouse"]["status"] == "unavailable"
    assert result["greenhouse"]["label"] != NO_DUPLICATES


def test_a_cold_index_never_says_no_duplicates_when_only_the_url_would_match(
    gh_app, gh_auth, gh_client, deferred_tasks
):
    gh_client.candidates.create(
        first_name="Chloé",
        last_name="Martin",
        email_addresses=[f"cm.{secrets.token_hex(3)}@gmail.com"],
        social_media_addresses=["https://www.linkedin.com/in/chloe-martin-pm"],
    )
    body = lookup(gh_app.test_client(), gh_auth, "linkedin_sdui_french").json
    assert body["greenhouse"]["status"] == "indexing"
    assert body["greenhouse"]["label"] != NO_DUPLICATES


def test_a_page_with_no_readable_person_is_422(gh_app, gh_auth):
    response = gh_app.test_client().post(
        "/api/v1/lookups",
        json={"url": "https://www.linkedin.com/talent/profile/AEMAAA1", "html": "<html></html>"},
        headers=gh_auth,
    )
    assert response.status_code == 422
    assert "No person found" in response.json["message"]


# --- bad input: each its own clear 4xx ------------------------------------------------------------


def test_a_non_profile_page_is_422_naming_the_url(gh_app, gh_auth):
    response = gh_app.test_client().post(
        "/api/v1/lookups",
        json={"url": "https://www.linkedin.com/feed/", "html": "<html></html>"},
        headers=gh_auth,
    )
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["url"]
    assert "profile" in response.json["message"].lower()


def test_an_oversized_snapshot_is_413(gh_app, gh_auth):
    gh_app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024
    url, _, _ = page("sales_navigator_lead")
    big = "<div>" + "x" * (4 * 1024 * 1024) + "</div>"
    response = gh_app.test_client().post(
        "/api/v1/lookups", json={"url": url, "html": big}, headers=gh_auth
    )
    assert response.status_code == 413


def test_html_and_profile_together_is_422(gh_app, gh_auth):
    response = gh_app.test_client().post(
        "/api/v1/lookups", json={"url": "https://x", "html": "", "profile": {}}, headers=gh_auth
    )
    assert response.status_code == 422
    assert "html" in response.json["errors"]


def test_missing_url_is_422_naming_it(gh_app, gh_auth):
    response = gh_app.test_client().post("/api/v1/lookups", json={"html": "x"}, headers=gh_auth)
    assert response.status_code == 422
    assert response.json["errors"] == {"url": ["Missing data for required field."]}


def test_an_invalid_structured_profile_names_the_field(gh_app, gh_auth):
    response = gh_app.test_client().post(
        "/api/v1/lookups",
        json={"url": "https://www.linkedin.com/in/x/", "profile": {"positions": "nope"}},
        headers=gh_auth,
    )
    assert response.status_code == 422
    assert any(key.startswith("profile") for key in response.json["errors"])


def test_malformed_json_is_400(gh_app, gh_auth):
    response = gh_app.test_client().post(
        "/api/v1/lookups",
        data="{oops",
        headers={**gh_auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
