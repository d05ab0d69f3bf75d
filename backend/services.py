"""The app's shared services, made once in `create_app` and reached through `services()`."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import current_app
from flask import g
from sqlalchemy.orm import Session

from backend.cache import Cache
from backend.ratelimit import RateLimiter
from backend.secrets_box import SecretBox
from backend.store import Database


@dataclass
class Services:
    settings: dict[str, Any]
    db: Database
    cache: Cache
    limiter: RateLimiter
    secrets: SecretBox
    extras: dict[str, Any] = field(default_factory=dict)


def services() -> Services:
    return current_app.extensions["sourcebridge"]


def db_session() -> Session:
    """The request's database session: committed at the end of a successful request."""
    if "db_session" not in g:
        g.db_session = services().db.sessionmaker()
    return g.db_session


def close_db_session(error: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is None:
        return
    try:
        if error is None:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()
