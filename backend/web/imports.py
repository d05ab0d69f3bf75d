"""Import from Greenhouse: a searchable job picker, a sequence picker, Preview, "Enable Recurring
Import" (admins), Start, and the import's progress page (htmx polling while it runs).

Every step goes through the calls the JSON API makes (`api/imports.py`): `preview_import`,
`create_import` then the queued `import_run`, `describe`, `remove_import`.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from backend.accounts.integration import greenhouse_client
from backend.greenhouse.check import explain
from backend.greenhouse.errors import GreenhouseError
from backend.imports.checks import sequence_reason
from backend.imports.manage import ImportInputError
from backend.imports.manage import NewImport
from backend.imports.manage import create_import
from backend.imports.manage import describe
from backend.imports.manage import find_import
from backend.imports.manage import remove_import
from backend.imports.preview import preview_import
from backend.infra.services import db_session
from backend.infra.services import services
from backend.jobs.imports import import_run
from backend.sequences.listing import team_sequences
from backend.store.models import Import
from backend.store.models import Sequence
from backend.web.blueprint import GREENHOUSE_ID_LIMIT
from backend.web.blueprint import bp
from backend.web.blueprint import positive_id
from backend.web.greenhouse_lists import open_jobs_by_name
from backend.web.greenhouse_lists import team_catalog
from backend.web.greenhouse_lists import team_connection
from backend.web.integrations import is_htmx

RUNNING = frozenset({"queued", "running"})
STATUS_WORDS = {
    "queued": "Waiting to start",
    "running": "Running",
    "done": "Done",
    "failed": "Failed",
    "paused": "Paused",
}
STOP_POLLING = 286  # htmx stops an `every 2s` trigger on this status


def open_jobs(query: str = "") -> tuple[list[dict], str | None]:
    """The team's open Greenhouse jobs (cached picker list), narrowed by `query`; or a problem."""
    connection = team_connection()
    if connection is None:
        return [], "Greenhouse is not connected: an admin connects it in Integrations first."
    try:
        return open_jobs_by_name(team_catalog(connection), query), None
    except GreenhouseError as exc:
        return [], f"Could not load the jobs from Greenhouse: {explain(exc)}"


def _choices() -> dict[str, Any]:
    source = request.form if request.method == "POST" else request.args
    return {
        "job_id": positive_id(source.get("job_id"), GREENHOUSE_ID_LIMIT),
        "sequence_id": positive_id(source.get("sequence_id")),
        "recurring": source.get("recurring") == "y",
        "query": (source.get("query") or "").strip()[:200],
    }


def _form_page(status: int = 200, **extra: Any):  # type: ignore[no-untyped-def]
    chosen = extra.pop("chosen", None) or _choices()
    job_list, problem = open_jobs(chosen["query"])
    errors = extra.pop("errors", {})
    return render_template(
        "imports/new.html",
        chosen=chosen,
        jobs=job_list,
        gh_problem=problem,
        sequences=team_sequences(db_session(), current_user.account_id, by_name=True),
        errors=errors,
        has_errors=bool(errors),
        preview=extra.pop("preview", None),
        **extra,
    ), status


@bp.route("/imports/new")
def imports_new():  # type: ignore[no-untyped-def]
    return _form_page()


@bp.route("/imports/jobs")
def imports_jobs():  # type: ignore[no-untyped-def]
    """htmx: the job picker narrowed to the search words."""
    chosen = _choices()
    job_list, problem = open_jobs(chosen["query"])
    return render_template(
        "imports/_job_select.html", jobs=job_list, chosen=chosen, errors={}, gh_problem=problem
    )


def _checked(chosen: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if chosen["job_id"] is None:
        errors["job_id"] = "Choose an open job."
    if chosen["sequence_id"] is None or sequence_reason(
        db_session(), current_user.account_id, chosen["sequence_id"]
    ):
        errors["sequence_id"] = "Choose one of your team's sequences."
    if chosen["recurring"] and not current_user.is_admin:
        abort(403)  # the API refuses members a schedule too
    return errors


@bp.route("/imports/preview", methods=["POST"])
def imports_preview():  # type: ignore[no-untyped-def]
    chosen = _choices()
    errors = _checked(chosen)
    preview, problem = None, None
    if not errors:
        connection = team_connection()
        if connection is None:
            problem = "Greenhouse is not connected: an admin connects it in Integrations first."
        else:
            svc = services()
            try:
                preview = preview_import(
                    db_session(),
                    greenhouse_client(connection, svc, interactive=True),
                    chosen["job_id"],
                    chosen["sequence_id"],
                ).to_json()
            except GreenhouseError as exc:
                problem = f"Greenhouse did not answer: {explain(exc)}"
    status = 422 if errors else 200
    if is_htmx():  # htmx swaps 2xx only: the missing choices are said in the preview region
        if errors:
            problem = " ".join(errors.values())
        return render_template("imports/_preview.html", preview=preview, problem=problem)
    return _form_page(
        status, chosen=chosen, errors=errors, preview=preview, preview_problem=problem
    )


@bp.route("/imports", methods=["POST"])
def imports_start():  # type: ignore[no-untyped-def]
    chosen = _choices()
    errors = _checked(chosen)
    if errors:
        return _form_page(422, chosen=chosen, errors=errors)
    connection = team_connection()
    if connection is None:
        return _form_page(409, chosen=chosen)
    session = db_session()
    svc = services()
    request_ = NewImport(chosen["job_id"], chosen["sequence_id"], chosen["recurring"])
    try:
        row = create_import(
            session,
            greenhouse_client(connection, svc, interactive=True),
            current_user.account_id,
            current_user.id,
            request_,
        )
    except ImportInputError as exc:
        return _form_page(422, chosen=chosen, errors={exc.field: _sentence(exc.reason)})
    except GreenhouseError as exc:
        return _form_page(
            503, chosen=chosen, preview_problem=f"Greenhouse did not answer: {explain(exc)}"
        )
    session.commit()  # the run reads it from its own session
    import_run(row.id)
    flash("Import started." + (" It runs again every hour." if row.recurring else ""), "success")
    return redirect(url_for("web.import_progress", import_id=row.id))


def _sentence(reason: str) -> str:
    reason = reason.strip().rstrip(".")
    return f"{reason[:1].upper()}{reason[1:]}."


def _owned(import_id: int) -> Import:
    row = find_import(db_session(), current_user.account_id, import_id)
    if row is None:
        abort(404)
    return row


def _progress_context(row: Import) -> dict[str, Any]:
    session = db_session()
    data = describe(session, row)
    sequence = session.get(Sequence, row.sequence_id) if row.sequence_id else None
    return {
        "item": data,
        "sequence_name": sequence.name if sequence else None,
        "running": data["status"] in RUNNING,
        "status_words": STATUS_WORDS,
    }


@bp.route("/imports/<int:import_id>")
def import_progress(import_id: int):  # type: ignore[no-untyped-def]
    return render_template("imports/progress.html", **_progress_context(_owned(import_id)))


@bp.route("/imports/<int:import_id>/progress")
def import_progress_part(import_id: int):  # type: ignore[no-untyped-def]
    """htmx polling: the progress box; 286 once the run is over, so the polling stops."""
    db_session().expire_all()
    row = find_import(db_session(), current_user.account_id, import_id)
    if row is None:  # removed while the page polled: say so and stop polling
        return "<p>This import was removed.</p>", STOP_POLLING
    context = _progress_context(row)
    body = render_template("imports/_progress.html", **context)
    return body, (200 if context["running"] else STOP_POLLING)


@bp.route("/imports/<int:import_id>/remove", methods=["POST"])
def import_remove(import_id: int) -> Response:
    row = _owned(import_id)
    if row.recurring and not current_user.is_admin:
        abort(403)
    remove_import(db_session(), row)
    db_session().commit()
    flash(f"Import of “{row.job_name or row.job_id}” removed: it will not run again.", "success")
    if row.recurring:
        return redirect(url_for("web.integrations") + "#imports-title")
    return redirect(url_for("web.imports_new"))
