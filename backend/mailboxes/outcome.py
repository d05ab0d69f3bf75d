"""What one SMTP submission came to (the sequences feature records it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

OutcomeKind = Literal["sent", "retry", "unknown", "recipient_rejected", "mailbox_paused", "failed"]


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """`sent`: accepted (250 after DATA). `retry`: failed before the message was accepted, safe to
    send again later with the same Message-ID. `unknown`: the connection was lost after DATA, so
    the message may have gone; the reconciler decides through the Sent folder.
    `recipient_rejected`: the provider refused the address (5xx on RCPT). `mailbox_paused`: quota,
    policy or authentication trouble; the mailbox is paused (or in auth_error) with `detail`.
    `failed`: refused for good for another reason (not retried)."""

    kind: OutcomeKind
    detail: str
    retry_at: datetime | None = None
