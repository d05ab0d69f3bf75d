"""Who someone is, in words, for every page: a contact, a team member or a Greenhouse user."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def person_name(person: Any, default: str | None = None) -> str:
    """Their name, else their email, else `default` (for a contact: "Contact 12").

    `person` is a row or a feature view (a dict): `name`, or `first_name` and `last_name`."""

    def get(key: str) -> Any:
        return person.get(key) if isinstance(person, Mapping) else getattr(person, key, None)

    name = get("name") or f"{get('first_name') or ''} {get('last_name') or ''}".strip()
    return name or get("email") or default or f"Contact {get('id')}"
