"""The team's Greenhouse integration: connection (secret write-only) and sync settings."""

from __future__ import annotations

from typing import Any

from flask import g
from flask import request
from flask.views import MethodView
from flask_smorest import abort

from backend.accounts.integration import connection_for
from backend.accounts.integration import greenhouse_client
from backend.accounts.integration import integration_row
from backend.api.auth import require_admin
from backend.api.blueprint import Blueprint
from backend.api.integrations_schemas import ConnectionTestSchema
from backend.api.integrations_schemas import IntegrationInSchema
from backend.api.integrations_schemas import IntegrationOutSchema
from backend.api.paging import fail
from backend.gh_index.index import IndexStatus
from backend.greenhouse.check import check_connection
from backend.greenhouse.check import explain
from backend.greenhouse.client import Connection
from backend.greenhouse.errors import GreenhouseError
from backend.infra.services import db_session
from backend.infra.services import services
from backend.jobs.index import request_backfill
from backend.store.models import CandidateIndexState
from backend.sync.integration_save import save_integration
from backend.sync.settings import SETTING_FIELDS
from backend.sync.settings import TARGETS
from backend.sync.settings import SettingInvalid
from backend.sync.settings import target_view

blp = Blueprint(
    "integrations",
    __name__,
    url_prefix="/api/v1/integrations",
    description="Greenhouse integration",
)


@blp.before_request
def _admins_change_it() -> None:
    """Only admins change or test the integration; checked before the body is read (no 422
    hints). The test acts as the integration's Greenhouse user and spends its rate budget."""
    admin_only = {
        ("PUT", "integrations.GreenhouseIntegration"),
        ("POST", "integrations.GreenhouseConnectionTest"),
    }
    if (request.method, request.endpoint) in admin_only:
        require_admin()


def team_connection(account_id: int) -> Connection | None:
    svc = services()
    return connection_for(db_session(), account_id, settings=svc.settings, secrets=svc.secrets)


def integration_view(account_id: int) -> dict[str, Any]:
    session = db_session()
    row = integration_row(session, account_id)
    connection = team_connection(account_id)
    index = session.get(CandidateIndexState, account_id)
    return {
        "connection": {
            "connected": connection is not None,
            "source": connection.source if connection else None,
            "client_id": connection.client_id if connection else row.client_id,
            "user_id": connection.user_id if connection else row.user_id,
            "has_client_secret": bool(row.client_secret_encrypted)
            or (connection is not None and connection.source == "environment"),
            "has_webhook_secret": bool(row.webhook_secret_encrypted),
        },
        "settings": {
            name: target_view(getattr(row, name)) if name in TARGETS else getattr(row, name)
            for name in SETTING_FIELDS
        },
        "index": index or {"status": IndexStatus.COLD, "candidates_indexed": 0},
    }


@blp.route("/greenhouse")
class GreenhouseIntegration(MethodView):
    @blp.response(200, IntegrationOutSchema)
    @blp.doc(security=[{"bearer": []}])
    def get(self) -> dict[str, Any]:
        """The connection (never the secret), the sync settings and the candidate index state."""
        return integration_view(g.user.account_id)

    @blp.arguments(IntegrationInSchema)
    @blp.response(200, IntegrationOutSchema)
    @blp.doc(security=[{"bearer": []}])
    def put(self, body: dict[str, Any]) -> dict[str, Any]:
        """Save the connection and/or settings (admins only). Omitted fields keep their value."""
        session = db_session()
        account_id = g.user.account_id
        try:
            change = save_integration(
                session,
                account_id,
                services(),
                connection=body.get("connection"),
                settings=body.get("settings"),
            )
        except SettingInvalid as exc:
            fail(422, exc.reason, f"settings.{exc.field}")
        session.commit()
        if change.needs_backfill:
            request_backfill(services(), account_id)
        return integration_view(account_id)


@blp.route("/greenhouse/test")
class GreenhouseConnectionTest(MethodView):
    @blp.response(200, ConnectionTestSchema)
    @blp.doc(security=[{"bearer": []}])
    def post(self) -> dict[str, Any]:
        """Test the connection (admins): mint a token; the acting user, site admin, scopes."""
        connection = team_connection(g.user.account_id)
        if connection is None:
            abort(409, message="Greenhouse is not connected: save a client id and secret first.")
        client = greenhouse_client(connection, services(), interactive=True)
        try:
            report = check_connection(client)
        except GreenhouseError as exc:
            return {
                "ok": False,
                "user": None,
                "site_admin": None,
                "scopes": {},
                "problems": [explain(exc)],
            }
        return {
            "ok": report.ok,
            "user": report.user,
            "site_admin": report.site_admin,
            "scopes": report.scopes,
            "problems": report.problems,
        }
