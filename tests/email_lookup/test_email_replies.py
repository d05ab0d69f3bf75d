"""SMTP reply classification: our own table of reply lines -> category (reference §5.5, §7.2)."""

from __future__ import annotations

import pytest

from backend.email_lookup.smtp_replies import Reply
from backend.email_lookup.smtp_replies import classify_reply

CASES = [
    (250, "2.1.5 Ok", "other", Reply.ACCEPTED),
    (250, "2.1.5 Recipient OK", "m365", Reply.ACCEPTED),
    (
        550,
        "5.1.1 <x@y>: Recipient address rejected: User unknown in local recipient table",
        "other",
        Reply.USER_UNKNOWN,
    ),
    (
        550,
        "5.1.1 The email account that you tried to reach does not exist.",
        "google",
        Reply.USER_UNKNOWN,
    ),
    (
        550,
        "5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
        "m365",
        Reply.USER_UNKNOWN,
    ),
    (
        550,
        "5.4.1 Recipient address rejected: Access denied. AS(201806281)",
        "m365",
        Reply.USER_UNKNOWN,
    ),
    (550, "5.5.0 Requested action not taken: mailbox unavailable", "m365", Reply.USER_UNKNOWN),
    (550, "No such user here", "other", Reply.USER_UNKNOWN),
    (550, "utilisateur inconnu", "other", Reply.USER_UNKNOWN),
    (550, "5.2.1 The email account that you tried to reach is disabled.", "google", Reply.DISABLED),
    (550, "Account inactive", "other", Reply.DISABLED),
    (552, "5.2.2 mailbox full", "other", Reply.FULL),
    (452, "4.2.2 The email account that you tried to reach is over quota.", "google", Reply.FULL),
    (
        450,
        "4.2.1 The user you are trying to contact is receiving mail at a rate that prevents "
        "additional messages from being delivered.",
        "google",
        Reply.EXISTS_RATE_LIMITED,
    ),
    (
        451,
        "4.7.1 <x@y>: Recipient address rejected: Greylisted, try again later",
        "other",
        Reply.TEMPFAIL,
    ),
    (450, "4.2.0 Mailbox busy", "other", Reply.TEMPFAIL),
    (421, "4.3.0 Service not available, try again later", "other", Reply.TEMPFAIL),
    (452, "4.5.3 Too many recipients", "m365", Reply.SESSION_LIMIT),
    (452, "Too many recipients received this hour", "other", Reply.SESSION_LIMIT),
    (
        554,
        "5.7.1 Service unavailable; Client host [1.2.3.4] blocked using zen.spamhaus.org",
        "other",
        Reply.BLOCKED,
    ),
    (550, "5.7.606 Access denied, banned sending IP [1.2.3.4]", "m365", Reply.BLOCKED),
    (451, "4.7.500 Server busy. Please try again later from [1.2.3.4]", "m365", Reply.BLOCKED),
    (
        421,
        "4.7.28 Our system has detected an unusual rate of unsolicited mail",
        "google",
        Reply.BLOCKED,
    ),
    (550, "Cannot find your reverse hostname", "other", Reply.BLOCKED),
    (550, "5.7.1 Relaying denied", "other", Reply.UNPARSED_5XX),
    (550, "5.7.1 Message rejected by policy", "other", Reply.UNPARSED_5XX),
    (554, "Transaction failed", "other", Reply.UNPARSED_5XX),
    (252, "2.1.5 Cannot VRFY user", "other", Reply.UNPARSED_5XX),
]


@pytest.mark.parametrize(("code", "text", "provider", "expected"), CASES)
def test_reply_lines_classify_by_code_then_provider_then_phrase(code, text, provider, expected):
    assert classify_reply(code, text, provider) == expected


def test_bytes_replies_are_decoded():
    assert classify_reply(550, b"5.1.1 user unknown") == Reply.USER_UNKNOWN


def test_policy_5_7_1_is_never_called_an_unknown_user():
    """Reacher files a blanket 5.7.1 as invalid; that is a known source of false invalids."""
    assert classify_reply(550, "5.7.1 Recipient rejected by policy") != Reply.USER_UNKNOWN
