"""/extension/connect: the signed-in user confirms; the extension gets a one-time code (PKCE).

Never approved on GET: a page elsewhere could open this URL, but only a POST carrying this
site's CSRF token issues a code. The code travels back in the URL fragment of
/extension/connected, which the browser never sends to a server, so it stays out of logs.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from backend.accounts.extension_connect import ConnectProblem
from backend.accounts.extension_connect import check_challenge
from backend.accounts.extension_connect import issue_code
from backend.infra.services import db_session
from backend.web.blueprint import bp

STATE_MAX = 200
DEVICE_MAX = 100


def _params(source: dict[str, str]) -> dict[str, str]:
    try:
        challenge = check_challenge(
            source.get("code_challenge"), source.get("code_challenge_method")
        )
    except ConnectProblem as exc:
        abort(400, description=str(exc))
    state = source.get("state", "")
    if not state or len(state) > STATE_MAX:
        abort(400, description="Missing state.")
    return {
        "code_challenge": challenge,
        "state": state,
        "device": (source.get("device") or "Chrome extension")[:DEVICE_MAX],
    }


@bp.route("/extension/connect", methods=["GET", "POST"])
def extension_connect():  # type: ignore[no-untyped-def]
    if request.method == "GET":
        return render_template("auth/connect.html", params=_params(request.args))
    params = _params(request.form)
    code = issue_code(
        db_session(), current_user.user, params["code_challenge"], label=params["device"]
    )
    fragment = urlencode({"code": code, "state": params["state"]})
    return redirect(f"{url_for('web.extension_connected')}#{fragment}", code=303)


@bp.route("/extension/connected")
def extension_connected() -> Response | str:
    return render_template("auth/connected.html")
