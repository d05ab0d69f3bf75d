"""Manual tasks (calls, LinkedIn messages, custom): due, upcoming and completed, and Complete
(with a note), through the sequences feature's `list_tasks` / `finish_task`; a page at a time,
oldest first, "More tasks" continuing after the last one shown."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from backend import defaults
from backend.infra.services import db_session
from backend.sequences.manual_tasks import finish_task
from backend.sequences.manual_tasks import list_tasks
from backend.sequences.steps import TASK_WORDS
from backend.store.models import utcnow
from backend.web.blueprint import bp
from backend.web.blueprint import positive_id

VIEWS = (("due", "Due"), ("upcoming", "Upcoming"), ("completed", "Completed"))


@bp.route("/tasks")
def tasks():  # type: ignore[no-untyped-def]
    view = request.args.get("view", "due")
    if view not in dict(VIEWS):
        view = "due"
    mine = request.args.get("mine") == "true"
    after = positive_id(request.args.get("after"))
    items = list_tasks(
        db_session(),
        current_user.account_id,
        view=view,
        now=utcnow(),
        user_id=current_user.id if mine else None,
        after_id=after or 0,
        limit=defaults.WEB_PAGE_SIZE + 1,
    )
    more = len(items) > defaults.WEB_PAGE_SIZE  # one more than a page: there is a next page
    items = items[: defaults.WEB_PAGE_SIZE]
    return render_template(
        "tasks/list.html",
        items=items,
        view=view,
        views=VIEWS,
        mine=mine,
        task_words=TASK_WORDS,
        after=after,
        next_after=items[-1]["id"] if more else None,
    )


@bp.route("/tasks/<int:task_id>/complete", methods=["POST"])
def task_complete(task_id: int) -> Response:
    note = request.form.get("note", "").strip() or None
    skipped = request.form.get("action") == "skip"
    finish_task(  # a refusal goes back to the list with why (the web error handler)
        db_session(),
        current_user.account_id,
        task_id,
        user_id=current_user.id,
        now=utcnow(),
        skipped=skipped,
        note=note,
    )
    flash("Task skipped." if skipped else "Task completed.", "success")
    # Back to the page the task was on, not the first one.
    return redirect(
        url_for(
            "web.tasks",
            view=request.form.get("view", "due"),
            mine="true" if request.form.get("mine") == "true" else None,
            after=positive_id(request.form.get("after")),
        )
    )
