"""The web app's one blueprint: every page is `web.<name>`; its static files are at /assets."""

from __future__ import annotations

from flask import Blueprint

ID_LIMIT = 2**53  # ids in links and forms: beyond it a number is no id of ours

bp = Blueprint(
    "web",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets",
)


def positive_id(raw: str | None) -> int | None:
    """A database id from a query string or form, or None (absent, not a number, out of range)."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and 0 < int(raw) < ID_LIMIT else None
