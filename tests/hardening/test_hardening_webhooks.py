"""Replayed and late Greenhouse webhooks: a delivery counts once per signed body whatever its
`Greenhouse-Event-ID` says, and a deleted or anonymised candidate stays out of the index."""

from __future__ import annotations

import pytest

from tests.lookup.test_lookup_index import account_id_of
from tests.lookup.test_lookup_index import deliver
from tests.lookup.test_lookup_index import indexed_ids


def update(candidate_id: int, updated_at: str) -> dict:
    return {
        "action": "update_candidate",
        "payload": {
            "candidate": {
                "id": candidate_id,
                "first_name": "Zed",
                "last_name": "Replay",
                "updated_at": updated_at,
                "email_addresses": [{"value": f"zed{candidate_id}@revolut.com", "type": "work"}],
                "social_media_addresses": [],
            }
        },
    }


def test_a_signed_delivery_replayed_under_a_new_event_id_is_a_duplicate(gh_app, gh_auth):
    client = gh_app.test_client()
    body = update(991001, "2026-11-01T10:00:00Z")
    assert deliver(client, body, event_id="evt-1").json["status"] == "applied"
    replayed = deliver(client, body, event_id="evt-2-forged")
    assert replayed.status_code == 200 and replayed.json["status"] == "duplicate"


@pytest.mark.parametrize(
    "removal",
    [
        {"action": "delete_candidate", "payload": {"person": {"id": 991002}}},
        {"action": "candidate_anonymized", "payload": {"candidate_id": 991002}},
        {"action": "merge_candidate", "payload": {"person": {"id": 991002}}},
    ],
    ids=["deleted", "anonymised", "merged-away"],
)
def test_a_removed_candidate_is_not_brought_back_by_a_replayed_or_late_update(
    gh_app, gh_auth, removal
):
    client = gh_app.test_client()
    account_id = account_id_of(gh_app)
    before = update(991002, "2026-11-01T10:00:00Z")
    assert deliver(client, before).json["status"] == "applied"
    assert 991002 in indexed_ids(gh_app, account_id)
    assert deliver(client, removal).json["status"] == "applied"
    assert 991002 not in indexed_ids(gh_app, account_id)
    # the old delivery, replayed under a fresh event id
    assert deliver(client, before).json["status"] == "duplicate"
    # an update that was on its way (or claims to be newer) arrives after the removal
    late = update(991002, "2026-11-01T10:05:00Z")
    assert deliver(client, late).json["status"] == "stale"
    assert 991002 not in indexed_ids(gh_app, account_id)
