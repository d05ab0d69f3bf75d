"""`sourcebridge greenhouse check | find`: the team's Greenhouse connection from the command line.

Credentials: `--account ID` uses that team's saved connection; otherwise the settings
(GREENHOUSE_CLIENT_ID / _SECRET / _USER_ID / _API_URL / _AUTH_URL, environment or `.env`), and
failing those the first team's saved connection.
Exit 2: missing credentials or bad input. Exit 1: Greenhouse unreachable, refused, or problems.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

import click
from sqlalchemy import select

from backend.accounts.integration import connection_for
from backend.accounts.integration import endpoints_of
from backend.accounts.integration import environment_connection
from backend.cli import BadInput
from backend.cli import DependencyFailed
from backend.cli import print_json
from backend.config import Settings
from backend.config import load_settings
from backend.greenhouse.check import check_connection
from backend.greenhouse.check import explain
from backend.greenhouse.client import Connection
from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.client import connect
from backend.greenhouse.errors import GreenhouseError
from backend.infra.cache import make_cache
from backend.infra.ratelimit import RateLimiter
from backend.infra.secrets_box import SecretBox
from backend.store import Database
from backend.store.models import GreenhouseIntegration

ACCOUNT = click.option("--account", type=int, default=None, help="use this team's saved connection")


def build_client(account: int | None = None) -> GreenhouseClient:
    settings = load_settings()
    connection = environment_connection(settings) if account is None else None
    if connection is None:
        connection = _saved_connection(settings, account)
    if connection is None:
        if account is not None:
            raise BadInput(f"team {account} has no saved Greenhouse connection")
        needed = {
            "GREENHOUSE_CLIENT_ID": settings.greenhouse_client_id,
            "GREENHOUSE_CLIENT_SECRET": settings.greenhouse_client_secret,
        }
        missing = ", ".join(name for name, value in needed.items() if not value)
        raise BadInput(
            f"missing {missing} (set them in the environment or .env, or save a connection)"
        )
    return connect(
        connection,
        endpoints_of(settings),
        cache=make_cache(settings.redis_url),
        limiter=RateLimiter(settings.redis_url),
    )


def _saved_connection(settings: Settings, account: int | None) -> Connection | None:
    db = Database(settings.database_url)
    try:
        with db.session() as session:
            if account is None:
                query = select(GreenhouseIntegration.account_id).where(
                    GreenhouseIntegration.client_secret_encrypted.is_not(None)
                )
                account = session.scalars(query.order_by(GreenhouseIntegration.account_id)).first()
            if account is None:
                return None
            box = SecretBox(settings.secret_key)
            connection = connection_for(session, account, settings=settings, secrets=box)
            return connection if connection and connection.source == "saved" else None
    except Exception as exc:  # noqa: BLE001 - no database means no saved connection
        if account is not None:
            raise DependencyFailed(f"cannot read the saved connection: {exc}") from exc
        return None
    finally:
        db.dispose()


@click.group()
def greenhouse() -> None:
    """Talk to Greenhouse Harvest v3."""


@greenhouse.command()
@ACCOUNT
def check(account: int | None) -> None:
    """Mint a token, name the acting user, and try every read scope the integration needs."""
    client = build_client(account)
    try:
        report = check_connection(client)
    except GreenhouseError as exc:
        raise DependencyFailed(explain(exc)) from exc
    expires = datetime.fromtimestamp(report.token_expires_at, UTC).isoformat(timespec="seconds")
    click.echo(f"token: ok (client id {client.client_id}, expires {expires})")
    if report.user:
        user = report.user
        email = f" <{user['primary_email']}>" if user.get("primary_email") else ""
        click.echo(f"acting user: {user['id']} {user.get('name', '')}{email}")
    admin = {True: "yes", False: "no", None: "unknown"}[report.site_admin]
    click.echo(f"site admin: {admin}")
    for scope, failure in report.scopes.items():
        click.echo(f"scope {scope}: {'ok' if failure is None else f'FAILED ({failure})'}")
    if not report.scopes:
        click.echo(
            "scopes: not checked (list endpoints answer 403 to a user who is not a site admin)"
        )
    click.echo("write scopes (create, update, move, destroy): not checked (that would write)")
    for problem in report.problems:
        click.echo(f"problem: {problem}", err=True)
    if not report.ok:
        raise DependencyFailed(f"greenhouse check found {len(report.problems)} problem(s)")
    click.echo("greenhouse: ready")


@greenhouse.command()
@click.option("--email", required=True, help="address to look up (exact, case-insensitive)")
@ACCOUNT
def find(email: str, account: int | None) -> None:
    """Print the Greenhouse candidates with this email address as JSON."""
    email = email.strip()
    if "@" not in email or " " in email:
        raise BadInput(f"not an email address: {email!r}")
    client = build_client(account)
    try:
        matches = client.candidates.find_by_email(email)
    except GreenhouseError as exc:
        raise DependencyFailed(explain(exc)) from exc
    print_json([{**row, "url": client.candidate_url(row["id"])} for row in matches])
