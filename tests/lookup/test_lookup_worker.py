"""`sourcebridge worker` consumes queued tasks: SQLite-backed by default, Redis when configured."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy import text

from backend.store.database import normalize_url
from tests.support.apps import settings_of

ROOT = Path(__file__).resolve().parents[2]


def run_queued_backfill(env: dict[str, str], database_url: str, account_id: int) -> str:
    """Queue a backfill from one process, consume it in a worker process; the index state."""
    enqueue = f"from backend.jobs.index import index_backfill; index_backfill({account_id})"
    subprocess.run([sys.executable, "-c", enqueue], env=env, check=True, timeout=60, cwd=ROOT)
    worker = subprocess.Popen(
        [sys.executable, "-m", "backend", "worker", "--threads", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    engine = create_engine(normalize_url(database_url))
    status = None
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and status != "ready":
            time.sleep(0.2)
            with engine.connect() as conn:
                status = conn.execute(
                    text("SELECT status FROM gh_index_state WHERE account_id = :a"),
                    {"a": account_id},
                ).scalar()
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        engine.dispose()
    return status


def worker_env(gh_app, sandbox, **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "QUEUE_NAME")}
    env.update(
        DATABASE_URL=settings_of(gh_app).database_url,
        SECRET_KEY=settings_of(gh_app).secret_key,
        SOURCEBRIDGE_INSTANCE=str(settings_of(gh_app).instance_dir),
        PYTHONPATH=str(ROOT),
        **{k: str(v) for k, v in sandbox.settings().items()},
        **extra,
    )
    return env


def test_a_queued_task_runs_in_a_separate_worker_on_the_sqlite_queue(gh_app, gh_auth, sandbox):
    from tests.lookup.test_lookup_index import account_id_of

    account_id = account_id_of(gh_app)
    env = worker_env(gh_app, sandbox)
    assert run_queued_backfill(env, settings_of(gh_app).database_url, account_id) == "ready"
    assert (Path(settings_of(gh_app).instance_dir) / "queue.db").exists()


@pytest.mark.redis
def test_a_queued_task_runs_in_a_separate_worker_on_the_redis_queue(
    gh_app, gh_auth, sandbox, redis_url
):
    from tests.lookup.test_lookup_index import account_id_of

    account_id = account_id_of(gh_app)
    env = worker_env(
        gh_app, sandbox, REDIS_URL=redis_url, QUEUE_NAME=f"sbtest-{secrets.token_hex(4)}"
    )
    assert run_queued_backfill(env, settings_of(gh_app).database_url, account_id) == "ready"
