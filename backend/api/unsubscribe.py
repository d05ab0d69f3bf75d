"""The public unsubscribe page `{PUBLIC_URL}/u/<token>`: no login, the signed token is the key.

GET shows a confirmation page (link scanners and previews open links: a GET never unsubscribes);
POST unsubscribes at once, from the page's button or as an RFC 8058 one-click request
(`List-Unsubscribe=One-Click`, no cookies) sent by the recipient's mail provider. Idempotent.
"""

from __future__ import annotations

import html
from datetime import UTC
from datetime import datetime

from flask import Response
from flask import request
from flask.views import MethodView

from backend.api.blueprint import Blueprint
from backend.infra.services import db_session
from backend.infra.services import services
from backend.mailboxes.unsubscribe import read_unsubscribe_token
from backend.sequences import unsubscribe as unsubscribe_person
from backend.store.models import Account

blp = Blueprint("unsubscribe", __name__, url_prefix="/u", description="Public unsubscribe page")

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the token is in the URL
    "X-Robots-Tag": "noindex",
    "X-Content-Type-Options": "nosniff",
}


def _page(title: str, body: str, status: int = 200) -> Response:
    document = (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32em;margin:4em auto;"
        "padding:0 1em;color:#222}button{font:inherit;padding:.5em 1.2em}</style>"
        f"</head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return Response(document, status=status, mimetype="text/html", headers=HEADERS)


def _not_valid() -> Response:
    text = (
        "<p>This unsubscribe link is not valid. It may have been cut short by your email app.</p>"
    )
    return _page("Link not valid", text, 404)


def _who(token: str) -> tuple[int, str, str] | None:
    found = read_unsubscribe_token(services().settings.secret_key, token)
    if found is None:
        return None
    account = db_session().get(Account, found[0])
    if account is None:
        return None
    return found[0], found[1], account.name


@blp.route("/<token>")
class Unsubscribe(MethodView):
    @blp.doc(security=[])
    def get(self, token: str) -> Response:
        who = _who(token)
        if who is None:
            return _not_valid()
        _, email, team = who
        body = (
            f"<p>Stop all emails to <strong>{html.escape(email)}</strong> from "
            f"{html.escape(team)}?</p>"
            "<form method=post><input type=hidden name=confirm value=yes>"
            "<button type=submit>Unsubscribe</button></form>"
        )
        return _page("Unsubscribe", body)

    @blp.doc(security=[])
    def post(self, token: str) -> Response:
        who = _who(token)
        if who is None:
            return _not_valid()
        account_id, email, team = who
        request.get_data(cache=False)  # "List-Unsubscribe=One-Click" or the form: either counts
        unsubscribe_person(db_session(), account_id, email, datetime.now(UTC))
        body = (
            f"<p>{html.escape(email)} will not receive further emails from {html.escape(team)}.</p>"
        )
        return _page("You are unsubscribed", body)
