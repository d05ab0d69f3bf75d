"""The API's one error format: flask-smorest's `Api` answering every error, 500 included, alike,
and a feature's refusal (`Refused`) as the HTTP error it names."""

from __future__ import annotations

from typing import Any

from flask_smorest import Api as SmorestApi
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.exceptions import default_exceptions

from backend.sequences.errors import Refused

LOCATIONS = frozenset({"json", "query", "form", "headers", "files", "path", "cookies"})


def http_error(
    status: int, message: str, field: str | None = None, reason: str | None = None
) -> HTTPException:
    """The error in the one format; a validation error names its field, a refusal a client acts
    on gives its `reason` word."""
    error = default_exceptions[status]()
    data: dict[str, Any] = (
        {"message": f"{field}: {message}", "errors": {field: [message]}}
        if field
        else {"message": message}
    )
    if reason:
        data["reason"] = reason
    error.data = data  # type: ignore[attr-defined]  # what flask-smorest's `abort` would carry
    return error


def flatten_errors(messages: Any) -> dict[str, list[str]]:
    """DESIGN.md wants `{field: [text]}`; webargs nests by location, then by (nested) field."""
    if isinstance(messages, dict) and messages and set(messages) <= LOCATIONS:
        flat: dict[str, list[str]] = {}
        for by_field in messages.values():
            flat.update(_flatten(by_field, ""))
        return flat
    return _flatten(messages, "")


def _flatten(messages: Any, prefix: str) -> dict[str, list[str]]:
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix or "_schema": list(messages)}
    if isinstance(messages, dict | list):
        items = messages.items() if isinstance(messages, dict) else enumerate(messages)
        flat: dict[str, list[str]] = {}
        for key, value in items:
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix or "_schema": [str(messages)]}


class Api(SmorestApi):
    """flask-smorest's Api with the DESIGN.md error shape on every error, 500 included."""

    def handle_http_exception(self, error: HTTPException):  # type: ignore[override]
        payload, code, headers = super().handle_http_exception(error)
        payload.setdefault("message", error.description or error.name)
        reason = (getattr(error, "data", None) or {}).get("reason")
        if reason:  # a stable word for clients (Refused.reason); flask-smorest drops it
            payload["reason"] = reason
        if "errors" in payload:
            payload["errors"] = flatten_errors(payload["errors"])
            if code == 422 and payload["message"] == error.description:
                fields = ", ".join(sorted(payload["errors"]))
                payload["message"] = f"Invalid input: {fields}"
        return payload, code, headers

    def _register_error_handlers(self) -> None:
        super()._register_error_handlers()

        def unhandled(error: Exception):  # type: ignore[no-untyped-def]
            if isinstance(error, HTTPException):
                return self.handle_http_exception(error)
            self._app.logger.exception("unhandled error")
            return self.handle_http_exception(InternalServerError())

        def refused(error: Refused):  # type: ignore[no-untyped-def]
            return self.handle_http_exception(
                http_error(error.status, error.message, error.field, error.reason)
            )

        self._app.register_error_handler(Exception, unhandled)
        # App-wide, as `unhandled` is: the web pages' blueprint answers its own errors first.
        self._app.register_error_handler(Refused, refused)
