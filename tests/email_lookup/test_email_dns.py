"""Mail routing by DNS: null MX, NXDOMAIN, implicit MX, timeouts and caching (scenarios 4-6, 17)."""

from __future__ import annotations

import time

import pytest

from backend.email_lookup.dns_check import MAIL_NO_HOST
from backend.email_lookup.dns_check import MAIL_NULL_MX
from backend.email_lookup.dns_check import MAIL_NXDOMAIN
from backend.email_lookup.dns_check import MAIL_OK
from backend.email_lookup.dns_check import MAIL_UNKNOWN
from backend.email_lookup.dns_check import is_public_ip
from backend.email_lookup.dns_check import parse_nameservers
from backend.email_lookup.dns_check import provider_of
from tests.support.fake_dns import start_silent_udp


def test_s04_null_mx_is_invalid_and_never_probed(world, make_finder):
    world.domain("null.test", (0, "."))
    finder = make_finder()
    assert finder.resolver.mail_hosts("null.test").status == MAIL_NULL_MX
    result = finder.find("Jane", "Doe", domain="null.test")
    assert (result.address, result.confidence) == (None, "invalid")  # Reacher: unknown (#900)
    assert "null MX" in result.reason
    assert finder.verifier.connections == 0


def test_s05_nxdomain_is_invalid(world, make_finder):
    finder = make_finder()
    assert finder.resolver.mail_hosts("gone.test").status == MAIL_NXDOMAIN
    result = finder.find("Jane", "Doe", domain="gone.test")
    assert (result.address, result.confidence) == (None, "invalid")
    assert "does not exist" in result.reason


def test_name_without_mx_or_address_has_no_mail_host(world, make_finder):
    world.zone["txtonly.test"] = {"TXT": ["v=spf1 -all"]}
    finder = make_finder()
    assert finder.resolver.mail_hosts("txtonly.test").status == MAIL_NO_HOST
    assert finder.find("Jane", "Doe", domain="txtonly.test").confidence == "invalid"


def test_s06_a_only_domain_is_its_own_mail_host(world, make_finder):
    world.zone["aonly.test"] = {"A": ["127.0.9.9"]}
    mail = make_finder(verify=False).resolver.mail_hosts("aonly.test")
    assert (mail.status, mail.implicit, mail.hosts) == (MAIL_OK, True, ((0, "aonly.test"),))


def test_mx_hosts_sorted_by_preference(world, make_finder):
    world.domain("multi.test", (20, "b.multi.test"), (10, "a.multi.test"))
    mail = make_finder(verify=False).resolver.mail_hosts("multi.test")
    assert [h for _, h in mail.hosts] == ["a.multi.test", "b.multi.test"]


def test_s17_dns_timeout_is_unknown_not_invalid_and_bounded(make_finder):
    silent = start_silent_udp()
    try:
        finder = make_finder(verify=False, dns_nameservers=silent.address, dns_timeout=0.3)
        started = time.monotonic()
        result = finder.find("Jane", "Doe", domain="acme.test")
        assert time.monotonic() - started < 3
        assert result.confidence == "unknown"
        assert result.address == "jane.doe@acme.test", "the best guess is still given"
        assert "DNS did not answer" in result.reason
        assert finder.resolver.mail_hosts("acme.test").status == MAIL_UNKNOWN
    finally:
        silent.stop()


def test_dns_timeout_is_not_cached(make_finder):
    silent = start_silent_udp()
    try:
        finder = make_finder(verify=False, dns_nameservers=silent.address, dns_timeout=0.2)
        finder.find("Jane", "Doe", domain="acme.test")
        asked = finder.resolver.queries
        finder.find("Jane", "Doe", domain="acme.test")
        assert finder.resolver.queries > asked
    finally:
        silent.stop()


def test_mx_answers_are_cached(world, make_finder):
    world.domain("acme.test", (10, "mx.acme.test"))
    finder = make_finder(verify=False)
    finder.resolver.mail_hosts("acme.test")
    seen = len(world.dns.queries)
    assert finder.resolver.mail_hosts("acme.test").status == MAIL_OK
    assert len(world.dns.queries) == seen


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("127.0.0.1:5353", [("127.0.0.1", 5353)]),
        ("10.0.0.1, 10.0.0.2:54", [("10.0.0.1", 53), ("10.0.0.2", 54)]),
        ("[::1]:5300", [("::1", 5300)]),
        ("", []),
    ],
)
def test_dns_nameservers_setting_accepts_host_port(text, parsed):
    assert parse_nameservers(text) == parsed


def test_dns_nameservers_must_be_addresses():
    with pytest.raises(ValueError):
        parse_nameservers("dns.example:53")


@pytest.mark.parametrize(
    ("ip", "public"),
    [
        ("8.8.8.8", True),
        ("127.0.0.2", False),
        ("10.1.2.3", False),
        ("192.168.1.1", False),
        ("169.254.1.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("0.0.0.0", False),
        ("2001:4860:4860::8888", True),
    ],
)
def test_only_global_addresses_are_public(ip, public):
    assert is_public_ip(ip) is public


def test_provider_is_read_from_mx_suffix():
    assert provider_of(["acme-com.mail.protection.outlook.com"]) == "m365"
    assert provider_of(["aspmx.l.google.com."]) == "google"
    assert provider_of(["mx.acme.test"]) == "other"


def test_company_guessing_stops_at_the_first_dns_timeout(make_finder):
    silent = start_silent_udp()
    try:
        finder = make_finder(verify=False, dns_nameservers=silent.address, dns_timeout=0.2)
        started = time.monotonic()
        result = finder.find("Jane", "Doe", company="Acme Robotics")
        assert (result.address, result.confidence) == (None, "unknown")
        assert "DNS did not answer" in result.reason
        assert time.monotonic() - started < 1.0
    finally:
        silent.stop()
