"""The sync log and Import from Greenhouse in real Chromium: Retry by htmx and without
JavaScript, preview, start, progress; axe, no console errors, screenshots."""

from __future__ import annotations

import pytest

from backend.greenhouse.sandbox.jobs import add_job
from backend.greenhouse.sandbox.jobs import fill_job
from backend.sequences.authoring import create_sequence
from backend.store.models import Contact
from backend.store.models import Import
from backend.store.models import SyncJob
from backend.store.models import User
from backend.store.models import utcnow
from tests.webui.conftest import ADMIN
from tests.webui.conftest import assert_accessible
from tests.webui.conftest import new_context
from tests.webui.conftest import shoot

pytestmark = [pytest.mark.e2e]

CLOSED = "The job 'Data Engineer' is closed in Greenhouse"
ONE_EMAIL = [{"kind": "email", "subject": "Hello {{ first_name }}", "body": "Hi",
              "wait": {"amount": 0, "unit": "minutes"}}]  # fmt: skip


def failed_row(live, name: str) -> int:  # type: ignore[no-untyped-def]
    """A contact whose find-or-create failed, as the outbox leaves it."""
    with live.app.extensions["sourcebridge"].db.session() as session:
        account_id = session.query(User).filter_by(email=ADMIN).one().account_id
        contact = Contact(account_id=account_id, email=f"{name.lower()}@example.com",
                          first_name=name, last_name="Failed")  # fmt: skip
        session.add(contact)
        session.flush()
        job = SyncJob(account_id=account_id, contact_id=contact.id, kind="ensure_person",
                      payload={}, status="failed", attempts=3, last_error=CLOSED,
                      last_error_code="job_closed")  # fmt: skip
        session.add(job)
        session.flush()
        return job.id


def test_sync_log_retry_swaps_the_row_with_htmx(live, admin_page):
    page, guard = admin_page
    entry = failed_row(live, "Grace")
    page.goto(f"{live.url}/sync")
    row = page.locator(f"#entry-{entry}")
    row.get_by_text("What to do:").wait_for()
    assert_accessible(page)
    shoot(page, "sync-log")
    with page.expect_response(lambda r: r.url.endswith(f"/sync/{entry}/retry")):
        row.get_by_role("button", name="Retry").click()
    page.locator("#sync-announce").get_by_text("Retry queued").wait_for()
    assert row.get_by_role("button", name="Retry").count() == 0
    assert page.url == f"{live.url}/sync", "htmx swapped the row; no navigation"
    assert_accessible(page)
    guard.assert_clean()


def test_sync_log_retry_works_without_javascript(browser, live, admin_state):
    entry = failed_row(live, "Ada")
    context = new_context(browser, javascript=False, state=admin_state)
    page = context.new_page()
    page.goto(f"{live.url}/sync?status=failed")
    page.locator(f"#entry-{entry}").get_by_role("button", name="Retry").click()
    page.get_by_text("Retry queued.").wait_for()
    assert "status=failed" in page.url
    context.close()


@pytest.fixture(scope="module")
def jobs(live, sandbox) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Jobs and a sequence made before any page lists jobs (the picker caches the list)."""
    made = {}
    for name, people in (("Site Reliability Engineer", 4), ("Hourly Data Scientist", 2),
                         ("No Script Engineer", 3)):  # fmt: skip
        made[name] = add_job(sandbox.state, name)
        fill_job(sandbox.state, made[name], people, no_email_every=4)
    with live.app.extensions["sourcebridge"].db.session() as session:
        admin = session.query(User).filter_by(email=ADMIN).one()
        data = {"name": "SRE outreach", "steps": ONE_EMAIL}
        create_sequence(session, admin.account_id, admin.id, data, utcnow())
    return made


def test_import_from_greenhouse_preview_start_and_progress(live, admin_page, jobs):
    page, guard = admin_page
    job = jobs["Site Reliability Engineer"]
    page.goto(f"{live.url}/imports/new")
    with page.expect_response(lambda r: "/imports/jobs?query=reliability" in r.url):
        page.get_by_label("Search jobs").fill("reliability")
    assert page.locator("#job_id option").all_text_contents()[1:] == ["Site Reliability Engineer"]
    page.locator("#job_id").select_option(str(job))
    page.get_by_label("Sequence").select_option(label="SRE outreach")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="Preview").wait_for()
    assert page.url == f"{live.url}/imports/new", "htmx put the preview in place"
    assert_accessible(page)
    shoot(page, "import-new")
    page.get_by_role("button", name="Start import").click()
    page.get_by_role("heading", name="Import of Site Reliability Engineer").wait_for()
    page.get_by_text("Person No4").wait_for()
    assert_accessible(page)
    shoot(page, "import-progress")
    guard.assert_clean()


def test_an_empty_import_form_shows_an_accessible_error_state(live, admin_page, jobs):
    page, guard = admin_page
    page.goto(f"{live.url}/imports/new")
    page.get_by_role("button", name="Start import").click()
    page.get_by_role("alert").wait_for()
    assert page.locator("#job_id").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    guard.problems = [p for p in guard.problems if "422" not in p]
    guard.assert_clean()


def test_a_recurring_import_is_listed_in_integrations_and_removed(live, admin_page, jobs):
    page, guard = admin_page
    job = jobs["Hourly Data Scientist"]
    page.goto(f"{live.url}/imports/new?query=hourly")
    page.locator("#job_id").select_option(str(job))
    page.get_by_label("Sequence").select_option(label="SRE outreach")
    page.get_by_label("Enable Recurring Import").check()
    page.get_by_role("button", name="Start import").click()
    page.get_by_text("It runs again every hour.").wait_for()
    page.goto(f"{live.url}/settings/integrations#imports-title")
    remove = page.get_by_role("button", name="Remove the import of Hourly Data Scientist")
    remove.wait_for()
    assert_accessible(page)
    remove.click()
    page.get_by_text("No scheduled imports.").wait_for()
    guard.assert_clean()


def test_preview_works_without_javascript(browser, live, admin_state, jobs):
    job = jobs["No Script Engineer"]
    context = new_context(browser, javascript=False, state=admin_state)
    page = context.new_page()
    page.goto(f"{live.url}/imports/new")
    page.get_by_label("Search jobs").fill("no script")
    page.get_by_role("button", name="Search").click()
    page.locator("#job_id").select_option(str(job))
    page.get_by_label("Sequence").select_option(label="SRE outreach")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="Preview").wait_for()
    assert "Would be added" in page.content()
    context.close()


def test_a_running_import_s_page_updates_itself_by_polling(live, admin_page, jobs):
    page, guard = admin_page
    db = live.app.extensions["sourcebridge"].db
    with db.session() as session:
        admin = session.query(User).filter_by(email=ADMIN).one()
        row = Import(account_id=admin.account_id, job_id=jobs["No Script Engineer"],
                     job_name="Polled job", status="running",
                     progress={"seen": 1, "added": 1})  # fmt: skip
        session.add(row)
        session.flush()
        import_id = row.id
    page.goto(f"{live.url}/imports/{import_id}")
    page.get_by_text("Running").wait_for()
    with db.session() as session:  # as the run does when it finishes
        done = session.get(Import, import_id)
        done.status, done.progress = "done", {"seen": 3, "added": 3}
    with page.expect_response(lambda r: r.url.endswith(f"/imports/{import_id}/progress")):
        page.locator("#import-progress").get_by_text("Done", exact=True).wait_for(timeout=6000)
    assert page.locator("#import-progress progress").count() == 0
    assert_accessible(page)
    guard.assert_clean()
