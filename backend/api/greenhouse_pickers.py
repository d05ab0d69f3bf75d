"""Greenhouse pickers for the settings and sequence screens: jobs, job stages, prospect pools with
their stages, candidate custom fields. Read live from Greenhouse, cached briefly per credential."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from backend.accounts.integration import greenhouse_client
from backend.api.blueprint import Blueprint
from backend.api.integrations import team_connection
from backend.greenhouse.errors import GreenhouseError
from backend.infra.services import services
from backend.sync.catalog import Catalog
from backend.sync.executor import explain

blp = Blueprint(
    "greenhouse_pickers",
    __name__,
    url_prefix="/api/v1/greenhouse",
    description="Greenhouse jobs, stages, pools, custom fields",
)


class JobsQuerySchema(Schema):
    query = fields.String(validate=validate.Length(max=200))
    status = fields.String(validate=validate.OneOf(["open", "closed", "draft"]))


class JobSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    status = fields.String()


class StageSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class PoolSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    stages = fields.List(fields.Nested(StageSchema))


class CustomFieldSchema(Schema):
    name_key = fields.String()
    name = fields.String()
    value_type = fields.String()
    options = fields.List(fields.String())


def _catalog() -> Catalog:
    connection = team_connection(g.user.account_id)
    if connection is None:
        abort(409, message="Greenhouse is not connected.")
    svc = services()
    return Catalog(greenhouse_client(connection, svc, interactive=True), svc.cache)


def _read(read: Any) -> Any:
    try:
        return read()
    except GreenhouseError as exc:
        abort(502, message=explain(exc, "read from Greenhouse").message)


@blp.route("/jobs")
class Jobs(MethodView):
    @blp.arguments(JobsQuerySchema, location="query")
    @blp.response(200, JobSchema(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """Jobs whose name contains `query`, optionally of one `status`."""
        catalog = _catalog()
        return _read(lambda: catalog.jobs_matching(query.get("query"), query.get("status")))


@blp.route("/jobs/<int:job_id>/stages")
class JobStages(MethodView):
    @blp.response(200, StageSchema(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self, job_id: int) -> list[dict[str, Any]]:
        """The job's interview stages, in order."""
        catalog = _catalog()
        if _read(lambda: catalog.job(job_id)) is None:
            abort(404, message=f"Greenhouse has no job {job_id} this integration can see.")
        return _read(lambda: catalog.job_stages(job_id))


@blp.route("/prospect-pools")
class ProspectPools(MethodView):
    @blp.response(200, PoolSchema(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self) -> list[dict[str, Any]]:
        """Prospect pools with their stages."""
        catalog = _catalog()
        return _read(catalog.pools)


@blp.route("/custom-fields")
class CustomFields(MethodView):
    @blp.response(200, CustomFieldSchema(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self) -> list[dict[str, Any]]:
        """Candidate custom fields (what a contact field can be mapped to)."""
        catalog = _catalog()
        return _read(catalog.custom_fields)
