"""The sync log (every Greenhouse action, its attempts and error, with Retry) and a contact's
explicit re-sync of the custom field mapping."""

from __future__ import annotations

import secrets
from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from backend.accounts.integration import integration_row
from backend.api.blueprint import Blueprint
from backend.api.integrations import team_connection
from backend.api.paging import int_arg
from backend.infra.services import db_session
from backend.jobs.sync import request_sync
from backend.sync import log as sync_log
from backend.sync.facts import settings_of

blp = Blueprint("sync_log", __name__, url_prefix="/api/v1", description="Greenhouse sync log")


class SyncLogQuerySchema(Schema):
    contact_id = fields.Integer(validate=validate.Range(min=1))
    status = fields.String(validate=validate.OneOf(sync_log.LOG_STATUSES))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String()


class SyncLogEntrySchema(Schema):
    id = fields.Integer()
    contact_id = fields.Integer(allow_none=True)
    kind = fields.String(metadata={"description": "ensure_person, add_employment, log_email …"})
    status = fields.String(metadata={"description": "pending | done | failed"})
    attempts = fields.Integer()
    error = fields.String(allow_none=True, metadata={"description": "in words"})
    error_code = fields.String(
        allow_none=True,
        metadata={"description": "stable: rate_limited, permission, target_gone … (null on rows"
                  " failed before codes existed)"},
    )  # fmt: skip
    request_summary = fields.String(allow_none=True)
    greenhouse_ids = fields.Dict()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class SyncLogPageSchema(Schema):
    items = fields.List(fields.Nested(SyncLogEntrySchema))
    next_cursor = fields.String(allow_none=True)


class ResyncSchema(Schema):
    items = fields.List(fields.Nested(SyncLogEntrySchema))


@blp.route("/sync-log")
class SyncLog(MethodView):
    @blp.arguments(SyncLogQuerySchema, location="query")
    @blp.response(200, SyncLogPageSchema)
    @blp.doc(security=[{"bearer": []}])
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The team's Greenhouse actions, newest first (`contact_id`, `status` narrow it)."""
        items, next_id = sync_log.sync_log(
            db_session(),
            g.user.account_id,
            contact_id=query.get("contact_id"),
            status=query.get("status"),
            limit=query["limit"],
            before_id=int_arg("cursor"),
        )
        return {"items": items, "next_cursor": str(next_id) if next_id else None}


@blp.route("/sync-log/<int:entry_id>/retry")
class SyncLogRetry(MethodView):
    @blp.response(200, SyncLogEntrySchema)
    @blp.doc(security=[{"bearer": []}])
    def post(self, entry_id: int) -> dict[str, Any]:
        """Try a failed (or waiting) action again now."""
        session = db_session()
        try:
            job = sync_log.retry(session, g.user.account_id, entry_id)
        except sync_log.NotFoundHere:
            abort(404, message=f"No sync log entry {entry_id}.")
        except sync_log.CannotRetry as exc:
            abort(409, message=str(exc))
        entry = sync_log.log_entry(job)
        session.commit()  # the consumer must see the row back in line
        request_sync()
        return entry


@blp.route("/contacts/<int:contact_id>/resync")
class ContactResync(MethodView):
    @blp.response(202, ResyncSchema)
    @blp.doc(security=[{"bearer": []}])
    def post(self, contact_id: int) -> dict[str, Any]:
        """Write the current custom field mapping to the contact's Greenhouse record (the only
        re-sync there is); answers the queued actions (none when nothing is mapped)."""
        session = db_session()
        account_id = g.user.account_id
        connected = team_connection(account_id) is not None
        if not connected:
            abort(409, message="Greenhouse is not connected.")
        settings = settings_of(integration_row(session, account_id), connected=True)
        try:
            jobs = sync_log.request_resync(
                session, account_id, contact_id, settings, secrets.token_hex(8)
            )
        except sync_log.NotFoundHere:
            abort(404, message=f"No contact {contact_id}.")
        except sync_log.CannotRetry as exc:
            abort(409, message=str(exc))
        items = [sync_log.log_entry(job) for job in jobs]
        session.commit()
        if items:
            request_sync()
        return {"items": items}
