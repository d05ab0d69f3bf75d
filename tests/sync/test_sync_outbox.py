"""The outbox on the real database against the sandbox over HTTP: events in, Greenhouse records
out, each exactly once, and the contact showing its link, target and status."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sync_support import by_name
from sync_support import ids_of
from sync_support import make_executor
from sync_world import World
from sync_world import job_target
from sync_world import pool_target
from sync_world import sync

from backend.greenhouse.sandbox.server import SandboxHandle
from backend.greenhouse.sandbox.server import start_sandbox
from backend.store.models import Contact
from backend.store.models import EventCursor
from backend.store.models import SyncJob
from backend.store.models import utcnow
from backend.sync import log as sync_log
from backend.sync.facts import settings_of
from backend.sync.outbox import CONSUMER
from backend.sync.outbox import perform_due


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxHandle]:
    handle = start_sandbox(candidates=40, rate_limit=100_000, rate_window_seconds=30)
    yield handle
    handle.shutdown()


@pytest.fixture(autouse=True)
def no_faults(sandbox: SandboxHandle) -> Iterator[None]:
    yield
    sandbox.clear_faults()


def notes_of(sandbox: SandboxHandle, candidate_id: int) -> list[dict]:
    return [n for n in sandbox.state.tables["notes"].values() if n["candidate_id"] == candidate_id]


def test_recruiter_lookup_to_reply_ends_with_exactly_the_expected_records(
    db_session, sandbox
) -> None:
    replied = pool_target(sandbox, "Replied")
    world = World(
        db_session,
        sync_mode="on_add",
        status_field={"kind": "tags"},
        stage_on_reply=replied,
        custom_field_map={"headline": "linkedin_headline"},
    )
    contact = world.contact()
    enrollment = world.enroll(contact, target=pool_target(sandbox, "New"))
    world.sent(enrollment)
    world.reply(enrollment)
    world.reply(enrollment, first=False)  # later replies are not synced
    report = sync(db_session, sandbox)
    assert report.failed == 0 and report.retrying == 0, report.errors

    db_session.refresh(contact)
    cid, aid = contact.gh_candidate_id, contact.gh_application_id
    assert ids_of(sandbox, "candidates", last_name=contact.last_name) == [cid]
    candidate = sandbox.state.tables["candidates"][cid]
    assert candidate["custom_fields"]["linkedin_headline"]["value"] == "Builds data platforms"
    assert candidate["tags"] == ["Replied"]
    [detail] = [d for d in sandbox.state.tables["prospect_details"].values()
                if d["application_id"] == aid]  # fmt: skip
    assert detail["pool_stage_id"] == replied["pool_stage_id"]
    employments = [e for e in sandbox.state.tables["candidate_employments"].values()
                   if e["candidate_id"] == cid]  # fmt: skip
    assert len(employments) == 5
    notes = notes_of(sandbox, cid)
    assert sorted((n["type"], n["subject"], n["visibility"]) for n in notes) == [
        ("EMAIL", "Hello", "privately_visible"),
        ("EMAIL", "Re: Hello", "privately_visible"),
    ]
    assert contact.sync_status == "synced" and contact.sync_error is None
    assert contact.gh_target["kind"] == "pool"
    assert (contact.gh_target["pool_name"], contact.gh_target["stage_name"]) == (
        "Engineering Talent",
        "Replied",
    )

    # Nothing happens twice: the same events read again, the tasks run again.
    db_session.get(EventCursor, CONSUMER).last_event_id = 0
    db_session.commit()
    again = sync(db_session, sandbox)
    assert again.performed == 0
    assert len(notes_of(sandbox, cid)) == 2


def test_sync_only_when_they_reply_creates_the_record_at_the_first_reply(
    db_session, sandbox
) -> None:
    world = World(db_session, sync_mode="on_reply")
    contact = world.contact(source="linkedin")
    enrollment = world.enroll(contact, target=job_target(sandbox))
    world.sent(enrollment, "First")
    world.sent(enrollment, "Second")
    sync(db_session, sandbox)
    db_session.refresh(contact)
    assert contact.gh_candidate_id is None
    assert ids_of(sandbox, "candidates", last_name=contact.last_name) == []

    world.reply(enrollment)
    sync(db_session, sandbox)
    db_session.refresh(contact)
    notes = notes_of(sandbox, contact.gh_candidate_id)
    assert sorted(n["subject"] for n in notes) == ["First", "Re: Hello", "Second"]
    assert [e for e in sandbox.state.tables["candidate_employments"].values()
            if e["candidate_id"] == contact.gh_candidate_id] == []  # fmt: skip


def test_disable_sync_marks_the_contact_and_writes_nothing(db_session, sandbox) -> None:
    world = World(db_session, sync_mode="on_add")
    contact = world.contact()
    enrollment = world.enroll(contact, target=job_target(sandbox), sync_disabled=True)
    world.sent(enrollment)
    report = sync(db_session, sandbox)
    db_session.refresh(contact)
    assert report.performed == 0 and contact.sync_status == "disabled"
    assert db_session.scalars(select(SyncJob).where(SyncJob.contact_id == contact.id)).all() == []


def test_sync_off_skips(db_session, sandbox) -> None:
    world = World(db_session, sync_mode="off")
    contact = world.contact()
    world.enroll(contact, target=job_target(sandbox))
    sync(db_session, sandbox)
    db_session.refresh(contact)
    assert contact.sync_status == "skipped" and contact.gh_candidate_id is None


def test_existing_greenhouse_record_is_used_and_flagged_exists(db_session, sandbox) -> None:
    seeded = next(iter(sandbox.state.tables["candidates"].values()))
    email = seeded["email_addresses"][0]["value"]
    world = World(db_session, sync_mode="on_add", dedupe=True)
    contact = world.contact(email=email, source="sales_navigator")
    world.enroll(contact, target=job_target(sandbox))
    sync(db_session, sandbox)
    db_session.refresh(contact)
    assert contact.gh_candidate_id == seeded["id"]
    assert (contact.sync_status, contact.sync_error) == ("synced", "Exists in Greenhouse")
    assert sandbox.counters()["created_per_email"].get(email, 0) == 0


def test_closed_job_fails_the_contact_in_words_and_retry_tries_again(db_session, sandbox) -> None:
    world = World(db_session, sync_mode="on_add")
    contact = world.contact()
    enrollment = world.enroll(contact, target=job_target(sandbox, "Data Engineer"))
    world.sent(enrollment)
    sync(db_session, sandbox)
    db_session.refresh(contact)
    assert contact.sync_status == "failed"
    assert contact.sync_error == "The job 'Data Engineer' is closed in Greenhouse"
    entries, _ = sync_log.sync_log(db_session, world.account.id, contact_id=contact.id)
    by_kind = {e["kind"]: e for e in entries}
    assert by_kind["ensure_person"]["status"] == "failed"
    assert by_kind["log_email"]["error"].startswith("The contact has no Greenhouse record")

    # The recruiter reopens the job in Greenhouse, then presses Retry.
    job = by_name(sandbox, "jobs", "Data Engineer")
    job["status"] = "open"
    try:
        sandbox_catalog_refresh = timedelta(minutes=5)  # past the catalog's brief cache
        sync_log.retry(db_session, world.account.id, by_kind["ensure_person"]["id"])
        db_session.commit()
        executor = make_executor(sandbox)
        perform_due(db_session, lambda a: executor, now=lambda: utcnow() + sandbox_catalog_refresh)
    finally:
        job["status"] = "closed"
    db_session.refresh(contact)
    assert contact.sync_status == "synced" and contact.sync_error is None
    assert len(notes_of(sandbox, contact.gh_candidate_id)) == 1
    entries, _ = sync_log.sync_log(db_session, world.account.id, contact_id=contact.id)
    assert {(e["error"], e["error_code"]) for e in entries} == {(None, None)}


def test_retryable_failure_waits_with_backoff_then_succeeds(db_session, sandbox) -> None:
    world = World(db_session, sync_mode="on_add")
    contact = world.contact(source="linkedin")
    world.enroll(contact, target=job_target(sandbox))
    sandbox.set_faults(error_rate=1.0)
    report = sync(db_session, sandbox)
    assert report.retrying == 1
    job = db_session.scalars(select(SyncJob).where(SyncJob.contact_id == contact.id)).one()
    assert job.status == "pending" and job.next_attempt_at > utcnow()
    assert "did not answer properly" in job.last_error and job.last_error_code == "unavailable"
    sandbox.clear_faults()
    assert sync(db_session, sandbox).performed == 0  # not due yet
    sync(db_session, sandbox, later=timedelta(minutes=2))
    db_session.refresh(contact)
    assert contact.sync_status == "synced"
    assert len(ids_of(sandbox, "candidates", last_name=contact.last_name)) == 1


def test_resync_writes_the_current_mapping(db_session, sandbox) -> None:
    world = World(db_session, sync_mode="on_add")
    contact = world.contact(source="linkedin")
    world.enroll(contact, target=job_target(sandbox))
    sync(db_session, sandbox)
    world.integration.custom_field_map = {"title": "linkedin_headline"}
    db_session.commit()
    settings = settings_of(world.integration, connected=True)
    [job] = sync_log.request_resync(db_session, world.account.id, contact.id, settings, "r1")
    db_session.commit()
    sync(db_session, sandbox)
    db_session.refresh(contact)
    fields = sandbox.state.tables["candidates"][contact.gh_candidate_id]["custom_fields"]
    assert fields["linkedin_headline"]["value"] == "Staff Engineer"
    assert db_session.get(SyncJob, job.id).status == "done"


def test_a_second_sequence_adds_only_its_target_application(db_session, sandbox) -> None:
    world = World(db_session, sync_mode="on_add")
    contact = world.contact()
    world.enroll(contact, target=job_target(sandbox))
    sync(db_session, sandbox)
    first = db_session.get(Contact, contact.id).gh_application_id
    other = World(db_session, sync_mode="on_add")  # another team's sequence would be separate;
    other.sequence.account_id = world.account.id  # here: a second sequence of the same team
    db_session.commit()
    enrollment = other.enroll(contact, target=pool_target(sandbox, "New"))
    assert enrollment.sequence_id == other.sequence.id
    sync(db_session, sandbox)
    db_session.refresh(contact)
    cid = contact.gh_candidate_id
    assert contact.gh_application_id != first
    assert len(ids_of(sandbox, "applications", candidate_id=cid)) == 2
    assert len([e for e in sandbox.state.tables["candidate_employments"].values()
                if e["candidate_id"] == cid]) == 5  # fmt: skip


def test_a_match_found_when_added_is_attached_at_the_first_sync(db_session, sandbox) -> None:
    """The sequences feature stores the dedupe match's ids when the person is added; the first
    sync then attaches to that record (the target's application, roles, fields) and keeps the
    warning; with "only when they reply", nothing is written before the reply."""
    seeded = list(sandbox.state.tables["candidates"].values())[5]
    email = seeded["email_addresses"][0]["value"]
    world = World(
        db_session, sync_mode="on_reply", custom_field_map={"headline": "linkedin_headline"}
    )
    contact = world.contact(email=email)
    contact.gh_candidate_id, contact.sync_error = seeded["id"], "Exists in Greenhouse"
    db_session.commit()
    enrollment = world.enroll(contact, target=pool_target(sandbox, "New"))
    world.sent(enrollment)
    sync(db_session, sandbox)
    assert [
        n for n in sandbox.state.tables["notes"].values() if n["candidate_id"] == seeded["id"]
    ] == []
    world.reply(enrollment)
    sync(db_session, sandbox)
    db_session.refresh(contact)
    assert contact.gh_candidate_id == seeded["id"]
    assert (contact.sync_status, contact.sync_error) == ("synced", "Exists in Greenhouse")
    stored = sandbox.state.tables["candidates"][seeded["id"]]["custom_fields"]
    assert stored["linkedin_headline"]["value"] == "Builds data platforms"
    roles = [e for e in sandbox.state.tables["candidate_employments"].values()
             if e["candidate_id"] == seeded["id"]]  # fmt: skip
    assert len(roles) == 5
    assert sandbox.counters()["created_per_email"].get(email, 0) == 0
