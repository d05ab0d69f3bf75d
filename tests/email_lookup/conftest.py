"""Fixtures for the email lookup tests: a fake DNS zone and fake MX servers on loopback."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields
from dataclasses import replace
from typing import Any

import pytest
from cachelib import SimpleCache

from backend.email_lookup import EmailFinder
from backend.email_lookup import FinderSettings
from backend.email_lookup import InMemoryKnowledge
from backend.email_lookup import build_finder
from tests.support.fake_dns import FakeDNS
from tests.support.fake_dns import start_dns
from tests.support.fake_smtp import FakeMailbox
from tests.support.fake_smtp import FakeMX
from tests.support.fake_smtp import start_mx
from tests.support.processes import free_port

# Loopback addresses for fake MX hosts: each test draws fresh ones, so a server of one test never
# answers another test's connection.
_IPS = (f"127.0.{a}.{b}" for a, b in itertools.product(range(1, 200), range(2, 250)))


class Clock:
    """An injected wall clock that tests move forward."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class MailWorld:
    dns: FakeDNS
    port: int
    ips: list[str]
    servers: list[FakeMX] = field(default_factory=list)
    zone: dict[str, Any] = field(default_factory=dict)

    def mx(self, name: str, handler: FakeMailbox | None = None, **kwargs: Any) -> FakeMailbox:
        """Start a fake MX on the next loopback IP and give `name` an A record for it."""
        ip = self.ips.pop(0)
        handler = handler or FakeMailbox()
        self.servers.append(start_mx(ip, self.port, handler, **kwargs))
        self.zone[name] = {"A": [ip]}
        return handler

    def dead_host(self, name: str) -> str:
        """A mail host name whose address refuses connections."""
        ip = self.ips.pop(0)
        self.zone[name] = {"A": [ip]}
        return ip

    def domain(self, domain: str, *mx: tuple[int, str]) -> None:
        self.zone[domain] = {"MX": list(mx)}


@pytest.fixture
def world() -> Iterator[MailWorld]:
    ips = [next(_IPS) for _ in range(4)]
    port = free_port(*ips)
    dns = start_dns({})
    w = MailWorld(dns, port, ips, zone=dns.zone)
    try:
        yield w
    finally:
        for s in w.servers:
            s.stop()
        dns.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock()


SETTING_FIELDS = {f.name for f in fields(FinderSettings)}


@pytest.fixture
def make_finder(world: MailWorld, clock: Clock) -> Callable[..., EmailFinder]:
    def make(
        knowledge: InMemoryKnowledge | None = None, *, verify: bool = True, **overrides: Any
    ) -> EmailFinder:
        settings = FinderSettings(
            dns_nameservers=world.dns.address,
            dns_timeout=1.0,
            verify_smtp=verify,
            smtp_probe_port=world.port,
            allow_private_networks=True,
            helo_name="verifier.sourcebridge.test",
        )
        settings_fields = {k: overrides.pop(k) for k in list(overrides) if k in SETTING_FIELDS}
        settings = replace(settings, **settings_fields)
        params = {
            "command_timeout": 1.0,
            "connect_timeout": 1.0,
            "session_budget": 10.0,
            "min_session_interval": 0.0,
            "lock_wait": 5.0,
            "clock": clock,
        }
        params.update(overrides)
        return build_finder(settings, SimpleCache(), knowledge or InMemoryKnowledge(), **params)

    return make
