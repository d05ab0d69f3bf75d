"""Greenhouse connection and settings: the secret is write-only and encrypted at rest."""

from __future__ import annotations

from sqlalchemy import select

from backend.store.models import ApiToken
from backend.store.models import GreenhouseIntegration
from tests.support.accounts import make_user


def test_tokens_are_stored_hashed(app, admin_token, db_session):
    stored = db_session.scalars(select(ApiToken.token_hash)).all()
    assert admin_token not in stored
    assert len(stored) == 1 and len(stored[0]) == 64


def test_saving_a_connection_never_returns_the_secret(client, auth, db_session, deferred_tasks):
    response = client.put(
        "/api/v1/integrations/greenhouse",
        json={"connection": {"client_id": "cid", "client_secret": "s3cr3t-value", "user_id": 42}},
        headers=auth,
    )
    assert response.status_code == 200
    assert "s3cr3t-value" not in response.get_data(as_text=True)
    connection = response.json["connection"]
    assert connection == {
        "connected": True,
        "source": "saved",
        "client_id": "cid",
        "user_id": 42,
        "has_client_secret": True,
        "has_webhook_secret": False,
    }
    row = db_session.scalars(select(GreenhouseIntegration)).one()
    assert b"s3cr3t-value" not in row.client_secret_encrypted
    me = client.get("/api/v1/me", headers=auth).json
    assert me["greenhouse_connected"] is True
    # A new connection queues a backfill (queued only: no test reaches the real Greenhouse).
    assert [task.name for task in deferred_tasks.pending()] == ["index_backfill"]


def test_leaving_the_secret_out_keeps_the_stored_one(client, auth, deferred_tasks):
    body = {"connection": {"client_id": "cid", "client_secret": "first", "user_id": 7}}
    client.put("/api/v1/integrations/greenhouse", json=body, headers=auth)
    response = client.put(
        "/api/v1/integrations/greenhouse", json={"connection": {"user_id": 8}}, headers=auth
    )
    assert response.json["connection"]["has_client_secret"] is True
    assert response.json["connection"]["user_id"] == 8


def test_settings_round_trip_with_defaults(client, auth):
    response = client.get("/api/v1/integrations/greenhouse", headers=auth)
    assert response.json["settings"]["sync_mode"] == "on_add"
    assert response.json["settings"]["note_visibility"] == "private"
    assert response.json["connection"]["connected"] is False
    body = {
        "settings": {
            "sync_mode": "on_reply",
            "default_target": {"pool_id": 3, "pool_stage_id": 9},
            "custom_field_map": {"title": "current_title"},
        }
    }
    saved = client.put("/api/v1/integrations/greenhouse", json=body, headers=auth).json
    assert saved["settings"]["sync_mode"] == "on_reply"
    # Returned targets carry their kind (and names, once Greenhouse is connected: DESIGN.md).
    assert saved["settings"]["default_target"] == {
        "kind": "pool",
        "pool_id": 3,
        "pool_stage_id": 9,
        "pool_name": None,
        "stage_name": None,
    }
    assert client.get("/api/v1/integrations/greenhouse", headers=auth).json == saved


def test_a_target_cannot_be_both_job_and_pool(client, auth):
    body = {"settings": {"default_target": {"job_id": 1, "pool_id": 2, "pool_stage_id": 3}}}
    response = client.put("/api/v1/integrations/greenhouse", json=body, headers=auth)
    assert response.status_code == 422
    assert "settings.default_target.pool_id" in response.json["errors"]


def test_members_cannot_change_the_integration(app, client, admin_token):
    _, member_token = make_user(app, "member@example.com", admin=False)
    headers = {"Authorization": f"Bearer {member_token}"}
    assert client.get("/api/v1/integrations/greenhouse", headers=headers).status_code == 200
    response = client.put(
        "/api/v1/integrations/greenhouse", json={"settings": {"dedupe": False}}, headers=headers
    )
    assert response.status_code == 403
    assert response.json["code"] == 403


def test_environment_credentials_connect_an_account_without_saved_ones(make_app, app_config):
    app = make_app(
        {**app_config, "GREENHOUSE_CLIENT_ID": "env-id", "GREENHOUSE_CLIENT_SECRET": "env-secret"}
    )
    _, token = make_user(app)
    response = app.test_client().get(
        "/api/v1/integrations/greenhouse", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.json["connection"]["source"] == "environment"
    assert "env-secret" not in response.get_data(as_text=True)
