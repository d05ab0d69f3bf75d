"""The account page: password, connected extensions (Revoke), and for admins the team."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

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
from werkzeug.wrappers import Response

from backend.accounts.extension_connect import extension_tokens
from backend.accounts.extension_connect import revoke_token
from backend.accounts.signin import SignInProblem
from backend.accounts.signin import change_password
from backend.accounts.signin import create_invite
from backend.accounts.signin import pending_invites
from backend.accounts.signin import set_role
from backend.accounts.signin import team_members
from backend.infra.services import db_session
from backend.infra.services import services
from backend.web.blueprint import bp
from backend.web.forms import ChangePasswordForm
from backend.web.forms import InviteForm
from backend.web.forms import RoleForm
from backend.web.users import SignedIn


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _page(status: int = 200, **forms: Any):  # type: ignore[no-untyped-def]
    db = db_session()
    user = current_user.user
    context: dict[str, Any] = {
        "password_form": forms.get("password_form") or ChangePasswordForm(),
        "invite_form": forms.get("invite_form") or InviteForm(),
        "extensions": extension_tokens(db, user.id),
        "invite_link": forms.get("invite_link"),
        "members": [],
        "invites": [],
    }
    if user.is_admin:
        context["members"] = [
            (member, RoleForm(data={"role": member.role}, prefix=f"m{member.id}"))
            for member in team_members(db, user.account_id)
        ]
        context["invites"] = pending_invites(db, user.account_id)
    has_errors = any(
        getattr(form, "has_errors", False) for form in forms.values() if form is not None
    )
    return render_template("auth/account.html", has_errors=has_errors, **context), status


@bp.route("/account")
def account():  # type: ignore[no-untyped-def]
    return _page()


@bp.route("/account/password", methods=["POST"])
def account_password():  # type: ignore[no-untyped-def]
    form = ChangePasswordForm(request.form)
    if not form.validate():
        return _page(422, password_form=form)
    user = current_user.user
    try:
        change_password(
            db_session(),
            user,
            form.current_password.data,
            form.new_password.data,
            cheap=bool(current_app.config.get("TESTING")),
        )
    except SignInProblem as exc:
        form.add_error(exc.field, str(exc))
        return _page(422, password_form=form)
    # This browser stays signed in with the new stamp; every other session is now refused.
    session.clear()
    session.permanent = True
    login_user(SignedIn(user))
    flash("Password changed. Other browsers signed in as you have been signed out.", "success")
    return redirect(url_for("web.account"))


@bp.route("/account/extensions/<int:token_id>/revoke", methods=["POST"])
def account_revoke_extension(token_id: int) -> Response:
    if not revoke_token(db_session(), current_user.id, token_id):
        abort(404)
    flash("Extension disconnected: it can no longer reach Sourcebridge.", "success")
    return redirect(url_for("web.account"))


@bp.route("/account/invites", methods=["POST"])
@admin_required
def account_invite():  # type: ignore[no-untyped-def]
    form = InviteForm(request.form)
    if not form.validate():
        return _page(422, invite_form=form)
    try:
        issued = create_invite(
            db_session(),
            current_user.account_id,
            email=form.email.data,
            role=form.role.data,
            created_by=current_user.id,
        )
    except SignInProblem as exc:
        form.add_error(exc.field, str(exc))
        return _page(422, invite_form=form)
    link = f"{services().settings.public_url}{url_for('web.invite', token=issued.token)}"
    flash(
        f"Invite made for {issued.invite.email}. Send them the link below; it works once.",
        "success",
    )
    return _page(201, invite_link=link)


@bp.route("/account/members/<int:user_id>/role", methods=["POST"])
@admin_required
def account_member_role(user_id: int) -> Response:
    form = RoleForm(request.form, prefix=f"m{user_id}")
    if not form.validate():
        abort(400)
    try:
        member = set_role(db_session(), current_user.account_id, user_id, form.role.data)
    except LookupError:
        abort(404)
    except SignInProblem as exc:
        flash(str(exc), "error")
        return redirect(url_for("web.account"))
    flash(f"{member.email} is now {'an admin' if member.is_admin else 'a member'}.", "success")
    return redirect(url_for("web.account"))
