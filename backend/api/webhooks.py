"""`POST /webhooks/greenhouse`: Greenhouse deliveries, HMAC-verified and applied once each."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema
from marshmallow import fields
from sqlalchemy import select

from backend import defaults
from backend.accounts.integration import saved_webhook_secret
from backend.api.blueprint import Blueprint
from backend.gh_index.webhook_events import apply_event
from backend.gh_index.webhook_events import signature_valid
from backend.infra.json_limits import JsonRejected
from backend.infra.json_limits import load_bounded_json
from backend.infra.secrets_box import SecretUnreadable
from backend.infra.services import db_session
from backend.infra.services import services
from backend.jobs.index import index_fetch_candidates
from backend.jobs.sync import follow_greenhouse
from backend.store.models import Account
from backend.store.models import WebhookEvent
from backend.sync.follow import apply_webhook

blp = Blueprint("webhooks", __name__, url_prefix="/webhooks", description="Greenhouse webhooks")


class WebhookResultSchema(Schema):
    status = fields.String(metadata={"description": "applied | ignored | duplicate | ping"})
    action = fields.String()


def _signing_account(body: bytes, signature: str | None) -> int | None:
    """The account whose webhook secret signed this body.

    Each team's saved secret identifies it (`?account=` narrows the search to one team). The
    GREENHOUSE_WEBHOOK_SECRET fallback serves only a single-team install: with several teams a
    shared secret would let one team's Greenhouse write into another's index.
    """
    session, svc = db_session(), services()
    accounts = list(session.scalars(select(Account.id).order_by(Account.id)))
    wanted = request.args.get("account", type=int)
    for account_id in [wanted] if wanted in accounts else [] if wanted else accounts:
        try:
            secret = saved_webhook_secret(session, account_id, svc.secrets)
        except SecretUnreadable:
            continue
        if secret and signature_valid(secret, body, signature):
            return account_id
    shared = svc.settings.greenhouse_webhook_secret
    if shared and len(accounts) == 1 and wanted in (None, accounts[0]):
        if signature_valid(shared, body, signature):
            return accounts[0]
    return None


@blp.route("/greenhouse")
class GreenhouseWebhook(MethodView):
    @blp.response(200, WebhookResultSchema)
    def post(self) -> dict[str, Any]:
        """Apply a Greenhouse event to the duplicate-check index and the team's contacts (once
        per signed body)."""
        body = request.get_data(cache=True)
        account_id = _signing_account(body, request.headers.get("Signature"))
        if account_id is None:
            abort(401, message="Webhook signature is missing or does not match any secret.")
        try:
            envelope = load_bounded_json(body, max_depth=defaults.MAX_JSON_DEPTH)
            action = str(envelope["action"])
            payload = envelope.get("payload") or {}
        except JsonRejected as exc:
            abort(422, message=f"Invalid input: {exc.field}", errors={exc.field: [exc.reason]})
        except (ValueError, KeyError, TypeError, AttributeError):
            abort(400, message="Webhook body is not a Greenhouse envelope {action, payload}.")
        if action == "ping":
            return {"status": "ping", "action": action}
        session = db_session()
        # A delivery is named by its signed body, not by Greenhouse-Event-ID: that header is not
        # signed, so a captured delivery replayed under a new id is still the same delivery.
        event_id = f"sha256:{account_id}:{hashlib.sha256(body).hexdigest()}"
        if session.get(WebhookEvent, event_id):
            return {"status": "duplicate", "action": action}
        session.add(WebhookEvent(event_id=event_id, account_id=account_id, action=action))
        to_fetch: list[int] = []
        payload = payload if isinstance(payload, dict) else {}
        outcome = apply_event(
            session,
            account_id,
            action,
            payload,
            fetch_later=lambda _account, ids: to_fetch.extend(ids),
        )
        # The team's contacts follow too (merged, deleted, anonymised; rejected or hired).
        follow_ups = apply_webhook(session, account_id, action, payload)
        if follow_ups and outcome == "ignored":
            outcome = "applied"
        session.commit()  # the event is recorded before any follow-up work is queued
        if to_fetch:
            index_fetch_candidates(account_id, to_fetch)
        if follow_ups:
            follow_greenhouse(follow_ups)
        return {"status": outcome, "action": action}
