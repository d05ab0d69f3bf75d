"""The recruiter's screens: server-rendered pages (Jinja2 + a little htmx) beside the JSON API.

An edge: views call the same feature functions as `backend/api`, never business logic of their
own. Every page needs a signed-in user except those in `PUBLIC_ENDPOINTS`; every form carries a
CSRF token; every response carries a strict CSP (see `security.py`).
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from flask import Flask
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.exceptions import NotFound

from backend.infra.services import db_session
from backend.sequences.errors import Refused
from backend.web import account  # noqa: F401 - registers its routes
from backend.web import auth  # noqa: F401
from backend.web import connect  # noqa: F401
from backend.web import contacts  # noqa: F401
from backend.web import imports  # noqa: F401
from backend.web import integrations  # noqa: F401
from backend.web import mailboxes  # noqa: F401
from backend.web import sequences  # noqa: F401
from backend.web import sync_log  # noqa: F401
from backend.web import tasks  # noqa: F401
from backend.web.auth import safe_next
from backend.web.blueprint import bp
from backend.web.people import person_name
from backend.web.security import csrf
from backend.web.security import init_security
from backend.web.users import login_manager

PUBLIC_ENDPOINTS = frozenset({"web.static", "web.login", "web.invite", "web.home"})

# The navigation, in DESIGN.md's order; a page appears once its view is registered.
NAVIGATION = (
    ("web.integrations", "Integrations"),
    ("web.mailboxes", "Mailboxes"),
    ("web.sequences", "Sequences"),
    ("web.contacts", "Contacts"),
    ("web.tasks", "Tasks"),
    ("web.imports_new", "Import"),
    ("web.sync_log", "Sync log"),
    ("web.account", "Account"),
)
ADMIN_ONLY_NAV = frozenset({"web.integrations"})


@bp.before_request
def _signed_in_and_csrf() -> None:
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if request.endpoint != "web.static":
        csrf.protect()  # POST/PUT/PATCH/DELETE only


@bp.app_context_processor
def _navigation() -> dict[str, object]:
    def nav_items() -> list[tuple[str, str]]:
        endpoints = current_app.view_functions
        admin = current_user.is_authenticated and current_user.is_admin
        return [
            (endpoint, label)
            for endpoint, label in NAVIGATION
            if endpoint in endpoints and (admin or endpoint not in ADMIN_ONLY_NAV)
        ]

    return {"nav_items": nav_items}


@bp.errorhandler(HTTPException)
def _error_page(error: HTTPException):  # type: ignore[no-untyped-def]
    if error.response is not None:  # e.g. the sign-in redirect
        return error.response
    return (
        render_template("errors/error.html", error=error, description=_say(error)),
        error.code or 500,
    )


@bp.errorhandler(Exception)
def _unexpected(error: Exception):  # type: ignore[no-untyped-def]
    current_app.logger.exception("unhandled error in a web page")
    return _error_page(InternalServerError())


@bp.errorhandler(Refused)
def _refused(error: Refused):  # type: ignore[no-untyped-def]
    """The sequences feature refused: a missing thing is the not-found page; anything else goes
    back to the page the form was sent from, saying why (a form that shows the error beside its
    field catches it itself)."""
    if error.status == 404:
        return _error_page(NotFound())
    db_session().rollback()  # the redirect is no error answer: keep nothing, as one would
    flash(f"Not done: {error.message.rstrip('.')}.", "error")
    return redirect(_back())


def _back() -> str:
    """The page the request came from when it is one of this site's, else the start page."""
    referrer = urlsplit(request.referrer or "")
    path = urlunsplit(("", "", referrer.path, referrer.query, ""))
    return (referrer.netloc == request.host and safe_next(path)) or url_for("web.home")


def _say(error: HTTPException) -> str:
    words = {
        400: "The form could not be sent. Reload the page and try again.",
        403: "Only a team admin can open this page.",
        404: "There is nothing here. It may have been removed.",
        405: "This page does not take that kind of request.",
        413: "What you sent is too large.",
        429: "Too many attempts. Wait a few minutes and try again.",
    }
    return words.get(error.code or 500, "Something went wrong on our side.")


def init_web(app: Flask) -> None:
    init_security(app)
    login_manager.init_app(app)
    app.register_blueprint(bp)
    app.add_template_filter(when)
    app.add_template_filter(iso_when)
    app.add_template_filter(person_name)


def when(value: object) -> str:
    """A time for people: "1 Dec 2026, 14:05 UTC"."""
    if not isinstance(value, datetime):
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%-d %b %Y, %H:%M UTC")


def iso_when(value: object) -> str:
    """An ISO 8601 string (as the feature views return times) for people."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        return when(datetime.fromisoformat(value))
    except ValueError:
        return value
