"""Bearer-token authentication for everything under `/api/` (except the OpenAPI document)."""

from __future__ import annotations

import time
from typing import Any

from flask import g
from flask import request
from flask_smorest import abort
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import make_transient_to_detached

from backend import defaults
from backend.accounts.users import authenticate
from backend.accounts.users import hash_token
from backend.api.extension import TOKEN_PATH
from backend.infra.services import db_session
from backend.infra.services import services
from backend.store.models import User

PUBLIC_API_PATHS = {"/api/openapi.json", TOKEN_PATH}


def require_token() -> None:
    """`before_request` hook: sets `g.user` or answers 401 in the one error format."""
    if not request.path.startswith("/api/") or request.path in PUBLIC_API_PATHS:
        return
    if request.method == "OPTIONS":  # CORS preflight carries no credentials
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        abort(401, message="Missing bearer token: send 'Authorization: Bearer <API token>'.")
    digest = hash_token(token)
    g.user = token_user(digest, token)
    limit_token(digest)


def token_user(digest: str, token: str) -> User:
    """The token's user: from the brief per-process cache (no query), else `authenticate`."""
    svc = services()
    users: TokenUsers = svc.extras.setdefault("token-users", TokenUsers())
    now = time.monotonic()
    values = users.get(digest, now)
    if values is not None:
        return detached_user(values)
    user = authenticate(db_session(), token)
    if user is None:
        abort(401, message="The API token is not valid (unknown or revoked).")
    ttl = svc.settings.token_cache_seconds
    users.put(digest, user_values(user), now + ttl)
    return user


class TokenUsers:
    """Token digest -> the user's columns, until a deadline: a page view's several API calls
    cost one token query per few seconds, and a revoked token stops working within them."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, dict[str, Any]]] = {}

    def get(self, digest: str, now: float) -> dict[str, Any] | None:
        entry = self._entries.get(digest)
        if entry is None or entry[0] <= now:
            return None
        return entry[1]

    def put(self, digest: str, values: dict[str, Any], until: float) -> None:
        if len(self._entries) >= defaults.TOKEN_CACHE_MAX_ENTRIES:
            self._entries.clear()  # crude, and rare: a burst of distinct tokens
        self._entries[digest] = (until, values)


def user_values(user: User) -> dict[str, Any]:
    return {attr.key: getattr(user, attr.key) for attr in sa_inspect(User).column_attrs}


def detached_user(values: dict[str, Any]) -> User:
    """A `User` built from cached columns, without a query. Detached: it is in no session (a
    merge per request cost as much as the query it saves), so views read its columns only and
    load anything related (its account) themselves."""
    user = User(**values)
    make_transient_to_detached(user)
    return user


def limit_token(digest: str) -> None:
    """At most API_RATE_LIMIT requests per token, counted across every worker (Redis)."""
    svc = services()
    limit = svc.settings.api_rate_limit
    retry_after = svc.limiter.hit(f"api-token:{digest[:32]}", limit)
    if retry_after:
        abort(
            429,
            message=f"Too many requests for this API token (limit {limit}); retry later.",
            headers={"Retry-After": str(retry_after)},
        )


def require_admin() -> None:
    if not g.user.is_admin:
        abort(403, message="Only an account admin can do this.")
