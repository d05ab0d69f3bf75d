"""Sequences: the list (Sync Disabled / Custom Sync indicators, counts), a new sequence, and one
sequence's tabs (contacts, steps, settings, syncing). Every change goes through the sequences
feature's own functions, the ones the JSON API calls."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from backend import defaults
from backend.infra.services import db_session
from backend.sequences.authoring import create_sequence
from backend.sequences.authoring import get_sequence
from backend.sequences.authoring import pause_sequence
from backend.sequences.authoring import resume_sequence
from backend.sequences.authoring import update_sequence
from backend.sequences.errors import Refused
from backend.sequences.listing import sequence_items
from backend.sequences.listing import sequence_people
from backend.sequences.listing import team_sequences
from backend.sequences.schedule import WAIT_UNITS
from backend.sequences.steps import TASK_TYPES
from backend.sequences.steps import TASK_WORDS
from backend.sequences.views import enrollment_json
from backend.sequences.views import sequence_json
from backend.store.models import Sequence
from backend.store.models import utcnow
from backend.web.blueprint import bp
from backend.web.blueprint import positive_id
from backend.web.greenhouse_lists import describe_target
from backend.web.greenhouse_lists import greenhouse_lists
from backend.web.pickers import TargetChoice
from backend.web.pickers import picked_target

TABS = (
    ("contacts", "Contacts"),
    ("steps", "Steps"),
    ("settings", "Settings"),
    ("syncing", "Syncing"),
)
STATUS_WORDS = {
    "pending": "Starting",
    "active": "Active",
    "waiting_task": "Waiting on a task",
    "paused": "Paused",
    "finished": "Finished",
}
UNIT_WORDS = {
    "minutes": "minutes",
    "hours": "hours",
    "days": "days",
    "business_days": "business days",
}


def _sequence(sequence_id: int) -> Sequence:
    return get_sequence(db_session(), current_user.account_id, sequence_id)


@bp.route("/sequences")
def sequences():  # type: ignore[no-untyped-def]
    session = db_session()
    items = sequence_items(session, team_sequences(session, current_user.account_id, by_name=True))
    return render_template("sequences/list.html", items=items, status_words=STATUS_WORDS)


def _steps_from_form(form: Any) -> list[dict[str, Any]]:
    """`step-<i>-<field>` inputs back into the API's step shape (order kept)."""
    steps: list[dict[str, Any]] = []
    index = 0
    while f"step-{index}-kind" in form:
        prefix = f"step-{index}-"
        kind = form.get(prefix + "kind")
        amount = form.get(prefix + "wait_amount", "").strip()
        step: dict[str, Any] = {
            "kind": kind,
            "wait": {
                "amount": int(amount) if amount.isdigit() else amount,
                "unit": form.get(prefix + "wait_unit"),
            },
        }
        if kind == "email":
            step |= {
                "subject": form.get(prefix + "subject", ""),
                "body": form.get(prefix + "body", ""),
                "thread": form.get(prefix + "thread", "new"),
            }
        else:
            step |= {
                "task_type": form.get(prefix + "task_type", ""),
                "instructions": form.get(prefix + "instructions", ""),
            }
        if form.get(prefix + "remove") != "y":
            steps.append(step)
        index += 1
    return steps


def _field_id(field: str | None) -> str:
    """The API's dotted field (`steps.1.wait.amount`) as this page's control id."""
    if not field:
        return "name"
    parts = field.split(".")
    if parts[0] == "steps" and len(parts) >= 3 and parts[1].isdigit():
        return f"step-{parts[1]}-{'_'.join(parts[2:])}"
    return parts[0]


# A step added from the page starts with words the recruiter then edits (a step needs them).
NEW_STEP = {
    "email": {"kind": "email", "subject": "", "thread": "reply",
              "body": 'Hi {{ first_name | default("there") }}, just following up on my note.',
              "wait": {"amount": 3, "unit": "business_days"}},
    "task": {"kind": "task", "task_type": "call",
             "instructions": 'Call {{ first_name | default("them") }} about the role.',
             "wait": {"amount": 2, "unit": "business_days"}},
}  # fmt: skip


def field_labels(errors: dict[str, str]) -> dict[str, str]:
    """Words for the error summary: `step-2-body` → "Step 3 body"."""
    labels = {}
    for field_id in errors:
        parts = field_id.split("-", 2)
        if parts[0] == "step" and len(parts) == 3 and parts[1].isdigit():
            labels[field_id] = f"Step {int(parts[1]) + 1} {parts[2].replace('_', ' ')}"
        else:
            labels[field_id] = field_id.removeprefix("seq-").replace("_", " ").capitalize()
    return labels


@bp.route("/sequences/new", methods=["GET", "POST"])
def sequence_new():  # type: ignore[no-untyped-def]
    values = {"name": "", "subject": "", "body": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in values}
        data = {
            "name": values["name"],
            "steps": [
                {"kind": "email", "subject": values["subject"], "body": values["body"],
                 "thread": "new", "wait": {"amount": 0, "unit": "days"}}
            ],
        }  # fmt: skip
        try:
            sequence = create_sequence(
                db_session(), current_user.account_id, current_user.id, data, utcnow()
            )
        except Refused as error:
            field = {"step-0-subject": "subject", "step-0-body": "body"}.get(
                _field_id(error.field), _field_id(error.field)
            )
            errors[field] = error.message
        else:
            flash(f"Sequence “{sequence.name}” made. Add its next steps below.", "success")
            return redirect(url_for("web.sequence", sequence_id=sequence.id, tab="steps"))
    return render_template(
        "sequences/new.html", values=values, errors=errors, has_errors=bool(errors)
    ), (422 if errors else 200)


def _detail(sequence: Sequence, tab: str, status: int = 200, **extra: Any):  # type: ignore[no-untyped-def]
    session = db_session()
    data = sequence_json(session, sequence)
    context: dict[str, Any] = {
        "sequence": data,
        "tab": tab,
        "tabs": TABS,
        "status_words": STATUS_WORDS,
        "task_words": TASK_WORDS,
        "task_types": TASK_TYPES,
        "wait_units": WAIT_UNITS,
        "unit_words": UNIT_WORDS,
        "errors": extra.pop("errors", {}),
    }
    if tab == "contacts":
        rows = sequence_people(
            session,
            sequence.id,
            before_id=positive_id(request.args.get("before")),
            limit=defaults.WEB_PAGE_SIZE + 1,  # one more than a page: there is a next page
        )
        page = rows[: defaults.WEB_PAGE_SIZE]
        context["people"] = [(enrollment_json(e), c) for e, c in page]
        context["next_before"] = page[-1][0].id if len(rows) > len(page) else None
    if tab == "steps":
        context["steps"] = extra.pop("steps", None) or data["steps"]
    if tab == "syncing":
        choice = extra.pop("choice", None) or TargetChoice.from_target(sequence.greenhouse_target)
        lists, problem = greenhouse_lists([choice.job_id] if choice.job_id else [])
        context |= {
            "choice": choice,
            "lists": lists,
            "gh_problem": problem,
            "target_words": describe_target(sequence.greenhouse_target, lists),
        }
    context |= extra
    context["has_errors"] = bool(context["errors"])
    context["error_labels"] = field_labels(context["errors"])
    return render_template("sequences/detail.html", **context), status


@bp.route("/sequences/<int:sequence_id>")
def sequence(sequence_id: int):  # type: ignore[no-untyped-def]
    tab = request.args.get("tab", "contacts")
    if tab not in dict(TABS):
        tab = "contacts"
    return _detail(_sequence(sequence_id), tab)


@bp.route("/sequences/<int:sequence_id>/steps", methods=["POST"])
def sequence_steps(sequence_id: int):  # type: ignore[no-untyped-def]
    sequence = _sequence(sequence_id)
    steps = _steps_from_form(request.form)
    adding = request.form.get("add")
    if adding in NEW_STEP:
        steps.append(NEW_STEP[adding])
    try:
        update_sequence(db_session(), sequence, {"steps": steps}, utcnow())
    except Refused as error:
        return _detail(
            sequence, "steps", 422, steps=steps, errors={_field_id(error.field): error.message}
        )
    flash(
        "Steps saved. People already in the sequence keep the steps they started with.", "success"
    )
    return redirect(url_for("web.sequence", sequence_id=sequence.id, tab="steps"))


@bp.route("/sequences/<int:sequence_id>/settings", methods=["POST"])
def sequence_settings(sequence_id: int):  # type: ignore[no-untyped-def]
    sequence = _sequence(sequence_id)
    now = utcnow()
    action = request.form.get("action")
    if action == "pause":
        pause_sequence(db_session(), sequence, now)
        flash("Sequence paused: nothing is sent until you resume it.", "success")
    elif action == "resume":
        resume_sequence(db_session(), sequence, now)
        flash("Sequence resumed.", "success")
    else:
        changes = {
            "name": request.form.get("name", ""),
            "settings": {"stop_on_company_reply": request.form.get("stop_on_company_reply") == "y"},
        }
        try:
            update_sequence(db_session(), sequence, changes, now)
        except Refused as error:
            return _detail(
                sequence, "settings", 422, errors={_field_id(error.field): error.message}
            )
        flash("Settings saved.", "success")
    return redirect(url_for("web.sequence", sequence_id=sequence.id, tab="settings"))


@bp.route("/sequences/<int:sequence_id>/syncing", methods=["POST"])
def sequence_syncing(sequence_id: int):  # type: ignore[no-untyped-def]
    sequence = _sequence(sequence_id)
    picked = picked_target(request.form, "seq")
    if request.form.get("action") == "load_stages":
        return _detail(sequence, "syncing", choice=picked.choice)
    if picked.errors:
        return _detail(sequence, "syncing", 422, choice=picked.choice, errors=picked.errors)
    changes = {
        "sync_disabled": request.form.get("sync_disabled") == "y",
        "greenhouse_target": picked.target,
    }
    update_sequence(db_session(), sequence, changes, utcnow())
    flash("Syncing saved. It applies to people added from now on.", "success")
    return redirect(url_for("web.sequence", sequence_id=sequence.id, tab="syncing"))
