"""With EMAIL_VERIFY=smtp a page view answers at once and the mailbox check runs from the queue."""

from __future__ import annotations

import pytest

from backend.store.models import KnownEmail
from backend.store.models import Lookup
from tests.lookup.conftest import page
from tests.support.fake_dns import start_dns
from tests.support.fake_smtp import FakeMailbox
from tests.support.fake_smtp import start_mx
from tests.support.processes import free_port

MX_IP = "127.0.0.23"


@pytest.fixture
def mail_world():  # type: ignore[no-untyped-def]
    """klarna.com's MX on loopback accepting one mailbox."""
    port = free_port(MX_IP)
    mailbox = FakeMailbox(users={"amelie.laurent-dubois@klarna.com"})
    mx = start_mx(MX_IP, port, mailbox)
    dns = start_dns(
        {"klarna.com": {"MX": [(10, "mx.klarna.com")]}, "mx.klarna.com": {"A": [MX_IP]}}
    )
    yield port, dns, mailbox
    mx.stop()
    dns.stop()


@pytest.fixture
def verify_app(make_app, gh_config, mail_world):  # type: ignore[no-untyped-def]
    port, dns, _ = mail_world
    return make_app(
        {
            **gh_config,
            "DNS_NAMESERVERS": dns.address,
            "EMAIL_VERIFY": "smtp",
            "SMTP_PROBE_PORT": port,
            "SMTP_HELO_NAME": "probe.sourcebridge.test",
        }
    )


def test_the_page_view_queues_verification_and_never_probes_itself(
    verify_app, mail_world, deferred_tasks
):
    from tests.support.accounts import make_user

    _, _, mailbox = mail_world
    headers = {"Authorization": f"Bearer {make_user(verify_app)[1]}"}
    url, html, _ = page("recruiter_grouped_roles")
    body = (
        verify_app.test_client()
        .post("/api/v1/lookups", json={"url": url, "html": html}, headers=headers)
        .json
    )
    assert body["email"]["confidence"] != "verified"
    assert mailbox.sessions() == []
    assert "verify_lookup_email" in [t.name for t in deferred_tasks.pending()]


def test_queued_verification_stores_a_verified_address_that_later_lookups_reuse(
    verify_app, mail_world
):
    from tests.support.accounts import make_user

    _, _, mailbox = mail_world
    headers = {"Authorization": f"Bearer {make_user(verify_app)[1]}"}
    client = verify_app.test_client()
    url, html, _ = page("recruiter_grouped_roles")
    first = client.post("/api/v1/lookups", json={"url": url, "html": html}, headers=headers).json
    with verify_app.extensions["sourcebridge"].db.session() as session:
        stored = session.get(Lookup, first["id"]).email
        learned = [k.address for k in session.query(KnownEmail).all()]
    assert stored["address"] == "amelie.laurent-dubois@klarna.com"
    assert stored["confidence"] == "verified"
    assert learned == ["amelie.laurent-dubois@klarna.com"]  # the domain's pattern learns from it
    sessions = len(mailbox.sessions())
    again = client.post("/api/v1/lookups", json={"url": url, "html": html}, headers=headers).json
    assert again["email"]["address"] == "amelie.laurent-dubois@klarna.com"
    assert again["email"]["confidence"] == "verified"
    assert len(mailbox.sessions()) == sessions, "the verified answer came from the cache"
