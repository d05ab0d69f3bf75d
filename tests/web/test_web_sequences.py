"""Sequences, contacts and tasks pages, on the sequences feature's own functions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend import defaults
from backend.sequences.authoring import create_sequence
from backend.sequences.dispatch import activate_due_tasks
from backend.sequences.enrolment import add_person
from backend.sequences.enrolment import person_from_fields
from backend.store.models import Contact
from backend.store.models import Mailbox
from backend.store.models import Sequence
from backend.store.models import User
from backend.store.models import utcnow

TASK_FIRST = [
    {"kind": "task", "task_type": "call", "instructions": "Call {{ first_name }}",
     "wait": {"amount": 0, "unit": "minutes"}},
    {"kind": "email", "subject": "Hi {{ first_name }}", "body": "Hello", "thread": "new",
     "wait": {"amount": 1, "unit": "days"}},
]  # fmt: skip


@pytest.fixture
def team_sequence(app, admin_id):  # type: ignore[no-untyped-def]
    """A sequence with a call task first, Ada in it, the task due."""
    db = app.extensions["sourcebridge"].db
    with db.session() as session:
        account_id = session.get(User, admin_id).account_id
        server = {"host": "127.0.0.1", "port": 1, "security": "none", "username": "r"}
        mailbox = Mailbox(
            account_id=account_id, user_id=admin_id, address="recruiter@acme.example",
            provider="password", smtp=server, imap=server,
        )  # fmt: skip
        session.add(mailbox)
        session.flush()
        always = {"timezone": "UTC", "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                  "windows": [["00:00", "24:00"]], "holidays": None}  # fmt: skip
        data = {"name": "Backend engineers", "steps": TASK_FIRST, "mailbox_id": mailbox.id,
                "schedule": always}  # fmt: skip
        sequence = create_sequence(session, account_id, admin_id, data, utcnow())
        person = person_from_fields(
            {"email": "ada@corp.example", "first_name": "Ada", "last_name": "Lovelace",
             "company": "Corp"}
        )  # fmt: skip
        add_person(
            session,
            account_id=sequence.account_id,
            sequence_id=sequence.id,
            person=person,
            added_by=admin_id,
            now=utcnow() - timedelta(minutes=5),
        )
        sequence_id = sequence.id
    with db.session() as session:
        activate_due_tasks(session, utcnow(), "test")
    return sequence_id


def _sequence(app, sequence_id):  # type: ignore[no-untyped-def]
    with app.extensions["sourcebridge"].db.session() as session:
        row = session.get(Sequence, sequence_id)
        session.expunge(row)
        return row


def test_the_list_shows_each_sequence_with_its_counts(admin, team_sequence):
    html = admin.get("/sequences").get_data(as_text=True)
    assert "Backend engineers" in html
    assert 'aria-current="page"' in html.split("<main")[0]


def test_indicators_show_on_the_list_once_syncing_is_changed(app, admin, team_sequence):
    admin.get(f"/sequences/{team_sequence}?tab=syncing")
    response = admin.post(
        f"/sequences/{team_sequence}/syncing",
        {"sync_disabled": "y", "seq-kind": "pool", "seq-pool_stage": "3:9"},
    )
    assert response.status_code == 302
    row = _sequence(app, team_sequence)
    assert row.sync_disabled is True
    assert row.greenhouse_target == {"pool_id": 3, "pool_stage_id": 9}
    html = admin.get("/sequences").get_data(as_text=True)
    assert '<span class="chip chip-disabled">Sync Disabled</span>' in html
    assert '<span class="chip chip-custom">Custom Sync</span>' in html


def test_the_syncing_tab_warns_that_changes_apply_to_people_added_afterwards(admin, team_sequence):
    html = admin.get(f"/sequences/{team_sequence}?tab=syncing").get_data(as_text=True)
    assert "Disable Sync" in html
    assert "apply to people added to this sequence <strong>afterwards</strong>" in html


def test_a_pool_override_without_its_stage_is_refused_with_the_field_marked(admin, team_sequence):
    admin.get(f"/sequences/{team_sequence}?tab=syncing")
    response = admin.post(f"/sequences/{team_sequence}/syncing", {"seq-kind": "pool"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="seq-pool_stage" name="seq-pool_stage" aria-invalid="true"' in html
    assert "There is a problem" in html


def test_a_new_sequence_is_made_with_its_first_email(admin):
    admin.get("/sequences/new")
    response = admin.post(
        "/sequences/new", {"name": "Designers", "subject": "Hi {{ first_name }}", "body": "Hello"}
    )
    assert response.status_code == 302
    assert "tab=steps" in response.headers["Location"]
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="Hi {{ first_name }}"' in page


def test_a_new_sequence_without_a_name_names_the_field(admin):
    admin.get("/sequences/new")
    response = admin.post("/sequences/new", {"name": "", "subject": "x", "body": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#name">Name: 1 to 200 characters</a>' in html
    assert 'id="name" name="name" value="" aria-invalid="true"' in html


def test_steps_are_added_edited_and_refused_with_the_step_field_named(admin, team_sequence):
    page = admin.get(f"/sequences/{team_sequence}?tab=steps").get_data(as_text=True)
    assert "Step 1: Call" in page and "Step 2: Email" in page
    form = {
        "step-0-kind": "task", "step-0-task_type": "linkedin", "step-0-instructions": "Say hi",
        "step-0-wait_amount": "0", "step-0-wait_unit": "minutes",
        "step-1-kind": "email", "step-1-subject": "Hi", "step-1-body": "Hello",
        "step-1-thread": "new",
        "step-1-wait_amount": "2", "step-1-wait_unit": "days",
    }  # fmt: skip
    added = admin.post(f"/sequences/{team_sequence}/steps", {**form, "add": "email"})
    assert added.status_code == 302
    page = admin.get(f"/sequences/{team_sequence}?tab=steps").get_data(as_text=True)
    assert "Step 1: LinkedIn message" in page and "Step 3: Email" in page
    bad = admin.post(f"/sequences/{team_sequence}/steps", {**form, "step-1-wait_amount": "x"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert 'name="step-1-wait_amount" inputmode="numeric" value="x" aria-invalid="true"' in html


def test_pause_and_resume_from_settings(app, admin, team_sequence):
    admin.get(f"/sequences/{team_sequence}?tab=settings")
    admin.post(f"/sequences/{team_sequence}/settings", {"action": "pause"})
    assert _sequence(app, team_sequence).status == "paused"
    admin.post(f"/sequences/{team_sequence}/settings", {"action": "resume"})
    assert _sequence(app, team_sequence).status == "active"


def test_the_contacts_tab_lists_people_with_status(admin, team_sequence):
    html = admin.get(f"/sequences/{team_sequence}?tab=contacts").get_data(as_text=True)
    assert "Ada Lovelace" in html and "Waiting on a task" in html


def test_contacts_search_and_profile(admin, team_sequence):
    found = admin.get("/contacts?query=lovelace").get_data(as_text=True)
    assert "ada@corp.example" in found
    assert "Nobody matches" in admin.get("/contacts?query=zzz").get_data(as_text=True)
    contact_id = int(found.split('href="/contacts/')[1].split('"')[0])
    profile = admin.get(f"/contacts/{contact_id}").get_data(as_text=True)
    assert "Backend engineers" in profile
    assert "Added to the sequence" in profile  # the activity timeline
    assert admin.get("/contacts/99999").status_code == 404


def test_a_due_task_is_completed_with_a_note(admin, team_sequence):
    due = admin.get("/tasks").get_data(as_text=True)
    assert "Call: Ada Lovelace" in due and "Call {{ first_name }}" in due
    task_id = int(due.split("/tasks/")[1].split("/complete")[0])
    done = admin.post(f"/tasks/{task_id}/complete", {"note": "Left a voicemail", "view": "due"})
    assert done.status_code == 302
    assert "Nothing due." in admin.get("/tasks?view=due").get_data(as_text=True)
    completed = admin.get("/tasks?view=completed").get_data(as_text=True)
    assert "Left a voicemail" in completed
    again = admin.post(f"/tasks/{task_id}/complete", {"note": "again"})
    assert again.status_code == 302
    assert "Not done:" in admin.get("/tasks?view=due").get_data(as_text=True)


def test_a_refused_form_goes_back_to_its_page_and_never_off_the_site(admin, team_sequence):
    due = admin.get("/tasks").get_data(as_text=True)
    task_id = int(due.split("/tasks/")[1].split("/complete")[0])
    assert admin.post(f"/tasks/{task_id}/complete", {"view": "due"}).status_code == 302
    again = admin.post(
        f"/tasks/{task_id}/complete",
        {"view": "due"},
        headers={"Referer": "http://localhost/tasks?view=completed"},
    )
    assert again.headers["Location"] == "/tasks?view=completed"
    elsewhere = admin.post(
        f"/tasks/{task_id}/complete", headers={"Referer": "https://evil.example/tasks"}
    )
    assert elsewhere.headers["Location"] == "/"
    shown = admin.get("/tasks").get_data(as_text=True)
    assert "Not done: the task is already completed." in shown and ".." not in shown
    assert admin.post("/tasks/99999/complete").status_code == 404


def test_members_use_sequences_contacts_and_tasks(member, team_sequence):
    for path in ("/sequences", f"/sequences/{team_sequence}", "/contacts", "/tasks"):
        assert member.get(path).status_code == 200, path


def test_another_teams_sequence_is_not_found(admin):
    assert admin.get("/sequences/424242").status_code == 404


def test_the_contacts_list_pages_on_to_the_newest_contacts(app, admin, admin_id):
    with app.extensions["sourcebridge"].db.session() as session:
        account_id = session.get(User, admin_id).account_id
        session.add_all(
            Contact(account_id=account_id, email=f"person{n:03}@example.com")
            for n in range(defaults.WEB_PAGE_SIZE + 5)
        )
    first = admin.get("/contacts").get_data(as_text=True)
    assert first.count('href="/contacts/') == defaults.WEB_PAGE_SIZE
    assert "person054@example.com" not in first
    more = first.split('<a href="/contacts?after=')[1].split('"')[0]
    rest = admin.get(f"/contacts?after={more}").get_data(as_text=True)
    assert rest.count('href="/contacts/') == 5 and "person054@example.com" in rest
    assert "More contacts" not in rest
