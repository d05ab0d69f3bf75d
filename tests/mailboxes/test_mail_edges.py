"""The edges: the mailboxes API, the public unsubscribe page, the poll job and the CLI, all against
the real servers."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from backend.jobs.mailboxes import mailbox_poll_tick
from backend.jobs.mailboxes import poll_one
from backend.jobs.ticks import queue_minute
from backend.jobs.ticks import tick_offsets
from backend.mailboxes.unsubscribe import unsubscribe_url
from backend.sequences.enrolment import add_person
from backend.sequences.enrolment import person_from_fields
from backend.store.models import Account
from backend.store.models import Enrollment
from backend.store.models import InboundMessage as InboundRow
from backend.store.models import Mailbox
from backend.store.models import Suppression
from tests.mailboxes.conftest import RECRUITER
from tests.mailboxes.conftest import RECRUITER_PW
from tests.mailboxes.conftest import MailServers
from tests.mailboxes.conftest import Tls
from tests.mailboxes.conftest import mailbox_input
from tests.support.accounts import make_user
from tests.support.cli import run_cli
from tests.support.fake_dns import FakeDNS
from tests.support.processes import clean_env

MESSAGES = Path(__file__).parent / "messages"
PUBLIC_URL = "https://sb.acme-recruiting.test"


@pytest.fixture(scope="session")
def ca_file(tls: Tls, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    path.write_bytes(tls.cert)
    return path


@pytest.fixture
def mail_app(make_app, app_config, mail: MailServers, ca_file: Path, fake_dns: FakeDNS):  # type: ignore[no-untyped-def]
    return make_app(
        {
            **app_config,
            "ALLOW_PRIVATE_NETWORKS": True,
            "MAIL_CA_FILE": str(ca_file),
            "DNS_NAMESERVERS": fake_dns.address,
            "PUBLIC_URL": PUBLIC_URL,
        }
    )


@pytest.fixture
def api(mail_app):  # type: ignore[no-untyped-def]
    client = mail_app.test_client()
    token = make_user(mail_app)[1]
    return client, {"Authorization": f"Bearer {token}"}


def create(api: Any, mail: MailServers, **changes: object) -> dict[str, Any]:
    client, auth = api
    response = client.post("/api/v1/mailboxes", json=mailbox_input(mail, **changes), headers=auth)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_api_connects_a_mailbox_and_never_returns_its_password(api: Any, mail: MailServers) -> None:
    client, auth = api
    created = create(api, mail)
    assert created["address"] == RECRUITER and created["has_password"] is True
    listed = client.get("/api/v1/mailboxes", headers=auth).get_json()
    one = client.get(f"/api/v1/mailboxes/{created['id']}", headers=auth).get_json()
    for body in (created, listed, one):
        assert RECRUITER_PW not in str(body) and 'password"' not in str(body)
    assert [m["id"] for m in listed["items"]] == [created["id"]] and listed["next_cursor"] is None


def test_api_pages_the_list(api: Any, mail: MailServers) -> None:
    client, auth = api
    ids = [create(api, mail, address=f"r{i}@acme-recruiting.test")["id"] for i in range(3)]
    first = client.get("/api/v1/mailboxes?limit=2", headers=auth).get_json()
    assert [m["id"] for m in first["items"]] == ids[:2]
    rest = client.get(f"/api/v1/mailboxes?limit=2&cursor={first['next_cursor']}", headers=auth)
    assert [m["id"] for m in rest.get_json()["items"]] == ids[2:]


@pytest.mark.parametrize(
    ("query", "field"), [("limit=0", "limit"), ("limit=501", "limit"), ("cursor=abc", "cursor")]
)
def test_api_list_refuses_a_bad_limit_or_cursor_like_every_list(
    api: Any, query: str, field: str
) -> None:
    client, auth = api
    response = client.get(f"/api/v1/mailboxes?{query}", headers=auth)
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_api_bad_input_is_422_with_fields_and_reasons(api: Any, mail: MailServers) -> None:
    client, auth = api
    body = mailbox_input(mail, address="nope", daily_cap="many")
    body["smtp"] = {"host": "smtp.example.test", "port": 70000, "username": "u"}
    response = client.post("/api/v1/mailboxes", json=body, headers=auth)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert {"address", "daily_cap", "smtp.port"} <= set(errors)
    missing_password = mailbox_input(mail)
    del missing_password["smtp"]["password"]  # type: ignore[attr-defined]
    response = client.post("/api/v1/mailboxes", json=missing_password, headers=auth)
    assert response.status_code == 422 and "smtp" in response.get_json()["errors"]


def test_api_patch_test_and_delete(api: Any, mail: MailServers) -> None:
    client, auth = api
    created = create(api, mail)
    url = f"/api/v1/mailboxes/{created['id']}"
    patched = client.patch(url, json={"daily_cap": 25, "signature": "R."}, headers=auth)
    assert patched.status_code == 200 and patched.get_json()["daily_cap"] == 25
    report = client.post(f"{url}/test", headers=auth).get_json()
    assert report["smtp"]["ok"] and report["imap"]["ok"]
    assert report["dns"]["dmarc"]["message"].startswith("DMARC policy quarantine")
    assert client.delete(url, headers=auth).status_code == 204
    missing = client.get(url, headers=auth)
    assert missing.status_code == 404 and missing.get_json()["code"] == 404


def test_api_needs_a_token_and_only_owner_or_admin_change_a_mailbox(
    mail_app: Any, api: Any, mail: MailServers
) -> None:
    client, _ = api
    created = create(api, mail)
    assert client.get("/api/v1/mailboxes").status_code == 401
    member_token = make_user(mail_app, "member@example.com", admin=False)[1]
    member = {"Authorization": f"Bearer {member_token}"}
    url = f"/api/v1/mailboxes/{created['id']}"
    assert client.get(url, headers=member).status_code == 200
    assert client.patch(url, json={"daily_cap": 1}, headers=member).status_code == 403
    assert client.delete(url, headers=member).status_code == 403


def test_unsubscribe_get_confirms_and_post_one_click_suppresses(mail_app: Any) -> None:
    make_user(mail_app)
    with mail_app.extensions["sourcebridge"].db.session() as session:
        account_id = int(session.scalar(select(Account.id)))
    client = mail_app.test_client()
    address = "<b>jane</b>@example.com"
    url = unsubscribe_url(PUBLIC_URL, "test-secret-key", account_id, address)
    path = url.removeprefix(PUBLIC_URL)
    page = client.get(path)
    assert (
        page.status_code == 200 and "default-src 'none'" in page.headers["Content-Security-Policy"]
    )
    assert "&lt;b&gt;jane&lt;/b&gt;@example.com" in page.get_data(as_text=True)
    assert "<b>jane" not in page.get_data(as_text=True)

    def suppressed() -> list[tuple[str, str]]:
        with mail_app.extensions["sourcebridge"].db.session() as session:
            rows = session.scalars(select(Suppression))
            return [(r.value, r.reason) for r in rows]

    assert suppressed() == []  # opening the link (or a scanner opening it) changes nothing
    one_click = client.post(
        path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200 and "unsubscribed" in one_click.get_data(as_text=True)
    assert client.post(path, data={"confirm": "yes"}).status_code == 200  # idempotent
    assert suppressed() == [("<b>jane</b>@example.com", "unsubscribed")]


def test_unsubscribe_with_a_forged_token_is_refused(mail_app: Any) -> None:
    make_user(mail_app)
    client = mail_app.test_client()
    url = unsubscribe_url(PUBLIC_URL, "another-key", 1, "jane@example.com")
    path = url.removeprefix(PUBLIC_URL)
    assert client.get(path).status_code == 404
    assert client.post(path, data="List-Unsubscribe=One-Click").status_code == 404


def test_poll_job_stores_inbound_mail_and_teaches_the_finder(
    mail_app: Any, api: Any, mail: MailServers
) -> None:
    created = create(api, mail)
    svc = mail_app.extensions["sourcebridge"]
    assert poll_one(svc, created["id"]) == []  # cursors start now
    raw = (
        (MESSAGES / "reply_gmail.eml")
        .read_bytes()
        .replace(b"<CAF=k2Yx9Q0reply1+abcdEF@mail.gmail.com>", b"<job-reply-1@mail.gmail.test>")
    )
    mail.dovecot.drop(RECRUITER, raw)
    found = poll_one(svc, created["id"])
    assert [(m.kind, m.message_id) for m in found] == [("reply", "<job-reply-1@mail.gmail.test>")]
    with svc.db.session() as session:
        row = session.scalar(
            select(InboundRow).where(InboundRow.message_id == "<job-reply-1@mail.gmail.test>")
        )
        assert row is not None and row.classification == "reply"
        assert row.data["body_text"].startswith("Hi Riley,")


def test_cli_mailboxes_test_prints_one_line_per_server(
    mail_app: Any,
    api: Any,
    mail: MailServers,
    ca_file: Path,
    fake_dns: FakeDNS,
    database_url: str,
    tmp_path: Path,
) -> None:
    created = create(api, mail)
    env = clean_env(
        SOURCEBRIDGE_INSTANCE=str(tmp_path),
        DATABASE_URL=database_url,
        SECRET_KEY="test-secret-key",
        ALLOW_PRIVATE_NETWORKS="true",
        MAIL_CA_FILE=str(ca_file),
        DNS_NAMESERVERS=fake_dns.address,
    )
    done = run_cli("mailboxes", "test", str(created["id"]), env=env)
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stderr
    assert lines[0].startswith("smtp: ok - Logged in to 127.0.0.1:")
    assert lines[1].startswith("imap: ok - Logged in to 127.0.0.1:")
    assert [line.split(":")[0] for line in lines] == ["smtp", "imap", "spf", "dkim", "dmarc"]
    missing = run_cli("mailboxes", "test", "999999", env=env)
    assert missing.returncode == 2 and "no mailbox with id 999999" in missing.stderr


@pytest.mark.parametrize(
    ("every", "minute", "offsets"),
    [
        (60.0, 7, [0.0]),
        (20.0, 7, [0.0, 20.0, 40.0]),
        (7.0, 7, [0.0, 7.0, 14.0, 21.0, 28.0, 35.0, 42.0, 49.0, 56.0]),
        (300.0, 10, [0.0]),
        (300.0, 11, []),
    ],
)
def test_poll_rounds_are_spread_through_each_minute(
    every: float, minute: int, offsets: list[float]
) -> None:
    assert tick_offsets(every, minute) == offsets


def test_a_minute_queues_its_first_round_now_and_the_others_at_their_offsets(
    deferred_tasks: Any,
) -> None:
    queue_minute(mailbox_poll_tick, 20.0, now=7 * 60.0)
    queued = [t for t in deferred_tasks.pending() if t.name.endswith("mailbox_poll_tick")]
    later = sorted(t.eta for t in queued if t.eta is not None)
    assert len(queued) == 3 and len(later) == 2  # one now, then at 20 and 40 seconds
    assert abs((later[1] - later[0]).total_seconds() - 20.0) < 1


def test_a_reply_read_by_the_poll_job_finishes_the_persons_enrollment(
    mail_app: Any, api: Any, mail: MailServers
) -> None:
    client, auth = api
    created = create(api, mail)
    sequence = client.post(
        "/api/v1/sequences",
        headers=auth,
        json={
            "name": "Platform",
            "mailbox_id": created["id"],
            "steps": [
                {
                    "kind": "email",
                    "subject": "Hi {{ first_name }}",
                    "body": "Hello {{ first_name }}",
                    "wait": {"amount": 3, "unit": "days"},
                }
            ],
        },
    )
    assert sequence.status_code == 201, sequence.get_json()
    svc = mail_app.extensions["sourcebridge"]
    with svc.db.session() as session:
        account_id = session.get(Mailbox, created["id"]).account_id  # type: ignore[union-attr]
        person = person_from_fields(
            {"email": "jane.doe@example.com", "first_name": "Jane", "last_name": "Doe"}
        )
        added = add_person(
            session,
            account_id=account_id,
            sequence_id=sequence.get_json()["id"],
            person=person,
            added_by=None,
            now=datetime.now(UTC),
        )
        enrollment_id = added.enrollment.id
    svc = mail_app.extensions["sourcebridge"]
    poll_one(svc, created["id"])
    raw = (
        (MESSAGES / "reply_gmail.eml")
        .read_bytes()
        .replace(b"<CAF=k2Yx9Q0reply1+abcdEF@mail.gmail.com>", b"<job-reply-2@mail.gmail.test>")
    )
    mail.dovecot.drop(RECRUITER, raw)  # Jane replies (matched by her address)
    assert [m.kind for m in poll_one(svc, created["id"])] == ["reply"]
    with svc.db.session() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment is not None
        assert (enrollment.status, enrollment.outcome) == ("finished", "replied")
