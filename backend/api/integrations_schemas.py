"""Request and response shapes of the Greenhouse integration resource (`integrations.py`)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates_schema


class TargetSchema(Schema):
    """Where synced contacts land: a job (and optionally its stage) or a prospect pool stage."""

    job_id = fields.Integer(allow_none=True, validate=validate.Range(min=1))
    stage_id = fields.Integer(allow_none=True, validate=validate.Range(min=1))
    pool_id = fields.Integer(allow_none=True, validate=validate.Range(min=1))
    pool_stage_id = fields.Integer(allow_none=True, validate=validate.Range(min=1))

    @validates_schema
    def one_kind(self, data: dict[str, Any], **_: Any) -> None:
        job = data.get("job_id") is not None
        pool = data.get("pool_id") is not None
        if job and pool:
            raise ValidationError("Give a job or a prospect pool, not both.", "pool_id")
        if data.get("stage_id") is not None and not job:
            raise ValidationError("A job stage needs job_id.", "stage_id")
        if data.get("pool_stage_id") is not None and not pool:
            raise ValidationError("A pool stage needs pool_id.", "pool_stage_id")
        if pool and data.get("pool_stage_id") is None:
            raise ValidationError("A prospect pool target needs pool_stage_id.", "pool_stage_id")


class StatusFieldSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["custom_field", "tags"]))
    name_key = fields.String(validate=validate.Length(min=1, max=255))


class ConnectionInSchema(Schema):
    client_id = fields.String(allow_none=True, validate=validate.Length(max=200))
    client_secret = fields.String(load_only=True, validate=validate.Length(min=1, max=500))
    user_id = fields.Integer(allow_none=True, validate=validate.Range(min=1))
    webhook_secret = fields.String(load_only=True, validate=validate.Length(min=8, max=500))


class ConnectionOutSchema(Schema):
    connected = fields.Boolean()
    source = fields.String(allow_none=True, metadata={"description": "saved | environment"})
    client_id = fields.String(allow_none=True)
    user_id = fields.Integer(allow_none=True)
    has_client_secret = fields.Boolean()
    has_webhook_secret = fields.Boolean()


class IntegrationSettingsSchema(Schema):
    sync_mode = fields.String(validate=validate.OneOf(["off", "on_add", "on_reply"]))
    dedupe = fields.Boolean()
    activity_tracking = fields.Boolean()
    note_visibility = fields.String(validate=validate.OneOf(["private", "admin_only", "public"]))
    match_linkedin_url = fields.Boolean()
    default_target = fields.Nested(TargetSchema, allow_none=True)
    custom_field_map = fields.Dict(keys=fields.String(), values=fields.String())
    status_field = fields.Nested(StatusFieldSchema, allow_none=True)
    stage_on_reply = fields.Nested(TargetSchema, allow_none=True)


class IndexStateSchema(Schema):
    status = fields.String()
    candidates_indexed = fields.Integer()
    backfill_started_at = fields.DateTime(allow_none=True)
    backfill_finished_at = fields.DateTime(allow_none=True)
    refreshed_through = fields.DateTime(allow_none=True)
    last_error = fields.String(allow_none=True)


class IntegrationInSchema(Schema):
    connection = fields.Nested(ConnectionInSchema)
    settings = fields.Nested(IntegrationSettingsSchema)


class IntegrationOutSchema(Schema):
    connection = fields.Nested(ConnectionOutSchema)
    settings = fields.Nested(IntegrationSettingsSchema)
    index = fields.Nested(IndexStateSchema)


class ConnectionTestSchema(Schema):
    ok = fields.Boolean()
    user = fields.Dict(allow_none=True, metadata={"description": "the acting Greenhouse user"})
    site_admin = fields.Boolean(allow_none=True)
    scopes = fields.Dict(
        keys=fields.String(),
        values=fields.String(allow_none=True),
        metadata={"description": "read scope -> null when it answers, else the error"},
    )
    problems = fields.List(fields.String())
