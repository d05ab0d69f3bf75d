"""LinkedIn's own JSON embedded in the page (``<code>`` islands), read only for this profile.

Vanilla pages embed voyager responses (``<code id="bpr-guid-…">``, entities in ``included[]``);
Recruiter and Sales Navigator responses have the same field names as their APIs
(``talentLinkedInMemberProfiles``: ``groupedWorkExperience``/``startDateOn``; ``salesApiProfiles``:
``positions``/``startedOn``/``flagshipProfileUrl``). After SPA navigation, islands of previously
viewed profiles stay in the DOM, so a profile entity is used only when it provably belongs to the
page's profile: its public identifier is the URL slug, or the URL's member/lead id is in its URN, or
its public URL is the one the page shows.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from backend.defaults import LINKEDIN_MAX_ISLAND_CHARS as MAX_ISLAND_CHARS
from backend.defaults import LINKEDIN_MAX_JSON_ENTITIES as MAX_ENTITIES
from backend.linkedin_parse.model import Position
from backend.linkedin_parse.selectors import JSON_ISLANDS
from backend.linkedin_parse.text import clean
from backend.linkedin_parse.text import company_name
from backend.linkedin_parse.text import place
from backend.linkedin_parse.urls import PageId
from backend.linkedin_parse.urls import normalize_linkedin_url

_PROFILE_TYPES = ("identity.profile.Profile", "identity.shared.MiniProfile", "SalesApiProfile")
_POSITION_TYPES = ("identity.profile.Position",)


@dataclass(frozen=True)
class Embedded:
    first_name: str | None = None
    last_name: str | None = None
    headline: str | None = None
    location: str | None = None
    linkedin_url: str | None = None
    positions: tuple[Position, ...] = ()
    locale: str | None = None  # the profile's primary locale: "es", "pt_BR"


def _islands(tree: LexborHTMLParser) -> Iterator[Any]:
    for node in tree.css(JSON_ISLANDS):
        raw = node.text(deep=False) or ""
        if not raw.strip():  # some islands hold the JSON in an HTML comment
            child = node.child
            while child is not None and not raw.strip():
                if child.is_comment_node:
                    raw = child.comment_content or ""
                child = child.next
        raw = raw.strip()
        if not raw or raw[0] not in "{[" or len(raw) > MAX_ISLAND_CHARS:
            continue
        try:
            yield json.loads(raw)
        except (ValueError, RecursionError):
            try:
                yield json.loads(html.unescape(raw))
            except (ValueError, RecursionError):
                continue


def _dicts(data: Any) -> Iterator[dict]:
    stack = [data]
    seen = 0
    while stack and seen < MAX_ENTITIES:
        item = stack.pop()
        if isinstance(item, dict):
            seen += 1
            yield item
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend(v for v in reversed(item) if isinstance(v, dict | list))


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return clean(value) or None
    if isinstance(value, dict):  # {"displayName": ...}, localized {"text": ...}
        for key in ("displayName", "defaultLocalizedName", "text", "name", "localizedName"):
            if isinstance(value.get(key), str):
                return clean(value[key]) or None
    return None


def _urns(entity: dict) -> str:
    parts = [v for k, v in entity.items() if isinstance(v, str) and k.lower().endswith("urn")]
    return " ".join(parts)


def _date(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    year, month = value.get("year"), value.get("month")
    if not isinstance(year, int) or not 1900 <= year <= 2100:
        return None
    if isinstance(month, int) and 1 <= month <= 12:
        return f"{year}-{month:02d}"
    return str(year)


def _dates(entity: dict) -> tuple[str | None, str | None]:
    for span_key, start_key, end_key in (
        ("dateRange", "start", "end"),
        ("timePeriod", "startDate", "endDate"),
        (None, "startDateOn", "endDateOn"),
        (None, "startedOn", "endedOn"),
    ):
        holder = entity.get(span_key) if span_key else entity
        if isinstance(holder, dict) and (start_key in holder or end_key in holder):
            return _date(holder.get(start_key)), _date(holder.get(end_key))
    return None, None


def _position(entity: dict) -> Position | None:
    title = _str(entity.get("title"))
    company = _str(entity.get("companyName")) or _str(entity.get("company"))
    if not title and not company:
        return None
    start, end = _dates(entity)
    current = entity.get("current")
    if not isinstance(current, bool):
        current = bool(start) and end is None
    location = _str(entity.get("locationName")) or _str(entity.get("location"))
    location = location or _str(entity.get("geoLocationName"))
    return Position(
        title=title,
        company=company_name(company) if company else None,
        start=start,
        end=None if current else end,
        current=current,
        location=place(location) if location else None,
    )


def _nested_positions(profile: dict) -> list[Position]:
    """Positions carried inside a Recruiter / Sales profile object."""
    found: list[dict] = []
    for group in profile.get("groupedWorkExperience") or []:
        if isinstance(group, dict):
            found.extend(p for p in group.get("positions") or [] if isinstance(p, dict))
    for key in ("positions", "workExperience"):
        found.extend(p for p in profile.get(key) or [] if isinstance(p, dict))
    view = profile.get("positionView")
    if isinstance(view, dict):
        found.extend(p for p in view.get("elements") or [] if isinstance(p, dict))
    if not found:
        found.extend(p for p in profile.get("currentPositions") or [] if isinstance(p, dict))
    return [p for p in map(_position, found) if p is not None]


def _member_id(urn: str) -> str | None:
    """ "urn:li:fsd_profile:ACoAA…" -> "ACoAA…"."""
    if not urn:
        return None
    tail = urn.rsplit(":", 1)[-1].strip("()")
    return tail.split(",")[0] or None


def _owns(entity: dict, page: PageId, public_url: str | None) -> bool:
    ident = page.profile_id
    public_id = entity.get("publicIdentifier")
    if isinstance(public_id, str) and public_id:
        slug_url = normalize_linkedin_url(f"https://www.linkedin.com/in/{public_id}")
        if page.source == "linkedin" and slug_url == normalize_linkedin_url(
            f"https://www.linkedin.com/in/{ident}"
        ):
            return True
        if public_url and slug_url == public_url:
            return True
    if len(ident) >= 8 and ident in _urns(entity):
        return True
    for key in ("publicProfileUrl", "flagshipProfileUrl", "profileUrl"):
        value = entity.get(key)
        if isinstance(value, str) and public_url and normalize_linkedin_url(value) == public_url:
            return True
    return False


def _is_profile(entity: dict) -> bool:
    kind = entity.get("$type") or ""
    if isinstance(kind, str) and kind.endswith(_PROFILE_TYPES):
        return True
    return ("firstName" in entity or "lastName" in entity) and (
        "publicIdentifier" in entity
        or "publicProfileUrl" in entity
        or "flagshipProfileUrl" in entity
        or "headline" in entity
    )


def _is_position(entity: dict) -> bool:
    kind = entity.get("$type") or ""
    return isinstance(kind, str) and kind.endswith(_POSITION_TYPES)


def read_embedded(
    tree: LexborHTMLParser, page: PageId, public_url: str | None
) -> tuple[Embedded | None, int]:
    """This profile's data from the page's JSON islands, and how many other people's profiles
    (with positions) the islands hold and were left alone."""
    mine: dict | None = None
    others: list[dict] = []
    positions: list[dict] = []
    geo: dict[str, str] = {}
    for island in _islands(tree):
        for entity in _dicts(island):
            if _is_profile(entity):
                if _owns(entity, page, public_url):
                    if mine is None or len(entity) > len(mine):
                        mine = entity
                else:
                    others.append(entity)
            elif _is_position(entity):
                positions.append(entity)
            elif isinstance(entity.get("entityUrn"), str) and "geo:" in entity["entityUrn"]:
                name = _str(entity.get("defaultLocalizedName")) or _str(entity.get("name"))
                if name:
                    geo[entity["entityUrn"]] = name
    stale = _with_positions(others, positions)
    if mine is None:
        return None, stale

    member = _member_id(str(mine.get("entityUrn") or ""))
    own = _nested_positions(mine)
    if not own and member:
        # Voyager: positions are separate entities whose URN carries their owner's member id.
        own = [
            p
            for p in map(_position, (e for e in positions if f"({member}," in _urns(e)))
            if p is not None
        ]
        own.sort(key=lambda p: (p.current, p.start or ""), reverse=True)

    location = _str(mine.get("locationName")) or _str(mine.get("geoLocationName"))
    location = location or _str(mine.get("location"))
    geo_ref = mine.get("geoLocation")
    if not location and isinstance(geo_ref, dict):
        location = geo.get(str(geo_ref.get("*geo") or geo_ref.get("geoUrn") or ""))
    url = None
    for key in ("publicProfileUrl", "flagshipProfileUrl"):
        url = url or normalize_linkedin_url(mine.get(key) or "")
    if not url and isinstance(mine.get("publicIdentifier"), str):
        url = normalize_linkedin_url(f"https://www.linkedin.com/in/{mine['publicIdentifier']}")
    return (
        Embedded(
            first_name=_str(mine.get("firstName")),
            last_name=_str(mine.get("lastName")),
            headline=_str(mine.get("headline")) or _str(mine.get("occupation")),
            location=place(location) if location else None,
            linkedin_url=url,
            positions=tuple(own),
            locale=_locale(mine.get("primaryLocale")),
        ),
        stale,
    )


def _locale(value: Any) -> str | None:
    """Voyager's ``primaryLocale`` ({"language": "es", "country": "ES"}) or a plain tag."""
    if isinstance(value, dict):
        value = value.get("language")
    return value if isinstance(value, str) and 2 <= len(value) <= 12 else None


def _with_positions(profiles: list[dict], positions: list[dict]) -> int:
    """How many other people's profiles with positions the islands hold: a previously viewed
    profile's leftovers, not the mini-profiles every page carries (viewer, "also viewed")."""
    found: set[object] = set()
    for profile in profiles:
        member = _member_id(str(profile.get("entityUrn") or ""))
        if _nested_positions(profile) or (member and _owns_any(member, positions)):
            found.add(member or id(profile))
    return len(found)


def _owns_any(member: str, positions: list[dict]) -> bool:
    return any(f"({member}," in _urns(p) for p in positions)
