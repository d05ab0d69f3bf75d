"""A connected app for lookup tests: the Greenhouse sandbox over real HTTP and a loopback DNS."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.sandbox.server import start_sandbox
from tests.support.fake_dns import mx_zone
from tests.support.fake_dns import start_dns

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "linkedin"

# Mail domains of the fixture people's companies, so domain guessing works offline.
COMPANY_DOMAINS = ["klarna.com", "mollie.com", "revolut.com", "n26.com", "doctolib.com"]


def page(case: str) -> tuple[str, str, dict]:
    """(url, html, expected profile) of a golden LinkedIn page."""
    golden = json.loads((FIXTURES / f"{case}.json").read_text())
    return golden["url"], (FIXTURES / f"{case}.html").read_text(), golden["profile"]


@pytest.fixture(scope="module")
def sandbox():  # type: ignore[no-untyped-def]
    handle = start_sandbox(candidates=30, rate_limit=10_000, rate_window_seconds=30)
    yield handle
    handle.shutdown()


@pytest.fixture(scope="module")
def dns():  # type: ignore[no-untyped-def]
    server = start_dns(mx_zone(COMPANY_DOMAINS))
    yield server
    server.stop()


@pytest.fixture
def gh_config(app_config, sandbox, dns):  # type: ignore[no-untyped-def]
    return {
        **app_config,
        **sandbox.settings(),
        "DNS_NAMESERVERS": dns.address,
        "ALLOW_PRIVATE_NETWORKS": True,
        "GREENHOUSE_WEBHOOK_SECRET": "whsec-test-123",
    }


@pytest.fixture
def gh_app(make_app, gh_config):  # type: ignore[no-untyped-def]
    return make_app(gh_config)


@pytest.fixture
def gh_client(sandbox) -> GreenhouseClient:
    return GreenhouseClient(
        sandbox.client_id,
        sandbox.client_secret,
        sandbox.admin_user_id,
        api_url=sandbox.base_url,
        auth_url=sandbox.base_url,
        app_url=sandbox.base_url,
    )


@pytest.fixture
def gh_auth(gh_app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from tests.support.accounts import make_user

    return {"Authorization": f"Bearer {make_user(gh_app)[1]}"}
