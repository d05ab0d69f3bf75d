"""The duplicate check: is the person on the page already in Greenhouse, and why do we think so?

Index first (no rate limit spent), then a live `GET /v3/candidates?email=` when the index is cold
or misses, cached. "Not connected" and "unavailable" are their own answers, never a false
"No duplicates".
"""

from __future__ import annotations

import logging
import time
from enum import StrEnum
from typing import Any
from typing import Protocol

from sqlalchemy.orm import Session

from backend import defaults
from backend.gh_index.index import find_candidates
from backend.gh_index.index import upsert_candidates
from backend.gh_index.matching import PersonKeys
from backend.gh_index.matching import candidate_keys
from backend.gh_index.matching import match_person
from backend.greenhouse.errors import GreenhouseError
from backend.greenhouse.links import candidate_url
from backend.infra.cache import Cache

log = logging.getLogger(__name__)


class GreenhouseStatus(StrEnum):
    """A LookupResult's `greenhouse.status`."""

    DUPLICATE = "duplicate"
    NO_DUPLICATES = "no_duplicates"
    NOT_CONNECTED = "not_connected"
    UNAVAILABLE = "unavailable"
    INDEXING = "indexing"
    DISABLED = "disabled"


LABELS = {
    GreenhouseStatus.DUPLICATE: "Duplicate found in Greenhouse",
    GreenhouseStatus.NO_DUPLICATES: "No duplicates found in Greenhouse",
    GreenhouseStatus.NOT_CONNECTED: (
        "Greenhouse is not connected: an admin can connect it in Sourcebridge"
    ),
    GreenhouseStatus.UNAVAILABLE: "Greenhouse is unavailable: could not check for duplicates",
    GreenhouseStatus.INDEXING: (
        "Still reading Greenhouse: no match by email yet, check again shortly"
    ),
    GreenhouseStatus.DISABLED: "Duplicate check is turned off for this team",
}
NOTHING_TO_MATCH = "Could not check Greenhouse: no email, LinkedIn URL or company on this profile"


class CandidateFinder(Protocol):
    def find_by_email(self, email: str) -> list[dict[str, Any]]: ...


def status(
    kind: GreenhouseStatus, matches: list[dict[str, Any]] | None = None, *, label: str | None = None
) -> dict[str, Any]:
    return {"status": kind, "label": label or LABELS[kind], "matches": matches or []}


def _live_key(account_id: int, email: str) -> str:
    return f"gh-live:{account_id}:{email}"


def _live_candidates(
    finder: CandidateFinder,
    cache: Cache,
    account_id: int,
    email: str,
    cached: list[dict[str, Any]] | None,
    deadline: float | None,
) -> list[dict[str, Any]] | None:
    """Greenhouse's candidates with this email (`cached`: what the cache held); None when not
    cached and the request is out of time (`deadline`, monotonic seconds): no new question is
    started then."""
    if cached is not None:
        return cached
    if deadline is not None and time.monotonic() >= deadline:
        return None
    rows = finder.find_by_email(email)
    cache.set(
        _live_key(account_id, email), rows, timeout=int(defaults.LIVE_CHECK_TTL.total_seconds())
    )
    return rows


def check_duplicates(
    session: Session,
    account_id: int,
    person: PersonKeys,
    *,
    finder: CandidateFinder | None,
    cache: Cache,
    app_url: str,
    index_fresh: bool,
    deadline: float | None = None,
) -> dict[str, Any]:
    """The `greenhouse` object of a LookupResult. Past `deadline` (monotonic seconds) no live
    question is started: the check answers from what it has, "unavailable" if that proves
    nothing."""
    if finder is None:
        return status(GreenhouseStatus.NOT_CONNECTED)
    if not (person.emails or person.linkedin_url or (person.name_key and person.company_key)):
        return status(
            GreenhouseStatus.UNAVAILABLE, label=NOTHING_TO_MATCH
        )  # a miss would prove nothing
    known = {c.candidate_id: c for c in find_candidates(session, account_id, person)}
    strong = any(
        {"email", "linkedin_url"} & set(m.matched_on) for m in match_person(person, known.values())
    )
    live_failed = False
    learned: list[dict[str, Any]] = []
    if not strong or not index_fresh:
        emails = person.emails[: defaults.LIVE_CHECK_MAX_EMAILS]
        # Every cached answer in one round trip (a shared cache is a network hop per key).
        held = cache.get_many(*(_live_key(account_id, e) for e in emails)) if emails else []
        for email, cached in zip(emails, held, strict=True):
            try:
                rows = _live_candidates(finder, cache, account_id, email, cached, deadline)
            except GreenhouseError as exc:
                log.warning("live duplicate check failed: %s", exc)
                live_failed = True
                break
            if rows is None:  # out of the request's time: a miss would prove nothing
                live_failed = True
                break
            learned += rows
            for row in rows:
                keys = candidate_keys(row)
                known[keys.candidate_id] = keys
    if learned:  # the index learns from live answers (after the calls: no lock held across them)
        upsert_candidates(session, account_id, learned)
    matches = match_person(person, known.values())
    if matches:
        return status(
            "duplicate",
            [
                {
                    "candidate_id": m.candidate_id,
                    "url": candidate_url(app_url, m.candidate_id),
                    "name": m.name,
                    "matched_on": m.matched_on,
                }
                for m in matches
            ],
        )
    if live_failed and not index_fresh:
        return status(GreenhouseStatus.UNAVAILABLE)
    if not index_fresh:
        # Live answers cover only guessed addresses; the LinkedIn URL and name need the index.
        return status(GreenhouseStatus.INDEXING)
    return status(GreenhouseStatus.NO_DUPLICATES)
