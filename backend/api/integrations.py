"""The team's Greenhouse integration: connection (secret write-only) and sync settings."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.auth import require_admin
from backend.api.schemas import IntegrationInSchema
from backend.api.schemas import IntegrationOutSchema
from backend.integration import connection_for
from backend.integration import integration_row
from backend.integration import save_connection
from backend.services import db_session
from backend.services import services
from backend.store.models import CandidateIndexState

blp = Blueprint(
    "integrations",
    __name__,
    url_prefix="/api/v1/integrations",
    description="Greenhouse integration",
)

SETTING_FIELDS = (
    "sync_mode",
    "dedupe",
    "activity_tracking",
    "note_visibility",
    "match_linkedin_url",
    "default_target",
    "custom_field_map",
    "status_field",
    "stage_on_reply",
)


def integration_view(account_id: int) -> dict[str, Any]:
    session = db_session()
    row = integration_row(session, account_id)
    connection = connection_for(session, account_id)
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
        "settings": {name: getattr(row, name) for name in SETTING_FIELDS},
        "index": index or {"status": "cold", "candidates_indexed": 0},
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
        require_admin()
        session = db_session()
        account_id = g.user.account_id
        row = integration_row(session, account_id)
        if "connection" in body:
            conn = body["connection"]
            save_connection(
                session,
                account_id,
                services().secrets,
                client_id=conn.get("client_id", row.client_id),
                client_secret=conn.get("client_secret"),
                user_id=conn.get("user_id", row.user_id),
                webhook_secret=conn.get("webhook_secret"),
            )
        for name, value in body.get("settings", {}).items():
            setattr(row, name, value)
        session.flush()
        return integration_view(account_id)
