"""A job's person as enrolment needs them, built from Greenhouse rows (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

EMAIL_TYPE_ORDER = {"work": 0, "other": 1, "personal": 2}


@dataclass(frozen=True)
class Person:
    """Who the import adds: the Greenhouse ids travel along so that the sync attaches to this
    record and never creates a second one."""

    candidate_id: int
    application_id: int
    prospect: bool
    first_name: str
    last_name: str
    company: str | None
    title: str | None
    emails: tuple[str, ...]  # work first

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or f"Candidate {self.candidate_id}"

    @property
    def email(self) -> str | None:
        return self.emails[0] if self.emails else None


def work_first(addresses: Any) -> tuple[str, ...]:
    """Distinct addresses, work ones first, then other, then personal (stable within a type)."""
    entries = [a for a in addresses or () if isinstance(a, Mapping) and a.get("value")]
    ranked = sorted(entries, key=lambda a: EMAIL_TYPE_ORDER.get(str(a.get("type")), 1))
    seen: dict[str, str] = {}
    for entry in ranked:
        value = str(entry["value"]).strip()
        if value and "@" in value:
            seen.setdefault(value.lower(), value)
    return tuple(seen.values())


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def person_from(candidate: Mapping[str, Any], application: Mapping[str, Any]) -> Person:
    return Person(
        candidate_id=int(candidate["id"]),
        application_id=int(application["id"]),
        prospect=bool(application.get("prospect")),
        first_name=_text(candidate.get("first_name")) or "",
        last_name=_text(candidate.get("last_name")) or "",
        company=_text(candidate.get("company")),
        title=_text(candidate.get("title")),
        emails=work_first(candidate.get("email_addresses")),
    )
