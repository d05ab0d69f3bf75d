"""Logging: one line per record with the request id; secrets scrubbed before they are written."""

from __future__ import annotations

import logging
import re
import uuid

from flask import g
from flask import has_request_context

# Bearer tokens, our API tokens, and `secret=`-style pairs never reach a log line.
SECRET_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"\bsb_[A-Za-z0-9_-]{16,}"),
    re.compile(r"(?i)((?:client_)?secret|password|token)(\"?\s*[:=]\s*\"?)[^\s\"&,]+"),
]


def scrub(text: str) -> str:
    text = SECRET_PATTERNS[0].sub(r"\1[redacted]", text)
    text = SECRET_PATTERNS[1].sub("[redacted]", text)
    return SECRET_PATTERNS[2].sub(r"\1\2[redacted]", text)


class RequestContextFilter(logging.Filter):
    """Adds `request_id` to every record and scrubs secrets from the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(g, "request_id", "-") if has_request_context() else "-"
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def new_request_id(incoming: str | None) -> str:
    """Keep a caller's id when it looks sane (for tracing through a proxy), else make one."""
    if incoming and re.fullmatch(r"[A-Za-z0-9._-]{1,64}", incoming):
        return incoming
    return uuid.uuid4().hex[:16]


def configure_logging(level: str) -> None:
    root = logging.getLogger()
    if getattr(root, "_sourcebridge", False):
        return
    handler = logging.StreamHandler()
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level)
    root._sourcebridge = True  # type: ignore[attr-defined]
