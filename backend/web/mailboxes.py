"""Mailboxes: the team's sending mailboxes (status, caps), connect one with a password or app
password or, where the operator set up Google / Microsoft OAuth, by signing in with the provider;
Test (SMTP, IMAP, SPF/DKIM/DMARC in words), Remove — through the mailboxes feature's own
functions, the ones the JSON API calls."""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC
from datetime import datetime
from typing import Any

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from backend.infra.services import db_session
from backend.infra.services import services
from backend.mailboxes.context import MailContext
from backend.mailboxes.oauth import OAuthError
from backend.mailboxes.oauth import authorization_url
from backend.mailboxes.oauth import exchange_code
from backend.mailboxes.service import MailboxInputError
from backend.mailboxes.service import MailboxNotFound
from backend.mailboxes.service import MailboxNotYours
from backend.mailboxes.service import check_mailbox
from backend.mailboxes.service import connect_oauth_mailbox
from backend.mailboxes.service import create_mailbox
from backend.mailboxes.service import delete_mailbox
from backend.mailboxes.service import get_mailbox
from backend.mailboxes.service import list_mailboxes
from backend.mailboxes.service import mail_address
from backend.mailboxes.service import mailbox_view
from backend.mailboxes.service import may_manage
from backend.web.blueprint import bp

PROVIDER_WORDS = {"google": "Google", "microsoft": "Microsoft"}
OAUTH_PENDING = "mailbox_oauth"  # the session key of a sign-in with a provider under way
SECURITY_WORDS = (("starttls", "STARTTLS"), ("tls", "TLS"), ("none", "None (tests only)"))
EMPTY = {
    "address": "", "display_name": "", "daily_cap": "200", "min_gap_seconds": "100",
    "smtp-host": "", "smtp-port": "587", "smtp-security": "starttls", "smtp-username": "",
    "imap-host": "", "imap-port": "993", "imap-security": "tls", "imap-username": "",
}  # fmt: skip


def _context() -> MailContext:
    svc = services()
    return MailContext.from_settings(svc.settings, svc.secrets)


def _int(value: str) -> int | str:
    value = (value or "").strip()
    return int(value) if value.isdigit() else value


def _input(form: Any) -> dict[str, Any]:
    """The form as the API's mailbox input (numbers that are not numbers stay text: refused)."""
    data: dict[str, Any] = {
        "address": form.get("address", ""),
        "display_name": form.get("display_name") or None,
        "daily_cap": _int(form.get("daily_cap", "")),
        "min_gap_seconds": _int(form.get("min_gap_seconds", "")),
    }
    for server in ("smtp", "imap"):
        data[server] = {
            "host": form.get(f"{server}-host", ""),
            "port": _int(form.get(f"{server}-port", "")),
            "security": form.get(f"{server}-security", ""),
            "username": form.get(f"{server}-username", ""),
            "password": form.get(f"{server}-password") or None,
        }
    return data


def _page(status: int = 200, **extra: Any):  # type: ignore[no-untyped-def]
    rows = list_mailboxes(db_session(), current_user.account_id)
    errors = extra.pop("errors", {})
    return render_template(
        "mailboxes/list.html",
        mailboxes=[mailbox_view(m) for m in rows],
        values=extra.pop("values", EMPTY),
        errors=errors,
        has_errors=bool(errors),
        securities=SECURITY_WORDS,
        providers=[(name, PROVIDER_WORDS[name]) for name in _context().oauth],
        **extra,
    ), status


@bp.route("/mailboxes")
def mailboxes():  # type: ignore[no-untyped-def]
    return _page()


@bp.route("/mailboxes", methods=["POST"])
def mailbox_create():  # type: ignore[no-untyped-def]
    values = {key: request.form.get(key, default) for key, default in EMPTY.items()}
    try:
        mailbox = create_mailbox(
            db_session(), current_user.account_id, current_user.id, _input(request.form), _context()
        )
    except MailboxInputError as exc:
        errors = {
            ("smtp-host" if key == "smtp" else "imap-host" if key == "imap" else key): "; ".join(
                messages
            )
            for key, messages in exc.errors.items()
        }
        return _page(422, values=values, errors=errors)
    flash(f"Mailbox {mailbox.address} connected. Press Test to check it.", "success")
    return redirect(url_for("web.mailboxes"))


@bp.route("/mailboxes/<int:mailbox_id>/test", methods=["POST"])
def mailbox_test(mailbox_id: int):  # type: ignore[no-untyped-def]
    try:
        result = check_mailbox(db_session(), current_user.account_id, mailbox_id, _context())
    except MailboxNotFound:
        abort(404)
    if request.headers.get("HX-Request") == "true":
        return render_template("mailboxes/_test_result.html", result=result)
    return _page(tested=mailbox_id, result=result)


@bp.route("/mailboxes/<int:mailbox_id>/delete", methods=["POST"])
def mailbox_delete(mailbox_id: int) -> Response:
    try:
        mailbox = get_mailbox(db_session(), current_user.account_id, mailbox_id)
    except MailboxNotFound:
        abort(404)
    if not may_manage(mailbox, current_user.id, is_admin=current_user.is_admin):
        abort(403)
    delete_mailbox(db_session(), current_user.account_id, mailbox_id)
    flash(f"Mailbox {mailbox.address} removed.", "success")
    return redirect(url_for("web.mailboxes"))


def _oauth_redirect_uri(provider: str) -> str:
    """The callback the provider sends the browser back to (registered with the provider)."""
    path = url_for("web.mailbox_oauth_callback", provider=provider)
    return f"{services().settings.public_url.rstrip('/')}{path}"


@bp.route("/mailboxes/oauth/<provider>", methods=["POST"])
def mailbox_oauth_start(provider: str) -> Response:
    """Sign in with Google or Microsoft: off to the provider's consent page, with a state that
    only this browser's session knows."""
    chosen = _context().oauth.get(provider)
    if chosen is None:
        abort(404)
    address = mail_address(request.form.get("address"))
    if address is None:
        flash("Enter the address of the mailbox to connect.", "error")
        return redirect(url_for("web.mailboxes") + "#oauth-title")
    state = secrets.token_urlsafe(24)
    session[OAUTH_PENDING] = {"provider": provider, "state": state, "address": address}
    return redirect(
        authorization_url(
            chosen, redirect_uri=_oauth_redirect_uri(provider), state=state, login_hint=address
        )
    )


@bp.route("/mailboxes/oauth/<provider>/callback")
def mailbox_oauth_callback(provider: str) -> Response:
    """The provider's answer: the code for tokens, then the mailbox (its servers are the
    provider's own; XOAUTH2 on both)."""
    pending = session.pop(OAUTH_PENDING, None) or {}
    back = redirect(url_for("web.mailboxes"))
    state = request.args.get("state", "")
    if pending.get("provider") != provider or not hmac.compare_digest(
        str(pending.get("state", "")), state
    ):
        flash("This sign-in was not started here or has expired. Try again.", "error")
        return back
    words = PROVIDER_WORDS.get(provider, provider)
    if request.args.get("error") or not request.args.get("code"):
        flash(f"{words} did not give access to the mailbox.", "error")
        return back
    ctx = _context()
    try:
        tokens = exchange_code(
            ctx.oauth[provider],
            code=request.args["code"],
            redirect_uri=_oauth_redirect_uri(provider),
            now=datetime.now(UTC),
        )
    except OAuthError as exc:
        flash(f"Could not connect the mailbox: {exc}", "error")
        return back
    try:
        mailbox = connect_oauth_mailbox(
            db_session(),
            current_user.account_id,
            current_user.id,
            provider=provider,
            address=pending["address"],
            display_name=None,
            tokens=tokens,
            ctx=ctx,
        )
    except MailboxNotYours as exc:
        flash(f"Not connected: {exc}; only they can reconnect it.", "error")
        return back
    flash(f"Mailbox {mailbox.address} connected with {words}. Press Test to check it.", "success")
    return back
