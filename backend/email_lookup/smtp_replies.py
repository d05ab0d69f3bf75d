"""What an SMTP reply means for mailbox verification (pure, table-driven).

Order (reference §5.5): the reply code for acceptance, then the enhanced status code (RFC 3463)
together with the provider, then block words, then phrases, then the bare reply code. Phrases
come last because the same words mean different things at different servers (Exchange Online's
"5.4.1 Recipient address rejected: Access denied" is an unknown user, not a block).
"""

from __future__ import annotations

import re
from enum import StrEnum


class Reply(StrEnum):
    ACCEPTED = "accepted"
    EXISTS_RATE_LIMITED = "exists_rate_limited"
    USER_UNKNOWN = "user_unknown"
    DISABLED = "disabled"
    FULL = "full"
    TEMPFAIL = "tempfail"
    SESSION_LIMIT = "session_limit"
    BLOCKED = "blocked"
    NETWORK = "network"
    UNPARSED_5XX = "unparsed_5xx"


_ENHANCED = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")

# Enhanced codes whose meaning does not depend on the words around them.
_BY_ENHANCED: dict[str, Reply] = {
    "5.1.1": Reply.USER_UNKNOWN,
    "5.1.10": Reply.USER_UNKNOWN,
    "5.1.6": Reply.USER_UNKNOWN,  # mailbox has moved, no forwarding address
    "5.2.1": Reply.DISABLED,
    "5.2.2": Reply.FULL,
    "4.2.2": Reply.FULL,
    "4.5.3": Reply.SESSION_LIMIT,
    "5.5.3": Reply.SESSION_LIMIT,
    "4.7.500": Reply.BLOCKED,  # Microsoft "server busy": throttling our IP
    "4.7.28": Reply.BLOCKED,  # Gmail: unusual rate of unsolicited mail from our IP
    "5.7.606": Reply.BLOCKED,  # Microsoft banned sending IP
    "5.7.511": Reply.BLOCKED,
}

_BLOCK_WORDS = (
    "spamhaus",
    "dnsbl",
    "blacklist",
    "black list",
    "blocklist",
    "block list",
    "blocked using",
    "client host blocked",
    "ip blocked",
    "is blocked",
    "poor reputation",
    "bad reputation",
    "low reputation",
    "banned",
    "abusix",
    "barracudacentral",
    "not yet authorized to deliver",
    "cannot find your reverse hostname",
    "reverse dns",
    "unusual rate",
    "too many connections",
)
_RATE_EXISTS = ("receiving mail at a rate that", "receiving mail too quickly")
_DISABLED_WORDS = ("disabled", "discontinued", "inactive", "deactivated", "suspended")
_FULL_WORDS = (
    "mailbox full",
    "mailbox is full",
    "over quota",
    "quota exceeded",
    "exceeded storage",
    "out of storage space",
    "insufficient system storage",
    "mailbox size limit",
)
_UNKNOWN_WORDS = (
    "user unknown",
    "unknown user",
    "no such user",
    "no such recipient",
    "no such mailbox",
    "does not exist",
    "doesn't exist",
    "recipient not found",
    "unknown recipient",
    "unknown local part",
    "invalid recipient",
    "invalid mailbox",
    "mailbox unavailable",
    "mailbox not found",
    "address rejected",
    "recipient address rejected",
    "not a valid mailbox",
    "account does not exist",
    "utilisateur inconnu",
    "unrouteable address",
)
_LIMIT_WORDS = ("too many recipients", "too many rcpt")
_TEMP_WORDS = ("greylist", "graylist", "try again later", "try later", "temporarily")


def enhanced_code(text: str) -> str | None:
    match = _ENHANCED.search(text)
    return ".".join(match.groups()) if match else None


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def classify_reply(code: int, message: str | bytes, provider: str = "other") -> Reply:
    """The category of one SMTP reply (code + text) from a server of `provider`."""
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    t = text.lower()
    if code in (250, 251):
        return Reply.ACCEPTED
    if code < 400:  # e.g. 252 "cannot verify": no mailbox-level answer
        return Reply.UNPARSED_5XX
    enh = enhanced_code(t)
    if _has(t, _RATE_EXISTS):
        return Reply.EXISTS_RATE_LIMITED
    if enh in _BY_ENHANCED:
        return _BY_ENHANCED[enh]
    if enh is not None and enh.startswith("5.7.6") and provider == "m365":
        return Reply.BLOCKED  # 5.7.606-649: Microsoft banned/blocked sender ranges
    if enh == "5.4.1" and ("access denied" in t or "recipient address rejected" in t):
        return Reply.USER_UNKNOWN  # Exchange Online directory-based edge blocking
    if enh == "5.5.0" and provider == "m365" and "mailbox unavailable" in t:
        return Reply.USER_UNKNOWN
    if _has(t, _BLOCK_WORDS):
        return Reply.BLOCKED
    if _has(t, _LIMIT_WORDS):
        return Reply.SESSION_LIMIT
    if _has(t, _FULL_WORDS):
        return Reply.FULL
    if enh == "5.1.0" or _has(t, _UNKNOWN_WORDS):
        return Reply.USER_UNKNOWN if code >= 500 else Reply.TEMPFAIL
    if code >= 500 and _has(t, _DISABLED_WORDS):
        return Reply.DISABLED
    if _has(t, _TEMP_WORDS) or code in (421, 450, 451):
        return Reply.TEMPFAIL
    if code == 452:
        return Reply.SESSION_LIMIT
    if code == 552:
        return Reply.FULL
    if 400 <= code < 500:
        return Reply.TEMPFAIL
    return Reply.UNPARSED_5XX
