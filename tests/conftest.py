"""Shared fixtures.

Database tests run on a fresh database per test session: a temp SQLite file by default, or a new
PostgreSQL database when TEST_DATABASE_URL points at a server (CI runs the suite both ways).
Redis tests use TEST_REDIS_URL and a random key prefix, and are skipped without it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete

from backend.jobs.queue import huey
from backend.store import Base
from backend.store.migrations import upgrade
from tests.support.accounts import make_user

huey.immediate = True  # queued tasks run in-process, synchronously, in tests


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that touches the database, so CI can run just those on PostgreSQL."""
    for item in items:
        if "database_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


def _postgres_database(admin_url: str) -> tuple[str, callable]:
    import psycopg

    name = f"sb_test_{secrets.token_hex(4)}"
    dsn = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = dsn.rpartition("/")
    url = f"{base}/{name}"

    def drop() -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    admin_url = os.environ.get("TEST_DATABASE_URL")
    if admin_url:
        url, drop = _postgres_database(admin_url)
        upgrade(url)
        yield url
        drop()
    else:
        path = tmp_path_factory.mktemp("db") / "test.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        yield url


@pytest.fixture
def instance_dir(tmp_path: Path) -> Path:
    path = tmp_path / "instance"
    path.mkdir()
    return path


@pytest.fixture
def app_config(database_url: str, instance_dir: Path) -> dict[str, object]:
    """Settings for a test app: no Greenhouse credentials from the developer's environment."""
    return {
        "DATABASE_URL": database_url,
        "SOURCEBRIDGE_INSTANCE": str(instance_dir),
        "SECRET_KEY": "test-secret-key",
        "REDIS_URL": "",
        "GREENHOUSE_CLIENT_ID": "",
        "GREENHOUSE_CLIENT_SECRET": "",
        "GREENHOUSE_USER_ID": "",
        "TESTING": True,
    }


@pytest.fixture
def make_app():  # type: ignore[no-untyped-def]
    """Build apps from settings; their tables are emptied afterwards (tests share one database)."""
    from backend.app import create_app

    made = []

    def build(config: dict[str, object]):  # type: ignore[no-untyped-def]
        made.append(create_app(config))
        return made[-1]

    yield build
    for app in made:
        db = app.extensions["sourcebridge"].db
        with db.session() as session:
            for table in reversed(Base.metadata.sorted_tables):
                session.execute(delete(table))
        db.dispose()


@pytest.fixture
def app(make_app, app_config: dict[str, object]):  # type: ignore[no-untyped-def]
    return make_app(app_config)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def db_session(app):  # type: ignore[no-untyped-def]
    with app.extensions["sourcebridge"].db.session() as session:
        yield session


@pytest.fixture
def admin_token(app) -> str:  # type: ignore[no-untyped-def]
    return make_user(app)[1]


@pytest.fixture
def auth(admin_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {admin_token}"}


@pytest.fixture
def deferred_tasks():  # type: ignore[no-untyped-def]
    """Queue tasks without running them (an in-memory queue), to see what a request enqueues."""
    from huey.storage import MemoryStorage

    saved = huey.storage
    huey.immediate = False
    huey.storage = MemoryStorage(huey.name)
    yield huey
    huey.storage = saved
    huey.immediate = True


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set (CI sets it to the local Redis)")
    return url


@pytest.fixture
def redis_prefix() -> str:
    return f"sbtest-{secrets.token_hex(6)}:"
