"""Greenhouse webhooks: signature check and applying candidate events to the index."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.gh_index.index import parse_time
from backend.gh_index.index import remove_candidates
from backend.gh_index.index import upsert_candidates
from backend.gh_index.matching import candidate_id_of
from backend.store.models import IndexedCandidate

_SIGNATURE = re.compile(r"\s*sha256\s*[ =]\s*([0-9a-fA-F]{64})\s*", re.IGNORECASE)


def signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    """`Signature: sha256 <hex>` = HMAC-SHA256(secret, raw body), compared in constant time
    (`sha256=<hex>`, as other senders write it, is read too)."""
    match = _SIGNATURE.fullmatch(header or "")
    if match is None:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), match.group(1).lower().encode())


def apply_event(
    session: Session,
    account_id: int,
    action: str,
    payload: dict[str, Any],
    *,
    fetch_later: Callable[[int, list[int]], None],
) -> str:
    """Bring the index in line with one event: "applied", "stale" or "ignored"."""
    if action == "update_candidate":
        return _upsert(session, account_id, payload.get("candidate"))
    if action in ("new_candidate_application", "new_prospect_application", "application_updated"):
        application = payload.get("application")
        candidate = application.get("candidate") if isinstance(application, dict) else None
        return _upsert(session, account_id, candidate)
    if action in ("delete_candidate", "merge_candidate"):
        person = payload.get("person")
        loser = candidate_id_of(person)
        if loser is None:
            return "ignored"
        remove_candidates(session, account_id, [loser], tombstone=action)
        winner = candidate_id_of({"id": person.get("new_candidate_id")})
        if action == "merge_candidate" and winner is not None:
            # The winner now carries the loser's emails: read it fresh from Greenhouse.
            fetch_later(account_id, [winner])
        return "applied"
    if action == "candidate_anonymized":
        anonymized = candidate_id_of({"id": payload.get("candidate_id")})
        if anonymized is None:
            return "ignored"
        remove_candidates(session, account_id, [anonymized], tombstone=action)
        return "applied"
    return "ignored"


def _upsert(session: Session, account_id: int, candidate: Any) -> str:
    candidate_id = candidate_id_of(candidate)
    if candidate_id is None:
        return "ignored"
    incoming = parse_time(candidate.get("updated_at"))
    stored = session.scalar(
        select(IndexedCandidate.updated_at).where(
            IndexedCandidate.account_id == account_id,
            IndexedCandidate.candidate_id == candidate_id,
        )
    )
    if incoming is not None and stored is not None and incoming < stored:
        return "stale"  # deliveries can arrive out of order: keep the newer state
    # A tombstoned candidate (deleted, merged away, anonymised) is not indexed again: stale.
    return "applied" if upsert_candidates(session, account_id, [candidate]) else "stale"
