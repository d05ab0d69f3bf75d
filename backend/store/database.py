"""Engine and session handling for SQLite (WAL, the embedded default) and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager
from contextlib import contextmanager
from contextlib import nullcontext
from typing import Any

from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from backend import defaults


def normalize_url(url: str) -> str:
    """Use psycopg 3 for `postgresql://` URLs (SQLAlchemy would otherwise look for psycopg2)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str, **options: Any) -> Engine:
    url = normalize_url(url)
    if "poolclass" not in options:
        options.setdefault("pool_size", defaults.DB_POOL_SIZE)
    if url.startswith("sqlite"):
        timeout = {"timeout": defaults.SQLITE_BUSY_TIMEOUT_MS / 1000}
        engine = create_engine(url, connect_args=timeout, **options)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={defaults.SQLITE_BUSY_TIMEOUT_MS}")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **options)


class Database:
    """One engine and its session factory; `session()` is a unit of work that commits on success."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = threading.Lock() if self.engine.dialect.name == "sqlite" else None

    def one_writer(self, session: Session) -> AbstractContextManager[Any]:
        """Around a short write and its commit: on SQLite, this process's threads take turns.

        SQLite lets one connection write at a time; a thread that finds the lock taken sleeps in
        SQLite's busy handler (1, 2, 5, 10, 15, 20, 25 ms ...) however soon it frees, and the
        holder may itself be waiting for the GIL. Queued here instead, the next writer starts the
        moment the last one commits (p99 of concurrent lookups: 156-185 ms -> 92-117 ms). A
        session that already writes holds SQLite's lock: it must not wait here for a thread that
        waits for it. PostgreSQL writers do not take turns. Only writers that use it take turns:
        today the lookup's final write (the hot path); others still meet the busy handler."""
        if self._writer is None or _writing(session):
            return nullcontext()
        return self._writer

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def _writing(session: Session) -> bool:
    """True when the session's SQLite connection has begun a write transaction (pysqlite issues
    BEGIN before the first INSERT, UPDATE or DELETE, never for reads)."""
    connection = session.connection().connection.dbapi_connection
    return bool(getattr(connection, "in_transaction", False))
