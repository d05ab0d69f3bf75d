"""The imports API over a connected app: the sandbox over real HTTP, the queue in-process."""

from __future__ import annotations

from datetime import UTC
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from backend.greenhouse.sandbox.jobs import add_job
from backend.greenhouse.sandbox.jobs import close_job
from backend.greenhouse.sandbox.jobs import fill_job
from backend.jobs.imports import imports_sweep
from backend.jobs.queue import huey
from backend.sequences.authoring import create_sequence
from backend.sequences.enrolment import PersonInput
from backend.sequences.enrolment import add_person
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import Import
from backend.store.models import ImportItem
from backend.store.models import Suppression
from backend.store.models import utcnow
from tests.support.accounts import make_user

pytestmark = pytest.mark.db


@pytest.fixture
def gh_app(make_app, app_config, sandbox):  # type: ignore[no-untyped-def]
    return make_app({**app_config, **sandbox.settings(), "IMPORT_INTERVAL_SECONDS": "5"})


@pytest.fixture
def api(gh_app):  # type: ignore[no-untyped-def]
    return gh_app.test_client()


@pytest.fixture
def admin(gh_app):  # type: ignore[no-untyped-def]
    user, token = make_user(gh_app)
    return user, {"Authorization": f"Bearer {token}"}


@pytest.fixture
def member(gh_app, admin):  # type: ignore[no-untyped-def]
    """A member of the admin's team."""
    _user, token = make_user(gh_app, "member@example.com", admin=False)
    return {"Authorization": f"Bearer {token}"}


ONE_EMAIL = [
    {
        "kind": "email",
        "subject": "Hello {{ first_name }}",
        "body": "Hi {{ first_name | default('there') }}",
        "wait": {"amount": 0, "unit": "minutes"},
    }
]


@pytest.fixture
def sequence_id(gh_app, admin) -> int:  # type: ignore[no-untyped-def]
    user = admin[0]
    with gh_app.extensions["sourcebridge"].db.session() as session:
        data = {"name": "Imported", "steps": ONE_EMAIL}
        return create_sequence(session, user.account_id, user.id, data, utcnow()).id


def enrolled(gh_app) -> int:  # type: ignore[no-untyped-def]
    with gh_app.extensions["sourcebridge"].db.session() as session:
        return session.scalar(select(func.count()).select_from(Enrollment))


def test_posting_an_import_answers_202_and_the_job_s_people_join_the_sequence(
    api, admin, sandbox, sequence_id, gh_app
):
    job = add_job(sandbox.state, "API job")
    fill_job(sandbox.state, job, 6, prospect_every=3, no_email_every=6)

    answer = api.post(
        "/api/v1/imports",
        json={"job_id": job, "sequence_id": sequence_id, "recurring": False},
        headers=admin[1],
    )

    assert answer.status_code == 202, answer.json
    body = answer.json
    assert body["status"] == "done" and body["recurring"] is False and body["next_run_at"] is None
    assert body["progress"] == {
        "seen": 6,
        "added": 5,
        "skipped_no_email": 1,
        "already_in_sequence": 0,
        "failed": 0,
    }
    assert body["skipped_no_email"] == ["Person No6"]
    assert enrolled(gh_app) == 5
    shown = api.get(f"/api/v1/imports/{body['id']}", headers=admin[1]).json
    assert shown["last_run_at"] and shown["job_name"] == "API job"


def test_a_recurring_import_is_listed_with_its_next_run_and_its_next_run_is_queued(
    api, admin, sandbox, sequence_id
):
    job = add_job(sandbox.state, "Every hour")
    fill_job(sandbox.state, job, 2)
    huey.storage.flush_schedule()

    before = utcnow()
    made = api.post(
        "/api/v1/imports",
        json={"job_id": job, "sequence_id": sequence_id, "recurring": True},
        headers=admin[1],
    ).json
    after = utcnow()
    listed = api.get("/api/v1/imports", headers=admin[1]).json

    assert [item["id"] for item in listed["items"]] == [made["id"]]
    assert listed["items"][0]["next_run_at"] and listed["next_cursor"] is None
    queued = [t for t in huey.scheduled() if t.name.endswith("import_run")]
    assert [t.args for t in queued] == [(made["id"],)]
    eta = queued[0].eta.replace(tzinfo=UTC)  # Huey keeps naive UTC
    assert before + timedelta(seconds=5) <= eta <= after + timedelta(seconds=5)


def test_the_sweep_runs_a_schedule_when_it_is_due(api, admin, sandbox, sequence_id, gh_app):
    job = add_job(sandbox.state, "Swept")
    made = api.post(
        "/api/v1/imports",
        json={"job_id": job, "sequence_id": sequence_id, "recurring": True},
        headers=admin[1],
    ).json
    fill_job(sandbox.state, job, 3, name_prefix="New")
    with gh_app.extensions["sourcebridge"].db.session() as session:
        session.get(Import, made["id"]).next_run_at = utcnow() - timedelta(seconds=1)

    with gh_app.app_context():
        imports_sweep()

    assert api.get(f"/api/v1/imports/{made['id']}", headers=admin[1]).json["progress"]["added"] == 3


def test_scheduling_and_removing_a_schedule_are_for_admins(
    api, admin, member, sandbox, sequence_id
):
    job = add_job(sandbox.state, "Admins only")
    body = {"job_id": job, "sequence_id": sequence_id, "recurring": True}

    assert api.post("/api/v1/imports", json=body, headers=member).status_code == 403
    made = api.post("/api/v1/imports", json=body, headers=admin[1]).json
    assert api.delete(f"/api/v1/imports/{made['id']}", headers=member).status_code == 403
    assert api.delete(f"/api/v1/imports/{made['id']}", headers=admin[1]).status_code == 204
    assert api.get(f"/api/v1/imports/{made['id']}", headers=admin[1]).status_code == 404
    assert api.get("/api/v1/imports", headers=admin[1]).json["items"] == []


def test_a_member_may_run_a_one_off_import(api, member, sandbox, sequence_id):
    job = add_job(sandbox.state, "One-off")
    answer = api.post(
        "/api/v1/imports", json={"job_id": job, "sequence_id": sequence_id}, headers=member
    )
    assert answer.status_code == 202, answer.json


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"job_id": "x", "sequence_id": 1}, "job_id"),
        ({"sequence_id": 1}, "job_id"),
        ({"job_id": 1, "sequence_id": 1, "recurring": "often"}, "recurring"),
        ({"job_id": 1, "sequence_id": 999_999}, "sequence_id"),
        ({"job_id": 999_999, "sequence_id": None}, "sequence_id"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(api, admin, body, field):
    answer = api.post("/api/v1/imports", json=body, headers=admin[1])
    assert answer.status_code == 422
    assert field in answer.json["errors"]


def test_a_job_that_is_closed_or_unknown_is_refused_naming_job_id(api, admin, sandbox, sequence_id):
    job = add_job(sandbox.state, "Closed")
    close_job(sandbox.state, job)
    for job_id in (job, 999_999):
        answer = api.post(
            "/api/v1/imports", json={"job_id": job_id, "sequence_id": sequence_id}, headers=admin[1]
        )
        assert answer.status_code == 422 and "job_id" in answer.json["errors"]


def test_the_list_is_paged_with_a_cursor(api, admin, sandbox, sequence_id):
    job = add_job(sandbox.state, "Paged")
    ids = [
        api.post(
            "/api/v1/imports", json={"job_id": job, "sequence_id": sequence_id}, headers=admin[1]
        ).json["id"]
        for _ in range(3)
    ]
    first = api.get("/api/v1/imports?limit=2", headers=admin[1]).json
    rest = api.get(f"/api/v1/imports?limit=2&cursor={first['next_cursor']}", headers=admin[1]).json

    assert [i["id"] for i in first["items"] + rest["items"]] == sorted(ids, reverse=True)
    assert rest["next_cursor"] is None
    assert api.get("/api/v1/imports?limit=0", headers=admin[1]).status_code == 422
    assert api.get("/api/v1/imports?cursor=abc", headers=admin[1]).status_code == 422


def test_the_preview_says_what_an_import_would_do_and_adds_nobody(
    api, admin, sandbox, sequence_id, gh_app
):
    job = add_job(sandbox.state, "Previewed")
    fill_job(sandbox.state, job, 5, no_email_every=5)

    answer = api.post(
        "/api/v1/imports/preview",
        json={"job_id": job, "sequence_id": sequence_id},
        headers=admin[1],
    )

    assert answer.status_code == 200
    assert (answer.json["people"], answer.json["with_email"], answer.json["would_add"]) == (5, 4, 4)
    assert enrolled(gh_app) == 0


def test_without_a_greenhouse_connection_an_import_is_a_409(make_app, app_config):
    app = make_app(app_config)
    _user, token = make_user(app)
    answer = app.test_client().post(
        "/api/v1/imports",
        json={"job_id": 1, "sequence_id": 1},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 409


def test_people_join_through_the_sequences_rules_active_elsewhere_or_suppressed(
    api, admin, sandbox, sequence_id, gh_app
):
    job = add_job(sandbox.state, "Rules")
    made = fill_job(sandbox.state, job, 3)
    user = admin[0]
    with gh_app.extensions["sourcebridge"].db.session() as session:
        other = create_sequence(
            session, user.account_id, user.id, {"name": "Other", "steps": ONE_EMAIL}, utcnow()
        )
        add_person(
            session,
            account_id=user.account_id,
            sequence_id=other.id,
            person=PersonInput(email="person.1@work.example", first_name="Person"),
            added_by=user.id,
            now=utcnow(),
        )
        session.add(
            Suppression(
                account_id=user.account_id,
                kind="email",
                value="person.2@work.example",
                reason="unsubscribed",
            )
        )

    body = api.post(
        "/api/v1/imports", json={"job_id": job, "sequence_id": sequence_id}, headers=admin[1]
    ).json

    assert body["progress"]["added"] == 1
    assert body["progress"]["already_in_sequence"] == 1 and body["progress"]["failed"] == 1
    with gh_app.extensions["sourcebridge"].db.session() as session:
        imported = session.scalars(
            select(Contact).where(Contact.email == "person.3@work.example")
        ).one()
        failed = session.scalars(select(ImportItem).where(ImportItem.result == "failed")).one()
    assert imported.gh_candidate_id == made[2]["candidate"]["id"] and imported.source == "import"
    assert "unsubscribed" in failed.detail
