"""The candidate index: backfill, refresh and webhooks keep the duplicate check right."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

import pytest
from sqlalchemy import select

from backend.gh_index.backfill import run_backfill
from backend.gh_index.backfill import run_refresh
from backend.gh_index.index import index_state
from backend.gh_index.index import is_fresh
from backend.gh_index.webhook_events import signature_valid
from backend.store.models import IndexedCandidate
from backend.store.models import User
from backend.store.models import utcnow
from tests.lookup.conftest import page

SECRET = "whsec-test-123"


def account_id_of(app) -> int:  # type: ignore[no-untyped-def]
    with app.extensions["sourcebridge"].db.session() as session:
        return session.scalars(select(User.account_id)).first()


def indexed_ids(app, account_id: int) -> set[int]:  # type: ignore[no-untyped-def]
    with app.extensions["sourcebridge"].db.session() as session:
        return set(
            session.scalars(
                select(IndexedCandidate.candidate_id).where(
                    IndexedCandidate.account_id == account_id
                )
            )
        )


def signed(body: dict, secret: str = SECRET) -> tuple[bytes, str]:
    raw = json.dumps(body).encode()
    return raw, "sha256 " + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def deliver(client, body: dict, *, event_id: str | None = None, secret: str = SECRET):  # type: ignore[no-untyped-def]
    raw, signature = signed(body, secret)
    headers = {"Signature": signature, "Content-Type": "application/json"}
    headers["Greenhouse-Event-ID"] = event_id or secrets.token_hex(8)
    return client.post("/webhooks/greenhouse", data=raw, headers=headers)


def test_backfill_indexes_every_candidate_and_reports_progress(gh_app, gh_auth, sandbox):
    account_id = account_id_of(gh_app)
    svc = gh_app.extensions["sourcebridge"]
    seen: list[int] = []
    started = utcnow()
    total = run_backfill(svc, account_id, progress=seen.append)
    assert total == len(indexed_ids(gh_app, account_id)) >= 30
    assert seen[-1] == total
    with svc.db.session() as session:
        state = index_state(session, account_id)
        assert (state.status, state.candidates_indexed) == ("ready", total)
        # Caught up through the end of the run, however long it took: fresh at once.
        assert state.refreshed_through >= started
        assert is_fresh(state)
    index = gh_app.test_client().get("/api/v1/integrations/greenhouse", headers=gh_auth).json
    assert index["index"]["status"] == "ready"


def test_with_a_ready_index_a_known_person_costs_no_greenhouse_request(
    gh_app, gh_auth, gh_client, sandbox
):
    client = gh_app.test_client()
    url, html, _ = page("recruiter_grouped_roles")
    first = client.post("/api/v1/lookups", json={"url": url, "html": html}, headers=gh_auth).json
    gh_client.candidates.create(
        first_name="Amélie",
        last_name="Laurent-Dubois",
        email_addresses=[first["email"]["address"]],
    )
    run_backfill(gh_app.extensions["sourcebridge"], account_id_of(gh_app))
    before = sandbox.counters()["requests"]
    body = client.post("/api/v1/lookups", json={"url": url, "html": html}, headers=gh_auth).json
    assert body["greenhouse"]["status"] == "duplicate"
    assert sandbox.counters()["requests"] == before


def test_refresh_picks_up_candidates_changed_since_the_backfill(gh_app, gh_auth, gh_client):
    account_id = account_id_of(gh_app)
    svc = gh_app.extensions["sourcebridge"]
    run_backfill(svc, account_id)
    made = gh_client.candidates.create(
        first_name="Late", last_name="Arrival", email_addresses=["late.arrival@revolut.com"]
    )["candidate"]
    assert made["id"] not in indexed_ids(gh_app, account_id)
    assert run_refresh(svc, account_id) >= 1
    assert made["id"] in indexed_ids(gh_app, account_id)


def test_webhook_update_adds_the_candidate_to_the_index(gh_app, gh_auth):
    account_id = account_id_of(gh_app)
    run_backfill(gh_app.extensions["sourcebridge"], account_id)
    candidate = {
        "id": 990001,
        "first_name": "Rahul",
        "last_name": "Mehta",
        "company": "Revolut",
        "email_addresses": [{"value": "rahul@personal.example", "type": "personal"}],
        "social_media_addresses": [],
    }
    response = deliver(
        gh_app.test_client(), {"action": "update_candidate", "payload": {"candidate": candidate}}
    )
    assert response.status_code == 200
    assert response.json == {"status": "applied", "action": "update_candidate"}
    assert 990001 in indexed_ids(gh_app, account_id)
    # Name + company is a possible match, and says so.
    url, html, _ = page("sales_navigator_lead")
    body = (
        gh_app.test_client()
        .post("/api/v1/lookups", json={"url": url, "html": html}, headers=gh_auth)
        .json
    )
    match = next(m for m in body["greenhouse"]["matches"] if m["candidate_id"] == 990001)
    assert match["matched_on"] == ["name_company"]


def test_webhook_delete_removes_the_candidate(gh_app, gh_auth):
    account_id = account_id_of(gh_app)
    client = gh_app.test_client()
    deliver(
        client,
        {"action": "update_candidate", "payload": {"candidate": {"id": 77, "first_name": "A"}}},
    )
    assert 77 in indexed_ids(gh_app, account_id)
    response = deliver(client, {"action": "delete_candidate", "payload": {"person": {"id": 77}}})
    assert response.json["status"] == "applied"
    assert 77 not in indexed_ids(gh_app, account_id)


def test_webhook_merge_drops_the_loser_and_reads_the_winner(gh_app, gh_auth, gh_client):
    account_id = account_id_of(gh_app)
    winner = gh_client.candidates.create(
        first_name="Win", last_name="Ner", email_addresses=["winner@n26.com"]
    )["candidate"]
    client = gh_app.test_client()
    deliver(
        client,
        {"action": "update_candidate", "payload": {"candidate": {"id": 55, "first_name": "L"}}},
    )
    body = {
        "action": "merge_candidate",
        "payload": {"person": {"id": 55, "new_candidate_id": winner["id"]}},
    }
    assert deliver(client, body).json["status"] == "applied"
    ids = indexed_ids(gh_app, account_id)
    assert 55 not in ids and winner["id"] in ids


def test_webhook_new_application_indexes_its_candidate(gh_app, gh_auth):
    account_id = account_id_of(gh_app)
    body = {
        "action": "new_prospect_application",
        "payload": {"application": {"id": 1, "candidate": {"id": 4242, "first_name": "P"}}},
    }
    assert deliver(gh_app.test_client(), body).json["status"] == "applied"
    assert 4242 in indexed_ids(gh_app, account_id)


def test_webhook_with_a_bad_signature_is_401_and_changes_nothing(gh_app, gh_auth):
    account_id = account_id_of(gh_app)
    body = {"action": "update_candidate", "payload": {"candidate": {"id": 31337}}}
    response = deliver(gh_app.test_client(), body, secret="wrong-secret")
    assert response.status_code == 401
    assert set(response.json) == {"code", "status", "message"}
    assert 31337 not in indexed_ids(gh_app, account_id)


def test_webhook_redelivery_is_applied_once(gh_app, gh_auth):
    account_id = account_id_of(gh_app)
    client = gh_app.test_client()
    body = {"action": "update_candidate", "payload": {"candidate": {"id": 600, "first_name": "A"}}}
    assert deliver(client, body, event_id="evt-1").json["status"] == "applied"
    deliver(client, {"action": "delete_candidate", "payload": {"person": {"id": 600}}})
    again = deliver(client, body, event_id="evt-1")
    assert again.json["status"] == "duplicate"
    assert 600 not in indexed_ids(gh_app, account_id)


def test_webhook_ping_and_unknown_actions_are_acknowledged(gh_app, gh_auth):
    client = gh_app.test_client()
    assert deliver(client, {"action": "ping", "payload": {}}).json["status"] == "ping"
    assert deliver(client, {"action": "job_created", "payload": {}}).json["status"] == "ignored"


def test_webhook_body_that_is_not_an_envelope_is_400(gh_app, gh_auth):
    raw = b"[1, 2]"
    signature = "sha256 " + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    response = gh_app.test_client().post(
        "/webhooks/greenhouse", data=raw, headers={"Signature": signature}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("form", "valid"),
    [("sha256 {}", True), ("SHA256 {}", True), ("sha256={}", True), (" sha256  {} ", True),
     ("sha1 {}", False), ("sha256 {}0", False), ("{}", False)],
)  # fmt: skip
def test_webhook_signature_forms(form: str, valid: bool) -> None:
    raw = b'{"action": "ping"}'
    digest = hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert signature_valid(SECRET, raw, form.format(digest)) is valid
    assert not signature_valid(SECRET, raw + b" ", form.format(digest))


def test_webhook_signature_that_is_not_hex_is_401_not_500(gh_app, gh_auth):
    response = gh_app.test_client().post(
        "/webhooks/greenhouse", data=b"{}", headers={"Signature": "sha256 éé"}
    )
    assert response.status_code == 401


def test_webhook_with_bad_ids_is_ignored_not_500(gh_app, gh_auth):
    client = gh_app.test_client()
    for body in (
        {"action": "delete_candidate", "payload": {"person": {"id": "x"}}},
        {"action": "update_candidate", "payload": {"candidate": {"id": None}}},
        {"action": "merge_candidate", "payload": {"person": "nope"}},
    ):
        response = deliver(client, body)
        assert response.status_code == 200
        assert response.json["status"] == "ignored"


def test_an_older_update_does_not_overwrite_a_newer_one(gh_app, gh_auth):
    account_id = account_id_of(gh_app)
    client = gh_app.test_client()
    newer = {"id": 808, "first_name": "New", "updated_at": "2026-11-30T12:00:00Z"}
    older = {"id": 808, "first_name": "Old", "updated_at": "2026-11-30T11:00:00Z"}
    deliver(client, {"action": "update_candidate", "payload": {"candidate": newer}})
    late = deliver(client, {"action": "update_candidate", "payload": {"candidate": older}})
    assert late.json["status"] == "stale"
    with gh_app.extensions["sourcebridge"].db.session() as session:
        row = session.get(IndexedCandidate, (account_id, 808))
        assert row.first_name == "New"


def test_a_shared_webhook_secret_serves_only_a_single_team_install(make_app, gh_config):
    from tests.support.accounts import make_user

    app = make_app(gh_config)
    make_user(app, "a@team-a.example")
    with app.extensions["sourcebridge"].db.session() as session:
        from backend.store.models import Account

        session.add(Account(name="Team B"))
    body = {"action": "update_candidate", "payload": {"candidate": {"id": 9090}}}
    assert deliver(app.test_client(), body).status_code == 401  # which team? not guessed


def test_each_team_is_identified_by_its_own_webhook_secret(make_app, gh_config):
    from tests.support.accounts import make_user

    app = make_app({**gh_config, "GREENHOUSE_WEBHOOK_SECRET": ""})
    _, token = make_user(app, "admin-a@team-a.example")
    client = app.test_client()
    client.put(
        "/api/v1/integrations/greenhouse",
        json={"connection": {"webhook_secret": "team-a-secret-1"}},
        headers={"Authorization": f"Bearer {token}"},
    )
    body = {"action": "update_candidate", "payload": {"candidate": {"id": 7070}}}
    assert deliver(client, body, secret="team-a-secret-1").json["status"] == "applied"
    assert deliver(client, body, secret="someone-elses").status_code == 401


def test_one_team_failing_does_not_stop_the_others_refresh(make_app, gh_config, sandbox):
    from backend.jobs.index import index_refresh_all
    from backend.store.models import Account
    from tests.support.accounts import make_user

    app = make_app(gh_config)
    make_user(app, "a@team-a.example")
    svc = app.extensions["sourcebridge"]
    with svc.db.session() as session:
        broken = Account(name="Broken team")
        session.add(broken)
        session.flush()
        broken_id = broken.id
    client = app.test_client()
    _, token_b = make_user(app, "b@broken.example")  # lands in the first team; fix below
    with svc.db.session() as session:
        session.query(User).filter_by(email="b@broken.example").update({"account_id": broken_id})
    client.put(
        "/api/v1/integrations/greenhouse",
        json={"connection": {"client_id": "nope", "client_secret": "wrong", "user_id": 1}},
        headers={"Authorization": f"Bearer {token_b}"},
    )
    with app.app_context():
        index_refresh_all.call_local()
    with svc.db.session() as session:
        good = index_state(session, account_id_of(app))
        bad = index_state(session, broken_id)
        assert good.status == "ready"
        assert bad.status == "failed" and "AuthenticationError" in (bad.last_error or "")


def test_a_delivery_without_an_event_id_cannot_be_replayed(gh_app, gh_auth):
    client = gh_app.test_client()
    raw, signature = signed({"action": "update_candidate", "payload": {"candidate": {"id": 4444}}})
    headers = {"Signature": signature, "Content-Type": "application/json"}
    assert (
        client.post("/webhooks/greenhouse", data=raw, headers=headers).json["status"] == "applied"
    )
    again = client.post("/webhooks/greenhouse", data=raw, headers=headers)
    assert again.json["status"] == "duplicate"
