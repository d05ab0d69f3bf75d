"""Manual tasks: the user's due / upcoming / completed list; complete (with a note) or skip."""

from __future__ import annotations

from typing import Any

from flask import g
from flask import request

from backend.api.blueprint import Blueprint
from backend.api.paging import fail
from backend.api.paging import page
from backend.api.paging import page_args
from backend.infra.services import db_session
from backend.sequences.manual_tasks import VIEWS
from backend.sequences.manual_tasks import finish_task
from backend.sequences.manual_tasks import list_tasks
from backend.store.models import utcnow

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="Manual tasks")
SECURITY = [{"bearer": []}]


@blp.route("", methods=["GET"])
@blp.doc(security=SECURITY)
def tasks() -> dict[str, Any]:
    """`?view=due|upcoming|completed&mine=true`"""
    limit, after = page_args()
    view = request.args.get("view", "due")
    if view not in VIEWS:
        fail(422, f"one of {', '.join(VIEWS)}", "view")
    mine = request.args.get("mine", "false").lower()
    if mine not in ("true", "false", "1", "0"):
        fail(422, "true or false", "mine")
    items = list_tasks(
        db_session(),
        g.user.account_id,
        view=view,
        now=utcnow(),
        user_id=g.user.id if mine in ("true", "1") else None,
        after_id=after,
        limit=limit,
    )
    return page(items, limit)


def _finish(task_id: int, *, skipped: bool) -> dict[str, Any]:
    body = request.get_json(silent=True) or {}
    if not isinstance(body, dict):
        fail(400, "send a JSON object")
    note = body.get("note")
    if note is not None and not isinstance(note, str):
        fail(422, "text", "note")
    return finish_task(
        db_session(),
        g.user.account_id,
        task_id,
        user_id=g.user.id,
        now=utcnow(),
        skipped=skipped,
        note=note,
    )


@blp.route("/<int:task_id>/complete", methods=["POST"])
@blp.doc(security=SECURITY)
def complete(task_id: int) -> dict[str, Any]:
    return _finish(task_id, skipped=False)


@blp.route("/<int:task_id>/skip", methods=["POST"])
@blp.doc(security=SECURITY)
def skip(task_id: int) -> dict[str, Any]:
    return _finish(task_id, skipped=True)
