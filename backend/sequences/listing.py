"""The team's sequences as the lists show them (the API's, the web app's, the import picker):
not deleted, by name or id-paged, and as items with their counts in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.sequences.views import counts_by_status
from backend.sequences.views import sequence_json
from backend.store.models import Sequence
from backend.store.models import SequenceVersion


def team_sequences(
    session: Session,
    account_id: int,
    *,
    by_name: bool = False,
    after_id: int = 0,
    limit: int | None = None,
) -> list[Sequence]:
    """The team's sequences: by name (pickers, the web list) or by id after `after_id` (paged)."""
    query = select(Sequence).where(
        Sequence.account_id == account_id, Sequence.deleted_at.is_(None), Sequence.id > after_id
    )
    query = query.order_by(Sequence.name if by_name else Sequence.id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def sequence_items(session: Session, sequences: list[Sequence]) -> list[dict[str, Any]]:
    """The list's items (DESIGN.md's sequence without steps, with counts by status)."""
    counts = counts_by_status(session, [s.id for s in sequences])
    version_ids = [s.current_version_id for s in sequences if s.current_version_id]
    # One query, held until the items are built: sequence_json's session.get finds them loaded.
    _versions = (
        list(session.scalars(select(SequenceVersion).where(SequenceVersion.id.in_(version_ids))))
        if version_ids
        else []
    )
    return [sequence_json(session, s, counts[s.id], with_steps=False) for s in sequences]
