"""`sourcebridge email ...` commands."""

from __future__ import annotations

import click

from backend.cli import BadInput
from backend.cli import DependencyFailed
from backend.cli import print_json


@click.group()
def email() -> None:
    """Find and verify work email addresses."""


@email.command("find")
@click.option("--first", "first", required=True, help="first name")
@click.option("--last", "last", required=True, help="last name")
@click.option("--domain", default=None, help="the company's mail domain")
@click.option("--company", default=None, help="the company name (its domain is looked up)")
def find(first: str, last: str, domain: str | None, company: str | None) -> None:
    """Print the most likely work address as JSON (address, confidence, alternatives, reason)."""
    from dns.resolver import NoResolverConfiguration

    from backend.cache import make_cache
    from backend.config import load_settings
    from backend.email_lookup import InMemoryKnowledge
    from backend.email_lookup import LookupInputError
    from backend.email_lookup import build_finder

    if bool(domain and domain.strip()) == bool(company and company.strip()):
        raise BadInput("give exactly one of --domain and --company")
    if not first.strip() or not last.strip():
        raise BadInput("--first and --last must not be empty")
    try:
        settings = load_settings()
        finder = build_finder(settings, make_cache(settings.get("REDIS_URL")), InMemoryKnowledge())
    except NoResolverConfiguration as exc:
        raise DependencyFailed("no DNS resolver configured (set DNS_NAMESERVERS)") from exc
    except ValueError as exc:  # a malformed setting, e.g. DNS_NAMESERVERS or EMAIL_VERIFY
        raise BadInput(str(exc).splitlines()[0]) from exc
    try:
        result = finder.find(first, last, domain=domain, company=company)
    except LookupInputError as exc:
        raise BadInput(str(exc)) from exc
    print_json(result.to_dict())
