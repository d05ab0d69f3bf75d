"""Sequences, contacts and tasks pages in real Chromium: happy paths, axe, screenshots."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.sequences.authoring import create_sequence
from backend.sequences.dispatch import activate_due_tasks
from backend.sequences.enrolment import add_person
from backend.sequences.enrolment import person_from_fields
from backend.store.models import Mailbox
from backend.store.models import User
from backend.store.models import utcnow
from tests.webui.conftest import ADMIN
from tests.webui.conftest import assert_accessible
from tests.webui.conftest import shoot

pytestmark = [pytest.mark.e2e]

ALWAYS = {"timezone": "UTC", "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
          "windows": [["00:00", "24:00"]], "holidays": None}  # fmt: skip
STEPS = [
    {"kind": "task", "task_type": "call", "instructions": "Call about the role",
     "wait": {"amount": 0, "unit": "minutes"}},
    {"kind": "email", "subject": "Hi {{ first_name }}", "body": "Hello", "thread": "new",
     "wait": {"amount": 1, "unit": "days"}},
]  # fmt: skip


@pytest.fixture(scope="module")
def seeded(live) -> dict[str, int]:  # type: ignore[no-untyped-def]
    db = live.app.extensions["sourcebridge"].db
    with db.session() as session:
        admin = session.query(User).filter_by(email=ADMIN).one()
        server = {"host": "127.0.0.1", "port": 1, "security": "none", "username": "r"}
        mailbox = Mailbox(
            account_id=admin.account_id, user_id=admin.id, address="alex@acme.example",
            provider="password", smtp=server, imap=server,
        )  # fmt: skip
        session.add(mailbox)
        session.flush()
        data = {"name": "Backend engineers", "steps": STEPS, "mailbox_id": mailbox.id,
                "schedule": ALWAYS}  # fmt: skip
        sequence = create_sequence(session, admin.account_id, admin.id, data, utcnow())
        added = add_person(
            session,
            account_id=admin.account_id,
            sequence_id=sequence.id,
            person=person_from_fields(
                {
                    "email": "grace@hopper.example",
                    "first_name": "Grace",
                    "last_name": "Hopper",
                    "company": "Hopper Labs",
                    "title": "Staff Engineer",
                }
            ),  # fmt: skip
            added_by=admin.id,
            now=utcnow() - timedelta(minutes=5),
        )
        ids = {"sequence": sequence.id, "contact": added.contact.id}
    with db.session() as session:
        activate_due_tasks(session, utcnow(), "webui")
    return ids


def test_sequences_list_and_syncing_tab(live, admin_page, seeded):
    page, guard = admin_page
    page.goto(f"{live.url}/sequences")
    page.get_by_role("link", name="Backend engineers").click()
    page.get_by_role("link", name="Syncing").click()
    page.get_by_text("apply to people added to this sequence").wait_for()
    assert_accessible(page)
    page.get_by_label("Disable Sync").check()
    page.get_by_role("button", name="Save syncing").click()
    page.get_by_text("Syncing saved.").wait_for()
    page.goto(f"{live.url}/sequences")
    page.locator(".chip", has_text="Sync Disabled").wait_for()
    assert_accessible(page)
    shoot(page, "sequences")
    guard.assert_clean()


def test_steps_editor_adds_a_step(live, admin_page, seeded):
    page, guard = admin_page
    page.goto(f"{live.url}/sequences/{seeded['sequence']}?tab=steps")
    page.get_by_role("button", name="Add an email step").click()
    page.get_by_role("heading", name="Step 3: Email").wait_for()
    assert_accessible(page)
    shoot(page, "sequence-steps")
    guard.assert_clean()


def test_contact_profile_shows_enrollment_and_activity(live, admin_page, seeded):
    page, guard = admin_page
    page.goto(f"{live.url}/contacts")
    page.get_by_label("Search by name, email or company").fill("hopper")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Grace Hopper").click()
    page.get_by_role("heading", name="Activity").wait_for()
    assert "Backend engineers" in page.content()
    assert_accessible(page)
    shoot(page, "contact")
    guard.assert_clean()


def test_a_task_is_completed_from_the_tasks_page(live, admin_page, seeded):
    page, guard = admin_page
    page.goto(f"{live.url}/tasks")
    page.get_by_role("heading", name="Call: Grace Hopper").wait_for()
    assert_accessible(page)
    shoot(page, "tasks")
    page.get_by_label("Note (goes to the activity feed)").fill("Left a voicemail")
    page.get_by_role("button", name="Complete").click()
    page.get_by_text("Task completed.").wait_for()
    page.get_by_role("link", name="Completed").click()
    page.get_by_text("Left a voicemail").wait_for()
    assert_accessible(page)
    guard.assert_clean()
