"""Import from Greenhouse and the scheduled imports list, against the Greenhouse sandbox."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.greenhouse.sandbox.jobs import add_job
from backend.greenhouse.sandbox.jobs import fill_job
from backend.greenhouse.sandbox.server import start_sandbox
from backend.sequences.authoring import create_sequence
from backend.store.models import Import
from backend.store.models import User
from backend.store.models import utcnow
from backend.web.security import CONTENT_SECURITY_POLICY
from tests.web.conftest import Browser
from tests.web.conftest import add_person

ONE_EMAIL = [{"kind": "email", "subject": "Hello {{ first_name }}", "body": "Hi",
              "wait": {"amount": 0, "unit": "minutes"}}]  # fmt: skip


@pytest.fixture(scope="module")
def sandbox():  # type: ignore[no-untyped-def]
    handle = start_sandbox(candidates=5, rate_limit=100_000, rate_window_seconds=30)
    yield handle
    handle.shutdown()


@pytest.fixture
def gh_app(make_app, app_config, sandbox):  # type: ignore[no-untyped-def]
    return make_app({**app_config, **sandbox.settings(), "ALLOW_PRIVATE_NETWORKS": True})


@pytest.fixture
def people(gh_app):  # type: ignore[no-untyped-def]
    """A signed-in admin and member of one team, and the team's sequence."""
    add_person(gh_app, "admin@example.com", admin=True)
    add_person(gh_app, "member@example.com", admin=False)
    browsers = {}
    for role in ("admin", "member"):
        browsers[role] = Browser(gh_app.test_client())
        browsers[role].sign_in(f"{role}@example.com")
    with gh_app.extensions["sourcebridge"].db.session() as session:
        admin = session.query(User).filter_by(email="admin@example.com").one()
        data = {"name": "Imported engineers", "steps": ONE_EMAIL}
        browsers["sequence_id"] = create_sequence(
            session, admin.account_id, admin.id, data, utcnow()
        ).id
    return browsers


@pytest.fixture
def job(sandbox) -> int:  # type: ignore[no-untyped-def]
    job_id = add_job(sandbox.state, f"Platform Engineer {utcnow().timestamp()}")
    fill_job(sandbox.state, job_id, 4, no_email_every=4)
    return job_id


def test_the_page_lists_open_jobs_and_the_team_s_sequences(people, job, sandbox):
    response = people["member"].get("/imports/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert f'<option value="{job}"' in html and "Imported engineers" in html
    assert "Enable Recurring Import" in html
    assert "Only an admin can schedule a recurring import." in html
    assert 'href="/imports/new"' in html.split("<main")[0], "the nav shows Import"


def test_searching_narrows_the_job_picker(people, job, sandbox):
    name = sandbox.state.tables["jobs"][job]["name"]
    narrowed = people["member"].get(f"/imports/new?query={name.split()[-1]}").get_data(as_text=True)
    assert f'<option value="{job}"' in narrowed and "Senior Backend Engineer" not in narrowed
    words = "+".join(reversed(name.lower().split()))  # every word, in another order and case
    shuffled = people["member"].get(f"/imports/new?query={words}").get_data(as_text=True)
    assert f'<option value="{job}"' in shuffled
    part = people["member"].get("/imports/jobs?query=no+such+job+at+all").get_data(as_text=True)
    assert "<html" not in part and "No open job matches" in part


def test_preview_shows_people_with_an_email_and_adds_no_one(people, job, gh_app):
    member = people["member"]
    member.get("/imports/new")
    form = {"job_id": str(job), "sequence_id": str(people["sequence_id"])}
    html = member.post("/imports/preview", form).get_data(as_text=True)
    assert "<html" in html, "without JavaScript the whole page comes back"
    assert "People on the job</dt><dd>4" in html and "Would be added</dt><dd><strong>3" in html
    assert "No email: skipped" in html
    part = member.post("/imports/preview", form, headers={"HX-Request": "true"})
    assert "<html" not in part.get_data(as_text=True) and "Would be added" in part.get_data(
        as_text=True
    )
    with gh_app.extensions["sourcebridge"].db.session() as session:
        assert session.query(Import).count() == 0


def test_missing_choices_are_422_with_aria_invalid_and_a_summary(people):
    member = people["member"]
    member.get("/imports/new")
    response = member.post("/imports", {"job_id": "", "sequence_id": "abc"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html and html.startswith("<!doctype html>")
    assert 'id="job_id" name="job_id" aria-invalid="true"' in html
    assert 'id="sequence_id" name="sequence_id" aria-invalid="true"' in html
    assert "<title>Error: " in html


def test_preview_with_htmx_says_what_is_missing_in_its_region(people):
    member = people["member"]
    member.get("/imports/new")
    response = member.post("/imports/preview", {"job_id": ""}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "Choose an open job." in html and "Choose one of your team" in html


def test_a_closed_or_unknown_job_is_refused_with_the_field(people):
    member = people["member"]
    member.get("/imports/new")
    response = member.post(
        "/imports", {"job_id": "999999", "sequence_id": str(people["sequence_id"])}
    )
    assert response.status_code == 422
    assert "The job no longer exists in Greenhouse" in response.get_data(as_text=True)


def test_start_runs_the_import_and_the_page_shows_its_progress(people, job, gh_app):
    member = people["member"]
    member.get("/imports/new")
    response = member.post(
        "/imports", {"job_id": str(job), "sequence_id": str(people["sequence_id"])}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    html = member.get(location).get_data(as_text=True)
    assert "Done" in html and "Added to the sequence</dt><dd>3" in html
    assert "Skipped: no email</dt><dd>1" in html and "Person No4" in html
    assert 'hx-trigger="every 2s"' not in html, "a finished import is not polled"
    part = member.get(location + "/progress")
    assert part.status_code == 286, "htmx stops polling once the run is over"


def test_a_running_import_is_polled_every_two_seconds(people, job, gh_app):
    with gh_app.extensions["sourcebridge"].db.session() as session:
        admin = session.query(User).filter_by(email="admin@example.com").one()
        row = Import(account_id=admin.account_id, job_id=job, job_name="Running job",
                     sequence_id=people["sequence_id"], status="running",
                     progress={"seen": 2, "added": 1, "skipped_no_email": 1,
                               "already_in_sequence": 0, "failed": 0})  # fmt: skip
        session.add(row)
        session.flush()
        import_id = row.id
    html = people["member"].get(f"/imports/{import_id}").get_data(as_text=True)
    assert f'hx-get="/imports/{import_id}/progress" hx-trigger="every 2s"' in html
    assert "Running" in html and f'href="/imports/{import_id}">Refresh' in html
    assert people["member"].get(f"/imports/{import_id}/progress").status_code == 200


def test_members_cannot_schedule_a_recurring_import(people, job):
    member = people["member"]
    member.get("/imports/new")
    form = {"job_id": str(job), "sequence_id": str(people["sequence_id"]), "recurring": "y"}
    assert member.post("/imports", form).status_code == 403


def test_an_admin_schedules_one_sees_it_in_integrations_and_removes_it(people, job, gh_app):
    admin = people["admin"]
    admin.get("/imports/new")
    form = {"job_id": str(job), "sequence_id": str(people["sequence_id"]), "recurring": "y"}
    response = admin.post("/imports", form)
    assert response.status_code == 302
    import_id = int(response.headers["Location"].rsplit("/", 1)[1])
    html = admin.get("/settings/integrations").get_data(as_text=True)
    assert "Scheduled imports" in html and "Imported engineers" in html
    assert "3 added, 1 without an email" in html
    with gh_app.extensions["sourcebridge"].db.session() as session:
        next_run = session.get(Import, import_id).next_run_at
    assert next_run is not None and next_run > utcnow() + timedelta(minutes=30)
    # Members may not remove a schedule; without the CSRF token nobody can.
    people["member"].get("/imports/new")
    assert people["member"].post(f"/imports/{import_id}/remove").status_code == 403
    assert admin.client.post(f"/imports/{import_id}/remove").status_code == 400
    removed = admin.post(f"/imports/{import_id}/remove")
    assert removed.status_code == 302 and removed.headers["Location"].endswith("#imports-title")
    html = admin.get("/settings/integrations").get_data(as_text=True)
    assert "removed: it will not run again" in html and "No scheduled imports." in html


def test_a_paused_schedule_shows_why(people, job, gh_app):
    with gh_app.extensions["sourcebridge"].db.session() as session:
        admin = session.query(User).filter_by(email="admin@example.com").one()
        session.add(Import(account_id=admin.account_id, job_id=job, job_name="Old job",
                           sequence_id=people["sequence_id"], recurring=True, status="paused",
                           paused_reason="The job is closed in Greenhouse.",
                           progress={}))  # fmt: skip
    html = people["admin"].get("/settings/integrations").get_data(as_text=True)
    assert "Paused</span> The job is closed in Greenhouse." in html


def test_another_team_s_import_is_not_found_and_its_polling_stops(people):
    assert people["member"].get("/imports/999999").status_code == 404
    polled = people["member"].get("/imports/999999/progress")
    assert polled.status_code == 286 and "was removed" in polled.get_data(as_text=True)
