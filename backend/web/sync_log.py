"""The sync log: the team's Greenhouse actions newest first, filtered by status and contact,
each error in words with what to do, and Retry (a plain POST; with htmx it swaps the row).

Reads and retries through `backend.sync.log`, the calls the JSON API makes (`api/sync_log.py`).
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
from sqlalchemy import select

from backend import defaults
from backend.greenhouse.links import candidate_url
from backend.infra.services import db_session
from backend.infra.services import services
from backend.jobs.sync import request_sync
from backend.store.models import Contact
from backend.store.models import SyncJob
from backend.sync import log as sync_log_feature
from backend.web.blueprint import bp
from backend.web.blueprint import positive_id
from backend.web.integrations import is_htmx
from backend.web.people import person_name
from backend.web.sync_words import STATUS_WORDS
from backend.web.sync_words import advice
from backend.web.sync_words import kind_words

STATUS_FILTERS = (("", "All"), ("failed", "Failed"), ("pending", "Waiting"), ("done", "Done"))


def _people(contact_ids: set[int]) -> dict[int, str]:
    if not contact_ids:
        return {}
    rows = db_session().scalars(
        select(Contact).where(
            Contact.id.in_(contact_ids), Contact.account_id == current_user.account_id
        )
    )
    return {c.id: person_name(c) for c in rows}


def row_view(entry: dict[str, Any], people: dict[int, str]) -> dict[str, Any]:
    """One log entry with the words and links the page shows."""
    ids = entry["greenhouse_ids"] or {}
    candidate_id = ids.get("candidate_id")
    link = (
        candidate_url(
            services().settings.greenhouse_app_url, candidate_id, ids.get("application_id")
        )
        if isinstance(candidate_id, int)
        else None
    )
    return {
        **entry,
        "kind_words": kind_words(entry["kind"]),
        "status_words": STATUS_WORDS.get(entry["status"], entry["status"]),
        "advice": advice(entry["error"], entry["error_code"])
        if entry["status"] != "done"
        else None,
        "person": people.get(entry["contact_id"] or 0),
        "greenhouse_url": link,
        "greenhouse_pairs": [(k.replace("_", " "), v) for k, v in ids.items() if v is not None],
    }


@bp.route("/sync")
def sync_log():  # type: ignore[no-untyped-def]
    status = request.args.get("status", "")
    if status not in sync_log_feature.LOG_STATUSES:
        status = ""
    contact_id = positive_id(request.args.get("contact_id"))
    before = positive_id(request.args.get("before"))
    entries, next_id = sync_log_feature.sync_log(
        db_session(),
        current_user.account_id,
        contact_id=contact_id,
        status=status or None,
        limit=defaults.WEB_PAGE_SIZE,
        before_id=before,
    )
    people = _people({e["contact_id"] for e in entries if e["contact_id"]} | {contact_id or 0})
    return render_template(
        "sync/log.html",
        rows=[row_view(e, people) for e in entries],
        status=status,
        statuses=STATUS_FILTERS,
        contact_id=contact_id,
        contact_name=people.get(contact_id or 0),
        before=before,
        next_id=next_id,
    )


@bp.route("/sync/<int:entry_id>/retry", methods=["POST"])
def sync_retry(entry_id: int):  # type: ignore[no-untyped-def]
    session = db_session()
    problem = None
    try:
        sync_log_feature.retry(session, current_user.account_id, entry_id)
    except sync_log_feature.NotFoundHere:
        abort(404)
    except sync_log_feature.CannotRetry as exc:
        problem = str(exc)
    else:
        session.commit()  # the consumer must see the row back in line
        request_sync()
    if is_htmx():
        session.expire_all()  # the sync may already have run it (an immediate queue)
        entry = sync_log_feature.log_entry(session.get(SyncJob, entry_id))
        row = row_view(entry, _people({entry["contact_id"] or 0}))
        message = problem or f"Retry queued: {row['kind_words'].lower()}."
        return render_template("sync/_row.html", row=row, announce=message, problem=problem)
    if problem:
        flash(f"Not retried: {problem}", "error")
    else:
        flash("Retry queued. The row shows the result once the sync has run.", "success")
    back = {k: v for k, v in request.form.items() if k in ("status", "contact_id") and v}
    return redirect(url_for("web.sync_log", **back) + f"#entry-{entry_id}")
