"""The HTTP API: flask-smorest with one blueprint per resource and one error format."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api as SmorestApi
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs nests messages by location and field; DESIGN.md wants `{field: [text]}`."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = str(key)
            if prefix in ("", "json", "query", "form", "headers") and name in (
                "json",
                "query",
                "form",
                "headers",
            ):
                flat.update(flatten_errors(value, ""))
                continue
            flat.update(flatten_errors(value, f"{prefix}.{name}" if prefix else name))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            flat.update(flatten_errors(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


class Api(SmorestApi):
    """flask-smorest's Api with the DESIGN.md error shape on every error, 500 included."""

    def handle_http_exception(self, error: HTTPException):  # type: ignore[override]
        payload, code, headers = super().handle_http_exception(error)
        payload.setdefault("message", error.description or error.name)
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

        self._app.register_error_handler(Exception, unhandled)


def init_api(app: Flask) -> Api:
    from backend.api import health
    from backend.api import integrations
    from backend.api import lookups
    from backend.api import me
    from backend.api import webhooks

    api = Api(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for module in (health, me, integrations, lookups, webhooks):
        api.register_blueprint(module.blp)
    return api
