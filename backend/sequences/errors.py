"""The one error the sequences feature refuses with; each edge answers it in its own way."""

from __future__ import annotations


class Refused(Exception):
    """An operation refused: `status` is the HTTP status it means (404, 409, 422), `field` the
    input at fault as a dotted path (`steps.1.subject`), or None; `reason`, when set, a stable
    word for clients to act on ("suppressed", "already_enrolled", "no_email"), which the
    message's words are not."""

    def __init__(
        self, status: int, message: str, field_name: str | None = None, reason: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field_name
        self.reason = reason
