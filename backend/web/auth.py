"""Signing in and out, and accepting an invite (or the first-run setup link)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from flask_login import login_user
from flask_login import logout_user
from werkzeug.wrappers import Response

from backend import defaults
from backend.accounts.signin import SignInProblem
from backend.accounts.signin import accept_invite
from backend.accounts.signin import authenticate_password
from backend.accounts.signin import open_invite
from backend.infra.services import db_session
from backend.infra.services import services
from backend.web.blueprint import bp
from backend.web.forms import AcceptInviteForm
from backend.web.forms import LoginForm
from backend.web.users import SignedIn

WINDOW_SECONDS = defaults.LOGIN_FAILURE_WINDOW.total_seconds()


def cheap_hashing() -> bool:
    return bool(current_app.config.get("TESTING"))


def safe_next(target: str | None) -> str | None:
    """Only a path on this site (no scheme, no host, no '//' or backslash tricks)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.route("/")
def home() -> Response:
    if not current_user.is_authenticated:
        return redirect(url_for("web.login"))
    for endpoint in ("web.sequences", "web.account"):
        if endpoint in current_app.view_functions:
            return redirect(url_for(endpoint))
    return redirect(url_for("web.account"))


def _limit_keys(email: str) -> list[tuple[str, int]]:
    return [
        (f"login:email:{email.strip().lower()}", defaults.LOGIN_FAILURES_PER_EMAIL),
        (f"login:ip:{request.remote_addr}", defaults.LOGIN_FAILURES_PER_ADDRESS),
    ]


def _throttled(email: str) -> bool:
    limiter = services().limiter
    return any(
        limiter.seconds_until_free(key, limit, WINDOW_SECONDS) > 0
        for key, limit in _limit_keys(email)
    )


def _count_failure(email: str) -> None:
    for key, limit in _limit_keys(email):
        services().limiter.try_acquire(key, limit, WINDOW_SECONDS)


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    form = LoginForm(request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
        if current_user.is_authenticated:
            return redirect(form.next.data or url_for("web.home"))
        return render_template("auth/login.html", form=form)
    if not form.validate():
        return render_template("auth/login.html", form=form), 422
    email = form.email.data
    if _throttled(email):
        form.add_error("password", "Too many failed attempts. Wait 15 minutes and try again.")
        return render_template("auth/login.html", form=form), 429
    user = authenticate_password(db_session(), email, form.password.data, cheap=cheap_hashing())
    if user is None:
        _count_failure(email)
        form.add_error("password", "The email or password is not right.")
        return render_template("auth/login.html", form=form), 422
    session.clear()  # a fresh session (and CSRF token) on every sign-in: no fixation
    session.permanent = True
    login_user(SignedIn(user))
    return redirect(safe_next(form.next.data) or url_for("web.home"))


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("web.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def invite(token: str):  # type: ignore[no-untyped-def]
    row = open_invite(db_session(), token)
    if row is None:
        abort(404)
    form = AcceptInviteForm(request.form if request.method == "POST" else None)
    if row.email:
        form.email.data = row.email
        form.email.render_kw = {**(form.email.render_kw or {}), "readonly": True}
    context = {"form": form, "invite": row, "first_admin": row.created_by is None}
    if request.method == "GET":
        return render_template("auth/invite.html", **context)
    if not form.validate():
        return render_template("auth/invite.html", **context), 422
    try:
        user = accept_invite(
            db_session(),
            token,
            email=form.email.data,
            name=form.name.data,
            password=form.new_password.data,
            cheap=cheap_hashing(),
        )
    except SignInProblem as exc:
        form.add_error(exc.field, str(exc))
        return render_template("auth/invite.html", **context), 422
    session.clear()
    session.permanent = True
    login_user(SignedIn(user))
    flash(f"Welcome, {user.name or user.email}. You are signed in.", "success")
    return redirect(url_for("web.home"))
