"""Suppressions: addresses and domains the team never emails."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from sqlalchemy import select

from backend.api.blueprint import Blueprint
from backend.api.paging import fail
from backend.api.paging import json_body
from backend.api.paging import page
from backend.api.paging import page_args
from backend.infra.services import db_session
from backend.sequences.suppressions import REASONS
from backend.sequences.suppressions import suppress
from backend.store.models import Suppression
from backend.store.models import utcnow

blp = Blueprint(
    "suppressions", __name__, url_prefix="/api/v1/suppressions", description="Suppressions"
)
SECURITY = [{"bearer": []}]


def suppression_json(row: Suppression) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "value": row.value,
        "reason": row.reason,
        "created_at": row.created_at.isoformat(),
    }


@blp.route("")
class Suppressions(MethodView):
    @blp.doc(security=SECURITY)
    def get(self) -> dict[str, Any]:
        limit, after = page_args()
        rows = db_session().scalars(
            select(Suppression)
            .where(Suppression.account_id == g.user.account_id, Suppression.id > after)
            .order_by(Suppression.id)
            .limit(limit)
        )
        return page([suppression_json(r) for r in rows], limit)

    @blp.doc(security=SECURITY)
    def post(self) -> tuple[dict[str, Any], int]:
        """`{"value": email or domain, "reason"}` (reason: unsubscribed, bounced, blocked)."""
        body = json_body()
        value, reason = body.get("value"), body.get("reason", "blocked")
        if not isinstance(value, str):
            fail(422, "an email address or a domain", "value")
        if reason not in REASONS:
            fail(422, f"one of {', '.join(REASONS)}", "reason")
        row = suppress(
            db_session(), g.user.account_id, value, reason, utcnow(), created_by=g.user.id
        )
        return suppression_json(row), 201


@blp.route("/<int:suppression_id>", methods=["DELETE"])
@blp.doc(security=SECURITY)
def remove(suppression_id: int) -> tuple[str, int]:
    session = db_session()
    row = session.get(Suppression, suppression_id)
    if row is None or row.account_id != g.user.account_id:
        fail(404, f"No suppression {suppression_id}.")
    session.delete(row)
    return "", 204
