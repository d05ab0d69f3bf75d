"""Sequences, versions, tasks, CSV uploads, contacts and the Greenhouse marking."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.sequences import activate_due_tasks
from backend.sequences import claim_due_sends
from backend.sequences import record_send_result
from backend.sequences.authoring import get_sequence
from backend.sequences.authoring import pause_sequence
from backend.sequences.authoring import resume_sequence
from backend.sequences.authoring import update_sequence
from backend.sequences.contacts import delete_contact
from backend.sequences.contacts import get_contact
from backend.sequences.contacts import update_contact
from backend.sequences.control import resume_enrollment
from backend.sequences.enrolment import EXISTS_IN_GREENHOUSE
from backend.sequences.enrolment import add_person
from backend.sequences.enrolment import import_rows
from backend.sequences.enrolment import person_from_fields
from backend.sequences.enrolment import person_from_lookup
from backend.sequences.enrolment import read_csv_rows
from backend.sequences.enrolment import upsert_contact
from backend.sequences.errors import Refused
from backend.sequences.manual_tasks import finish_task
from backend.sequences.manual_tasks import list_tasks
from backend.sequences.views import contact_json
from backend.sequences.views import sequence_json
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import Event
from backend.store.models import Lookup
from backend.store.models import SequenceVersion
from tests.sequences.conftest import SENT
from tests.sequences.conftest import add_sequence
from tests.sequences.conftest import at

NOW = at(2026, 6, 8, 10)
WITH_TASK = [
    {"kind": "email", "subject": "Hi {{ first_name }}", "body": "Hello"},
    {
        "kind": "task",
        "task_type": "call",
        "instructions": "Call {{ first_name }}",
        "wait": {"amount": 1, "unit": "days"},
    },
    {"kind": "email", "body": "After the call", "wait": {"amount": 1, "unit": "hours"}},
]


def enrol(db, team, sequence_id, email="ada@corp.example", **kwargs):  # type: ignore[no-untyped-def]
    with db.session() as session:
        return add_person(
            session,
            account_id=team.account_id,
            sequence_id=sequence_id,
            person=person_from_fields({"email": email, "first_name": "Ada", "company": "Corp"}),
            added_by=team.user_id,
            now=NOW,
            **kwargs,
        )


def test_editing_steps_of_a_sequence_with_people_makes_a_new_version(db, team) -> None:
    sequence_id = add_sequence(db, team)
    added = enrol(db, team, sequence_id)
    new_steps = [{"kind": "email", "subject": "New", "body": "New body"}]
    with db.session() as session:
        sequence = get_sequence(session, team.account_id, sequence_id)
        first_version = sequence.current_version_id
        update_sequence(session, sequence, {"steps": new_steps}, NOW)
        assert sequence.current_version_id != first_version
        assert session.get(Enrollment, added.enrollment.id).version_id == first_version
        claimed = claim_due_sends(session, NOW, "w")
    assert claimed[0].email.subject == "Hello Ada"  # the enrolled person keeps their version
    with db.session() as session:
        sequence = get_sequence(session, team.account_id, sequence_id)
        second = sequence.current_version_id
        update_sequence(session, sequence, {"steps": new_steps, "name": "Renamed"}, NOW)
        assert sequence.current_version_id == second  # nobody on it yet: edited in place
        numbers = session.scalars(
            select(SequenceVersion.number).where(SequenceVersion.sequence_id == sequence_id)
        ).all()
        assert sorted(numbers) == [1, 2]


def test_bad_sequence_input_names_the_field(db, team) -> None:
    sequence_id = add_sequence(db, team)
    with db.session() as session:
        sequence = get_sequence(session, team.account_id, sequence_id)
        for changes, field in [
            ({"steps": [{"kind": "email", "subject": "x", "body": "{{ nope }}"}]}, "steps.0.body"),
            ({"schedule": {"timezone": "Nowhere/Land"}}, "schedule.timezone"),
            ({"mailbox_id": 999}, "mailbox_id"),
            ({"name": ""}, "name"),
        ]:
            with pytest.raises(Refused) as caught:
                update_sequence(session, sequence, changes, NOW)
            assert caught.value.field == field


def test_a_paused_sequence_sends_nothing_until_resumed(db, team) -> None:
    sequence_id = add_sequence(db, team)
    added = enrol(db, team, sequence_id)
    with db.session() as session:
        pause_sequence(session, get_sequence(session, team.account_id, sequence_id), NOW)
    with db.session() as session:
        assert claim_due_sends(session, NOW, "w") == []
        assert session.get(Enrollment, added.enrollment.id).status == "paused"
        resume_sequence(session, get_sequence(session, team.account_id, sequence_id), NOW)
    with db.session() as session:
        assert len(claim_due_sends(session, NOW + timedelta(minutes=1), "w")) == 1


def test_someone_paused_again_by_a_claim_is_resumed_with_the_sequence(db, team) -> None:
    sequence_id = add_sequence(db, team)
    added = enrol(db, team, sequence_id)
    with db.session() as session:
        pause_sequence(session, get_sequence(session, team.account_id, sequence_id), NOW)
        resume_enrollment(session, session.get(Enrollment, added.enrollment.id), NOW)
    with db.session() as session:  # the claim finds the sequence paused and pauses them again
        assert claim_due_sends(session, NOW + timedelta(minutes=1), "w") == []
        assert session.get(Enrollment, added.enrollment.id).status == "paused"
    with db.session() as session:
        resume_sequence(session, get_sequence(session, team.account_id, sequence_id), NOW)
    with db.session() as session:
        assert len(claim_due_sends(session, NOW + timedelta(minutes=2), "w")) == 1


def test_a_task_step_becomes_due_and_completing_it_moves_on(db, team) -> None:
    sequence_id = add_sequence(db, team, WITH_TASK)
    added = enrol(db, team, sequence_id)
    with db.session() as session:
        first = claim_due_sends(session, NOW, "w")[0]
        record_send_result(session, first.execution_id, SENT, NOW)
        upcoming = list_tasks(session, team.account_id, view="upcoming", now=NOW)
        assert [t["task_type"] for t in upcoming] == ["call"]
        assert activate_due_tasks(session, NOW + timedelta(hours=23), "w") == 0
        assert activate_due_tasks(session, NOW + timedelta(days=1), "w") == 1
    with db.session() as session:
        due = list_tasks(session, team.account_id, view="due", now=NOW, user_id=team.user_id)
        assert len(due) == 1 and due[0]["contact"]["first_name"] == "Ada"
        assert session.get(Enrollment, added.enrollment.id).status == "waiting_task"
        done_at = NOW + timedelta(days=1, hours=2)
        finish_task(
            session,
            team.account_id,
            due[0]["id"],
            user_id=team.user_id,
            now=done_at,
            note="Left a voicemail",
        )
        with pytest.raises(Refused) as again:
            finish_task(session, team.account_id, due[0]["id"], user_id=team.user_id, now=done_at)
        assert again.value.status == 409
    with db.session() as session:
        enrollment = session.get(Enrollment, added.enrollment.id)
        assert (enrollment.status, enrollment.current_step) == ("active", 2)
        assert enrollment.next_action_at == done_at + timedelta(hours=1)  # from the completion
        completed = session.scalars(select(Event).where(Event.type == "task_completed")).one()
        assert completed.data["note"] == "Left a voicemail"
        assert completed.data["task_words"] == "Call"
        assert [
            t["note"] for t in list_tasks(session, team.account_id, view="completed", now=NOW)
        ] == ["Left a voicemail"]


def test_greenhouse_target_and_sync_disabled_are_fixed_when_added(db, team) -> None:
    target = {"job_id": 11, "stage_id": 22}
    sequence_id = add_sequence(db, team, sync_disabled=True, greenhouse_target=target)
    added = enrol(db, team, sequence_id)
    with db.session() as session:
        sequence = get_sequence(session, team.account_id, sequence_id)
        update_sequence(
            session, sequence, {"sync_disabled": False, "greenhouse_target": {"job_id": 99}}, NOW
        )
        enrollment = session.get(Enrollment, added.enrollment.id)
        assert (enrollment.sync_disabled, enrollment.gh_target) == (True, target)
        listed = sequence_json(session, sequence)
        assert listed["indicators"] == ["Custom Sync"] and listed["custom_sync"] is True
        assert listed["counts"]["active"] == 1


def test_an_address_already_in_greenhouse_is_added_and_marked(db, team) -> None:
    sequence_id = add_sequence(db, team)
    seen = []

    def in_greenhouse(email):  # type: ignore[no-untyped-def]
        seen.append(email)
        return {"candidate_id": 4242, "application_id": 77}

    added = enrol(db, team, sequence_id, greenhouse_match=in_greenhouse)
    assert seen == ["ada@corp.example"] and added.warnings == [EXISTS_IN_GREENHOUSE]
    with db.session() as session:
        contact = contact_json(
            session, session.get(Contact, added.contact.id), "https://app.greenhouse.example"
        )
    assert contact["greenhouse"]["error"] == "Exists in Greenhouse"
    assert contact["greenhouse"]["url"] == (
        "https://app.greenhouse.example/people/4242?application_id=77"
    )
    assert [e["type"] for e in contact["activity"]] == ["enrolled"]


def test_adding_from_a_lookup_takes_the_profile(db, team) -> None:
    sequence_id = add_sequence(db, team)
    with db.session() as session:
        lookup = Lookup(
            account_id=team.account_id,
            url="https://www.linkedin.com/talent/x",
            profile={
                "source": "recruiter",
                "first_name": "Ada",
                "last_name": "Lovelace",
                "company": "Analytical",
                "title": "Engineer",
                "location": "London",
                "linkedin_url": "https://www.linkedin.com/in/ada",
                "positions": [{"title": "Engineer", "company": "Analytical"}],
            },
            email={
                "address": "ada@analytical.example",
                "confidence": "probable",
                "alternatives": [{"address": "a.lovelace@analytical.example"}],
            },
            greenhouse={},
        )
        session.add(lookup)
        session.flush()
        person = person_from_lookup(session, team.account_id, lookup.id)
        added = add_person(
            session,
            account_id=team.account_id,
            sequence_id=sequence_id,
            person=person,
            added_by=None,
            now=NOW,
        )
        contact = added.contact
        assert (contact.source, contact.title, contact.linkedin_url) == (
            "recruiter",
            "Engineer",
            "https://www.linkedin.com/in/ada",
        )
        assert contact.profile["positions"][0]["company"] == "Analytical"
        assert contact.emails == ["ada@analytical.example", "a.lovelace@analytical.example"]


def test_a_csv_upload_gives_a_result_per_row(db, team) -> None:
    sequence_id = add_sequence(db, team)
    enrol(db, team, sequence_id, email="taken@corp.example")
    data = (
        b"email,first_name,last_name,company\n"
        b"new@corp.example,New,Person,Corp\n"
        b"not-an-email,Bad,Row,Corp\n"
        b"taken@corp.example,Ada,Again,Corp\n"
    )
    with db.session() as session:
        result = import_rows(
            session,
            account_id=team.account_id,
            sequence_id=sequence_id,
            rows=read_csv_rows(data),
            added_by=team.user_id,
            now=NOW,
        )
    assert result["progress"] == {"rows": 3, "added": 1, "failed": 2}
    assert [(r["row"], r["result"]) for r in result["results"]] == [
        (2, "added"),
        (3, "failed"),
        (4, "failed"),
    ]
    assert result["results"][2]["status"] == 409
    with db.session() as session:
        assert session.scalars(select(Contact.email).order_by(Contact.id)).all() == [
            "taken@corp.example",
            "new@corp.example",
        ]


def test_fixing_a_missing_first_name_lets_the_enrollment_resume(db, team) -> None:
    sequence_id = add_sequence(db, team)
    with db.session() as session:
        added = add_person(
            session,
            account_id=team.account_id,
            sequence_id=sequence_id,
            person=person_from_fields({"email": "x@corp.example", "company": "Corp"}),
            added_by=None,
            now=NOW,
        )
    with db.session() as session:
        update_contact(
            session,
            get_contact(session, team.account_id, added.contact.id),
            {"first_name": "Xavier"},
        )
        resume_enrollment(session, session.get(Enrollment, added.enrollment.id), NOW)
    with db.session() as session:
        assert claim_due_sends(session, NOW + timedelta(minutes=1), "w")[0].email.subject == (
            "Hello Xavier"
        )


def test_deleting_a_contact_removes_their_enrollments(db, team) -> None:
    sequence_id = add_sequence(db, team)
    added = enrol(db, team, sequence_id)
    with db.session() as session:
        delete_contact(session, get_contact(session, team.account_id, added.contact.id))
    with db.session() as session:
        assert session.scalars(select(Enrollment)).all() == []
        assert claim_due_sends(session, NOW, "w") == []


def test_a_contacts_source_only_moves_to_a_richer_one(db, team) -> None:
    first, second = add_sequence(db, team), add_sequence(db, team)
    with db.session() as session:
        added = add_person(
            session,
            account_id=team.account_id,
            sequence_id=first,
            person=person_from_fields({"email": "ada@analytical.example"}),
            added_by=None,
            now=NOW,
        )
        assert added.contact.source == "api"
        lookup = Lookup(
            account_id=team.account_id,
            url="https://www.linkedin.com/talent/x",
            profile={"source": "recruiter", "first_name": "Ada", "positions": []},
            email={"address": "ada@analytical.example", "confidence": "probable"},
            greenhouse={},
        )
        session.add(lookup)
        session.flush()
        richer = upsert_contact(
            session, team.account_id, person_from_lookup(session, team.account_id, lookup.id)
        )
        assert richer.source == "recruiter"
        imported = person_from_fields({"email": "ada@analytical.example"}, source="import")
        with pytest.raises(Refused):  # already active in the first sequence
            add_person(
                session,
                account_id=team.account_id,
                sequence_id=second,
                person=imported,
                added_by=None,
                now=NOW,
            )
        assert session.get(Contact, added.contact.id).source == "recruiter"
