"""`sourcebridge email ...` commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from dns.resolver import NoResolverConfiguration
from sqlalchemy import select

from backend.cli import BadInput
from backend.cli import DependencyFailed
from backend.cli import print_json
from backend.config import Settings
from backend.config import load_settings
from backend.email_lookup import InMemoryKnowledge
from backend.email_lookup import LookupInputError
from backend.email_lookup import build_finder
from backend.infra.cache import make_cache
from backend.lookups.known_emails import SqlKnowledge
from backend.lookups.lookup import finder_settings
from backend.store import Database
from backend.store.models import Account


@click.group()
def email() -> None:
    """Find and verify work email addresses."""


@email.command("find")
@click.option("--first", "first", required=True, help="first name")
@click.option("--last", "last", required=True, help="last name")
@click.option("--domain", default=None, help="the company's mail domain")
@click.option("--company", default=None, help="the company name (its domain is looked up)")
@click.option(
    "--account",
    type=int,
    default=None,
    help="learn from this team's known addresses and Greenhouse index (default: the first)",
)
def find(
    first: str, last: str, domain: str | None, company: str | None, account: int | None
) -> None:
    """Print the most likely work address as JSON (address, confidence, alternatives, reason)."""
    if bool(domain and domain.strip()) == bool(company and company.strip()):
        raise BadInput("give exactly one of --domain and --company")
    if not first.strip() or not last.strip():
        raise BadInput("--first and --last must not be empty")
    settings = load_settings()
    with team_knowledge(settings, account) as knowledge:
        try:
            cache = make_cache(settings.redis_url)
            config = finder_settings(settings, verify=True)
            finder = build_finder(config, cache, knowledge or InMemoryKnowledge())
        except NoResolverConfiguration as exc:
            raise DependencyFailed("no DNS resolver configured (set DNS_NAMESERVERS)") from exc
        except ValueError as exc:  # a malformed setting, e.g. DNS_NAMESERVERS or EMAIL_VERIFY
            raise BadInput(str(exc).splitlines()[0]) from exc
        try:
            result = finder.find(first, last, domain=domain, company=company)
        except LookupInputError as exc:
            raise BadInput(str(exc)) from exc
    print_json(result.to_dict())


@contextmanager
def team_knowledge(settings: Settings, account: int | None) -> Iterator[Any]:
    """What the database knows (as the API's lookups use it), or None without a database."""
    url = settings.database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        if account is not None:
            raise BadInput(f"no database at {url}: team {account} is unknown")
        yield None
        return
    db = Database(url)
    try:
        with db.session() as session:
            query = select(Account.id).order_by(Account.id)
            if account is not None:
                query = query.where(Account.id == account)
            found = session.scalars(query).first()
            if found is None and account is not None:
                raise BadInput(f"no team {account} in the database")
            yield SqlKnowledge(session, found) if found is not None else None
    finally:
        db.dispose()
