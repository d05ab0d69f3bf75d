"""The sequences HTTP API: contracts of DESIGN.md, one error shape, paging, team scoping."""

from __future__ import annotations

import io

import pytest

from backend.sequences import activate_due_tasks
from backend.sequences import claim_due_sends
from backend.sequences import record_send_result
from backend.store.models import Account
from backend.store.models import Lookup
from backend.store.models import Mailbox
from backend.store.models import User
from backend.store.models import utcnow
from tests.sequences.conftest import SENT
from tests.support.accounts import make_user

STEPS = [
    {
        "kind": "email",
        "subject": "Hi {{ first_name }}",
        "body": "Hello {{ first_name }}",
        "wait": {"amount": 0, "unit": "minutes"},
    },
    {
        "kind": "task",
        "task_type": "call",
        "instructions": "Call",
        "wait": {"amount": 0, "unit": "minutes"},
    },
]
OPEN = {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "windows": [["00:00", "24:00"]]}


@pytest.fixture
def mailbox_id(app, admin_token) -> int:  # type: ignore[no-untyped-def]
    with app.extensions["sourcebridge"].db.session() as session:
        user = session.query(User).filter_by(email="admin@example.com").one()
        mailbox = Mailbox(
            account_id=user.account_id,
            user_id=user.id,
            address="admin@example.com",
            display_name="Admin Person",
            smtp={},
            imap={},
            daily_cap=200,
            min_gap_seconds=0,
        )
        session.add(mailbox)
        session.flush()
        return mailbox.id


@pytest.fixture
def sequence(client, auth, mailbox_id):  # type: ignore[no-untyped-def]
    answer = client.post(
        "/api/v1/sequences",
        headers=auth,
        json={
            "name": "Backend",
            "mailbox_id": mailbox_id,
            "steps": STEPS,
            "schedule": OPEN,
            "greenhouse_target": {"job_id": 5},
        },
    )
    assert answer.status_code == 201, answer.json
    return answer.json


def add(client, auth, sequence_id, **person):  # type: ignore[no-untyped-def]
    body = {"email": "ada@corp.example", "first_name": "Ada", "last_name": "L", **person}
    return client.post(f"/api/v1/sequences/{sequence_id}/contacts", headers=auth, json=body)


def test_a_sequence_is_created_and_listed_with_indicators_and_counts(client, auth, sequence):
    assert sequence["steps"][1]["task_type"] == "call"
    assert sequence["indicators"] == ["Custom Sync"] and sequence["custom_sync"] is True
    add(client, auth, sequence["id"])
    listed = client.get("/api/v1/sequences", headers=auth).json
    assert listed["next_cursor"] is None
    assert listed["items"][0]["counts"]["active"] == 1
    assert listed["items"][0]["sync_disabled"] is False


def test_bad_steps_answer_422_naming_the_field(client, auth, mailbox_id):
    answer = client.post(
        "/api/v1/sequences",
        headers=auth,
        json={
            "name": "X",
            "mailbox_id": mailbox_id,
            "steps": [{"kind": "email", "subject": "Hi {{ firstname }}", "body": "b"}],
        },
    )
    assert answer.status_code == 422
    assert answer.json["code"] == 422
    assert list(answer.json["errors"]) == ["steps.0.subject"]
    assert "firstname" in answer.json["errors"]["steps.0.subject"][0]


def test_adding_a_person_answers_contact_enrollment_and_warnings(client, auth, sequence):
    answer = add(client, auth, sequence["id"])
    assert answer.status_code == 201
    body = answer.json
    assert body["contact"]["email"] == "ada@corp.example"
    assert body["contact"]["source"] == "api"
    assert body["contact"]["greenhouse"]["sync_status"] == "pending"
    assert body["enrollment"]["status"] == "active"
    assert body["enrollment"]["greenhouse_target"] == {"job_id": 5}
    assert body["warnings"] == []


def test_the_same_person_twice_is_409_and_a_suppressed_one_422_each_with_its_reason(
    client, auth, sequence
):
    assert add(client, auth, sequence["id"]).status_code == 201
    again = add(client, auth, sequence["id"], email="ADA@corp.example")
    assert again.status_code == 409 and again.json["status"] == "Conflict"
    assert again.json["reason"] == "already_enrolled"
    blocked = client.post(
        "/api/v1/suppressions", headers=auth, json={"value": "blocked.example", "reason": "blocked"}
    )
    assert blocked.status_code == 201 and blocked.json["kind"] == "domain"
    refused = add(client, auth, sequence["id"], email="x@blocked.example")
    assert refused.status_code == 422
    assert "blocked (domain)" in refused.json["errors"]["email"][0]
    assert refused.json["reason"] == "suppressed"


def test_a_lookup_that_found_no_address_is_422_with_reason_no_email(app, client, auth, sequence):
    with app.extensions["sourcebridge"].db.session() as session:
        user = session.query(User).filter_by(email="admin@example.com").one()
        lookup = Lookup(
            account_id=user.account_id,
            url="https://www.linkedin.com/in/ada",
            profile={"first_name": "Ada"},
            email={"address": None, "alternatives": []},
            greenhouse={},
        )
        session.add(lookup)
        session.flush()
        lookup_id = lookup.id
    answer = client.post(
        f"/api/v1/sequences/{sequence['id']}/contacts", headers=auth, json={"lookup_id": lookup_id}
    )
    assert answer.status_code == 422
    assert answer.json["reason"] == "no_email"


def test_bad_person_input_is_422_never_500(client, auth, sequence):
    for body, status, field in [
        ({"email": "nope"}, 422, "email"),
        ({"lookup_id": 999}, 404, None),
        ({"email": "a@b.example", "timezone": "Mars/Base"}, 422, "timezone"),
    ]:
        answer = client.post(
            f"/api/v1/sequences/{sequence['id']}/contacts", headers=auth, json=body
        )
        assert answer.status_code == status, answer.json
        assert "reason" not in answer.json  # input errors carry no reason word
        if field:
            assert field in answer.json["errors"]
    assert (
        client.post(
            f"/api/v1/sequences/{sequence['id']}/contacts", headers=auth, data="not json"
        ).status_code
        == 400
    )


def test_enrollment_actions_and_events(client, auth, sequence):
    enrollment = add(client, auth, sequence["id"]).json["enrollment"]
    url = f"/api/v1/enrollments/{enrollment['id']}"
    paused = client.post(f"{url}/pause", headers=auth).json
    assert paused["status"] == "paused" and paused["paused_reason"] == "paused by hand"
    assert client.post(f"{url}/send-now", headers=auth).status_code == 409
    resumed = client.post(f"{url}/resume", headers=auth).json
    assert resumed["status"] == "active"
    assert client.post(f"{url}/send-now", headers=auth).status_code == 200
    removed = client.post(f"{url}/remove", headers=auth).json
    assert (removed["status"], removed["outcome"]) == ("finished", "removed")
    assert [e["type"] for e in removed["events"]] == ["enrolled", "paused", "resumed", "finished"]
    for action in ("pause", "resume"):  # a finished enrollment never changes again
        refused = client.post(f"{url}/{action}", headers=auth)
        assert (refused.status_code, refused.json["message"]) == (409, "the enrollment is finished")
    listed = client.get(
        f"/api/v1/enrollments?sequence_id={sequence['id']}&status=finished", headers=auth
    ).json
    assert [e["id"] for e in listed["items"]] == [enrollment["id"]]
    assert client.get("/api/v1/enrollments?status=bogus", headers=auth).status_code == 422


def test_a_new_version_when_steps_change_after_people_joined(client, auth, sequence):
    add(client, auth, sequence["id"])
    changed = client.patch(
        f"/api/v1/sequences/{sequence['id']}",
        headers=auth,
        json={"steps": [{"kind": "email", "subject": "v2", "body": "v2"}]},
    )
    assert changed.status_code == 200 and changed.json["version"] == 2


def test_pausing_a_sequence_pauses_its_people(client, auth, sequence):
    enrollment = add(client, auth, sequence["id"]).json["enrollment"]
    paused = client.post(f"/api/v1/sequences/{sequence['id']}/pause", headers=auth).json
    assert paused["status"] == "paused" and paused["counts"]["paused"] == 1
    client.post(f"/api/v1/sequences/{sequence['id']}/resume", headers=auth)
    got = client.get(f"/api/v1/enrollments/{enrollment['id']}", headers=auth).json
    assert got["status"] == "active"


def test_csv_upload_answers_202_with_per_row_results(client, auth, sequence):
    data = b"email,first_name,last_name\nb@corp.example,B,One\nbroken,C,Two\n"
    answer = client.post(
        f"/api/v1/sequences/{sequence['id']}/contacts/import",
        headers=auth,
        data={"file": (io.BytesIO(data), "people.csv")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 202
    assert answer.json["progress"] == {"rows": 2, "added": 1, "failed": 1}
    assert answer.json["results"][1]["reason"] == "not an email address"
    no_header = client.post(
        f"/api/v1/sequences/{sequence['id']}/contacts/import",
        headers={**auth, "Content-Type": "text/csv"},
        data=b"a,b\n",
    )
    assert no_header.status_code == 422 and "file" in no_header.json["errors"]


def test_contacts_are_searched_paged_corrected_and_deleted(client, auth, sequence):
    for n in range(3):
        add(client, auth, sequence["id"], email=f"p{n}@corp.example", company=f"Co{n}")
    first = client.get("/api/v1/contacts?limit=2", headers=auth).json
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = client.get(f"/api/v1/contacts?limit=2&cursor={first['next_cursor']}", headers=auth).json
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    found = client.get("/api/v1/contacts?query=co2", headers=auth).json["items"]
    assert [c["email"] for c in found] == ["p2@corp.example"]
    contact_id = found[0]["id"]
    patched = client.patch(
        f"/api/v1/contacts/{contact_id}",
        headers=auth,
        json={"title": "CTO", "timezone": "Europe/Paris"},
    )
    assert patched.json["title"] == "CTO" and patched.json["activity"][0]["type"] == "enrolled"
    bad = client.patch(f"/api/v1/contacts/{contact_id}", headers=auth, json={"email": "x@y.z"})
    assert bad.status_code == 422 and "email" in bad.json["errors"]
    assert client.delete(f"/api/v1/contacts/{contact_id}", headers=auth).status_code == 204
    assert client.get(f"/api/v1/contacts/{contact_id}", headers=auth).status_code == 404
    assert client.get("/api/v1/contacts?limit=0", headers=auth).status_code == 422
    assert client.get("/api/v1/contacts?cursor=abc", headers=auth).status_code == 422


def test_tasks_are_listed_and_completed(client, auth, sequence, app):
    add(client, auth, sequence["id"])

    with app.extensions["sourcebridge"].db.session() as session:
        for send in claim_due_sends(session, utcnow(), "t"):
            record_send_result(session, send.execution_id, SENT, utcnow())
        session.commit()
        assert activate_due_tasks(session, utcnow(), "t") == 1
    due = client.get("/api/v1/tasks?view=due&mine=true", headers=auth).json["items"]
    assert [t["task_type"] for t in due] == ["call"]
    assert due[0]["sequence"]["name"] == "Backend"
    contact = client.get(f"/api/v1/contacts/{due[0]['contact']['id']}", headers=auth).json
    assert due[0]["contact"].items() <= contact.items()  # the Contact's own details, alike
    assert {"email", "first_name", "phone", "linkedin_url"} <= set(due[0]["contact"])
    done = client.post(
        f"/api/v1/tasks/{due[0]['id']}/complete", headers=auth, json={"note": "Spoke to them"}
    )
    assert done.status_code == 200 and done.json["state"] == "completed"
    assert client.post(f"/api/v1/tasks/{due[0]['id']}/skip", headers=auth).status_code == 409
    assert client.get("/api/v1/tasks?view=later", headers=auth).status_code == 422


def test_another_team_sees_nothing(client, auth, sequence, app):
    enrollment = add(client, auth, sequence["id"]).json["enrollment"]
    _, other = make_user(app, "eve@other.example", admin=True)
    with app.extensions["sourcebridge"].db.session() as session:
        eve = session.query(User).filter_by(email="eve@other.example").one()
        eve.account = Account(name="Other")
    eve_auth = {"Authorization": f"Bearer {other}"}
    assert client.get(f"/api/v1/sequences/{sequence['id']}", headers=eve_auth).status_code == 404
    assert (
        client.get(f"/api/v1/enrollments/{enrollment['id']}", headers=eve_auth).status_code == 404
    )
    assert client.get("/api/v1/contacts", headers=eve_auth).json["items"] == []
    assert add(client, eve_auth, sequence["id"]).status_code == 404


def test_preview_shows_each_step_for_a_contact_or_what_is_missing(client, auth, sequence):
    contact = add(client, auth, sequence["id"]).json["contact"]
    shown = client.get(
        f"/api/v1/sequences/{sequence['id']}/preview?contact_id={contact['id']}", headers=auth
    ).json["steps"]
    assert shown[0]["subject"] == "Hi Ada" and shown[0]["missing"] is None
    assert shown[1]["task_type"] == "call"
    nameless = add(client, auth, sequence["id"], email="x@corp.example", first_name="").json
    assert nameless["warnings"] == ["paused: no first name"]
    shown = client.get(
        f"/api/v1/sequences/{sequence['id']}/preview?contact_id={nameless['contact']['id']}",
        headers=auth,
    ).json["steps"]
    assert shown[0]["missing"] == "no first name"
    assert (
        client.get(f"/api/v1/sequences/{sequence['id']}/preview", headers=auth).status_code == 422
    )
