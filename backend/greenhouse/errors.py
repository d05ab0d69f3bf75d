"""Errors raised by the Greenhouse client, one class per way a call can fail.

    GreenhouseError                 base: message, status, body, request_id, outcome_unknown
    ├── APIConnectionError          no usable answer: refused, reset, dropped, timed out (.timeout)
    ├── Throttled                   an interactive call found no free request slot in time
    ├── MalformedResponse           an answer that is not the JSON (or Link) the API promises
    └── APIStatusError              Greenhouse answered with an error status
        ├── BadRequest              any 4xx not listed below (400, 405, 409 ...)
        ├── AuthenticationError     401, and token endpoint refusals (.oauth_error)
        ├── PermissionDenied        403: missing scope, record out of reach, or a list endpoint
        │                           called as a user who is not a site admin (.not_site_admin)
        ├── NotFound                404
        ├── ValidationFailed        422: .messages (plain strings) and .field_errors {field: [text]}
        ├── RateLimited             429 (.retry_after seconds, or None when the header is missing)
        └── ServerError             5xx

`outcome_unknown` is True on a write that failed ambiguously (timeout, dropped connection, 5xx)
and could not be confirmed by reading back: the record may or may not exist.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests

NOT_SITE_ADMIN_HINT = "site admin"
"""Greenhouse's 403 text for a list call by a user who is not a site admin mentions this."""


class GreenhouseError(Exception):
    """Base of every error the Greenhouse client raises."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        body: Any = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body
        self.request_id = request_id
        self.outcome_unknown = False

    def __str__(self) -> str:
        prefix = f"{self.status} " if self.status else ""
        return f"{prefix}{self.message}"


class Throttled(GreenhouseError):
    """An interactive call (a recruiter waiting on a page) found no free request slot within the
    wait allowed: background work is using the budget. Nothing was sent."""


class APIConnectionError(GreenhouseError):
    """Greenhouse could not be reached, or the connection broke before a full answer."""

    def __init__(self, message: str, *, timeout: bool = False, nothing_sent: bool = False) -> None:
        super().__init__(message)
        self.timeout = timeout
        self.nothing_sent = nothing_sent


class MalformedResponse(GreenhouseError):
    """A response that is not what the API documents (bad JSON, a foreign next link)."""


class APIStatusError(GreenhouseError):
    """Greenhouse answered with an HTTP error status."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        body: Any = None,
        request_id: str | None = None,
        messages: list[str] | None = None,
        field_errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message, status=status, body=body, request_id=request_id)
        self.messages = messages or []
        self.field_errors = field_errors or {}

    def __str__(self) -> str:
        details = list(self.messages)
        details += [f"{field}: {'; '.join(texts)}" for field, texts in self.field_errors.items()]
        suffix = f" ({'; '.join(details)})" if details else ""
        return f"{super().__str__()}{suffix}"


class BadRequest(APIStatusError):
    """A 4xx not covered by a more specific class."""


class AuthenticationError(APIStatusError):
    """401, or the token endpoint refused the credentials (`oauth_error` says why)."""

    def __init__(self, message: str, *, oauth_error: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.oauth_error = oauth_error


class PermissionDenied(APIStatusError):
    """403: the token lacks the scope, the record is out of reach, or lists need a site admin."""

    @property
    def not_site_admin(self) -> bool:
        texts = [self.message, *self.messages]
        return any(NOT_SITE_ADMIN_HINT in text.lower() for text in texts)


class NotFound(APIStatusError):
    """404."""


class ValidationFailed(APIStatusError):
    """422: `messages` holds plain strings, `field_errors` the per-field texts."""


class RateLimited(APIStatusError):
    """429; `retry_after` is the server's `Retry-After` in seconds, or None when absent."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """5xx."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    422: ValidationFailed,
    429: RateLimited,
}


def parse_error_body(body: Any) -> tuple[str | None, list[str], dict[str, list[str]]]:
    """(message, plain messages, field errors) from any error body Greenhouse sends.

    Understands v3 (`{"message", "errors": [str | {field: text}]}`), v1
    (`{"message", "errors": [{"message", "field"}]}`) and OAuth (`{"error", "error_description"}`).
    """
    if not isinstance(body, dict):
        return None, [], {}
    message = body.get("message") or body.get("error_description") or body.get("error")
    messages: list[str] = []
    fields: dict[str, list[str]] = {}
    entries = body.get("errors")
    if isinstance(entries, (str, dict)):
        entries = [entries]
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str):
            messages.append(entry)
        elif isinstance(entry, dict) and "field" in entry and "message" in entry:
            fields.setdefault(str(entry["field"]), []).append(str(entry["message"]))
        elif isinstance(entry, dict):
            for field, text in entry.items():
                texts = text if isinstance(text, list) else [text]
                fields.setdefault(str(field), []).extend(str(t) for t in texts)
    return (str(message) if message is not None else None), messages, fields


def request_id_of(response: requests.Response) -> str | None:
    headers = response.headers
    return headers.get("X-Request-Id") or headers.get("X-Greenhouse-Request-Id")


def retry_after_of(response: requests.Response, now: datetime | None = None) -> float | None:
    """`Retry-After` in seconds, from either form RFC 9110 allows (seconds, or an HTTP date),
    or None when absent or unreadable."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP date is GMT by definition
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def error_from_response(response: requests.Response) -> APIStatusError:
    """The typed error for an error response (the one place that maps status to class)."""
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text[:500]
    message, messages, fields = parse_error_body(body)
    status = response.status_code
    common: dict[str, Any] = {
        "status": status,
        "body": body,
        "request_id": request_id_of(response),
        "messages": messages,
        "field_errors": fields,
    }
    text = message or response.reason or f"HTTP {status}"
    oauth_error = body.get("error") if isinstance(body, dict) else None
    if oauth_error and text != oauth_error:
        text = f"{oauth_error}: {text}"
    if oauth_error and status in (400, 401):
        return AuthenticationError(text, oauth_error=str(oauth_error), **common)
    if status == 429:
        return RateLimited(text, retry_after=retry_after_of(response), **common)
    if status >= 500:
        return ServerError(text, **common)
    return _BY_STATUS.get(status, BadRequest)(text, **common)
