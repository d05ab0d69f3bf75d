"""Teams stay apart: what one team's data teaches the email finder never reaches another team,
even through the shared cache (in-process, or Redis when TEST_REDIS_URL is set)."""

from __future__ import annotations

import os
import secrets

import pytest

from backend.email_lookup.domains import company_key
from backend.store.models import KnownEmail
from tests.support.fake_dns import mx_zone
from tests.support.fake_dns import start_dns

SECRET_DOMAIN = "acme-private-mail.test"  # only team A's confirmed addresses say so
# Fresh names each run: a shared Redis may still hold answers from an earlier run's teams.
RUN = secrets.token_hex(3)
COMPANY = f"Acme Secret {RUN} Corp"
PERSON = {
    "full_name": f"Jon Smith{RUN}",
    "first_name": "Jon",
    "last_name": f"Smith{RUN}",
    "company": COMPANY,
    "title": "Engineer",
    "positions": [],
}


@pytest.fixture(scope="module")
def dns():  # type: ignore[no-untyped-def]
    server = start_dns(mx_zone([SECRET_DOMAIN]))
    yield server
    server.stop()


@pytest.fixture(params=["in-process", "redis"])
def two_teams(request, make_app, app_config, dns):  # type: ignore[no-untyped-def]
    redis_url = ""
    if request.param == "redis":
        redis_url = os.environ.get("TEST_REDIS_URL", "")
        if not redis_url:
            pytest.skip("TEST_REDIS_URL is not set")
    app = make_app(
        {
            **app_config,
            "REDIS_URL": redis_url,
            "DNS_NAMESERVERS": dns.address,
            "ALLOW_PRIVATE_NETWORKS": True,
        }
    )
    with app.extensions["sourcebridge"].db.session() as session:
        from backend.accounts.users import create_user

        user_a, token_a = create_user(session, "a@team-a.test", admin=True, account_name="A")
        user_b, token_b = create_user(session, "b@team-b.test", admin=True, account_name="B")
        assert user_a.account_id != user_b.account_id
        for first, last in (("Ana", "Garcia"), ("Li", "Wei")):
            session.add(
                KnownEmail(
                    account_id=user_a.account_id,
                    address=f"{first}.{last}@{SECRET_DOMAIN}".lower(),
                    domain=SECRET_DOMAIN,
                    first_name=first,
                    last_name=last,
                    company_key=company_key(COMPANY),
                    source="replied",
                )
            )
    yield app, {"Authorization": f"Bearer {token_a}"}, {"Authorization": f"Bearer {token_b}"}


def look_up(app, auth):  # type: ignore[no-untyped-def]
    response = app.test_client().post(
        "/api/v1/lookups",
        json={"url": "https://www.linkedin.com/in/jon-smith/", "profile": PERSON},
        headers=auth,
    )
    assert response.status_code == 200, response.json
    return response.json["email"]


def test_a_mail_domain_only_team_a_knows_never_reaches_team_b(two_teams):
    app, team_a, team_b = two_teams
    assert look_up(app, team_a)["domain"] == SECRET_DOMAIN  # team A's knowledge, now cached
    seen_by_b = look_up(app, team_b)
    assert seen_by_b["domain"] != SECRET_DOMAIN
    assert SECRET_DOMAIN not in repr(seen_by_b)
    assert "confirmed" not in seen_by_b["reason"]
    # and the other way round: B's (cached) answer does not replace A's
    assert look_up(app, team_a)["domain"] == SECRET_DOMAIN
