"""JSON from outside, bounded before the code behind it sees it.

Pure: bytes in, a value or a `JsonRejected` (with the field and the reason) out. Python's parser
recurses, so JSON nested ~1,000 deep raises RecursionError (a 500) and anything a little less deep
still reaches code that recurses; a `\\ud800` escape parses into a string no UTF-8 encoder takes
(a UnicodeEncodeError far from the request). Both are refused here, as bad input.
"""

from __future__ import annotations

import json
import re
from typing import Any

SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
"""A UTF-16 surrogate written as a JSON escape: paired (an emoji) it is fine, alone it is not."""


class JsonRejected(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def load_bounded_json(raw: bytes, *, max_depth: int) -> Any:
    """Parse `raw`, refusing nesting deeper than `max_depth` and lone surrogates. Malformed JSON
    raises ValueError as `json.loads` does."""
    try:
        # UTF-8 only (RFC 8259): `json.loads` would also take UTF-16 and UTF-32 bytes, whose
        # escapes the byte-level surrogate check below cannot see.
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("the body is not UTF-8") from None
    except RecursionError:
        raise JsonRejected("body", f"nested deeper than {max_depth} levels") from None
    # Only bodies with enough brackets to be that deep are walked.
    if raw.count(b"[") + raw.count(b"{") > max_depth and deeper_than(value, max_depth):
        raise JsonRejected("body", f"nested deeper than {max_depth} levels")
    if SURROGATE_ESCAPE.search(raw):
        where = lone_surrogate_at(value)
        if where is not None:
            raise JsonRejected(where, "contains a lone UTF-16 surrogate escape, which is not text")
    return value


def deeper_than(value: Any, limit: int) -> bool:
    """Containers nested more than `limit` levels (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def lone_surrogate_at(value: Any) -> str | None:
    """The dotted path of the first string (or key) that is not encodable text, or None."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            if not _is_text(node):
                return path or "body"
        elif isinstance(node, dict):
            for key, child in node.items():
                child_path = f"{path}.{key}" if path else str(key)
                if not _is_text(key):
                    return path or "body"
                stack.append((child, child_path))
        elif isinstance(node, list):
            stack.extend((child, f"{path}.{i}" if path else str(i)) for i, child in enumerate(node))
    return None


def _is_text(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
