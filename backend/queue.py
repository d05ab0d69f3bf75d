"""The task queue (Huey): SQLite-backed in the embedded default, Redis when `REDIS_URL` is set.

Huey registers tasks on one instance at import time, so the instance is made here from the
environment (not from an app). Tasks reach the database and settings through `task_app()`.
Tests switch `huey.immediate = True` to run tasks in-process.
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

_worker_app: Flask | None = None


@contextmanager
def task_app() -> Iterator[Flask]:
    """The app a task runs in: the caller's (immediate mode, tests) or one made per process."""
    global _worker_app
    if has_app_context():
        yield current_app._get_current_object()  # type: ignore[attr-defined]
        return
    if _worker_app is None:
        from backend.app import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        yield _worker_app


def load_tasks() -> None:
    """Import every module that defines tasks, so a consumer knows them all."""
    import backend.tasks  # noqa: F401
