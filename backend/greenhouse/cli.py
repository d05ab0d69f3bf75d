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
from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.client import MissingCredentials
from backend.greenhouse.client import client_from_settings
from backend.greenhouse.errors import APIConnectionError
from backend.greenhouse.errors import AuthenticationError
from backend.greenhouse.errors import GreenhouseError
from backend.greenhouse.errors import PermissionDenied

LIST_SCOPES = (
    ("harvest:candidates:list", "/v3/candidates"),
    ("harvest:applications:list", "/v3/applications"),
    ("harvest:notes:list", "/v3/notes"),
    ("harvest:candidate_employments:list", "/v3/candidate_employments"),
    ("harvest:custom_fields:list", "/v3/custom_fields"),
    ("harvest:custom_field_options:list", "/v3/custom_field_options"),
    ("harvest:candidate_tags:list", "/v3/candidate_tags"),
    ("harvest:applied_candidate_tags:list", "/v3/applied_candidate_tags"),
    ("harvest:jobs:list", "/v3/jobs"),
    ("harvest:job_interview_stages:list", "/v3/job_interview_stages"),
    ("harvest:prospect_pools:list", "/v3/prospect_pools"),
    ("harvest:prospect_pool_stages:list", "/v3/prospect_pool_stages"),
    ("harvest:prospect_details:list", "/v3/prospect_details"),
    ("harvest:users:list", "/v3/users"),
)
"""Read scopes the integration needs, each with a list endpoint that proves it (one row)."""


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
        return "the acting user (GREENHOUSE_USER_ID) is not a site admin; lists need one"
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
        token = client.tokens.refresh()
    except GreenhouseError as exc:
        raise DependencyFailed(explain(exc)) from exc
    expires = datetime.fromtimestamp(token["expires_at"], UTC).isoformat(timespec="seconds")
    click.echo(f"token: ok (client id {client.client_id}, expires {expires})")
    problems: list[str] = []
    site_admin = True
    try:
        me = client.users.me()
    except PermissionDenied as exc:
        me = None
        site_admin = not exc.not_site_admin
        problems.append(explain(exc) if exc.not_site_admin else f"cannot read users: {exc}")
    except GreenhouseError as exc:
        raise DependencyFailed(explain(exc)) from exc
    if me is not None:
        site_admin = bool(me.get("site_admin"))
        email = f" <{me['primary_email']}>" if me.get("primary_email") else ""
        click.echo(f"acting user: {me['id']} {me.get('name', '')}{email}")
        if not site_admin:
            problems.append(explain(PermissionDenied("not a site admin")))
    elif site_admin and not problems:
        problems.append(f"acting user {client.user_id} was not found in Greenhouse")
    click.echo(f"site admin: {'yes' if site_admin else 'no'}")
    if site_admin:
        for scope, path in LIST_SCOPES:
            try:
                client.transport.get(path, {"per_page": 1})
            except APIConnectionError as exc:
                raise DependencyFailed(explain(exc)) from exc
            except GreenhouseError as exc:
                click.echo(f"scope {scope}: FAILED ({exc})")
                problems.append(f"{scope} does not answer: {exc}")
            else:
                click.echo(f"scope {scope}: ok")
    else:
        click.echo(
            "scopes: not checked (list endpoints answer 403 to a user who is not a site admin)"
        )
    click.echo("write scopes (create, update, move, destroy): not checked (that would write)")
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    if problems:
        raise DependencyFailed(f"greenhouse check found {len(problems)} problem(s)")
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
