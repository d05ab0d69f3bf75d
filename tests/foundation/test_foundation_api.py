"""The API skeleton: probes, OpenAPI, bearer auth and the one error format everywhere."""

from __future__ import annotations

import gzip
import json

import pytest
from flask_smorest import Blueprint

ERROR_KEYS = {"code", "status", "message"}


def test_healthz_answers_ok_without_a_token(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok"}


def test_openapi_document_is_served_without_a_token(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["info"]["title"] == "Sourcebridge"
    assert "/api/v1/me" in spec["paths"]
    assert "/api/v1/integrations/greenhouse" in spec["paths"]


def test_api_without_a_token_is_401_in_the_error_shape(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert set(response.json) == ERROR_KEYS
    assert response.json["code"] == 401
    assert "bearer" in response.json["message"].lower()


@pytest.mark.parametrize("header", ["Bearer nope", "Basic abc", "Bearer ", "sb_abc"])
def test_api_with_a_bad_token_is_401(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert set(response.json) == ERROR_KEYS


def test_me_names_the_tokens_user_and_account(client, auth):
    response = client.get("/api/v1/me", headers=auth)
    assert response.status_code == 200
    body = response.json
    assert body["email"] == "admin@example.com"
    assert body["role"] == "admin"
    assert body["account"]["name"] == "My team"
    assert body["greenhouse_connected"] is False


def test_unknown_path_is_404_in_the_error_shape(client, auth):
    response = client.get("/api/v1/nothing-here", headers=auth)
    assert response.status_code == 404
    assert set(response.json) == ERROR_KEYS
    response = client.get("/nothing-here")
    assert response.status_code == 404
    assert set(response.json) == ERROR_KEYS


def test_wrong_method_is_405_in_the_error_shape(client):
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert set(response.json) == ERROR_KEYS


def test_oversized_body_is_413(app, client, auth):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.put(
        "/api/v1/integrations/greenhouse",
        data=json.dumps({"settings": {"custom_field_map": {"x": "y" * 2000}}}),
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert set(response.json) == ERROR_KEYS


def test_validation_error_is_422_naming_the_field(client, auth):
    response = client.put(
        "/api/v1/integrations/greenhouse",
        json={"settings": {"sync_mode": "sometimes"}},
        headers=auth,
    )
    assert response.status_code == 422
    assert response.json["errors"] == {
        "settings.sync_mode": ["Must be one of: off, on_add, on_reply."]
    }
    assert "settings.sync_mode" in response.json["message"]


def test_malformed_json_is_400(client, auth):
    response = client.put(
        "/api/v1/integrations/greenhouse",
        data="{not json",
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert set(response.json) >= ERROR_KEYS


def test_gzip_body_is_inflated(client, auth):
    body = gzip.compress(json.dumps({"settings": {"dedupe": False}}).encode())
    response = client.put(
        "/api/v1/integrations/greenhouse",
        data=body,
        headers={**auth, "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 200
    assert response.json["settings"]["dedupe"] is False


def test_gzip_body_that_does_not_inflate_is_400(client, auth):
    response = client.put(
        "/api/v1/integrations/greenhouse",
        data=b"\x1f\x8b\x08\x00garbage",
        headers={**auth, "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 400
    assert "gzip" in response.json["message"]


def test_gzip_bomb_is_413(app, client, auth):
    app.config["MAX_CONTENT_LENGTH"] = 10_000_000
    bomb = gzip.compress(b" " * 50_000_000)
    assert len(bomb) < 100_000  # small on the wire, caught when inflating
    response = client.put(
        "/api/v1/integrations/greenhouse",
        data=bomb,
        headers={**auth, "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 413


def test_an_error_answer_keeps_no_writes(make_app, app_config):
    from backend.infra.services import db_session
    from backend.store.models import Account

    app = make_app(app_config)
    blp = Blueprint("half", __name__)

    @blp.route("/half-done")
    def half_done():  # type: ignore[no-untyped-def]
        db_session().add(Account(name="half-written"))
        db_session().flush()
        raise RuntimeError("fails after a write")

    app.extensions["flask-smorest"]["apis"][""]["ext_obj"].register_blueprint(blp)
    assert app.test_client().get("/half-done").status_code == 500
    with app.extensions["sourcebridge"].db.session() as session:
        assert session.query(Account).filter_by(name="half-written").count() == 0


def test_unhandled_exception_is_500_in_the_error_shape(make_app, app_config):
    app = make_app(app_config)
    blp = Blueprint("boom", __name__)

    @blp.route("/boom")
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internals")

    app.extensions["flask-smorest"]["apis"][""]["ext_obj"].register_blueprint(blp)
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert set(response.json) == ERROR_KEYS
    assert "secret internals" not in response.get_data(as_text=True)


def test_every_response_carries_a_request_id(client):
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 16
    echoed = client.get("/healthz", headers={"X-Request-ID": "trace-123"})
    assert echoed.headers["X-Request-ID"] == "trace-123"


def test_cors_is_off_by_default(client):
    response = client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_allows_only_listed_origins(make_app, app_config):
    app = make_app({**app_config, "CORS_ORIGINS": "https://ops.example"})
    client = app.test_client()
    ok = client.get("/api/openapi.json", headers={"Origin": "https://ops.example"})
    assert ok.headers.get("Access-Control-Allow-Origin") == "https://ops.example"
    other = client.get("/api/openapi.json", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_migrations_build_exactly_the_models(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from backend.store import Base
    from backend.store.database import make_engine

    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()
