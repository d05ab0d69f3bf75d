"""Reading a job's people from the sandbox over real HTTP: pages, batches, resume points."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from backend.greenhouse.sandbox.jobs import add_job
from backend.greenhouse.sandbox.jobs import add_person
from backend.greenhouse.sandbox.jobs import fill_job
from backend.imports.people import work_first
from backend.imports.reading import Position
from backend.imports.reading import Window
from backend.imports.reading import read_job


def test_a_job_is_read_as_its_candidates_then_its_prospects_and_nobody_else(sandbox, gh):
    job = add_job(sandbox.state, "Platform Engineer")
    other = add_job(sandbox.state, "Designer")
    made = fill_job(sandbox.state, job, 12, prospect_every=4)
    fill_job(sandbox.state, other, 5, name_prefix="Elsewhere")

    pages = list(read_job(gh, job))
    people = [p for page in pages for p in page.people]

    assert sorted(p.candidate_id for p in people) == sorted(m["candidate"]["id"] for m in made)
    assert [p.prospect for p in people] == [False] * 9 + [True] * 3
    assert pages[-1].after is None


def test_people_carry_their_ids_and_put_the_work_address_first(sandbox, gh):
    job = add_job(sandbox.state, "Data Engineer")
    made = add_person(
        sandbox.state,
        job,
        first_name="Grace",
        last_name="Hopper",
        emails=[
            {"value": "grace@home.example", "type": "personal"},
            {"value": "grace@navy.example", "type": "work"},
        ],
        company="Navy",
        title="Rear Admiral",
    )

    (person,) = [p for page in read_job(gh, job) for p in page.people]

    assert person.candidate_id == made["candidate"]["id"]
    assert person.application_id == made["application"]["id"]
    assert person.emails == ("grace@navy.example", "grace@home.example")
    assert (person.name, person.company, person.title) == ("Grace Hopper", "Navy", "Rear Admiral")


def test_work_first_drops_duplicates_and_non_addresses():
    addresses = [
        {"value": "a@home.example", "type": "personal"},
        {"value": "A@home.example", "type": "personal"},
        {"value": "not an address", "type": "work"},
        {"value": "a@corp.example", "type": "work"},
        {"value": "a@other.example", "type": "other"},
    ]
    assert work_first(addresses) == ("a@corp.example", "a@other.example", "a@home.example")


def test_applications_are_paged_at_500_and_candidates_fetched_50_at_a_time(sandbox, gh):
    job = add_job(sandbox.state, "Support")
    fill_job(sandbox.state, job, 1_120)
    before = sandbox.counters()["requests"]

    pages = list(read_job(gh, job))

    # 3 pages of candidate applications (500, 500, 120) + 1 empty page of prospects, and
    # 10 + 10 + 3 candidate batches.
    assert [len(p.people) for p in pages] == [500, 500, 120, 0]
    assert sandbox.counters()["requests"] - before == 4 + 23


def test_reading_resumes_from_a_saved_page_without_reading_earlier_ones(sandbox, gh):
    job = add_job(sandbox.state, "Sales")
    fill_job(sandbox.state, job, 1_100, prospect_every=100)
    first = next(read_job(gh, job))

    rest = list(read_job(gh, job, start=first.after))
    everyone = [p.candidate_id for p in first.people] + [
        p.candidate_id for page in rest for p in page.people
    ]

    assert len(everyone) == len(set(everyone)) == 1_100
    assert first.after == Position(0, first.after.next_url) and first.after.next_url


def test_an_expired_saved_cursor_reads_that_listing_again_from_its_first_page(sandbox, gh):
    job = add_job(sandbox.state, "Finance")
    fill_job(sandbox.state, job, 30)
    stale = Position(0, f"{sandbox.base_url}/v3/applications?cursor=expired")

    people = [p for page in read_job(gh, job, start=stale) for p in page.people]

    assert len(people) == 30


def test_a_window_reads_only_applications_updated_inside_it(sandbox, gh):
    job = add_job(sandbox.state, "Legal")
    old = fill_job(sandbox.state, job, 3, name_prefix="Old")
    for made in old:
        row = sandbox.state.tables["applications"][made["application"]["id"]]
        row["updated_at"] = "2025-01-01T00:00:00.000Z"
    new = fill_job(sandbox.state, job, 2, name_prefix="New")
    since = datetime.now(UTC) - timedelta(minutes=1)

    people = [p for page in read_job(gh, job, window=Window(gte=since)) for p in page.people]

    assert sorted(p.candidate_id for p in people) == sorted(m["candidate"]["id"] for m in new)
