"""Reading an inbound message safely: bounded bytes in, headers and plain text out (pure).

Untrusted mail is never rendered: HTML-only messages are reduced to text, scripts and styles
dropped, and every size is capped before parsing.
"""

from __future__ import annotations

import email
import email.message
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from email import policy
from email.errors import HeaderParseError
from email.header import Header
from email.header import decode_header
from email.header import make_header
from email.utils import getaddresses
from email.utils import parsedate_to_datetime

from selectolax.lexbor import LexborHTMLParser

from backend import defaults
from backend.mailboxes.message import message_ids

# Quoted history inside HTML replies (Gmail, Outlook, Apple Mail, Thunderbird).
_HTML_QUOTES = (
    "div.gmail_quote",
    "blockquote",
    "div#divRplyFwdMsg",
    "div#appendonsend",
    "div.moz-cite-prefix",
)


@dataclass(frozen=True, slots=True)
class ParsedMail:
    message: email.message.Message
    from_addr: str
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    date: datetime | None
    text: str  # the first text/plain (or de-tagged text/html) outside attached messages


def parse_bytes(raw: bytes) -> email.message.Message:
    # compat32: the header-registry policy costs ~80% of classification time, and only a few
    # headers are ever shown; those are decoded by `header`.
    raw = raw[: defaults.MAIL_MAX_MESSAGE_BYTES]
    # nested multiparts recurse in the stdlib parser: a MIME bomb costs seconds, then fails
    if raw.lower().count(b"content-type:") > defaults.MAIL_MAX_MIME_PARTS:
        raise ValueError(f"more than {defaults.MAIL_MAX_MIME_PARTS} MIME parts")
    return email.message_from_bytes(raw, policy=policy.compat32)


def header(msg: email.message.Message, name: str) -> str:
    """A header as text (RFC 2047 words decoded); a malformed one reads as its raw value."""
    value = msg.get(name)
    if value is None:
        return ""
    if isinstance(value, Header):
        # Raw 8-bit bytes in a header (no RFC 2047 words): mail clients send UTF-8, and the
        # stdlib would show each of those bytes as U+FFFD.
        text = "".join(_chunk_text(part, charset) for part, charset in decode_header(value))
    else:
        text = str(value)
    if "=?" in text:
        try:
            text = str(make_header(decode_header(text)))
        except (ValueError, LookupError, UnicodeError, HeaderParseError):
            pass
    return " ".join(text.split()) if "\n" in text else text.strip()


def _chunk_text(part: bytes | str, charset: str | None) -> str:
    if isinstance(part, str):
        return part
    try:
        return part.decode(charset if charset not in (None, "unknown-8bit") else "utf-8", "replace")
    except LookupError:  # a charset Python does not know
        return part.decode("utf-8", "replace")


def first_address(value: str) -> str:
    pairs = getaddresses([value])
    return pairs[0][1].strip().lower() if pairs and pairs[0][1] else ""


def _date(msg: email.message.Message) -> datetime | None:
    try:
        value = parsedate_to_datetime(header(msg, "Date"))
    except (TypeError, ValueError, IndexError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def html_to_text(markup: str) -> str:
    tree = LexborHTMLParser(markup)
    for selector in ("script", "style", "head", *_HTML_QUOTES):
        for node in tree.css(selector):
            node.decompose()
    for node in tree.css("br"):
        node.replace_with("\n")
    body = tree.body or tree.root
    if body is None:
        return ""
    return body.text(separator="\n", deep=True)


def _part_text(part: email.message.Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:  # an unknown charset name
        return payload.decode("utf-8", "replace")


def body_text(msg: email.message.Message) -> str:
    """Plain text of the message itself, not of attached or returned messages."""
    plain: str | None = None
    markup: str | None = None
    stack = [msg]
    while stack:
        part = stack.pop(0)
        ctype = part.get_content_type()
        if ctype.startswith("message/") or ctype == "text/rfc822-headers":
            continue  # a returned or forwarded-as-attachment message is not this one's text
        if part.is_multipart():
            children = part.get_payload()
            stack[0:0] = [c for c in children if isinstance(c, email.message.Message)]
            continue
        if part.get_content_disposition() == "attachment":
            continue
        if ctype == "text/plain" and plain is None:
            plain = _part_text(part)
        elif ctype == "text/html" and markup is None:
            markup = _part_text(part)
    if plain is not None and plain.strip():
        text = plain
    elif markup:
        text = html_to_text(markup)
    else:
        text = plain or ""
    return text.replace("\r\n", "\n")[: defaults.MAIL_MAX_MESSAGE_BYTES]


def parse_mail(raw: bytes) -> ParsedMail:
    msg = parse_bytes(raw)
    ids = message_ids(header(msg, "Message-ID"))
    parents = message_ids(header(msg, "In-Reply-To"))
    return ParsedMail(
        message=msg,
        from_addr=first_address(header(msg, "From")),
        message_id=ids[0] if ids else None,
        in_reply_to=parents[0] if parents else None,
        references=message_ids(header(msg, "References")),
        subject=" ".join(header(msg, "Subject").split())[:500],
        date=_date(msg),
        text=body_text(msg),
    )
