"""INSERT … ON CONFLICT for the session's database: PostgreSQL and SQLite spell the clause the same,
but SQLAlchemy builds it with one `insert` per dialect."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session


def insert_for(session: Session, model: type) -> postgresql.Insert | sqlite.Insert:
    """`insert(model)` that has `on_conflict_do_nothing` / `on_conflict_do_update` / `excluded`."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
