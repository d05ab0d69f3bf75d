"""Kept in step from Greenhouse: the sandbox's signed webhooks applied to the team's contacts."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sync_support import by_name
from sync_support import make_client
from sync_world import World
from sync_world import job_target
from sync_world import sync

from backend.greenhouse.sandbox.server import SandboxHandle
from backend.greenhouse.sandbox.server import start_sandbox
from backend.store.models import SyncJob
from backend.sync.follow import FinishEnrollments
from backend.sync.follow import apply_webhook


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxHandle]:
    handle = start_sandbox(candidates=20, rate_limit=100_000)
    yield handle
    handle.shutdown()


@pytest.fixture(autouse=True)
def no_faults(sandbox: SandboxHandle) -> Iterator[None]:
    yield
    sandbox.clear_faults()


def synced(db_session, sandbox, **settings):  # type: ignore[no-untyped-def]
    world = World(db_session, sync_mode="on_add", **settings)
    contact = world.contact(source="linkedin")
    world.enroll(contact, target=job_target(sandbox))
    sync(db_session, sandbox)
    db_session.refresh(contact)
    assert contact.gh_candidate_id is not None
    return world, contact


def deliver(db_session, sandbox, account_id: int) -> list[FinishEnrollments]:  # type: ignore[no-untyped-def]
    follow: list[FinishEnrollments] = []
    for _headers, body in sandbox.signed_webhooks("secret"):
        envelope = json.loads(body)
        follow += apply_webhook(db_session, account_id, envelope["action"], envelope["payload"])
    db_session.commit()
    return follow


def test_merged_candidate_the_contact_follows_the_surviving_id(db_session, sandbox) -> None:
    world, contact = synced(db_session, sandbox)
    survivor = next(iter(sandbox.state.tables["candidates"]))
    make_client(sandbox).transport.write(
        "POST",
        f"/v3/candidates/{survivor}/merge",
        {"secondary_candidate_id": contact.gh_candidate_id},
    )
    assert deliver(db_session, sandbox, world.account.id) == []
    db_session.refresh(contact)
    assert contact.gh_candidate_id == survivor
    assert contact.gh_application_id in sandbox.state.tables["applications"]


def test_deleted_candidate_unlinks_the_contact_which_stays(db_session, sandbox) -> None:
    world, contact = synced(db_session, sandbox)
    sandbox.delete_candidate(contact.gh_candidate_id)
    deliver(db_session, sandbox, world.account.id)
    db_session.refresh(contact)
    assert (contact.gh_candidate_id, contact.gh_application_id, contact.gh_target) == (None,) * 3
    assert contact.sync_error == "The record was deleted in Greenhouse"
    assert contact.email  # the contact itself is kept


def test_anonymised_candidate_erases_the_contact_and_finishes_enrollments(
    db_session, sandbox
) -> None:
    world, contact = synced(db_session, sandbox)
    make_client(sandbox).transport.write(
        "PATCH", f"/v3/candidates/{contact.gh_candidate_id}/anonymize",
        {"fields": ["full_name", "email_addresses"]},
    )  # fmt: skip
    [follow] = deliver(db_session, sandbox, world.account.id)
    db_session.refresh(contact)
    assert follow.contact_ids == (contact.id,) and follow.reason == "Anonymised in Greenhouse"
    assert (contact.first_name, contact.last_name, contact.linkedin_url, contact.profile) == (
        None,
    ) * 4
    assert contact.email.endswith("@anonymised.invalid") and contact.anonymised_at is not None
    payloads = [j.payload for j in db_session.query(SyncJob).filter_by(contact_id=contact.id)]
    assert payloads and all(p == {} for p in payloads)


def test_rejected_prospect_finishes_their_enrollments(db_session, sandbox) -> None:
    world, contact = synced(db_session, sandbox)
    make_client(sandbox).transport.write(
        "POST", f"/v3/applications/{contact.gh_application_id}/reject", {"rejection_reason_id": 1}
    )
    [follow] = deliver(db_session, sandbox, world.account.id)
    assert (follow.contact_ids, follow.outcome, follow.reason) == (
        (contact.id,), "removed", "Rejected in Greenhouse",
    )  # fmt: skip


def test_hired_candidate_finishes_their_enrollments(db_session, sandbox) -> None:
    world, contact = synced(db_session, sandbox)
    job = by_name(sandbox, "jobs", "Senior Backend Engineer")
    client = make_client(sandbox)
    new = client.applications.convert_to_candidate(contact.gh_application_id, job["id"])
    client.transport.write("POST", f"/v3/applications/{new['id']}/hire", {})
    [follow] = deliver(db_session, sandbox, world.account.id)
    assert follow.contact_ids == (contact.id,) and follow.reason == "Hired in Greenhouse"


def test_another_teams_webhook_touches_nothing_here(db_session, sandbox) -> None:
    world, contact = synced(db_session, sandbox)
    other = World(db_session)
    sandbox.delete_candidate(contact.gh_candidate_id)
    deliver(db_session, sandbox, other.account.id)
    db_session.refresh(contact)
    assert contact.gh_candidate_id is not None


@pytest.mark.parametrize(
    ("action", "payload"),
    [
        ("merge_candidate", {"person": "nope"}),
        ("delete_candidate", {"person": {"id": "x"}}),
        ("reject_candidate", {"application": ["a"]}),
        ("hire_candidate", {"application": {"candidate": 7}}),
        ("candidate_anonymized", {"candidate_id": True}),
    ],
)
def test_malformed_webhooks_change_nothing(db_session, action: str, payload: dict) -> None:
    assert apply_webhook(db_session, 1, action, payload) == []
