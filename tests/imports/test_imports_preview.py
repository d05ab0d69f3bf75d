"""Previewing an import: what it would do, without adding anyone."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from backend.greenhouse.sandbox.jobs import add_job
from backend.greenhouse.sandbox.jobs import fill_job
from backend.imports.preview import preview_import
from backend.imports.reading import read_job
from backend.jobs.imports import enrolment
from backend.store.models import Enrollment

pytestmark = pytest.mark.db


def test_a_preview_counts_people_with_an_email_and_those_already_in_the_sequence(
    db, gh, sandbox, team
):
    job = add_job(sandbox.state, "Preview")
    made = fill_job(sandbox.state, job, 10, prospect_every=5, no_email_every=4)  # 2 without email
    first = made[0]["candidate"]
    with db.session() as session:
        people = [p for p in _people(gh, job) if p.candidate_id == first["id"]]
        assert enrolment(team.user_id)(session, team.sequence_id, people[0]).outcome == "added"

    with db.session() as session:
        preview = preview_import(session, gh, job, team.sequence_id)
        enrolled = session.scalar(select(func.count()).select_from(Enrollment))

    assert (preview.people, preview.with_email, preview.without_email) == (10, 8, 2)
    assert (preview.already_in_sequence, preview.would_add, preview.complete) == (1, 7, True)
    assert enrolled == 1  # nobody was added by the preview
    assert {s["name"] for s in preview.sample} == {f"Person No{n}" for n in range(1, 11)}


def test_a_preview_of_a_big_job_stops_after_its_first_pages_and_says_so(db, gh, sandbox, team):
    job = add_job(sandbox.state, "Huge")
    fill_job(sandbox.state, job, 1_100)
    before = sandbox.counters()["requests"]

    with db.session() as session:
        preview = preview_import(session, gh, job, team.sequence_id, max_people=500)

    assert (preview.people, preview.complete) == (500, False)
    assert sandbox.counters()["requests"] - before == 1 + 10  # one page and its batches


def _people(gh, job):
    return [p for page in read_job(gh, job) for p in page.people]
