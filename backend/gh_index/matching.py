"""Pure keys for matching people across LinkedIn and Greenhouse: email, LinkedIn URL, name+company.

Greenhouse candidate objects (v3 API rows and webhook payloads share these fields) become
`CandidateKeys`; a LinkedIn profile becomes `PersonKeys`. No I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from backend.email_lookup.domains import company_key
from backend.email_lookup.names import ascii_fold
from backend.linkedin_parse import normalize_linkedin_url


def name_key(first: str | None, last: str | None) -> str | None:
    """ "Zoë van der Berg" -> "zoe van der berg": accents folded (ł, ø, ß too), punctuation gone."""
    key = " ".join(re.findall(r"[a-z0-9]+", ascii_fold(f"{first or ''} {last or ''}")))
    return key or None


def normalize_email(address: str | None) -> str | None:
    address = (address or "").strip().lower()
    return address if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address) else None


@dataclass(frozen=True)
class CandidateKeys:
    candidate_id: int
    first_name: str | None
    last_name: str | None
    name_key: str | None
    company_key: str | None
    emails: tuple[tuple[str, str | None], ...]  # (address, type)
    linkedin_urls: tuple[str, ...]
    updated_at: str | None

    @property
    def name(self) -> str:
        return (
            " ".join(p for p in (self.first_name, self.last_name) if p) or f"#{self.candidate_id}"
        )


def candidate_id_of(candidate: Any) -> int | None:
    """The candidate's id when it is a positive whole number (payloads are untrusted)."""
    raw = candidate.get("id") if isinstance(candidate, Mapping) else None
    if isinstance(raw, bool):
        return None
    try:
        value = int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def candidate_keys(candidate: Mapping[str, Any]) -> CandidateKeys:
    """Keys of one Greenhouse candidate (v3 row or webhook payload; see `candidate_id_of`)."""
    candidate_id = candidate_id_of(candidate)
    if candidate_id is None:
        raise ValueError("a Greenhouse candidate needs a positive integer id")
    emails: dict[str, str | None] = {}
    for entry in _entries(candidate.get("email_addresses")):
        address = normalize_email(_text(entry.get("value")))
        if address and address not in emails:
            emails[address] = _text(entry.get("type"))
    urls: list[str] = []
    for group in ("social_media_addresses", "website_addresses"):
        for entry in _entries(candidate.get(group)):
            url = normalize_linkedin_url(_text(entry.get("value")) or "")
            if url and url not in urls:
                urls.append(url)
    first, last = _text(candidate.get("first_name")), _text(candidate.get("last_name"))
    return CandidateKeys(
        candidate_id=candidate_id,
        first_name=first,
        last_name=last,
        name_key=name_key(first, last),
        company_key=company_key(_text(candidate.get("company"))),
        emails=tuple(emails.items()),
        linkedin_urls=tuple(urls),
        updated_at=_text(candidate.get("updated_at")),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _entries(value: Any) -> list[Mapping[str, Any]]:
    return [e for e in value if isinstance(e, Mapping)] if isinstance(value, list) else []


@dataclass(frozen=True)
class PersonKeys:
    """What we know of the person on the page, to look them up in Greenhouse."""

    emails: tuple[str, ...]
    linkedin_url: str | None
    name_key: str | None
    company_key: str | None

    @classmethod
    def of(
        cls,
        emails: Iterable[str | None],
        linkedin_url: str | None,
        first: str | None,
        last: str | None,
        company: str | None,
    ) -> PersonKeys:
        unique = dict.fromkeys(e for e in (normalize_email(a) for a in emails) if e)
        return cls(
            emails=tuple(unique),
            linkedin_url=normalize_linkedin_url(linkedin_url or "") if linkedin_url else None,
            name_key=name_key(first, last),
            company_key=company_key(company),
        )


@dataclass
class Match:
    candidate_id: int
    name: str
    matched_on: list[str] = field(default_factory=list)

    def add(self, reason: str) -> None:
        if reason not in self.matched_on:
            self.matched_on.append(reason)


MATCH_ORDER = {"email": 0, "linkedin_url": 1, "name_company": 2}


def match_person(person: PersonKeys, candidates: Iterable[CandidateKeys]) -> list[Match]:
    """Which candidates are this person, and why; strongest evidence first."""
    found: dict[int, Match] = {}
    for cand in candidates:
        reasons = []
        if set(person.emails) & {address for address, _ in cand.emails}:
            reasons.append("email")
        if person.linkedin_url and person.linkedin_url in cand.linkedin_urls:
            reasons.append("linkedin_url")
        if (
            person.name_key
            and person.company_key
            and person.name_key == cand.name_key
            and person.company_key == cand.company_key
        ):
            reasons.append("name_company")
        if reasons:
            match = found.setdefault(cand.candidate_id, Match(cand.candidate_id, cand.name))
            for reason in reasons:
                match.add(reason)
    return sorted(
        found.values(),
        key=lambda m: (
            min(MATCH_ORDER[r] for r in m.matched_on),
            -len(m.matched_on),
            m.candidate_id,
        ),
    )
