"""The duplicate check, handed to the sequences feature as a callback when people are added."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from backend.accounts.integration import connection_for
from backend.accounts.integration import greenhouse_client
from backend.accounts.integration import integration_row
from backend.gh_index.duplicate_check import check_duplicates
from backend.gh_index.index import find_candidates
from backend.gh_index.index import index_state
from backend.gh_index.index import is_fresh
from backend.gh_index.matching import PersonKeys
from backend.infra.services import Services
from backend.sequences.enrolment import GreenhouseMatch


def greenhouse_match_for(
    session: Session, svc: Services, account_id: int, *, live: bool = True
) -> GreenhouseMatch | None:
    """With dedupe on and Greenhouse connected: email → the candidate with that email.

    `live=False` (bulk uploads) answers from the candidate index alone: thousands of rows must
    not spend the Greenhouse rate limit one request each."""
    connection = connection_for(session, account_id, settings=svc.settings, secrets=svc.secrets)
    if connection is None or not integration_row(session, account_id).dedupe:
        return None
    finder = greenhouse_client(connection, svc, interactive=True).candidates
    fresh = is_fresh(index_state(session, account_id))

    def from_index(email: str) -> dict[str, Any] | None:
        person = PersonKeys.of([email], None, None, None, None)
        for found in find_candidates(session, account_id, person):
            if set(person.emails) & {address for address, _ in found.emails}:
                return {"candidate_id": found.candidate_id}
        return None

    def match(email: str) -> dict[str, Any] | None:
        result = check_duplicates(
            session,
            account_id,
            PersonKeys.of([email], None, None, None, None),
            finder=finder,
            cache=svc.cache,
            app_url=svc.settings.greenhouse_app_url,
            index_fresh=fresh,
        )
        for found in result.get("matches", []):
            if "email" in found.get("matched_on", []):
                return {"candidate_id": found["candidate_id"]}
        return None

    return match if live else from_index
