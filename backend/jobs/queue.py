"""The task queue (Huey): SQLite-backed in the embedded default, Redis when `REDIS_URL` is set.

Huey registers tasks on one instance at import time, so the instance is made here from the
environment, never from an app: importing the queue builds no app. A process that runs tasks
binds its app once (`bind_app(create_app())` in the worker, the app's own context in tests and
in immediate mode), and tasks reach the database and settings through `task_app()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask import current_app
from flask import has_app_context
from huey import Huey
from huey import RedisHuey
from huey import SqliteHuey

from backend import defaults
from backend.config import instance_dir_of
from backend.config import read_env
from backend.infra.services import Services


def make_huey(redis_url: str | None, instance_dir: Path, name: str = defaults.QUEUE_NAME) -> Huey:
    if redis_url:
        return RedisHuey(name, url=redis_url)
    instance_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(instance_dir / "queue.db"))


_env = read_env()  # not load_settings(): importing the queue must not write a SECRET_KEY file
huey = make_huey(
    _env.get("REDIS_URL") or None,
    instance_dir_of(_env),
    _env.get("QUEUE_NAME") or defaults.QUEUE_NAME,  # separate queues sharing one Redis
)

_bound_app: Flask | None = None


def bind_app(app: Flask) -> None:
    """Give this process's tasks their app (the worker does this once, at start)."""
    global _bound_app
    _bound_app = app


@contextmanager
def task_app() -> Iterator[Flask]:
    """The app a task runs in: the caller's (immediate mode, tests) or the bound one."""
    if has_app_context():
        yield current_app._get_current_object()  # type: ignore[attr-defined]
        return
    if _bound_app is None:
        raise RuntimeError("no app bound to the queue: call bind_app(create_app()) first")
    with _bound_app.app_context():
        yield _bound_app


@contextmanager
def task_services() -> Iterator[Services]:
    """The shared services of the app a task runs in."""
    with task_app() as app:
        yield app.extensions["sourcebridge"]
