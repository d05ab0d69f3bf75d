"""Greenhouse webhooks: signature check and applying candidate events to the index."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from backend.candidate_index import remove_candidates
from backend.candidate_index import upsert_candidates


def signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    """`Signature: sha256 <hex>` = HMAC-SHA256(secret, raw body), compared in constant time."""
    scheme, _, digest = (header or "").strip().partition(" ")
    if scheme.lower() != "sha256" or not digest:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, digest.strip().lower())


def apply_event(
    session: Session,
    account_id: int,
    action: str,
    payload: dict[str, Any],
    *,
    fetch_later: Callable[[int, list[int]], None],
) -> str:
    """Bring the index in line with one event; returns "applied" or "ignored"."""
    if action == "update_candidate" and isinstance(payload.get("candidate"), dict):
        upsert_candidates(session, account_id, [payload["candidate"]])
        return "applied"
    if action in ("new_candidate_application", "new_prospect_application", "application_updated"):
        candidate = (payload.get("application") or {}).get("candidate")
        if isinstance(candidate, dict) and candidate.get("id") is not None:
            upsert_candidates(session, account_id, [candidate])
            return "applied"
        return "ignored"
    if action in ("delete_candidate", "merge_candidate"):
        person = payload.get("person") or {}
        if person.get("id") is None:
            return "ignored"
        remove_candidates(session, account_id, [int(person["id"])])
        if action == "merge_candidate" and person.get("new_candidate_id") is not None:
            # The winner now carries the loser's emails: read it fresh from Greenhouse.
            fetch_later(account_id, [int(person["new_candidate_id"])])
        return "applied"
    if action == "candidate_anonymized" and payload.get("candidate_id") is not None:
        remove_candidates(session, account_id, [int(payload["candidate_id"])])
        return "applied"
    return "ignored"
