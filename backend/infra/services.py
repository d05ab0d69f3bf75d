"""The app's shared services, made once per process by `build_services` (in `create_app`).

Edges reach them through `services()` and the request's session through `db_session()`;
features and tasks are handed the `Services` object.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

import redis
from flask import Response
from flask import current_app
from flask import g
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.infra.cache import Cache
from backend.infra.cache import make_cache
from backend.infra.ratelimit import RateLimiter
from backend.infra.secrets_box import SecretBox
from backend.store import Database


@dataclass
class Services:
    settings: Settings
    db: Database
    cache: Cache
    limiter: RateLimiter
    secrets: SecretBox
    extras: dict[str, Any] = field(default_factory=dict)


def build_services(settings: Settings) -> Services:
    """The database, cache, rate limiter and secret box the settings describe."""
    redis_url = settings.redis_url
    return Services(
        settings=settings,
        db=Database(settings.database_url),
        cache=make_cache(redis_url),
        limiter=RateLimiter(redis_url),
        secrets=SecretBox(settings.secret_key),
        extras={"redis": redis.Redis.from_url(redis_url)} if redis_url else {},
    )


def services() -> Services:
    return current_app.extensions["sourcebridge"]


def db_session() -> Session:
    """The request's database session: committed only when the request succeeds."""
    if "db_session" not in g:
        g.db_session = services().db.sessionmaker()
    return g.db_session


def commit_db_session(response: Response) -> Response:
    """`after_request`: keep the request's writes only when it succeeded (< 400).

    An error answer (4xx, or the 500 of an unhandled exception) leaves nothing behind: the
    teardown rolls back whatever was not committed here.
    """
    session: Session | None = g.get("db_session")
    if session is not None and response.status_code < 400:
        session.commit()
    return response


def close_db_session(_error: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()
