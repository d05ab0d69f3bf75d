"""The extension's token exchange: a one-time code + PKCE verifier for a per-device token.

Public (no Bearer: this is how the extension gets one); rate-limited per client address.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from backend import defaults
from backend.accounts.extension_connect import ConnectProblem
from backend.accounts.extension_connect import exchange_code
from backend.api.blueprint import Blueprint
from backend.infra.services import db_session
from backend.infra.services import services

blp = Blueprint(
    "extension",
    __name__,
    url_prefix="/api/v1/extension",
    description="Connect to Sourcebridge (the extension's sign-in)",
)

TOKEN_PATH = "/api/v1/extension/token"


class ExchangeInSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=200))
    code_verifier = fields.String(
        required=True,
        validate=validate.Length(
            min=defaults.PKCE_VERIFIER_MIN_LENGTH, max=defaults.PKCE_VERIFIER_MAX_LENGTH
        ),
    )
    label = fields.String(load_default=None, validate=validate.Length(max=200))


class ExchangeOutSchema(Schema):
    token = fields.String(required=True)
    token_id = fields.Integer(required=True)
    label = fields.String(required=True)
    email = fields.String(required=True)


@blp.route("/token")
class ExtensionToken(MethodView):
    @blp.arguments(ExchangeInSchema)
    @blp.response(201, ExchangeOutSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Exchange the one-time code and its PKCE verifier for a per-device API token."""
        key = f"extension-exchange:{request.remote_addr}"
        if not services().limiter.try_acquire(key, defaults.CONNECT_EXCHANGES_PER_MINUTE, 60):
            abort(429, message="Too many sign-in attempts from this address; wait a minute.")
        try:
            row, token = exchange_code(
                db_session(), body["code"], body["code_verifier"], body["label"]
            )
        except ConnectProblem as exc:
            db_session().commit()  # a wrong verifier still spends the code
            abort(400, message=str(exc), errors={exc.field: [str(exc)]})
        return {"token": token, "token_id": row.id, "label": row.label, "email": row.user.email}
