"""Greenhouse imports: a job's people into a sequence, once or on a schedule (admins schedule)."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import abort

from backend.accounts.integration import connection_for
from backend.accounts.integration import greenhouse_client
from backend.api.auth import require_admin
from backend.api.blueprint import Blueprint
from backend.api.imports_schemas import ImportInSchema
from backend.api.imports_schemas import ImportListSchema
from backend.api.imports_schemas import ImportOutSchema
from backend.api.imports_schemas import ListQuerySchema
from backend.api.imports_schemas import PreviewInSchema
from backend.api.imports_schemas import PreviewOutSchema
from backend.greenhouse.check import explain
from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.errors import GreenhouseError
from backend.imports.checks import sequence_reason
from backend.imports.manage import ImportInputError
from backend.imports.manage import NewImport
from backend.imports.manage import create_import
from backend.imports.manage import describe
from backend.imports.manage import find_import
from backend.imports.manage import list_imports
from backend.imports.manage import remove_import
from backend.imports.preview import preview_import
from backend.infra.services import db_session
from backend.infra.services import services
from backend.jobs.imports import import_run
from backend.store.models import Import

blp = Blueprint(
    "imports", __name__, url_prefix="/api/v1/imports", description="Greenhouse job imports"
)


def invalid(field: str, reason: str) -> None:
    abort(422, message=f"Invalid input: {field}", errors={field: [reason]})


def team_client() -> GreenhouseClient:
    """The team's Greenhouse client for a recruiter waiting on the answer, or 409."""
    svc = services()
    connection = connection_for(
        db_session(), g.user.account_id, settings=svc.settings, secrets=svc.secrets
    )
    if connection is None:
        abort(409, message="Greenhouse is not connected: an admin connects it first.")
    return greenhouse_client(connection, svc, interactive=True)


def greenhouse_unavailable(exc: GreenhouseError) -> None:
    abort(503, message=f"Greenhouse did not answer: {explain(exc)}")


def owned(import_id: int) -> Import:
    row = find_import(db_session(), g.user.account_id, import_id)
    if row is None:
        abort(404, message=f"No import {import_id}.")
    return row


@blp.route("")
class Imports(MethodView):
    @blp.arguments(ImportInSchema)
    @blp.response(202, ImportOutSchema)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Import the job's candidates and prospects with an email into the sequence; with
        `recurring`, again every `IMPORT_INTERVAL_SECONDS` for whoever is new (admins only)."""
        if body["recurring"]:
            require_admin()
        session = db_session()
        client = team_client()
        request = NewImport(body["job_id"], body["sequence_id"], body["recurring"])
        try:
            row = create_import(session, client, g.user.account_id, g.user.id, request)
        except ImportInputError as exc:
            invalid(exc.field, exc.reason)
        except GreenhouseError as exc:
            greenhouse_unavailable(exc)
        session.commit()  # the run reads it from its own session
        import_run(row.id)
        session.refresh(row)
        return describe(session, row)

    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, ImportListSchema)
    @blp.doc(security=[{"bearer": []}])
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The team's imports, newest first, the scheduled ones with their last and next run."""
        session = db_session()
        after = int(query["cursor"]) if query["cursor"] else None
        rows = list_imports(session, g.user.account_id, after_id=after, limit=query["limit"] + 1)
        page = rows[: query["limit"]]
        more = len(rows) > query["limit"]
        return {
            "items": [describe(session, row) for row in page],
            "next_cursor": str(page[-1].id) if more else None,
        }


@blp.route("/<int:import_id>")
class OneImport(MethodView):
    @blp.response(200, ImportOutSchema)
    @blp.doc(security=[{"bearer": []}])
    def get(self, import_id: int) -> dict[str, Any]:
        return describe(db_session(), owned(import_id))

    @blp.response(204)
    @blp.doc(security=[{"bearer": []}])
    def delete(self, import_id: int) -> None:
        """Remove it: a schedule stops (admins only); a run in progress stops at its next page."""
        row = owned(import_id)
        if row.recurring:
            require_admin()
        remove_import(db_session(), row)


@blp.route("/preview")
class ImportPreview(MethodView):
    @blp.arguments(PreviewInSchema)
    @blp.response(200, PreviewOutSchema)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """What an import would do (people, with an email, already in the sequence); adds no one."""
        session = db_session()
        if sequence_reason(session, g.user.account_id, body["sequence_id"]):
            invalid("sequence_id", "no such sequence")
        client = team_client()
        try:
            preview = preview_import(session, client, body["job_id"], body["sequence_id"])
        except GreenhouseError as exc:
            greenhouse_unavailable(exc)
        return preview.to_json()
