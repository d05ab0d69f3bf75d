"""Adding a person who is already in Greenhouse (the sandbox, over real HTTP): added, marked."""

from __future__ import annotations

import pytest

from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.sandbox.server import start_sandbox
from backend.store.models import Mailbox
from backend.store.models import User
from tests.support.accounts import make_user

ONE_EMAIL = [{"kind": "email", "subject": "Hi {{ first_name }}", "body": "Hello"}]


@pytest.fixture(scope="module")
def sandbox():  # type: ignore[no-untyped-def]
    handle = start_sandbox(candidates=5, rate_limit=10_000, rate_window_seconds=30)
    yield handle
    handle.shutdown()


@pytest.fixture
def gh_app(make_app, app_config, sandbox):  # type: ignore[no-untyped-def]
    return make_app({**app_config, **sandbox.settings(), "ALLOW_PRIVATE_NETWORKS": True})


@pytest.fixture
def greenhouse(sandbox) -> GreenhouseClient:
    return GreenhouseClient(
        sandbox.client_id,
        sandbox.client_secret,
        sandbox.admin_user_id,
        api_url=sandbox.base_url,
        auth_url=sandbox.base_url,
        app_url=sandbox.base_url,
    )


def test_a_person_already_in_greenhouse_is_added_and_marked_with_the_link(gh_app, greenhouse):
    _, token = make_user(gh_app)
    auth = {"Authorization": f"Bearer {token}"}
    with gh_app.extensions["sourcebridge"].db.session() as session:
        user = session.query(User).one()
        mailbox = Mailbox(
            account_id=user.account_id, user_id=user.id, address="r@team.example", smtp={}, imap={}
        )
        session.add(mailbox)
        session.flush()
        mailbox_id = mailbox.id
    client = gh_app.test_client()
    sequence = client.post(
        "/api/v1/sequences",
        headers=auth,
        json={"name": "S", "mailbox_id": mailbox_id, "steps": ONE_EMAIL},
    ).json
    made = greenhouse.candidates.create(
        first_name="Ada", last_name="Known", email_addresses=["ada.known@corp.example"]
    )["candidate"]
    known = client.post(
        f"/api/v1/sequences/{sequence['id']}/contacts",
        headers=auth,
        json={"email": "Ada.Known@corp.example", "first_name": "Ada"},
    )
    assert known.status_code == 201
    assert known.json["warnings"] == ["Exists in Greenhouse"]
    mark = known.json["contact"]["greenhouse"]
    assert mark["error"] == "Exists in Greenhouse"
    assert mark["candidate_id"] == made["id"]
    assert (
        mark["url"]
        == f"{gh_app.extensions['sourcebridge'].settings.greenhouse_app_url}/people/{made['id']}"
    )
    new = client.post(
        f"/api/v1/sequences/{sequence['id']}/contacts",
        headers=auth,
        json={"email": "someone.new@corp.example", "first_name": "Sam"},
    )
    assert new.status_code == 201 and new.json["warnings"] == []
    assert new.json["contact"]["greenhouse"]["candidate_id"] is None
