"""The `sourcebridge` command line (also `python -m backend`).

Core commands live here; each feature package contributes its own click group (`greenhouse`,
`linkedin`, `email`, `sandbox`), registered below.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from backend.accounts.cli import greenhouse
from backend.accounts.signin import SignInProblem
from backend.accounts.signin import set_password
from backend.accounts.users import DuplicateUser
from backend.accounts.users import InvalidEmail
from backend.accounts.users import create_user
from backend.cli import BadInput
from backend.cli import DependencyFailed
from backend.config import load_settings
from backend.config import private_files
from backend.config import secure_instance_dir
from backend.gh_index.cli import index as greenhouse_index
from backend.greenhouse.sandbox.cli import sandbox
from backend.imports.cli import imports_group
from backend.linkedin_parse.cli import linkedin
from backend.lookups.cli import email
from backend.mailboxes.cli import mailboxes
from backend.store import Database
from backend.store.migrations import upgrade


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Sourcebridge: LinkedIn sourcing, email lookup and Greenhouse sync, self-hosted."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="gunicorn workers")
@click.option(
    "--unix-socket",
    default=None,
    help="listen on this unix socket instead of host:port (behind nginx, README)",
)
def serve(host: str, port: int, workers: int | None, unix_socket: str | None) -> None:
    """Migrate, then run the API behind gunicorn (and, embedded, the queue consumer)."""
    # Imported on use (here and in `worker`): importing the server makes the queue's storage.
    from backend.server import serve as run_server

    run_server(host=host, port=port, workers=workers, unix_socket=unix_socket)


@main.command()
@click.option("--threads", default=None, type=int, help="consumer threads")
def worker(threads: int | None) -> None:
    """Run a queue consumer (scaled-out mode: any number, on any machine)."""
    from backend.server import run_worker

    run_worker(threads=threads)


@main.command()
def migrate() -> None:
    """Apply database migrations."""

    settings = load_settings()
    secure_instance_dir(settings.instance_dir)
    try:
        with private_files():
            upgrade(settings.database_url)
    except Exception as exc:  # noqa: BLE001 - any database failure is a failed dependency
        raise DependencyFailed(f"migration failed: {exc}") from exc
    click.echo("database is up to date")


@main.group()
def users() -> None:
    """Manage users and their API tokens."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--admin", is_flag=True, help="make the user an account admin")
@click.option("--account", "account_name", default=None, help="team name (default: the first)")
@click.option(
    "--password-stdin", is_flag=True, help="read a web sign-in password from standard input"
)
def users_create(email: str, admin: bool, account_name: str | None, password_stdin: bool) -> None:
    """Create a user and print its API token once (and set a web password when given)."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    settings = load_settings()
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        with db.session() as session:
            user, token = create_user(session, email, admin=admin, account_name=account_name)
            if password is not None:
                set_password(session, user, password, cheap=settings.testing)
            click.echo(f"created {'admin' if admin else 'member'} {user.email} (id {user.id})")
            if password is not None:
                click.echo("web sign-in password set")
            click.echo(f"API token (shown once): {token}")
    except (InvalidEmail, DuplicateUser) as exc:
        raise BadInput(str(exc)) from exc
    except SignInProblem as exc:
        raise BadInput(f"password: {exc}") from exc


def _run_import_now(*args: Any, **kwargs: Any) -> Any:
    """`imports run`: the queue edge's run, imported on use like `serve` (importing the queue
    makes its storage)."""
    from backend.jobs.imports import run_now

    return run_now(*args, **kwargs)


def _register_feature_groups() -> None:
    greenhouse.add_command(greenhouse_index)
    for group in (greenhouse, linkedin, email, sandbox, mailboxes, imports_group(_run_import_now)):
        main.add_command(group)


_register_feature_groups()

if __name__ == "__main__":
    main()
