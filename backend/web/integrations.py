"""Integrations (admins): the Greenhouse connection, Test connection, and the sync settings.

Saving goes through `save_integration`, the call the JSON API makes. The forms only offer the
values the API accepts (radios, pickers), and refuse anything else with the field named.
"""

from __future__ import annotations

from typing import Any

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from backend.accounts.integration import greenhouse_client
from backend.accounts.integration import integration_row
from backend.greenhouse.check import check_connection
from backend.greenhouse.check import explain
from backend.greenhouse.errors import GreenhouseError
from backend.imports.manage import describe
from backend.imports.manage import list_imports
from backend.infra.services import db_session
from backend.infra.services import services
from backend.jobs.index import request_backfill
from backend.sequences.listing import sequence_names
from backend.sync import rules
from backend.sync.integration_save import save_integration
from backend.sync.settings import SettingInvalid
from backend.web.account import admin_required
from backend.web.blueprint import bp
from backend.web.forms import ConnectionForm
from backend.web.forms import SyncSettingsForm
from backend.web.greenhouse_lists import describe_target
from backend.web.greenhouse_lists import greenhouse_lists
from backend.web.greenhouse_lists import stages_of
from backend.web.greenhouse_lists import team_connection
from backend.web.pickers import TargetChoice
from backend.web.pickers import picked_target

# The contact fields a team can copy into Greenhouse candidate custom fields, in words.
FIELD_WORDS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "company": "Company",
    "title": "Title",
    "linkedin_url": "LinkedIn URL",
    "phone": "Phone",
    "location": "Location",
    "headline": "LinkedIn headline",
    "source": "Source (Recruiter, LinkedIn, Sales Navigator, import)",
}
MAPPABLE_FIELDS = tuple((name, FIELD_WORDS[name]) for name in rules.CONTACT_FIELDS)


SCHEDULED_SHOWN = 500  # imports read to find the recurring ones (a team has a handful)


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _page(status: int = 200, **extra: Any):  # type: ignore[no-untyped-def]
    session = db_session()
    account_id = current_user.account_id
    row = integration_row(session, account_id)
    connection = team_connection()
    default_choice = extra.pop("default_choice", None) or TargetChoice.from_target(
        row.default_target
    )
    reply_choice = extra.pop("reply_choice", None) or TargetChoice.from_target(row.stage_on_reply)
    job_ids = [j for j in (default_choice.job_id, reply_choice.job_id) if j]
    lists, gh_problem = greenhouse_lists(job_ids)
    connection_form = extra.pop("connection_form", None) or ConnectionForm(
        data={"client_id": row.client_id, "user_id": row.user_id}
    )
    sync_form = extra.pop("sync_form", None) or SyncSettingsForm(
        data={
            "sync_mode": row.sync_mode,
            "dedupe": row.dedupe,
            "activity_tracking": row.activity_tracking,
            "note_visibility": row.note_visibility,
            "match_linkedin_url": row.match_linkedin_url,
            "convert_on_reply": row.convert_on_reply,
        }
    )
    forms = [connection_form, sync_form]
    context = {
        "row": row,
        "connection": connection,
        "connection_form": connection_form,
        "sync_form": sync_form,
        "default_choice": default_choice,
        "reply_choice": reply_choice,
        "target_errors": extra.pop("target_errors", {}),
        "mapping_errors": extra.pop("mapping_errors", {}),
        "lists": lists,
        "gh_problem": gh_problem,
        "mappable_fields": MAPPABLE_FIELDS,
        "field_map": extra.pop("field_map", None) or dict(row.custom_field_map or {}),
        "status_field": extra.pop("status_field", None) or (row.status_field or {}),
        "default_words": describe_target(row.default_target, lists),
        "test_result": extra.pop("test_result", None),
        "scheduled_imports": scheduled_imports(session, account_id),
        "has_errors": any(f.has_errors for f in forms) or bool(extra.pop("has_errors", False)),
    }
    context.update(extra)
    return render_template("integrations/index.html", **context), status


def scheduled_imports(session: Any, account_id: int) -> list[dict[str, Any]]:
    """The team's recurring imports as the API describes them, with their sequence's name."""
    rows = [r for r in list_imports(session, account_id, limit=SCHEDULED_SHOWN) if r.recurring]
    ids = {r.sequence_id for r in rows if r.sequence_id}
    names = sequence_names(session, ids)
    return [{**describe(session, r), "sequence_name": names.get(r.sequence_id or 0)} for r in rows]


@bp.route("/settings/integrations")
@admin_required
def integrations():  # type: ignore[no-untyped-def]
    return _page()


def not_saved(problem: SettingInvalid) -> str:
    return f"Not saved: {problem.reason} ({problem.field.replace('_', ' ')})."


def _save(
    connection: dict[str, Any] | None = None, settings: dict[str, Any] | None = None
) -> SettingInvalid | None:
    """Save through the API's call; returns what is wrong (`not_saved` words it), or None."""
    session = db_session()
    account_id = current_user.account_id
    try:
        change = save_integration(
            session, account_id, services(), connection=connection, settings=settings
        )
    except SettingInvalid as exc:
        return exc
    session.commit()
    if change.needs_backfill:
        request_backfill(services(), account_id)
    return None


@bp.route("/settings/integrations/connection", methods=["POST"])
@admin_required
def integrations_connection():  # type: ignore[no-untyped-def]
    form = ConnectionForm(request.form)
    row = integration_row(db_session(), current_user.account_id)
    if not form.validate():
        return _page(422, connection_form=form)
    if not form.client_secret.data and not row.client_secret_encrypted:
        form.add_error("client_secret", "Enter the client secret from Greenhouse Dev Center.")
        return _page(422, connection_form=form)
    connection = {"client_id": form.client_id.data.strip(), "user_id": form.user_id.data}
    if form.client_secret.data:
        connection["client_secret"] = form.client_secret.data
    _save(connection=connection)
    flash("Greenhouse connection saved. Use Test connection to check it.", "success")
    return redirect(url_for("web.integrations"))


@bp.route("/settings/integrations/test", methods=["POST"])
@admin_required
def integrations_test():  # type: ignore[no-untyped-def]
    connection = team_connection()
    if connection is None:
        result: dict[str, Any] = {
            "ok": False,
            "problems": ["Greenhouse is not connected: save a client ID and secret first."],
        }
    else:
        client = greenhouse_client(connection, services(), interactive=True)
        try:
            report = check_connection(client)
            result = {
                "ok": report.ok,
                "user": report.user,
                "site_admin": report.site_admin,
                "scopes": report.scopes,
                "problems": report.problems,
            }
        except GreenhouseError as exc:
            result = {"ok": False, "problems": [explain(exc)]}
    if is_htmx():
        return render_template("integrations/_test_result.html", result=result)
    return _page(test_result=result)


@bp.route("/settings/integrations/sync", methods=["POST"])
@admin_required
def integrations_sync():  # type: ignore[no-untyped-def]
    form = SyncSettingsForm(request.form)
    if not form.validate():
        return _page(422, sync_form=form)
    settings = {
        "sync_mode": form.sync_mode.data,
        "dedupe": form.dedupe.data,
        "activity_tracking": form.activity_tracking.data,
        "note_visibility": form.note_visibility.data,
        "match_linkedin_url": form.match_linkedin_url.data,
        "convert_on_reply": form.convert_on_reply.data,
    }
    if problem := _save(settings=settings):
        flash(not_saved(problem), "error")
        return redirect(url_for("web.integrations") + "#sync-title")
    flash("Sync settings saved.", "success")
    return redirect(url_for("web.integrations") + "#sync-title")


@bp.route("/settings/integrations/targets", methods=["POST"])
@admin_required
def integrations_targets():  # type: ignore[no-untyped-def]
    default = picked_target(request.form, "default")
    reply = picked_target(request.form, "reply")
    choices = {"default_choice": default.choice, "reply_choice": reply.choice}
    if request.form.get("action") == "load_stages":  # no JavaScript: show the chosen job's stages
        return _page(**choices)
    if errors := default.errors | reply.errors:
        return _page(422, **choices, target_errors=errors, has_errors=True)
    settings = {"default_target": default.target, "stage_on_reply": reply.target}
    if problem := _save(settings=settings):
        flash(not_saved(problem), "error")
        return redirect(url_for("web.integrations") + "#targets-title")
    flash("Job & Pools saved.", "success")
    return redirect(url_for("web.integrations") + "#targets-title")


@bp.route("/settings/integrations/mapping", methods=["POST"])
@admin_required
def integrations_mapping():  # type: ignore[no-untyped-def]
    form: MultiDict = request.form
    field_map = {
        name: form.get(f"map-{name}", "").strip()
        for name, _ in MAPPABLE_FIELDS
        if form.get(f"map-{name}", "").strip()
    }
    kind = form.get("status-kind", "")
    status_field: dict[str, Any] | None = None
    errors: dict[str, str] = {}
    if kind == "custom_field":
        name_key = form.get("status-name_key", "").strip()
        if not name_key:
            errors["status-name_key"] = "Choose the custom field that holds the outreach status."
        status_field = {"kind": "custom_field", "name_key": name_key}
    elif kind == "tags":
        status_field = {"kind": "tags"}
    elif kind:
        errors["status-kind"] = "Choose a custom field, tags, or nothing."
    if errors:
        return _page(
            422,
            mapping_errors=errors,
            field_map=field_map,
            status_field=status_field or {},
            has_errors=True,
        )
    if problem := _save(settings={"custom_field_map": field_map, "status_field": status_field}):
        # shown beside the table or the status picker, the admin's choices kept
        control = "mapping" if problem.field.startswith("custom_field_map") else "status-name_key"
        return _page(
            422,
            mapping_errors={control: problem.reason[:1].upper() + problem.reason[1:] + "."},
            field_map=field_map,
            status_field=status_field or {},
            has_errors=True,
        )
    flash("Field Mapping saved.", "success")
    return redirect(url_for("web.integrations") + "#mapping-title")


@bp.route("/greenhouse/stages")
def greenhouse_stages():  # type: ignore[no-untyped-def]
    """htmx: the stage picker for the chosen job (`prefix` names the picker it belongs to).

    Any signed-in user: a sequence's Syncing tab uses it as well as the admin's settings."""
    prefix = request.args.get("prefix", "default")
    if prefix not in ("default", "reply", "seq"):
        prefix = "default"
    job_id = request.args.get(f"{prefix}-job_id", type=int)
    stages, problem = stages_of(job_id) if job_id else ([], None)
    return render_template(
        "integrations/_stage_select.html",
        prefix=prefix,
        stages=stages,
        selected=None,
        problem=problem,
        job_chosen=bool(job_id),
    )
