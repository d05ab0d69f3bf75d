"""A classified message read from a mailbox (the sequences feature applies its stop rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from typing import Literal

InboundKind = Literal["reply", "auto_reply", "bounce_hard", "bounce_soft", "unsubscribe"]


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """For a bounce, `in_reply_to` is the Message-ID of the returned message (when the report
    carries it) and `bounced_address` the recipient that failed; `bounce_status` is the RFC 3463
    code when one was given (5.1.x = the address is bad; 5.7.x = a sender/policy problem, the
    address is not known to be bad). `body_text` is trimmed: no quoted thread, no signature."""

    kind: InboundKind
    mailbox_id: int
    from_addr: str
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    body_text: str
    received_at: datetime
    return_date: date | None = None
    bounced_address: str | None = None
    bounce_status: str | None = None
