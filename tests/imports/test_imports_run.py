"""Running imports against the sandbox over real HTTP, with a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from imports_support import enrolled_emails
from sqlalchemy import func
from sqlalchemy import select

from backend import defaults
from backend.greenhouse.sandbox.jobs import add_job
from backend.greenhouse.sandbox.jobs import add_person
from backend.greenhouse.sandbox.jobs import close_job
from backend.greenhouse.sandbox.jobs import fill_job
from backend.imports.checks import JOB_CLOSED
from backend.imports.checks import SEQUENCE_DELETED
from backend.imports.manage import NewImport
from backend.imports.manage import create_import
from backend.imports.manage import describe
from backend.imports.manage import find_import
from backend.imports.manage import remove_import
from backend.imports.runs import run_import
from backend.imports.schedule import due_imports
from backend.jobs.imports import enrolment
from backend.sequences.enrolment import PersonInput
from backend.sequences.enrolment import add_person as add_to_sequence
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import Import
from backend.store.models import ImportItem
from backend.store.models import Sequence
from backend.store.models import utcnow

pytestmark = pytest.mark.db


def new_import(db, gh, team, job_id: int, *, recurring: bool = False) -> int:
    with db.session() as session:
        row = create_import(
            session,
            gh,
            team.account_id,
            team.user_id,
            NewImport(job_id, team.sequence_id, recurring),
        )
        return row.id


def run(db, gh, import_id: int, **options):
    options.setdefault("owner", "test-run")
    options.setdefault("interval", timedelta(seconds=60))
    if "enrol" not in options:  # the real enrolment, as the import's creator (as a task runs it)
        with db.session() as session:
            options["enrol"] = enrolment(session.get(Import, import_id).created_by)
    return run_import(db.session, gh, import_id, options.pop("enrol"), **options)


def shown(db, import_id: int) -> dict:
    with db.session() as session:
        return describe(session, session.get(Import, import_id))


def backdate(sandbox, made: list[dict], hours: float = 2) -> None:
    """Make these applications look written a while ago (a recurring run's earlier people)."""
    when = (utcnow() - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    for entry in made:
        sandbox.state.tables["applications"][entry["application"]["id"]]["updated_at"] = when


def test_an_import_adds_candidates_and_prospects_with_email_and_lists_the_rest(
    db, gh, sandbox, team
):
    job = add_job(sandbox.state, "Backend Engineer")
    fill_job(sandbox.state, job, 10, prospect_every=3, no_email_every=5)  # 3 prospects, 2 no email
    known = add_person(
        sandbox.state,
        job,
        first_name="Ada",
        last_name="Known",
        emails=[{"value": "ada@known.example", "type": "work"}],
    )
    with db.session() as session:  # added by hand before the import
        add_to_sequence(
            session,
            account_id=team.account_id,
            sequence_id=team.sequence_id,
            person=PersonInput(email="ada@known.example"),
            added_by=team.user_id,
            now=utcnow(),
        )
    import_id = new_import(db, gh, team, job)

    outcome = run(db, gh, import_id)

    assert outcome.status == "done"
    expected = {
        "seen": 11,
        "added": 8,
        "skipped_no_email": 2,
        "already_in_sequence": 1,
        "failed": 0,
    }
    assert outcome.progress == expected
    view = shown(db, import_id)
    assert view["status"] == "done" and view["progress"] == expected
    assert view["skipped_no_email"] == ["Person No10", "Person No5"]
    assert view["job_name"] == "Backend Engineer" and view["next_run_at"] is None
    with db.session() as session:
        added = session.scalars(select(Contact).where(Contact.gh_candidate_id.is_not(None))).all()
        by_candidate = {c.gh_candidate_id: c for c in added}
        item = session.get(ImportItem, (import_id, known["candidate"]["id"]))
    assert len(added) == 8 and {c.source for c in added} == {"import"}
    sample = next(iter(by_candidate.values()))
    assert sample.email.endswith("@work.example")  # work before the personal address listed first
    assert sample.gh_application_id is not None
    assert item.result == "already_in_sequence"


def test_running_an_import_again_adds_nobody_twice(db, gh, sandbox, team):
    job = add_job(sandbox.state, "SRE")
    fill_job(sandbox.state, job, 6)
    import_id = new_import(db, gh, team, job)
    run(db, gh, import_id)

    again = run(db, gh, import_id)

    assert again.progress["added"] == 0 and again.progress["already_in_sequence"] == 6
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Enrollment)) == 6


class Crash(BaseException):
    """The worker dies (not an error the run may catch)."""


def test_a_crash_mid_import_resumes_from_the_saved_page_without_duplicates(db, gh, sandbox, team):
    job = add_job(sandbox.state, "Big job")
    fill_job(sandbox.state, job, 120, no_email_every=10)
    import_id = new_import(db, gh, team, job)
    calls = {"n": 0}

    def dies_on_page_two(session, sequence_id, person):
        calls["n"] += 1
        if calls["n"] == 70:  # page one (50 people, 45 with an email) is saved by then
            raise Crash
        return enrolment(team.user_id)(session, sequence_id, person)

    with pytest.raises(Crash):
        run(db, gh, import_id, enrol=dies_on_page_two, owner="worker-1", per_page=50)
    mid = shown(db, import_id)
    assert mid["status"] == "running" and mid["progress"]["seen"] == 50
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Enrollment)) == 45

    # Another worker cannot take it over while the dead one's lease runs...
    assert run(db, gh, import_id, owner="worker-2", per_page=50).status == "busy"
    # ...and carries on from page two once it lapses, without reading page one again.
    later = utcnow() + defaults.IMPORT_LEASE + timedelta(seconds=1)
    before = sandbox.counters()["requests"]
    outcome = run(db, gh, import_id, owner="worker-2", clock=lambda: later, per_page=50)

    assert outcome.status == "done"
    assert outcome.progress == {
        "seen": 120,
        "added": 108,
        "skipped_no_email": 12,
        "already_in_sequence": 0,
        "failed": 0,
    }
    # the job, application pages two and three, the empty prospect page, 1 + 1 candidate batches
    assert sandbox.counters()["requests"] - before == 1 + 2 + 1 + 2
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Enrollment)) == 108


def test_two_runs_of_the_same_import_never_overlap(db, gh, sandbox, team):
    job = add_job(sandbox.state, "Overlap")
    fill_job(sandbox.state, job, 3)
    import_id = new_import(db, gh, team, job)
    seen = []

    def second_run_meanwhile(_progress):
        seen.append(run(db, gh, import_id, owner="other-worker").status)

    outcome = run(db, gh, import_id, owner="first-worker", on_page=second_run_meanwhile)

    assert outcome.status == "done" and set(seen) == {"busy"}
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Enrollment)) == 3


def test_a_person_whose_enrolment_fails_is_counted_and_the_rest_go_on(db, gh, sandbox, team):
    job = add_job(sandbox.state, "Flaky")
    fill_job(sandbox.state, job, 4)
    import_id = new_import(db, gh, team, job)

    def refuses_number_two(session, sequence_id, person):
        if person.last_name == "No2":
            raise RuntimeError("address is suppressed")
        return enrolment(team.user_id)(session, sequence_id, person)

    outcome = run(db, gh, import_id, enrol=refuses_number_two)

    assert (outcome.progress["added"], outcome.progress["failed"]) == (3, 1)
    with db.session() as session:
        failed = session.scalars(select(ImportItem).where(ImportItem.result == "failed")).one()
    assert failed.name == "Person No2" and "suppressed" in failed.detail


def test_a_recurring_import_picks_up_only_the_people_added_since(db, gh, sandbox, team):
    job = add_job(sandbox.state, "Recurring")
    backdate(sandbox, fill_job(sandbox.state, job, 5, name_prefix="Early"))
    import_id = new_import(db, gh, team, job, recurring=True)
    first = run(db, gh, import_id)
    assert first.progress["added"] == 5 and first.next_run_at is not None

    fill_job(sandbox.state, job, 2, name_prefix="Later")
    second = run(db, gh, import_id)

    assert second.progress == {
        "seen": 2,
        "added": 2,
        "skipped_no_email": 0,
        "already_in_sequence": 0,
        "failed": 0,
    }
    with db.session() as session:
        assert len(enrolled_emails(session, team.sequence_id)) == 7
    view = shown(db, import_id)
    assert view["recurring"] and view["last_result"]["progress"]["added"] == 2


def test_a_recurring_run_reads_back_past_its_watermark_so_the_boundary_is_not_missed(
    db, gh, sandbox, team
):
    job = add_job(sandbox.state, "Boundary")
    import_id = new_import(db, gh, team, job, recurring=True)
    run(db, gh, import_id)
    with db.session() as session:
        watermark = session.get(Import, import_id).watermark
    # Written just before the first run started, but visible only after it read the job.
    late = add_person(
        sandbox.state,
        job,
        first_name="Late",
        last_name="Writer",
        emails=[{"value": "l@w.example", "type": "work"}],
    )
    stamp = (watermark - timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    sandbox.state.tables["applications"][late["application"]["id"]]["updated_at"] = stamp

    outcome = run(db, gh, import_id)

    assert outcome.progress["added"] == 1


def test_a_closed_job_pauses_the_schedule_with_a_reason(db, gh, sandbox, team):
    job = add_job(sandbox.state, "Closing soon")
    fill_job(sandbox.state, job, 2)
    import_id = new_import(db, gh, team, job, recurring=True)
    run(db, gh, import_id)
    close_job(sandbox.state, job)

    outcome = run(db, gh, import_id)

    assert (outcome.status, outcome.reason) == ("paused", JOB_CLOSED)
    view = shown(db, import_id)
    assert view["status"] == "paused" and view["paused_reason"] == JOB_CLOSED
    assert view["next_run_at"] is None
    with db.session() as session:
        assert import_id not in due_imports(session, utcnow() + timedelta(days=1))
    assert run(db, gh, import_id).status == "busy"  # a paused import does not run


def test_a_deleted_sequence_pauses_the_schedule(db, gh, sandbox, team):
    job = add_job(sandbox.state, "Orphan")
    import_id = new_import(db, gh, team, job, recurring=True)
    with db.session() as session:
        session.get(Sequence, team.sequence_id).deleted_at = utcnow()

    outcome = run(db, gh, import_id)

    assert (outcome.status, outcome.reason) == ("paused", SEQUENCE_DELETED)


def test_removing_a_recurring_import_stops_it(db, gh, sandbox, team):
    job = add_job(sandbox.state, "Removed")
    fill_job(sandbox.state, job, 2)
    import_id = new_import(db, gh, team, job, recurring=True)
    run(db, gh, import_id)
    with db.session() as session:
        assert import_id in due_imports(session, utcnow() + timedelta(hours=2))
        remove_import(session, session.get(Import, import_id))

    with db.session() as session:
        assert due_imports(session, utcnow() + timedelta(days=2)) == []
        assert find_import(session, team.account_id, import_id) is None
    assert run(db, gh, import_id).status == "busy"


def test_removing_an_import_mid_run_stops_it_at_the_next_page(db, gh, sandbox, team):
    job = add_job(sandbox.state, "Stopped")
    fill_job(sandbox.state, job, 30)
    import_id = new_import(db, gh, team, job)

    def remove_after_first_page(_progress):
        with db.session() as session:
            remove_import(session, session.get(Import, import_id))

    outcome = run(db, gh, import_id, on_page=remove_after_first_page, per_page=10)

    assert outcome.status == "stopped" and outcome.progress["seen"] == 10


def test_a_scheduled_import_is_due_at_its_next_run_and_not_queued_twice(db, gh, sandbox, team):
    job = add_job(sandbox.state, "Due")
    import_id = new_import(db, gh, team, job, recurring=True)
    first = run(db, gh, import_id, interval=timedelta(seconds=5))

    with db.session() as session:
        assert due_imports(session, first.next_run_at - timedelta(seconds=1)) == []
        assert due_imports(session, first.next_run_at) == [import_id]
        assert due_imports(session, first.next_run_at) == []  # already handed out


def test_a_queued_run_of_an_import_that_is_not_due_does_nothing(db, gh, sandbox, team):
    job = add_job(sandbox.state, "Not due")
    fill_job(sandbox.state, job, 1)
    import_id = new_import(db, gh, team, job, recurring=True)
    run(db, gh, import_id, only_if_due=True)
    before = sandbox.counters()["requests"]

    assert run(db, gh, import_id, only_if_due=True).status == "not_due"
    assert sandbox.counters()["requests"] == before


def test_an_unexpected_error_gives_the_import_back_so_a_retry_carries_on_at_once(
    db, gh, sandbox, team
):
    job = add_job(sandbox.state, "Retry")
    fill_job(sandbox.state, job, 25)
    import_id = new_import(db, gh, team, job)

    def breaks_after_first_page(_progress):
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        run(db, gh, import_id, owner="first", on_page=breaks_after_first_page, per_page=10)
    retry = run(db, gh, import_id, owner="retry", per_page=10)

    assert retry.status == "done" and retry.progress["seen"] == 25
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Enrollment)) == 25


def test_a_recurring_run_takes_in_someone_given_an_email_since_the_last_run(db, gh, sandbox, team):
    job = add_job(sandbox.state, "Fixed later")
    made = fill_job(sandbox.state, job, 4, no_email_every=2)  # numbers 2 and 4 have no email
    backdate(sandbox, made)
    import_id = new_import(db, gh, team, job, recurring=True)
    first = run(db, gh, import_id)
    assert (first.progress["added"], first.progress["skipped_no_email"]) == (2, 2)

    # The recruiter adds an address in Greenhouse: the candidate changes, the application not.
    fixed = sandbox.state.tables["candidates"][made[1]["candidate"]["id"]]
    fixed["email_addresses"] = [{"value": "now@reachable.example", "type": "work"}]
    before = sandbox.counters()["requests"]
    second = run(db, gh, import_id)

    assert second.progress == {
        "seen": 2,
        "added": 1,
        "skipped_no_email": 1,
        "already_in_sequence": 0,
        "failed": 0,
    }
    # job check, two empty application pages, then one batch each of applications and candidates
    assert sandbox.counters()["requests"] - before == 1 + 2 + 2
    view = shown(db, import_id)
    assert view["skipped_no_email"] == ["Person No4"]
    with db.session() as session:
        assert "now@reachable.example" in enrolled_emails(session, team.sequence_id)


def test_a_greenhouse_outage_fails_the_run_with_its_reason_and_the_next_carries_on(
    db, gh, sandbox, team
):
    job = add_job(sandbox.state, "Outage")
    fill_job(sandbox.state, job, 30)
    import_id = new_import(db, gh, team, job)

    def outage_after_first_page(_progress):
        sandbox.set_faults(error_rate=1.0)

    failed = run(db, gh, import_id, on_page=outage_after_first_page, per_page=10)
    sandbox.clear_faults()
    view = shown(db, import_id)
    carried_on = run(db, gh, import_id, per_page=10)

    assert failed.status == "failed" and "ServerError" in failed.reason
    assert view["status"] == "failed" and view["last_result"]["error"] == failed.reason
    assert carried_on.status == "done" and carried_on.progress["seen"] == 30
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Enrollment)) == 30
