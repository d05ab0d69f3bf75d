"""The authenticated user (the extension's "Test connection")."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from marshmallow import Schema
from marshmallow import fields

from backend.accounts.integration import connection_for
from backend.api.blueprint import Blueprint
from backend.infra.services import db_session
from backend.infra.services import services
from backend.store.models import Account


class AccountRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class MeSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    role = fields.String()
    account = fields.Nested(AccountRefSchema)
    greenhouse_connected = fields.Boolean()


blp = Blueprint("me", __name__, url_prefix="/api/v1", description="The current user")


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    @blp.doc(security=[{"bearer": []}])
    def get(self) -> dict[str, object]:
        """Who the token belongs to, and whether the team's Greenhouse is connected."""
        user, svc, session = g.user, services(), db_session()
        account = session.get(Account, user.account_id)
        connection = connection_for(
            session, user.account_id, settings=svc.settings, secrets=svc.secrets
        )
        return {
            "id": user.id,
            "email": user.email,
            "role": user.role,
            "account": {"id": account.id, "name": account.name},
            "greenhouse_connected": connection is not None,
        }
