"""`serve` and `worker`: gunicorn for the API, Huey consumers for the queue."""

from __future__ import annotations

import gc
import logging
import os
import signal
import subprocess
import sys
from typing import Any

import click
from gunicorn.app.base import BaseApplication
from huey.consumer import Consumer

from backend import defaults
from backend import jobs
from backend.accounts.signin import first_run_setup_token
from backend.app import create_app
from backend.cli import DependencyFailed
from backend.config import Settings
from backend.config import load_settings
from backend.config import secure_instance_dir
from backend.store import Database
from backend.store.migrations import upgrade

log = logging.getLogger(__name__)


class GunicornApp(BaseApplication):
    """Run `create_app()` inside gunicorn without a config file."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):  # type: ignore[no-untyped-def]
        return create_app()


def freeze_startup_objects(_worker: Any) -> None:
    """The app, its modules and tables are loaded for good: move them out of the garbage
    collector's sight, so each collection a request triggers scans only what requests made."""
    gc.freeze()


def first_run_admin(settings: Settings, host: str, port: int) -> None:
    """With nobody signed up yet, print a one-time link that creates the first admin.

    A link that works once and expires beats a long-lived token printed into a terminal log."""
    db = Database(settings.database_url)
    try:
        with db.session() as session:
            token = first_run_setup_token(session)
    finally:
        db.dispose()
    if token is None:
        return
    configured = settings.public_url != defaults.PUBLIC_URL
    base = settings.public_url if configured else f"http://{host}:{port}"
    days = defaults.INVITE_TTL.days
    click.echo(
        "\n".join(
            [
                "",
                "First run: nobody has signed up yet. Open this link to create the first admin",
                f"(it works once, for {days} days; restarting prints a new one):",
                f"  {base}/invite/{token}",
                "Then load the extension: chrome://extensions, Developer mode, 'Load unpacked',",
                "  pick the extension/ folder; in its Options set the Backend URL and press",
                "  'Connect to Sourcebridge'.",
                "",
            ]
        )
    )


def warn_unshared_secret_key(settings: Settings) -> None:
    """Scaled out, every machine must share SECRET_KEY: it decrypts the stored secrets."""
    if settings.redis_url and not settings.secret_key_from_env:
        click.echo(
            "warning: REDIS_URL is set but SECRET_KEY is not: this machine generated its own "
            f"key in {settings.instance_dir}; set the same SECRET_KEY on every machine",
            err=True,
        )


def serve(*, host: str, port: int, workers: int | None, unix_socket: str | None = None) -> None:
    settings = load_settings()
    os.umask(defaults.PROCESS_UMASK)  # a server process: everything it writes is private
    secure_instance_dir(settings.instance_dir)
    warn_unshared_secret_key(settings)
    try:
        upgrade(settings.database_url)
    except Exception as exc:  # noqa: BLE001 - any database failure is a failed dependency
        raise DependencyFailed(f"database migration failed: {exc}") from exc
    first_run_admin(settings, host, port)

    embedded = not settings.redis_url
    consumer = None
    if embedded:
        # The embedded default runs its queue consumer beside the API.
        consumer = subprocess.Popen([sys.executable, "-m", "backend", "worker"])
    # One process shares the in-process cache and rate limiter; with Redis, scale out.
    bind = f"unix:{unix_socket}" if unix_socket else f"{host}:{port}"
    options = {
        "bind": bind,
        "workers": workers or (1 if embedded else 2),
        # gthread that buffers each request whole before a thread runs it: slow clients cost a
        # buffer, not a thread (people do expose `serve` without a proxy; DESIGN decision 13).
        "worker_class": "backend.gunicorn_worker.BufferingThreadWorker",
        "threads": defaults.API_THREADS,
        "worker_connections": defaults.API_MAX_CONNECTIONS,
        # gunicorn's control socket would sit in ~/.gunicorn, shared by every instance on the host.
        "control_socket_disable": True,
        "post_worker_init": freeze_startup_objects,
        "timeout": int(defaults.API_REQUEST_TIMEOUT.total_seconds()),
        "accesslog": "-",
        "logger_class": "backend.access_log.AccessLogger",
        "loglevel": settings.log_level.lower(),
    }
    where = unix_socket or f"http://{host}:{port}"
    click.echo(f"Sourcebridge API on {where} ({'embedded' if embedded else 'redis'})")
    try:
        GunicornApp(options).run()
    finally:
        if consumer is not None:
            consumer.send_signal(signal.SIGINT)
            try:
                consumer.wait(timeout=10)
            except subprocess.TimeoutExpired:
                consumer.kill()


def run_worker(*, threads: int | None) -> None:
    """A queue consumer: every task registered (by importing `backend.jobs`), one app bound."""
    os.umask(defaults.PROCESS_UMASK)  # a server process: everything it writes is private
    secure_instance_dir(load_settings().instance_dir)
    app = create_app()
    warn_unshared_secret_key(app.extensions["sourcebridge"].settings)
    jobs.bind_app(app)
    Consumer(jobs.huey, workers=threads or defaults.QUEUE_WORKERS, worker_type="thread").run()
