"""The reference's SMTP scenarios (email-lookup.md §6.2), against fake MX servers on loopback.

Each test names the scenario number. Where we diverge from Reacher on purpose, the Reacher value
is in a comment.
"""

from __future__ import annotations

import threading
import time

from backend.email_lookup import InMemoryKnowledge
from backend.email_lookup import KnownAddress
from backend.email_lookup.dns_check import MailHosts
from backend.email_lookup.smtp_verify import EXISTS
from backend.email_lookup.smtp_verify import UNKNOWN
from tests.support.fake_smtp import FakeMailbox
from tests.support.fake_smtp import start_greeting_server
from tests.support.fake_smtp import tls_contexts

BLOCK = "554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org"


def _acme(world, handler=None, **kwargs):
    box = world.mx("mx1.acme.test", handler, **kwargs)
    world.domain("acme.test", (10, "mx1.acme.test"))
    return box


def test_s01_accepted_address_is_verified_and_rejected_ones_are_invalid(world, make_finder):
    box = _acme(world, FakeMailbox(users={"jdoe@acme.test"}))
    result = make_finder().find("Jane", "Doe", domain="acme.test")
    assert result.address == "jdoe@acme.test"
    assert result.confidence == "verified"
    assert result.catch_all is False
    by_address = {a.address: a for a in result.alternatives}
    assert by_address["jane.doe@acme.test"].confidence == "invalid"
    assert "mailbox accepted" in result.reason and "not catch-all" in result.reason
    assert "pattern flast" in result.reason, "the reason speaks of the chosen address"
    # the random probe went first, then the most likely candidate
    rcpts = box.rcpt_addresses()
    assert rcpts[1] == "jane.doe@acme.test" and rcpts[0].endswith("@acme.test")
    assert len(rcpts[0].split("@")[0]) == 20
    assert not box.events("data"), "a verifier never sends a message"


def test_s01_every_candidate_rejected_is_invalid(world, make_finder):
    _acme(world, FakeMailbox(users=set()))
    result = make_finder().find("Jane", "Doe", domain="acme.test")
    assert result.confidence == "invalid"
    assert result.address is None
    confidences = {a.address: a.confidence for a in result.alternatives}
    assert confidences["jane.doe@acme.test"] == confidences["jdoe@acme.test"] == "invalid"
    assert "verified" not in confidences.values()


def test_s02_catch_all_domain_gives_no_mailbox_verdict(world, make_finder):
    box = _acme(world, FakeMailbox(catch_all=True))
    result = make_finder().find("Jane", "Doe", domain="acme.test")
    assert result.catch_all is True
    assert result.confidence == "possible"  # Reacher: risky
    assert result.address == "jane.doe@acme.test"
    assert len(box.rcpt_addresses()) == 1, "only the probe: real addresses tell nothing"


def test_s02_catch_all_with_a_learned_pattern_is_probable(world, make_finder):
    _acme(world, FakeMailbox(catch_all=True))
    known = InMemoryKnowledge(
        (KnownAddress(f, ln, f"{f[0]}{ln}@acme.test".lower()), None)
        for f, ln in [("Ann", "Lee"), ("Bob", "Stone"), ("Carl", "Marx")]
    )
    result = make_finder(known).find("Jane", "Doe", domain="acme.test")
    assert (result.address, result.confidence, result.catch_all) == (
        "jdoe@acme.test",
        "probable",
        True,
    )
    assert "pattern flast seen in 3 of 3 known addresses at acme.test" in result.reason


def test_s03_greylisting_schedules_a_retry_that_reuses_the_probe(world, make_finder, clock):
    box = _acme(world, FakeMailbox(users={"jane.doe@acme.test"}, greylist_seconds=0.3))
    finder = make_finder()
    first = finder.find("Jane", "Doe", domain="acme.test")
    assert first.confidence == "unknown"
    assert first.retry_at is not None and first.retry_at >= clock() + 300
    connects = len(box.sessions())
    # Before the retry time: answered from the cache, no connection.
    clock.advance(60)
    assert finder.find("Jane", "Doe", domain="acme.test").confidence == "unknown"
    assert len(box.sessions()) == connects
    # After it (and after the server's real greylist delay): the same probe triplet passes.
    time.sleep(0.35)
    clock.advance(300)
    second = finder.find("Jane", "Doe", domain="acme.test")
    assert second.confidence == "verified"  # Reacher: unknown
    assert second.address == "jane.doe@acme.test"
    probe = finder.verifier.probe_local_part("acme.test") + "@acme.test"
    probe_sessions = [e[1] for e in box.events("rcpt") if e[2] == probe]
    assert len(probe_sessions) == 2 and probe_sessions[0] != probe_sessions[1]
    # jane.doe was presented in the deferred session too, so its triplet had aged as well
    assert [e[3][:3] for e in box.events("rcpt") if e[2] == "jane.doe@acme.test"] == ["451", "250"]


def test_s06_a_record_only_domain_is_probed_on_its_own_address(world, make_finder):
    box = world.mx("aonly.test", FakeMailbox(users={"jane.doe@aonly.test"}))
    result = make_finder().find("Jane", "Doe", domain="aonly.test")
    assert result.confidence == "verified"  # Reacher: invalid (no MX)
    assert "no MX" in result.reason
    assert box.sessions()


def test_s07_fails_over_to_the_next_mx(world, make_finder):
    world.dead_host("mx1.acme.test")
    box = world.mx("mx2.acme.test", FakeMailbox(users={"jane.doe@acme.test"}))
    world.domain("acme.test", (10, "mx1.acme.test"), (20, "mx2.acme.test"))
    result = make_finder().find("Jane", "Doe", domain="acme.test")
    assert result.confidence == "verified"  # Reacher: lowest MX only
    assert box.sessions()


def test_s08_slow_server_times_out_as_unknown(world, make_finder):
    _acme(world, FakeMailbox(users={"jane.doe@acme.test"}, rcpt_delay=1.5))
    started = time.monotonic()
    result = make_finder(command_timeout=0.3).find("Jane", "Doe", domain="acme.test")
    assert result.confidence == "unknown"
    assert "timed out" in result.reason
    assert time.monotonic() - started < 5


def test_s09_dropped_connection_reconnects_and_continues(world, make_finder):
    box = _acme(world, FakeMailbox(users={"jdoe@acme.test"}, drop_after_reject=True))
    result = make_finder().find("Jane", "Doe", domain="acme.test")
    assert (result.address, result.confidence) == ("jdoe@acme.test", "verified")
    # probe | jane.doe | jdoe (+ the next likely one), each session ended by a drop
    assert 3 <= len(box.sessions()) <= 4


def test_s10_too_many_recipients_opens_a_new_session(world, make_finder):
    box = _acme(world, FakeMailbox(users={"janedoe@acme.test"}, max_rcpts=2))
    result = make_finder().find("Jane", "Doe", domain="acme.test")
    assert (result.address, result.confidence) == ("janedoe@acme.test", "verified")
    sessions = box.sessions()
    assert len(sessions) >= 3
    for sid in sessions:
        accepted_or_rejected = [
            e for e in box.events("rcpt") if e[1] == sid and not e[3].startswith("452")
        ]
        assert len(accepted_or_rejected) <= 2


def test_s11_block_opens_the_circuit_breaker(world, make_finder):
    box = _acme(world, FakeMailbox(replies={}, reject=BLOCK, users=set()))
    finder = make_finder()
    result = finder.find("Jane", "Doe", domain="acme.test")
    assert result.confidence == "unknown"
    assert "blocked" in result.reason
    sessions = len(box.sessions())
    other = finder.find("John", "Smith", domain="acme.test")
    assert other.confidence == "unknown"
    assert len(box.sessions()) == sessions, "no connection while the breaker is open"


def test_s11_block_at_greeting_opens_the_breaker(world, make_finder):
    ip = world.ips.pop(0)
    world.zone["mx1.block.test"] = {"A": [ip]}
    world.domain("block.test", (10, "mx1.block.test"))
    server = start_greeting_server(ip, world.port, BLOCK)
    try:
        finder = make_finder()
        assert finder.find("Jane", "Doe", domain="block.test").confidence == "unknown"
        assert len(server.connections) == 1
        assert finder.find("John", "Smith", domain="block.test").confidence == "unknown"
        assert len(server.connections) == 1
    finally:
        server.stop()


def test_s12_full_mailbox_exists_but_is_flagged(world, make_finder):
    full = "552 5.2.2 <jane.doe@acme.test>: mailbox full"
    _acme(world, FakeMailbox(replies={"jane.doe@acme.test": full}))
    result = make_finder().find("Jane", "Doe", domain="acme.test")
    assert result.address == "jane.doe@acme.test"
    assert result.confidence == "probable"  # Reacher: risky, has_full_inbox
    assert "full" in result.reason


def test_s13_disabled_account_is_invalid(world, make_finder):
    disabled = "550 5.2.1 <jane.doe@acme.test>: account disabled"
    _acme(world, FakeMailbox(replies={"jane.doe@acme.test": disabled}))
    result = make_finder().find("Jane", "Doe", domain="acme.test")
    assert result.address is None and result.confidence == "invalid"
    assert {"jane.doe@acme.test"} <= {a.address for a in result.alternatives}


def test_s14_m365_access_denied_is_an_unknown_user_not_a_block(world, make_finder):
    m365 = "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [x.outlook.com]"
    box = _acme(world, FakeMailbox(users={"jdoe@acme.test"}, reject=m365))
    finder = make_finder()
    result = finder.find("Jane", "Doe", domain="acme.test")
    assert (result.address, result.confidence) == ("jdoe@acme.test", "verified")
    before = len(box.sessions())
    finder.find("John", "Smith", domain="acme.test")
    assert len(box.sessions()) > before, "access denied must not open the breaker"


def test_s15_m365_recipient_ok_for_everything_is_catch_all(world, make_finder):
    _acme(world, FakeMailbox(catch_all=True, accept="250 2.1.5 Recipient OK"))
    result = make_finder().find("Jane", "Doe", domain="acme.test")
    assert result.catch_all is True
    assert result.confidence in ("possible", "probable")


def test_s16_starttls_required_is_negotiated(world, make_finder):
    server_ctx, client_ctx = tls_contexts(["mx1.acme.test"])
    box = _acme(
        world,
        FakeMailbox(users={"jane.doe@acme.test"}),
        tls_context=server_ctx,
        require_starttls=True,
    )
    result = make_finder(tls_context=client_ctx).find("Jane", "Doe", domain="acme.test")
    assert (result.address, result.confidence) == ("jane.doe@acme.test", "verified")
    assert box.rcpt_addresses()


def test_s18_gmail_rate_limited_recipient_exists(world, make_finder):
    rate = (
        "450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents "
        "additional messages from being delivered."
    )
    _acme(world, FakeMailbox(replies={"jane.doe@acme.test": rate}))
    result = make_finder().find("Jane", "Doe", domain="acme.test")
    assert (result.address, result.confidence) == ("jane.doe@acme.test", "verified")


def test_s19_role_address_is_flagged_and_never_returned(world, make_finder):
    box = _acme(world, FakeMailbox(catch_all=False, users={"support@acme.test"}))
    known = InMemoryKnowledge(
        (KnownAddress(f, ln, f"{f.lower()}@acme.test"), None)
        for f, ln in [("Ann", "Lee"), ("Bob", "Stone"), ("Carl", "Marx")]
    )
    result = make_finder(known).find("Support", "Team", domain="acme.test")
    assert result.role is True
    assert result.address != "support@acme.test"
    assert "support@acme.test" not in {a.address for a in result.alternatives}
    assert "support@acme.test" not in box.rcpt_addresses()


def test_s20_non_ascii_local_part_is_skipped_without_smtputf8(world, make_finder):
    box = _acme(world, FakeMailbox(users={"juergen@acme.test"}), smtputf8=False)
    finder = make_finder()
    mail = finder.resolver.mail_hosts("acme.test")
    check = finder.verifier.verify(
        "acme.test", mail, [("jürgen@acme.test", 0.6), ("juergen@acme.test", 0.4)]
    )
    assert check.outcomes["jürgen@acme.test"].status == UNKNOWN
    assert "SMTPUTF8" in check.outcomes["jürgen@acme.test"].message
    assert check.outcomes["juergen@acme.test"].status == EXISTS
    assert all(a.isascii() for a in box.rcpt_addresses())


def test_s21_one_session_per_server_at_a_time_and_at_most_five_rcpts(world, make_finder):
    box = _acme(world, FakeMailbox(users=set(), rcpt_delay=0.02))
    finder = make_finder(min_session_interval=0.05)
    people = [("Jane", "Doe"), ("John", "Smith"), ("Ann", "Lee"), ("Bob", "Stone")]
    threads = [
        threading.Thread(target=finder.find, args=p, kwargs={"domain": "acme.test"}) for p in people
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert not any(t.is_alive() for t in threads)
    box.wait_closed()
    sessions = box.sessions()
    assert len(sessions) >= len(people)
    spans = []
    for sid in sessions:
        opened = [e[4] for e in box.log if e[0] == "connect" and e[1] == sid][0]
        closed = [e[4] for e in box.log if e[0] == "close" and e[1] == sid][0]
        spans.append((opened, closed))
        assert len([e for e in box.events("rcpt") if e[1] == sid]) <= 5
    spans.sort()
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert start >= end, "two sessions to one mail server overlapped"
        assert start - end >= 0.0


def test_verifier_refuses_private_addresses_unless_allowed(world, make_finder):
    box = _acme(world, FakeMailbox(users={"jane.doe@acme.test"}))
    result = make_finder(allow_private_networks=False).find("Jane", "Doe", domain="acme.test")
    assert not box.sessions()
    assert "private address" in result.reason
    assert result.confidence == "possible"  # pattern only: no mailbox verdict


def test_verifier_skips_domains_without_hosts():
    from backend.email_lookup.smtp_verify import SmtpConfig
    from backend.email_lookup.smtp_verify import SmtpVerifier

    verifier = SmtpVerifier(resolver=None, config=SmtpConfig())  # type: ignore[arg-type]
    check = verifier.verify("x.test", MailHosts("x.test", "ok", ()), [("a@x.test", 1.0)])
    assert check.sessions == 0 and check.outcomes["a@x.test"].status == UNKNOWN


def test_s03_greylisting_gives_up_after_the_retry_schedule(world, make_finder, clock):
    from backend import defaults

    box = _acme(world, FakeMailbox(users={"jane.doe@acme.test"}, greylist_seconds=3600))
    finder = make_finder()
    results = []
    for step in defaults.SMTP_GREYLIST_RETRY:
        results.append(finder.find("Jane", "Doe", domain="acme.test"))
        clock.advance(step.total_seconds() + 1)
    last = finder.find("Jane", "Doe", domain="acme.test")
    assert all(r.retry_at for r in results)
    assert last.retry_at is None and last.confidence == "unknown"
    assert "gave up" in last.reason
    sessions = len(box.sessions())
    clock.advance(3600)
    assert finder.find("Jane", "Doe", domain="acme.test").confidence == "unknown"
    assert len(box.sessions()) == sessions, "no more probing once the schedule is used up"
