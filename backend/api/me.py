"""The authenticated user (the extension's "Test connection")."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.schemas import MeSchema
from backend.integration import connection_for
from backend.services import db_session

blp = Blueprint("me", __name__, url_prefix="/api/v1", description="The current user")


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    @blp.doc(security=[{"bearer": []}])
    def get(self) -> dict[str, object]:
        """Who the token belongs to, and whether the team's Greenhouse is connected."""
        user = g.user
        return {
            "id": user.id,
            "email": user.email,
            "role": user.role,
            "account": {"id": user.account.id, "name": user.account.name},
            "greenhouse_connected": connection_for(db_session(), user.account_id) is not None,
        }
