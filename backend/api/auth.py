"""Bearer-token authentication for everything under `/api/` (except the OpenAPI document)."""

from __future__ import annotations

from flask import g
from flask import request
from flask_smorest import abort

from backend.accounts.users import authenticate
from backend.accounts.users import hash_token
from backend.infra.services import db_session
from backend.infra.services import services

PUBLIC_API_PATHS = {"/api/openapi.json"}


def require_token() -> None:
    """`before_request` hook: sets `g.user` or answers 401 in the one error format."""
    if not request.path.startswith("/api/") or request.path in PUBLIC_API_PATHS:
        return
    if request.method == "OPTIONS":  # CORS preflight carries no credentials
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401, message="Missing bearer token: send 'Authorization: Bearer <API token>'.")
    user = authenticate(db_session(), token.strip())
    if user is None:
        abort(401, message="The API token is not valid (unknown or revoked).")
    g.user = user
    limit_token(token.strip())


def limit_token(token: str) -> None:
    """At most API_RATE_LIMIT requests per token, counted across every worker (Redis)."""
    svc = services()
    limit = svc.settings["API_RATE_LIMIT"]
    retry_after = svc.limiter.hit(f"api-token:{hash_token(token)[:32]}", limit)
    if retry_after:
        abort(
            429,
            message=f"Too many requests for this API token (limit {limit}); retry later.",
            headers={"Retry-After": str(retry_after)},
        )


def require_admin() -> None:
    if not g.user.is_admin:
        abort(403, message="Only an account admin can do this.")
