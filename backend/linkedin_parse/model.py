"""The parser's output types, its errors, and the validation of profiles sent by clients.

Error tree: ``ParseError(ValueError) > {NotAProfilePage, SnapshotTooLarge, PageTooComplex,
ProfileInvalid}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Any

from backend.defaults import LINKEDIN_MAX_POSITIONS as MAX_POSITIONS
from backend.defaults import LINKEDIN_MAX_TEXT_CHARS as MAX_TEXT_CHARS
from backend.linkedin_parse.urls import detect_source
from backend.linkedin_parse.urls import normalize_linkedin_url

SOURCES = ("recruiter", "linkedin", "sales_navigator")
PROFILE_KEYS = (
    "source",
    "full_name",
    "first_name",
    "last_name",
    "headline",
    "location",
    "company",
    "title",
    "linkedin_url",
)

_DATE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2]))?$")


class ParseError(ValueError):
    """The page or profile could not be read."""


class NotAProfilePage(ParseError):
    """The URL is not a LinkedIn profile page the parser knows."""


class SnapshotTooLarge(ParseError):
    """The HTML is larger than the parser accepts."""


class PageTooComplex(ParseError):
    """The HTML is nested deeper or holds more elements than the parser accepts (``limits``)."""


class ProfileInvalid(ParseError):
    """A client-sent profile failed validation; ``field`` names the bad field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"Profile field '{field}' is invalid: {reason}.")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Position:
    title: str | None
    company: str | None
    start: str | None  # "YYYY-MM" or "YYYY"
    end: str | None
    current: bool
    location: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "company": self.company,
            "start": self.start,
            "end": self.end,
            "current": self.current,
            "location": self.location,
        }


@dataclass(frozen=True)
class Profile:
    source: str
    full_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    headline: str | None = None
    location: str | None = None
    company: str | None = None
    title: str | None = None
    linkedin_url: str | None = None
    positions: tuple[Position, ...] = ()
    layout: str = "none"
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {key: getattr(self, key) for key in PROFILE_KEYS}
        data["positions"] = [p.to_dict() for p in self.positions]
        data["layout"] = self.layout
        data["warnings"] = list(self.warnings)
        return data


def date_key(value: str | None) -> tuple[int, int]:
    """Sortable (year, month) of a "YYYY-MM" / "YYYY" date; a bare year sorts as month 0."""
    if not value:
        return (0, 0)
    year, _, month = value.partition("-")
    return (int(year), int(month or 0))


def recent_roles(profile: Profile, n: int = 5) -> list[Position]:
    """The ``n`` most recent roles: current first, then latest end, then latest start.

    Roles without an end that are not current (dates unknown) come after dated ones; ties keep
    the page order, which LinkedIn already sorts newest first.
    """

    def key(pos: Position) -> tuple[bool, bool, tuple[int, int], tuple[int, int]]:
        end, start = date_key(pos.end), date_key(pos.start)
        return (
            not pos.current,
            not (pos.current or pos.end),
            (-end[0], -end[1]),
            (-start[0], -start[1]),
        )

    return sorted(profile.positions, key=key)[: max(n, 0)]  # sorted() is stable: page order on ties


def current_role(positions: tuple[Position, ...]) -> Position | None:
    """The role that gives the profile's current company and title: an ongoing one if any
    (concurrent roles exist, and an ended one may be listed first), else the newest."""
    for pos in positions:
        if pos.current:
            return pos
    return None


# --- validation of client-sent profiles ------------------------------------------------------


def _text(data: Mapping[str, Any], key: str, path: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ProfileInvalid(path, "expected a string or null")
    value = " ".join(value.split())
    if len(value) > MAX_TEXT_CHARS:
        raise ProfileInvalid(path, f"longer than {MAX_TEXT_CHARS} characters")
    return value or None


def _date(data: Mapping[str, Any], key: str, path: str) -> str | None:
    value = _text(data, key, path)
    if value is not None and not _DATE.match(value):
        raise ProfileInvalid(path, "expected YYYY-MM, YYYY or null")
    return value


def _position(data: Any, path: str) -> Position:
    if not isinstance(data, Mapping):
        raise ProfileInvalid(path, "expected an object")
    current = data.get("current", False)
    if not isinstance(current, bool):
        raise ProfileInvalid(f"{path}.current", "expected true or false")
    start = _date(data, "start", f"{path}.start")
    end = _date(data, "end", f"{path}.end")
    if start and end and date_key(end)[0] < date_key(start)[0]:
        raise ProfileInvalid(f"{path}.end", "ends before it starts")
    return Position(
        title=_text(data, "title", f"{path}.title"),
        company=_text(data, "company", f"{path}.company"),
        start=start,
        end=end,
        current=current,
        location=_text(data, "location", f"{path}.location"),
    )


def profile_from_dict(data: Mapping[str, Any], url: str | None = None) -> Profile:
    """Validate a structured profile sent by a client (the keys of ``Profile.to_dict``).

    Unknown keys are ignored. ``source`` and ``linkedin_url`` default from ``url``; company and
    title default from the current position. Raises ``ProfileInvalid`` naming the bad field.
    """
    if not isinstance(data, Mapping):
        raise ProfileInvalid("profile", "expected an object")
    source = data.get("source")
    if source is None and url:
        source = detect_source(url)
    if source not in SOURCES:
        raise ProfileInvalid("source", f"expected one of {', '.join(SOURCES)}")

    values = {key: _text(data, key, key) for key in PROFILE_KEYS if key != "source"}
    if values["linkedin_url"] is not None:
        canonical = normalize_linkedin_url(values["linkedin_url"])
        if canonical is None:
            raise ProfileInvalid("linkedin_url", "expected a linkedin.com/in/ profile URL")
        values["linkedin_url"] = canonical
    elif url:
        values["linkedin_url"] = normalize_linkedin_url(url)
    if not values["full_name"]:
        parts = [values["first_name"], values["last_name"]]
        values["full_name"] = " ".join(p for p in parts if p) or None
    if not values["full_name"]:
        raise ProfileInvalid("full_name", "a name is required")

    raw_positions = data.get("positions") or []
    if not isinstance(raw_positions, list | tuple):
        raise ProfileInvalid("positions", "expected a list")
    if len(raw_positions) > MAX_POSITIONS:
        raise ProfileInvalid("positions", f"more than {MAX_POSITIONS} entries")
    positions = tuple(_position(p, f"positions[{i}]") for i, p in enumerate(raw_positions))

    layout = data.get("layout")
    warnings = data.get("warnings") or []
    if not isinstance(warnings, list | tuple) or not all(isinstance(w, str) for w in warnings):
        raise ProfileInvalid("warnings", "expected a list of strings")
    profile = Profile(
        source=source,
        positions=positions,
        layout=layout if isinstance(layout, str) and layout else "client",
        warnings=tuple(w[:MAX_TEXT_CHARS] for w in warnings),
        **values,
    )
    return fill_current(profile)


def fill_current(profile: Profile) -> Profile:
    """Default the profile's company and title from its current role."""
    role = current_role(profile.positions)
    if role is None:
        return profile
    return replace(
        profile,
        company=profile.company or role.company,
        title=profile.title or role.title,
    )
