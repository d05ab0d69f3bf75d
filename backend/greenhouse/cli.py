"""`sourcebridge greenhouse check | find`: try the connection from the command line.

Credentials come from the settings (GREENHOUSE_CLIENT_ID / _SECRET / _USER_ID / _API_URL /
_AUTH_URL, environment or `.env`); the client is built by `client_from_settings`.
Exit 2: missing credentials or bad input. Exit 1: Greenhouse unreachable, refused, or problems.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

import click

from backend.cli import BadInput
from backend.cli import DependencyFailed
from backend.cli import print_json
from backend.config import load_settings
from backend.greenhouse.check import NOT_SITE_ADMIN
from backend.greenhouse.check import check_connection
from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.client import MissingCredentials
from backend.greenhouse.client import client_from_settings
from backend.greenhouse.errors import APIConnectionError
from backend.greenhouse.errors import AuthenticationError
from backend.greenhouse.errors import GreenhouseError
from backend.greenhouse.errors import PermissionDenied


def build_client() -> GreenhouseClient:
    try:
        return client_from_settings(load_settings())
    except MissingCredentials as exc:
        raise BadInput(f"{exc} (set them in the environment or .env)") from exc


def explain(exc: GreenhouseError) -> str:
    """One clear line for a failure that stops a command."""
    if isinstance(exc, APIConnectionError):
        return f"cannot reach Greenhouse: {exc}"
    if isinstance(exc, AuthenticationError):
        return f"Greenhouse refused the credentials: {exc}"
    if isinstance(exc, PermissionDenied) and exc.not_site_admin:
        return NOT_SITE_ADMIN
    if isinstance(exc, PermissionDenied):
        return f"Greenhouse denied access: {exc}"
    return f"Greenhouse error: {exc}"


@click.group()
def greenhouse() -> None:
    """Talk to Greenhouse Harvest v3."""


@greenhouse.command()
def check() -> None:
    """Mint a token, name the acting user, and try every read scope the integration needs."""
    client = build_client()
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
def find(email: str) -> None:
    """Print the Greenhouse candidates with this email address as JSON."""
    email = email.strip()
    if "@" not in email or " " in email:
        raise BadInput(f"not an email address: {email!r}")
    client = build_client()
    try:
        matches = client.candidates.find_by_email(email)
    except GreenhouseError as exc:
        raise DependencyFailed(explain(exc)) from exc
    print_json([{**row, "url": client.candidate_url(row["id"])} for row in matches])
