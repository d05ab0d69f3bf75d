"""The finder end to end (pattern-only and verified), domain choice, caching and the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import Result

from backend.email_lookup import InMemoryKnowledge
from backend.email_lookup import KnownAddress
from backend.email_lookup import LookupInputError
from tests.support.cli import invoke
from tests.support.fake_smtp import FakeMailbox


def _known(domain: str, pattern: str, people: list[tuple[str, str]], company=None):
    render = {
        "first.last": lambda f, ln: f"{f}.{ln}",
        "flast": lambda f, ln: f"{f[0]}{ln}",
        "first": lambda f, ln: f,
    }[pattern]
    return [
        (KnownAddress(f, ln, f"{render(f.lower(), ln.lower())}@{domain}"), company)
        for f, ln in people
    ]


PEOPLE = [("Ann", "Lee"), ("Bob", "Stone"), ("Carl", "Marx"), ("Dora", "Wu"), ("Eve", "Ng")]


def test_result_shape_is_the_design_contract(world, make_finder):
    world.domain("acme.test", (10, "mx.acme.test"))
    data = make_finder(verify=False).find("Jane", "Doe", domain="acme.test").to_dict()
    assert set(data) == {
        "address",
        "confidence",
        "domain",
        "alternatives",
        "catch_all",
        "role",
        "reason",
    }
    assert set(data["alternatives"][0]) == {"address", "confidence", "score"}
    json.dumps(data)


def test_pattern_only_with_learned_pattern_is_probable_and_says_why(world, make_finder):
    world.domain("acme.test", (10, "mx.acme.test"))
    entries = _known("acme.test", "flast", PEOPLE[:4]) + _known(
        "acme.test", "first.last", PEOPLE[4:]
    )
    result = make_finder(InMemoryKnowledge(entries), verify=False).find(
        "Jane", "Doe", domain="acme.test"
    )
    assert (result.address, result.confidence) == ("jdoe@acme.test", "probable")
    assert result.reason.startswith("pattern flast seen in 4 of 5 known addresses at acme.test")
    assert result.catch_all is None


def test_pattern_only_without_knowledge_is_possible(world, make_finder):
    world.domain("acme.test", (10, "mx.acme.test"))
    result = make_finder(verify=False).find("Jane", "Doe", domain="acme.test")
    assert (result.address, result.confidence) == ("jane.doe@acme.test", "possible")
    assert "global prior" in result.reason


def test_known_address_of_the_same_person_is_returned_verified(world, make_finder):
    world.domain("acme.test", (10, "mx.acme.test"))
    known = InMemoryKnowledge([(KnownAddress("Jane", "Doe", "jd77@acme.test"), None)])
    result = make_finder(known, verify=False).find("Jane", "Doe", domain="acme.test")
    assert (result.address, result.confidence) == ("jd77@acme.test", "verified")


def test_explicit_domain_is_cleaned(world, make_finder):
    world.domain("acme.test", (10, "mx.acme.test"))
    result = make_finder(verify=False).find("Jane", "Doe", domain="https://www.ACME.test/about")
    assert result.domain == "acme.test"


def test_explicit_domain_wins_over_company(world, make_finder):
    world.domain("acme.test", (10, "mx.acme.test"))
    result = make_finder(verify=False).find("Jane", "Doe", domain="acme.test", company="Other Co")
    assert result.domain == "acme.test"


@pytest.mark.parametrize("domain", ["gmail.com", "mailinator.com"])
def test_free_mail_and_disposable_domains_are_never_work_domains(make_finder, domain):
    result = make_finder(verify=False).find("Jane", "Doe", domain=domain)
    assert (result.address, result.domain) == (None, None)
    assert "not a work domain" in result.reason


def test_company_domain_learned_from_confirmed_addresses(world, make_finder):
    world.domain("acme-corp.test", (10, "mx.acme-corp.test"))
    entries = _known("acme-corp.test", "flast", PEOPLE[:2], company="ACME Corp.")
    entries += [(KnownAddress("Zed", "Free", "zed@gmail.com"), "Acme Corp")]
    finder = make_finder(InMemoryKnowledge(entries), verify=False)
    result = finder.find("Jane", "Doe", company="Acme Corp")
    assert (result.domain, result.address) == ("acme-corp.test", "jdoe@acme-corp.test")


def test_company_domain_guessed_and_checked_by_dns(world, make_finder):
    world.zone["acme-robotics.io"] = {"MX": [(10, "mx.acme-robotics.io")]}
    world.zone["acmerobotics.com"] = {"A": ["127.0.9.9"]}  # a web site without mail: second best
    result = make_finder(verify=False).find("Jane", "Doe", company="Acme Robotics, Inc.")
    assert result.domain == "acme-robotics.io"
    assert result.confidence == "possible", "a guessed domain is never more than possible"
    assert "guessed" in result.reason


def test_company_without_any_domain_is_unknown(world, make_finder):
    finder = make_finder(verify=False)
    result = finder.find("Jane", "Doe", company="Nowhere Widgets")
    assert (result.address, result.domain, result.confidence) == (None, None, "unknown")
    assert len(world.dns.queries) <= 6 * 3  # bounded guesses (MX, then A and AAAA)


def test_second_lookup_of_the_same_person_makes_no_network_call(world, make_finder):
    box = world.mx("mx.acme.test", FakeMailbox(users={"jane.doe@acme.test"}))
    world.domain("acme.test", (10, "mx.acme.test"))
    finder = make_finder()
    first = finder.find("Jane", "Doe", domain="acme.test")
    dns_queries, sessions = len(world.dns.queries), len(box.sessions())
    second = finder.find("Jane", "Doe", domain="acme.test")
    assert second.to_dict() == first.to_dict()
    assert second.cached is True
    assert (len(world.dns.queries), len(box.sessions())) == (dns_queries, sessions)


def test_company_lookup_is_cached_too(world, make_finder):
    world.zone["acme.com"] = {"MX": [(10, "mx.acme.com")]}
    finder = make_finder(verify=False)
    finder.find("Jane", "Doe", company="Acme")
    asked = len(world.dns.queries)
    finder.find("Jane", "Doe", company="ACME Inc.")
    assert len(world.dns.queries) == asked


def test_confirmed_address_updates_the_domain_distribution(world, make_finder):
    world.domain("acme.test", (10, "mx.acme.test"))
    knowledge = InMemoryKnowledge()
    finder = make_finder(knowledge, verify=False)
    assert finder.find("Jane", "Doe", domain="acme.test").address == "jane.doe@acme.test"
    for known, _ in _known("acme.test", "first", PEOPLE[:2]):
        knowledge.add(known)
        finder.address_confirmed(known.address)
    again = finder.find("Jane", "Doe", domain="acme.test")
    assert again.address == "jane@acme.test" and not again.cached


@pytest.mark.parametrize(
    ("first", "last", "kwargs"),
    [("", "Doe", {"domain": "acme.test"}), ("Jane", "Doe", {}), ("Jane", "Doe", {"domain": "x"})],
)
def test_bad_input_raises_lookup_input_error(make_finder, first, last, kwargs):
    with pytest.raises(LookupInputError):
        make_finder(verify=False).find(first, last, **kwargs)


# -- CLI -------------------------------------------------------------------------------------------


@pytest.fixture
def cli_env(world, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCEBRIDGE_INSTANCE", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "test")
    monkeypatch.setenv("DNS_NAMESERVERS", world.dns.address)
    monkeypatch.setenv("EMAIL_VERIFY", "off")
    monkeypatch.delenv("REDIS_URL", raising=False)
    return world


def _run(*args: str) -> Result:
    return invoke(["email", "find", *args])


def test_cli_prints_the_result_as_json(cli_env):
    cli_env.domain("acme.test", (10, "mx.acme.test"))
    out = _run("--first", "Jane", "--last", "Doe", "--domain", "acme.test")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["address"] == "jane.doe@acme.test"
    assert {"reason", "catch_all", "role", "alternatives"} <= set(data)


@pytest.mark.parametrize(
    "args",
    [
        ["--first", "Jane", "--last", "Doe"],
        ["--first", "Jane", "--last", "Doe", "--domain", "a.test", "--company", "A"],
        ["--first", " ", "--last", "Doe", "--domain", "a.test"],
        ["--first", "Jane", "--last", "Doe", "--domain", "not a domain"],
    ],
)
def test_cli_bad_usage_exits_2_with_one_line(cli_env, args):
    out = _run(*args)
    assert out.exit_code == 2
    assert len(out.output.strip().splitlines()) == 1


def test_known_address_is_recognised_across_transliterations(world, make_finder):
    world.domain("acme.test", (10, "mx.acme.test"))
    known = InMemoryKnowledge([(KnownAddress("Jurgen", "Muller", "jm@acme.test"), None)])
    result = make_finder(known, verify=False).find("Jürgen", "Müller", domain="acme.test")
    assert (result.address, result.confidence) == ("jm@acme.test", "verified")


def test_smtp_verified_find_feeds_the_domain_model(world, make_finder):
    world.mx("mx.acme.test", FakeMailbox(users={"jdoe@acme.test", "jsmith@acme.test"}))
    world.domain("acme.test", (10, "mx.acme.test"))
    knowledge = InMemoryKnowledge()
    finder = make_finder(knowledge)
    finder.on_verified = knowledge.add
    assert finder.find("Jane", "Doe", domain="acme.test").confidence == "verified"
    assert [k.address for k in knowledge.known_addresses("acme.test")] == ["jdoe@acme.test"]
    assert finder.rank("John", "Smith", "acme.test")[0].address == "jsmith@acme.test"
    again = finder.find("Jane", "Doe", domain="acme.test")
    assert again.address == "jdoe@acme.test" and again.cached
