"""Response headers and CSRF for the web app.

The CSP allows files from our own origin only: no inline script or style anywhere (templates are
checked by a test), htmx configured through a <meta> tag so it injects no style either.
CSRF is checked on the web blueprints only: the JSON API authenticates with a Bearer header and
never reads the session cookie, and webhooks are signed, so neither can be driven by a forged form.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import Response
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer

from backend import defaults

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

csrf = CSRFProtect()


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed cookie sessions, with the signing serializer made once per set of keys:
    Flask makes one per request, which cost every API call (a page view's lookup included)
    about a tenth of a millisecond for a session it never reads."""

    def __init__(self) -> None:
        self._serializer: tuple[tuple[Any, ...], URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        made = self._serializer
        if made is None or made[0] != keys:
            made = self._serializer = (keys, super().get_signing_serializer(app))
        return made[1]


def add_security_headers(response: Response) -> Response:
    """`after_request` for every response (a CSP on JSON is harmless; on HTML it is the point)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")  # pages hold personal data
    return response


def init_security(app: Flask) -> None:
    # Flask's default config already holds these keys: set them, do not setdefault.
    app.config.update(
        WTF_CSRF_CHECK_DEFAULT=False,  # the web blueprint calls csrf.protect() itself
        WTF_CSRF_TIME_LIMIT=None,  # valid as long as the session is
        PERMANENT_SESSION_LIFETIME=defaults.SESSION_LIFETIME,
        SESSION_COOKIE_NAME="sb_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=bool(app.config.get("SESSION_COOKIE_SECURE")),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
    )
    app.session_interface = SessionCookies()
    csrf.init_app(app)
    app.after_request(add_security_headers)
