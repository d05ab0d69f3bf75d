"""Bounces: delivery status reports (RFC 3464) first, then vendor heuristics and flufl.bounce.

Hard = the report says `failed` with a 5.x.x status, except 5.2.2 (mailbox full), which is soft.
Soft = `delayed` or 4.x.x. `delivered`, `relayed` and `expanded` reports are not bounces.
"""

from __future__ import annotations

import email
import email.message
import logging
import re
from dataclasses import dataclass
from email import policy

from flufl.bounce import all_failures

from backend.mailboxes.message import message_ids
from backend.mailboxes.parse import first_address
from backend.mailboxes.parse import header

log = logging.getLogger(__name__)

_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_BOUNCE_SUBJECT = re.compile(
    r"(?i)undeliver|undelivered|delivery status notification|mail delivery failed|"
    r"returned mail|failure notice|delivery has failed|non remis|unzustellbar|"
    r"no se puede entregar|nicht zugestellt|delivery failure|non-delivery|not delivered|"
    r"could not be delivered|onbestelbaar|niet bezorgd|impossibile recapitare|mancato recapito|"
    r"não entregue|nao entregue|não foi possível entregar|olevererbart|kunde inte levereras"
)
_DAEMON = re.compile(
    r"(?i)^(mailer-daemon|postmaster|mail-daemon)@|mail delivery (subsystem|system)"
)


@dataclass(frozen=True, slots=True)
class Bounce:
    hard: bool
    address: str | None
    status: str | None
    original_message_id: str | None
    detail: str


def _status_hard(action: str, status: str | None) -> bool | None:
    """True hard, False soft, None not a failure at all."""
    action = action.lower()
    if action.startswith(("delivered", "relayed", "expanded")):
        return None
    if status == "5.2.2":
        return False  # mailbox full: the address exists
    if action.startswith(("fail", "error")) or (status or "").startswith("5"):
        return True
    if action.startswith("delay") or (status or "").startswith("4"):
        return False
    return None


def _returned_message_id(msg: email.message.Message) -> str | None:
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "message/global"):
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, email.message.Message):
                ids = message_ids(header(inner, "Message-ID"))
                if ids:
                    return ids[0]
        elif ctype in ("text/rfc822-headers", "message/rfc822-headers"):
            raw = part.get_payload(decode=True) or b""
            inner = email.message_from_bytes(raw, policy=policy.compat32)
            ids = message_ids(inner.get("Message-ID", ""))
            if ids:
                return ids[0]
    return None


def _status_blocks(part: email.message.Message) -> list[email.message.Message]:
    payload = part.get_payload()
    if isinstance(payload, list):  # message/delivery-status: the stdlib splits the blocks
        return [b for b in payload if isinstance(b, email.message.Message)]
    raw = part.get_payload(decode=True) or b""  # global-delivery-status: parse it ourselves
    blocks = re.split(rb"\r?\n\r?\n", raw)
    return [email.message_from_bytes(b, policy=policy.compat32) for b in blocks if b.strip()]


def dsn_bounce(msg: email.message.Message) -> Bounce | None:
    """From any delivery-status part anywhere in the message (real ones are often malformed)."""
    for part in msg.walk():
        if part.get_content_type() not in (
            "message/delivery-status",
            "message/global-delivery-status",
        ):
            continue
        blocks = _status_blocks(part)
        for block in blocks[1:] or blocks:
            recipient = str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
            if not recipient:
                continue
            address = recipient.split(";", 1)[-1].strip().strip("<>").lower() or None
            match = _STATUS.search(str(block.get("Status") or ""))
            status = ".".join(match.groups()) if match else None
            hard = _status_hard(str(block.get("Action") or ""), status)
            if hard is None:
                continue
            diagnostic = " ".join(str(block.get("Diagnostic-Code") or "").split())[:300]
            return Bounce(hard, address, status, _returned_message_id(msg), diagnostic)
    return None


def _looks_like_bounce(msg: email.message.Message) -> bool:
    if header(msg, "X-Failed-Recipients"):
        return True
    sender = header(msg, "From")
    null_path = header(msg, "Return-Path") in ("<>", "")
    from_daemon = bool(_DAEMON.search(first_address(sender)) or _DAEMON.search(sender))
    return (from_daemon or (null_path and "Return-Path" in msg)) and bool(
        _BOUNCE_SUBJECT.search(header(msg, "Subject"))
    )


def heuristic_bounce(msg: email.message.Message, text: str) -> Bounce | None:
    """Bounces without a (readable) report: Exim, qmail, Exchange and friends."""
    if not _looks_like_bounce(msg):
        return None
    try:
        temporary, permanent = all_failures(msg)
    except Exception:  # flufl's heuristics on hostile input must not stop the poll
        log.warning("flufl.bounce failed on a message", exc_info=True)
        temporary, permanent = set(), set()
    failed = header(msg, "X-Failed-Recipients")
    addresses = sorted(a.decode("utf-8", "replace").lower() for a in permanent)
    soft = sorted(a.decode("utf-8", "replace").lower() for a in temporary)
    match = _STATUS.search(text)
    status = ".".join(match.groups()) if match else None
    original = _returned_message_id(msg) or _quoted_message_id(text)
    if addresses or (failed and not soft):
        address = addresses[0] if addresses else first_address(failed) or None
        hard = not (status and (status.startswith("4") or status == "5.2.2"))
        return Bounce(hard, address, status, original, "non-standard bounce")
    if soft:
        return Bounce(False, soft[0], status, original, "non-standard delay notice")
    return Bounce(True, None, status, original, "bounce without a recipient")


def _quoted_message_id(text: str) -> str | None:
    match = re.search(r"(?im)^\s*message-id:\s*(<[^<>\s]+>)", text)
    return match.group(1) if match else None
