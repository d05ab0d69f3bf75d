"""The executor against the Greenhouse sandbox over real HTTP: each action once, ids, words."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime

import pytest
from sync_support import by_name
from sync_support import ids_of
from sync_support import make_executor

from backend.greenhouse.sandbox.server import SandboxHandle
from backend.greenhouse.sandbox.server import start_sandbox
from backend.sync.actions import AddEmployment
from backend.sync.actions import AddNote
from backend.sync.actions import ApplyCustomFields
from backend.sync.actions import ConvertToCandidate
from backend.sync.actions import EnsurePerson
from backend.sync.actions import LogEmail
from backend.sync.actions import MoveStage
from backend.sync.actions import Person
from backend.sync.actions import SetStatus
from backend.sync.executor import EXISTS_IN_GREENHOUSE
from backend.sync.executor import Link
from backend.sync.executor import SyncFailed
from backend.sync.rules import task_note
from backend.sync.targets import Target

_serial = itertools.count(1)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxHandle]:
    handle = start_sandbox(candidates=40, rate_limit=100_000, rate_window_seconds=30)
    yield handle
    handle.shutdown()


@pytest.fixture(autouse=True)
def no_faults(sandbox: SandboxHandle) -> Iterator[None]:
    yield
    sandbox.clear_faults()


def person(**changes) -> Person:  # type: ignore[no-untyped-def]
    n = next(_serial)
    values = {
        "first_name": "Pat",
        "last_name": f"Doe{n}",
        "emails": (f"pat.doe{n}@globex.example", f"patdoe{n}@mail.example"),
        "company": "Globex",
        "title": "Staff Engineer",
        "phone": "+44 20 7946 0000",
        "linkedin_url": f"https://www.linkedin.com/in/pat-doe-{n}",
    }
    return Person(**{**values, **changes})


def job(sandbox: SandboxHandle, name: str = "Senior Backend Engineer") -> Target:
    return Target(kind="job", job_id=by_name(sandbox, "jobs", name)["id"])


def pool_stage(sandbox: SandboxHandle, stage: str) -> Target:
    pool = by_name(sandbox, "prospect_pools", "Engineering Talent")
    stage_row = by_name(sandbox, "prospect_pool_stages", stage, prospect_pool_id=pool["id"])
    return Target(kind="pool", pool_id=pool["id"], pool_stage_id=stage_row["id"])


def ensure(target: Target | None, who: Person, **kw) -> EnsurePerson:  # type: ignore[no-untyped-def]
    return EnsurePerson(dedupe_key="k", person=who, target=target, **kw)


def table(sandbox: SandboxHandle, name: str) -> dict:
    return sandbox.state.tables[name]


# --- find or create ------------------------------------------------------------------------------
def test_new_person_becomes_a_prospect_on_the_job_filled_from_the_contact(sandbox) -> None:
    who = person()
    out = make_executor(sandbox).perform(ensure(job(sandbox), who), Link())
    candidate = table(sandbox, "candidates")[out.link.candidate_id]
    application = table(sandbox, "applications")[out.link.application_id]
    assert [e["value"] for e in candidate["email_addresses"]] == list(who.emails)
    assert candidate["email_addresses"][0]["type"] == "work"
    assert candidate["social_media_addresses"] == [{"value": who.linkedin_url}]
    assert candidate["phone_numbers"][0]["value"] == who.phone
    assert (candidate["company"], candidate["title"]) == ("Globex", "Staff Engineer")
    assert application["prospect"] is True
    assert application["prospective_job_ids"] == [job(sandbox).job_id]
    assert out.target.job_name == "Senior Backend Engineer"
    assert out.warning is None and out.link.created_here


def test_same_email_attaches_to_the_existing_record_and_says_exists(sandbox) -> None:
    who = person()
    executor = make_executor(sandbox)
    first = executor.perform(ensure(None, who), Link())
    second = executor.perform(ensure(job(sandbox), person(emails=(who.emails[1],))), Link())
    assert second.link.candidate_id == first.link.candidate_id
    assert second.warning == EXISTS_IN_GREENHOUSE
    assert sandbox.counters()["created_per_email"][who.emails[0]] == 1
    app = table(sandbox, "applications")[second.link.application_id]
    assert app["candidate_id"] == first.link.candidate_id and app["prospect"]


def test_dedupe_off_still_attaches_but_gives_no_warning(sandbox) -> None:
    who = person()
    executor = make_executor(sandbox)
    first = executor.perform(ensure(None, who), Link())
    again = executor.perform(ensure(None, who, warn_if_exists=False), Link())
    assert again.link.candidate_id == first.link.candidate_id and again.warning is None


def test_a_seeded_greenhouse_candidate_is_found_by_any_email(sandbox) -> None:
    seeded = next(c for c in table(sandbox, "candidates").values() if len(c["email_addresses"]) > 1)
    personal = seeded["email_addresses"][1]["value"]
    out = make_executor(sandbox).perform(
        ensure(pool_stage(sandbox, "New"), person(emails=("new@x.example", personal))), Link()
    )
    assert out.link.candidate_id == seeded["id"]


def test_linkedin_url_match_attaches_a_different_email_only_when_allowed(sandbox) -> None:
    who = person()
    executor = make_executor(sandbox)
    first = executor.perform(ensure(None, who), Link())
    index = {who.linkedin_url: [first.link.candidate_id]}
    other = person(emails=("someone.else@other.example",), linkedin_url=who.linkedin_url)
    matched = make_executor(sandbox, index).perform(ensure(None, other), Link())
    assert matched.link.candidate_id == first.link.candidate_id
    assert matched.greenhouse_ids["matched_by"] == "LinkedIn URL"
    off = make_executor(sandbox, index).perform(
        ensure(None, other, match_linkedin_url=False), Link()
    )
    assert off.link.candidate_id != first.link.candidate_id  # Interseller: a new record


def test_pool_target_puts_the_prospect_on_the_pool_stage(sandbox) -> None:
    target = pool_stage(sandbox, "Contacted")
    out = make_executor(sandbox).perform(ensure(target, person()), Link())
    [detail] = [
        d for d in table(sandbox, "prospect_details").values()
        if d["application_id"] == out.link.application_id
    ]  # fmt: skip
    assert (detail["pool_id"], detail["pool_stage_id"]) == (target.pool_id, target.pool_stage_id)
    assert (out.target.pool_name, out.target.stage_name) == ("Engineering Talent", "Contacted")


def test_job_target_with_a_stage_lands_on_that_interview_stage(sandbox) -> None:
    base = job(sandbox)
    stage = by_name(sandbox, "job_interview_stages", "Recruiter Screen", job_id=base.job_id)
    target = Target(kind="job", job_id=base.job_id, stage_id=stage["id"])
    out = make_executor(sandbox).perform(ensure(target, person()), Link())
    app = table(sandbox, "applications")[out.link.application_id]
    assert app["job_interview_stage_id"] == stage["id"] and not app["prospect"]


def test_closed_job_fails_permanently_in_words(sandbox) -> None:
    with pytest.raises(SyncFailed) as failed:
        make_executor(sandbox).perform(ensure(job(sandbox, "Data Engineer"), person()), Link())
    assert failed.value.permanent
    assert failed.value.message == "The job 'Data Engineer' is closed in Greenhouse"


def test_server_errors_are_retryable_and_never_make_a_second_record(sandbox) -> None:
    who = person()
    executor = make_executor(sandbox)
    sandbox.set_faults(error_rate=1.0)
    with pytest.raises(SyncFailed) as failed:
        executor.perform(ensure(None, who), Link())
    assert not failed.value.permanent
    sandbox.clear_faults()
    out = executor.perform(ensure(None, who), Link())
    assert sandbox.counters()["created_per_email"].get(who.emails[0], 0) == 1
    assert out.link.candidate_id in ids_of(sandbox, "candidates")


# --- employments, notes ---------------------------------------------------------------------------
def employment(company: str, title: str, start: str) -> AddEmployment:
    return AddEmployment(dedupe_key="e", company_name=company, title=title, start_date=start)


def test_employment_is_written_once_even_when_the_action_runs_again(sandbox) -> None:
    out = make_executor(sandbox).perform(ensure(None, person()), Link())
    role = employment("Initech", "Senior Engineer", "2020-01-01")
    make_executor(sandbox).perform(role, out.link)
    again = make_executor(sandbox).perform(role, out.link, again=True)
    assert again.greenhouse_ids["existing"] is True
    rows = ids_of(sandbox, "candidate_employments", candidate_id=out.link.candidate_id)
    assert len(rows) == 1


def test_employment_on_someone_elses_record_is_not_duplicated(sandbox) -> None:
    who = person()
    first = make_executor(sandbox).perform(ensure(None, who), Link())
    make_executor(sandbox).perform(employment("Hooli", "Engineer", "2018-03-01"), first.link)
    attached = make_executor(sandbox).perform(ensure(None, who), Link())  # another team member
    assert not attached.link.created_here
    make_executor(sandbox).perform(employment("Hooli", "Engineer", "2018-03-01"), attached.link)
    assert len(ids_of(sandbox, "candidate_employments", candidate_id=first.link.candidate_id)) == 1


def test_email_note_has_the_visibility_and_is_logged_once(sandbox) -> None:
    out = make_executor(sandbox).perform(ensure(None, person()), Link())
    note = LogEmail(dedupe_key="n", subject="Hello", body="Hi Pat", email_from="rec@team.example",
                    email_to=("pat@globex.example",), visibility="private")  # fmt: skip
    make_executor(sandbox).perform(note, out.link)
    make_executor(sandbox).perform(note, out.link, again=True)
    [row] = [
        n for n in table(sandbox, "notes").values() if n["candidate_id"] == out.link.candidate_id
    ]
    assert (row["type"], row["visibility"], row["subject"]) == (
        "EMAIL",
        "privately_visible",
        "Hello",
    )
    assert (row["email_from"], row["email_to"]) == ("rec@team.example", "pat@globex.example")
    assert row["application_id"] == out.link.application_id


def test_an_email_without_subject_or_body_is_logged_once_when_its_job_runs_again(sandbox) -> None:
    out = make_executor(sandbox).perform(ensure(None, person()), Link())
    note = LogEmail(dedupe_key="e", subject="", body="", email_from="rec@team.example",
                    email_to=("pat@globex.example",), visibility="private")  # fmt: skip
    recorded = datetime.now(UTC)  # the job is recorded within the second its write lands in
    make_executor(sandbox).perform(note, out.link, since=recorded)
    make_executor(sandbox).perform(note, out.link, again=True, since=recorded)
    rows = [
        n for n in table(sandbox, "notes").values() if n["candidate_id"] == out.link.candidate_id
    ]
    assert [(n["subject"], n["body"]) for n in rows] == [("(no subject)", "(empty)")]


def test_task_note_needs_a_record(sandbox) -> None:
    with pytest.raises(SyncFailed) as failed:
        make_executor(sandbox).perform(AddNote(dedupe_key="t", body="Completed task: Call"), Link())
    assert failed.value.permanent and "no Greenhouse record" in failed.value.message


# --- status, custom fields ------------------------------------------------------------------------
def test_status_custom_field_is_set(sandbox) -> None:
    out = make_executor(sandbox).perform(ensure(None, person()), Link())
    action = SetStatus(dedupe_key="s", value="Replied", field_kind="custom_field",
                       name_key="outreach_status")  # fmt: skip
    make_executor(sandbox).perform(action, out.link)
    fields = table(sandbox, "candidates")[out.link.candidate_id]["custom_fields"]
    assert fields["outreach_status"]["value"] == "Replied"


def test_status_tags_keep_one_status_at_a_time_and_keep_other_tags(sandbox) -> None:
    out = make_executor(sandbox).perform(ensure(None, person()), Link())
    executor = make_executor(sandbox)
    referral = by_name(sandbox, "candidate_tags", "Referral")["id"]
    executor.client.tags.apply(out.link.candidate_id, referral)
    for value in ("Messaged", "Replied"):
        executor.perform(SetStatus(dedupe_key=value, value=value, field_kind="tags"), out.link)
    tags = table(sandbox, "candidates")[out.link.candidate_id]["tags"]
    assert sorted(tags) == ["Referral", "Replied"]


def test_custom_fields_at_first_sync_and_on_resync(sandbox) -> None:
    fields = (("linkedin_headline", "Builds data platforms"),)
    out = make_executor(sandbox).perform(ensure(None, person(), custom_fields=fields), Link())
    stored = table(sandbox, "candidates")[out.link.candidate_id]["custom_fields"]
    assert stored["linkedin_headline"]["value"] == "Builds data platforms"
    resync = ApplyCustomFields(dedupe_key="r", custom_fields=(("linkedin_headline", "New"),))
    make_executor(sandbox).perform(resync, out.link)
    stored = table(sandbox, "candidates")[out.link.candidate_id]["custom_fields"]
    assert stored["linkedin_headline"]["value"] == "New"


# --- stage on reply, convert ----------------------------------------------------------------------
def test_reply_moves_the_prospect_to_the_replied_pool_stage(sandbox) -> None:
    out = make_executor(sandbox).perform(ensure(pool_stage(sandbox, "New"), person()), Link())
    replied = pool_stage(sandbox, "Replied")
    make_executor(sandbox).perform(MoveStage(dedupe_key="m", target=replied), out.link)
    [detail] = [d for d in table(sandbox, "prospect_details").values()
                if d["application_id"] == out.link.application_id]  # fmt: skip
    assert detail["pool_stage_id"] == replied.pool_stage_id


def test_a_prospect_is_not_silently_left_when_the_stage_is_a_job_stage(sandbox) -> None:
    out = make_executor(sandbox).perform(ensure(job(sandbox), person()), Link())
    stage = by_name(sandbox, "job_interview_stages", "Recruiter Screen", job_id=job(sandbox).job_id)
    move = MoveStage(dedupe_key="m", target=Target(kind="job", job_id=job(sandbox).job_id,
                                                   stage_id=stage["id"]))  # fmt: skip
    with pytest.raises(SyncFailed) as failed:
        make_executor(sandbox).perform(move, out.link)
    assert failed.value.permanent and "Convert on reply" in failed.value.message


def test_convert_turns_the_prospect_into_a_candidate_on_the_stage_once(sandbox) -> None:
    target = job(sandbox)
    out = make_executor(sandbox).perform(ensure(target, person()), Link())
    stage = by_name(sandbox, "job_interview_stages", "Recruiter Screen", job_id=target.job_id)
    convert = ConvertToCandidate(dedupe_key="c", job_id=target.job_id, stage_id=stage["id"])
    done = make_executor(sandbox).perform(convert, out.link)
    again = make_executor(sandbox).perform(convert, out.link, again=True)
    new = table(sandbox, "applications")[done.link.application_id]
    assert not new["prospect"] and new["job_interview_stage_id"] == stage["id"]
    assert table(sandbox, "applications")[out.link.application_id]["status"] == "converted"
    assert again.link.application_id == done.link.application_id
    candidate_apps = ids_of(
        sandbox, "applications", candidate_id=out.link.candidate_id, prospect=False
    )
    assert len(candidate_apps) == 1


def test_a_failed_write_is_not_mistaken_for_an_earlier_note_with_the_same_body(sandbox) -> None:
    out = make_executor(sandbox).perform(ensure(None, person()), Link())
    first = LogEmail(dedupe_key="1", subject="Hello", body="Are you open?",
                     email_from="r@t.example", email_to=("p@g.example",))  # fmt: skip
    second = LogEmail(dedupe_key="2", subject="Re: Hello", body="Are you open?",
                      email_from="r@t.example", email_to=("p@g.example",))  # fmt: skip
    make_executor(sandbox).perform(first, out.link)
    sandbox.set_faults(fail_writes=1)  # the second write fails before landing: read back, retry
    make_executor(sandbox).perform(second, out.link)
    subjects = sorted(n["subject"] for n in table(sandbox, "notes").values()
                      if n["candidate_id"] == out.link.candidate_id)  # fmt: skip
    assert subjects == ["Hello", "Re: Hello"]


def test_two_completed_calls_of_one_sequence_are_two_notes(sandbox) -> None:
    out = make_executor(sandbox).perform(ensure(None, person()), Link())
    for step in (1, 3):
        body = task_note({"task_type": "call", "step_index": step}, "Senior Backend")
        make_executor(sandbox).perform(
            AddNote(dedupe_key=str(step), body=body), out.link, again=True
        )
    bodies = sorted(n["body"] for n in table(sandbox, "notes").values()
                    if n["candidate_id"] == out.link.candidate_id)  # fmt: skip
    assert bodies == [
        "Completed task: Call — Senior Backend sequence, step 2",
        "Completed task: Call — Senior Backend sequence, step 4",
    ]
