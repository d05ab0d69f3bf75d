"""With Redis as the shared cache, a second lookup (even from another finder, i.e. another
worker) costs no DNS or SMTP, and the per-domain SMTP state is shared."""

from __future__ import annotations

import os
import uuid

import pytest

from backend.email_lookup import FinderSettings
from backend.email_lookup import InMemoryKnowledge
from backend.email_lookup import build_finder
from backend.infra.cache import make_cache
from tests.support.fake_smtp import FakeMailbox

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_cache():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL not set")
    prefix = f"sbtest:{uuid.uuid4().hex}:"
    cache = make_cache(url, prefix=prefix)
    yield cache
    client = cache._write_client
    for key in client.scan_iter(match=f"{prefix}*", count=500):
        client.delete(key)


def test_lookup_cached_in_redis_is_served_to_another_worker(world, redis_cache, clock):
    box = world.mx("mx.acme.test", FakeMailbox(users={"jane.doe@acme.test"}))
    world.domain("acme.test", (10, "mx.acme.test"))
    settings = FinderSettings(
        dns_nameservers=world.dns.address,
        dns_timeout=1.0,
        verify_smtp=True,
        smtp_probe_port=world.port,
        allow_private_networks=True,
    )
    params = {"min_session_interval": 0.0, "command_timeout": 1.0, "clock": clock}
    one = build_finder(settings, redis_cache, InMemoryKnowledge(), **params)
    first = one.find("Jane", "Doe", domain="acme.test")
    assert first.confidence == "verified"
    queries, sessions = len(world.dns.queries), len(box.sessions())
    other = build_finder(settings, redis_cache, InMemoryKnowledge(), **params)
    second = other.find("Jane", "Doe", domain="acme.test")
    assert second.to_dict() == first.to_dict() and second.cached
    assert (len(world.dns.queries), len(box.sessions())) == (queries, sessions)
    # the domain's catch-all answer and probe are shared: the next person skips the probe
    other.find("John", "Smith", domain="acme.test")
    probe = one.verifier.probe_local_part("acme.test") + "@acme.test"
    assert [e[2] for e in box.events("rcpt")].count(probe) == 1
