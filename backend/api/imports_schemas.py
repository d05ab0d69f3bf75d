"""Request and response shapes of the imports resource (`imports.py`)."""

from __future__ import annotations

from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate


class ImportInSchema(Schema):
    job_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**53))
    sequence_id = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1)
    )
    recurring = fields.Boolean(load_default=False)


class PreviewInSchema(Schema):
    job_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**53))
    sequence_id = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1)
    )


class ListQuerySchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9]{1,12}$"))


class ProgressSchema(Schema):
    seen = fields.Integer()
    added = fields.Integer()
    skipped_no_email = fields.Integer()
    already_in_sequence = fields.Integer()
    failed = fields.Integer()


class LastResultSchema(Schema):
    status = fields.String(allow_none=True)
    progress = fields.Nested(ProgressSchema, allow_none=True)
    error = fields.String(allow_none=True)


class ImportOutSchema(Schema):
    id = fields.Integer()
    job_id = fields.Integer()
    job_name = fields.String(allow_none=True)
    sequence_id = fields.Integer(allow_none=True)
    status = fields.String(metadata={"description": "queued | running | done | failed | paused"})
    paused_reason = fields.String(allow_none=True)
    recurring = fields.Boolean()
    progress = fields.Nested(ProgressSchema)
    skipped_no_email = fields.List(
        fields.String(), metadata={"description": "people without an email, by name"}
    )
    last_run_at = fields.String(allow_none=True)
    next_run_at = fields.String(allow_none=True)
    last_result = fields.Nested(LastResultSchema, allow_none=True)
    created_at = fields.String(allow_none=True)


class ImportListSchema(Schema):
    items = fields.List(fields.Nested(ImportOutSchema))
    next_cursor = fields.String(allow_none=True)


class PreviewPersonSchema(Schema):
    name = fields.String()
    email = fields.String(allow_none=True)
    prospect = fields.Boolean()
    already_in_sequence = fields.Boolean()


class PreviewOutSchema(Schema):
    people = fields.Integer()
    with_email = fields.Integer()
    without_email = fields.Integer()
    already_in_sequence = fields.Integer()
    would_add = fields.Integer()
    complete = fields.Boolean(metadata={"description": "false: only the job's first pages"})
    sample = fields.List(fields.Nested(PreviewPersonSchema))
