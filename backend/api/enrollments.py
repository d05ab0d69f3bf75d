"""Enrollments: list, read with events, pause, resume, remove, send the next email now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g
from flask import request
from flask.views import MethodView
from sqlalchemy import select

from backend.api.blueprint import Blueprint
from backend.api.paging import fail
from backend.api.paging import int_arg
from backend.api.paging import page
from backend.api.paging import page_args
from backend.infra.services import db_session
from backend.sequences import lifecycle
from backend.sequences.control import get_enrollment
from backend.sequences.control import pause_enrollment
from backend.sequences.control import remove_enrollment
from backend.sequences.control import resume_enrollment
from backend.sequences.control import send_now
from backend.sequences.events import events_of
from backend.sequences.views import enrollment_json
from backend.store.models import Enrollment
from backend.store.models import utcnow

blp = Blueprint(
    "enrollments", __name__, url_prefix="/api/v1/enrollments", description="Enrollments"
)
SECURITY = [{"bearer": []}]


def _enrollment(enrollment_id: int) -> Enrollment:
    return get_enrollment(db_session(), g.user.account_id, enrollment_id)


def _detail(enrollment: Enrollment) -> dict[str, Any]:
    events = events_of(db_session(), enrollment_id=enrollment.id)
    return {**enrollment_json(enrollment), "events": [e.to_json() for e in events]}


@blp.route("")
class Enrollments(MethodView):
    @blp.doc(security=SECURITY)
    def get(self) -> dict[str, Any]:
        """`?sequence_id=&status=`"""
        limit, after = page_args()
        query = (
            select(Enrollment)
            .where(Enrollment.account_id == g.user.account_id, Enrollment.id > after)
            .order_by(Enrollment.id)
            .limit(limit)
        )
        sequence_id = int_arg("sequence_id")
        if sequence_id is not None:
            query = query.where(Enrollment.sequence_id == sequence_id)
        status = request.args.get("status")
        if status:
            if status not in lifecycle.STATUSES:
                fail(422, f"one of {', '.join(lifecycle.STATUSES)}", "status")
            query = query.where(Enrollment.status == status)
        return page([enrollment_json(e) for e in db_session().scalars(query)], limit)


@blp.route("/<int:enrollment_id>")
class EnrollmentItem(MethodView):
    @blp.doc(security=SECURITY)
    def get(self, enrollment_id: int) -> dict[str, Any]:
        return _detail(_enrollment(enrollment_id))


def _action(name: str, act: Callable[[Any, Enrollment, Any], Any]) -> None:
    def view(enrollment_id: int) -> dict[str, Any]:
        enrollment = _enrollment(enrollment_id)
        act(db_session(), enrollment, utcnow())
        return _detail(enrollment)

    view.__name__ = name.replace("-", "_")
    blp.route(f"/<int:enrollment_id>/{name}", methods=["POST"])(blp.doc(security=SECURITY)(view))


_action("pause", pause_enrollment)
_action("resume", resume_enrollment)
_action("remove", remove_enrollment)
_action("send-now", send_now)
