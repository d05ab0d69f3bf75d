"""`?limit=&cursor=` paging (DESIGN.md): `{"items": [...], "next_cursor": str | null}`.

The cursor is the last id of the page (opaque to clients); rows are listed in id order.
"""

from __future__ import annotations

from typing import Any
from typing import NoReturn

from flask import request

from backend import defaults
from backend.api.errors import http_error
from backend.infra.bodies import parsed_json_body


def page_args() -> tuple[int, int]:
    """(limit, after_id) from the query string; 422 with the field on bad values."""
    raw_limit = request.args.get("limit", str(defaults.PAGE_LIMIT_DEFAULT))
    raw_cursor = request.args.get("cursor") or "0"
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= defaults.PAGE_LIMIT_MAX:
        fail(422, f"limit is a whole number from 1 to {defaults.PAGE_LIMIT_MAX}", "limit")
    if not raw_cursor.isdigit() or len(raw_cursor) > 18:
        fail(422, "not a cursor this API gave out", "cursor")
    return int(raw_limit), int(raw_cursor)


def page(items: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    """The page, with a cursor when it is full (there may be more)."""
    return {
        "items": items,
        "next_cursor": str(items[-1]["id"]) if len(items) == limit and items else None,
    }


def fail(status: int, message: str, field: str | None = None) -> NoReturn:
    """Abort in the one error format; validation errors name their field."""
    raise http_error(status, message, field)


def json_body() -> dict[str, Any]:
    """The request's JSON object: as the bounded-JSON check parsed it already, else parsed now."""
    body = parsed_json_body(request)
    if body is None:
        body = request.get_json(silent=True)
    if not isinstance(body, dict):
        fail(400, "send a JSON object (Content-Type: application/json)")
    return body  # type: ignore[return-value]


def int_arg(name: str) -> int | None:
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 18:
        fail(422, "a whole number", name)
    return int(value)
