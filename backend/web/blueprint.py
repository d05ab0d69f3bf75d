"""The web app's one blueprint: every page is `web.<name>`; its static files are at /assets."""

from __future__ import annotations

from flask import Blueprint

ROW_ID_LIMIT = 2**31 - 1  # our tables' ids are INTEGER: PostgreSQL refuses a larger one (a 500)
GREENHOUSE_ID_LIMIT = 2**53  # Greenhouse's ids are JSON numbers

bp = Blueprint(
    "web",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets",
)


def positive_id(raw: str | None, limit: int = ROW_ID_LIMIT) -> int | None:
    """An id from a query string or form, or None (absent, not a number, out of range): one of
    our rows' by default, `limit=GREENHOUSE_ID_LIMIT` for Greenhouse's."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and 0 < int(raw) <= limit else None
