"""The outgoing message: one sequence email as MIME, built the same way every time (pure).

Plain text plus an HTML alternative made only by escaping that text (nothing a template or a
contact field contains can become markup), the mailbox's signature, the opt-out line, the team's
postal address, `List-Unsubscribe` + RFC 8058 one-click, and threading headers for follow-ups.
Never `Auto-Submitted` or `Precedence`: responders would then stay silent, and an out-of-office
reply is the signal that pauses a sequence.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from email.utils import make_msgid

# policy.SMTP folds at 78 columns and turns a long List-Unsubscribe URL into RFC 2047
# encoded-words that receivers cannot parse; 998 is the RFC 5322 line limit.
MAIL_POLICY = policy.SMTP.clone(max_line_length=998)

OPT_OUT_LINE = 'Not interested in hearing from me? Reply "unsubscribe" or use this link: {url}'

_ID_TOKEN = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    message_id: str
    from_addr: str
    from_name: str
    to_addr: str
    to_name: str
    subject: str
    text_body: str
    in_reply_to: str | None
    references: tuple[str, ...]
    unsubscribe_url: str
    reply_to: str | None


def new_message_id(from_addr: str) -> str:
    """A fresh `<...@sender-domain>` id (the domain is given, so no slow getfqdn() lookup)."""
    domain = from_addr.rpartition("@")[2] or "localhost"
    return make_msgid(domain=domain)


def bracketed(message_id: str) -> str:
    message_id = message_id.strip()
    return message_id if message_id.startswith("<") else f"<{message_id}>"


def message_ids(header_value: str | None) -> tuple[str, ...]:
    """The `<...>` tokens of an In-Reply-To / References value (folding and junk ignored)."""
    return tuple(_ID_TOKEN.findall(header_value or ""))


def thread_subject(subject: str, in_reply_to: str | None) -> str:
    if in_reply_to and not re.match(r"(?i)\s*re\s*:", subject):
        return f"Re: {subject}"
    return subject


def text_body(email: OutgoingEmail, *, signature: str | None, postal_address: str | None) -> str:
    parts = [email.text_body.rstrip()]
    if signature and signature.strip():
        parts.append("-- \n" + signature.strip())  # the standard signature delimiter
    footer = OPT_OUT_LINE.format(url=email.unsubscribe_url)
    if postal_address and postal_address.strip():
        footer += "\n" + postal_address.strip()
    parts.append(footer)
    return "\n\n".join(parts) + "\n"


def _html_paragraphs(text: str) -> str:
    blocks = [b for b in re.split(r"\n{2,}", text.strip()) if b.strip()]
    return "\n".join(f"<p>{html.escape(b).replace(chr(10), '<br>')}</p>" for b in blocks)


def html_body(email: OutgoingEmail, *, signature: str | None, postal_address: str | None) -> str:
    """The text, escaped, in paragraphs; the only link is our own unsubscribe URL."""
    parts = [_html_paragraphs(email.text_body)]
    if signature and signature.strip():
        parts.append(f'<div class="signature">{_html_paragraphs(signature)}</div>')
    url = html.escape(email.unsubscribe_url, quote=True)
    footer = (
        '<p style="color:#666;font-size:small">Not interested in hearing from me? '
        f'Reply "unsubscribe" or <a href="{url}">unsubscribe here</a>.'
    )
    if postal_address and postal_address.strip():
        footer += "<br>" + html.escape(postal_address.strip()).replace("\n", "<br>")
    parts.append(footer + "</p>")
    return "<!DOCTYPE html>\n<html><body>\n" + "\n".join(parts) + "\n</body></html>\n"


def compose(
    email: OutgoingEmail,
    *,
    sent_at: datetime,
    signature: str | None = None,
    postal_address: str | None = None,
) -> EmailMessage:
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["Message-ID"] = bracketed(email.message_id)
    msg["Date"] = format_datetime(sent_at)
    msg["From"] = Address(email.from_name or "", addr_spec=email.from_addr)
    msg["To"] = Address(email.to_name or "", addr_spec=email.to_addr)
    if email.reply_to:
        msg["Reply-To"] = email.reply_to
    msg["Subject"] = thread_subject(email.subject, email.in_reply_to)
    if email.in_reply_to:
        parent = bracketed(email.in_reply_to)
        chain = [bracketed(r) for r in email.references]
        if parent not in chain:
            chain.append(parent)
        msg["In-Reply-To"] = parent
        msg["References"] = " ".join(chain)
    msg["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text_body(email, signature=signature, postal_address=postal_address))
    msg.add_alternative(
        html_body(email, signature=signature, postal_address=postal_address), subtype="html"
    )
    return msg


def to_bytes(msg: EmailMessage) -> bytes:
    return msg.as_bytes(policy=MAIL_POLICY)
