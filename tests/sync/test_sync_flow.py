"""The whole flow through the real edges: a lookup on a LinkedIn Recruiter page, the person added
to a sequence, an email sent, the first reply; the queued sync task then leaves exactly the
expected Greenhouse records, notes and stage (the sandbox over HTTP, the real database).

The first test writes "add to sequence", "email sent" and "reply" as the sequences feature writes
them (a contact, an enrollment with its fixed target, events); the second goes through the
sequences feature itself."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

from sync_support import by_name

from backend.jobs.sync import sync_tick
from backend.sequences import apply_inbound
from backend.sequences import claim_due_sends
from backend.sequences import record_send_result
from backend.sequences.events import append_event
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import GreenhouseIntegration
from backend.store.models import Mailbox
from backend.store.models import Sequence
from backend.store.models import User
from backend.store.models import utcnow
from tests.lookup.conftest import dns  # noqa: F401 - fixture
from tests.lookup.conftest import gh_app  # noqa: F401 - fixture
from tests.lookup.conftest import gh_auth  # noqa: F401 - fixture
from tests.lookup.conftest import gh_config  # noqa: F401 - fixture
from tests.lookup.conftest import page
from tests.lookup.conftest import sandbox  # noqa: F401 - fixture
from tests.sequences.conftest import SENT
from tests.sequences.conftest import inbound

OPEN = {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "windows": [["00:00", "24:00"]]}


def add_to_sequence(session, account_id: int, lookup: dict, target: dict) -> Enrollment:  # type: ignore[no-untyped-def]
    profile = lookup["profile"]
    email = lookup["email"]["address"]
    first, _, last = profile["full_name"].partition(" ")
    contact = Contact(account_id=account_id, email=email, emails=[email], first_name=first,
                      last_name=last, company=profile["company"], title=profile["title"],
                      linkedin_url=profile["linkedin_url"], source=profile["source"],
                      profile=profile)  # fmt: skip
    sequence = Sequence(account_id=account_id, name="Senior Backend")
    session.add_all([contact, sequence])
    session.flush()
    enrollment = Enrollment(account_id=account_id, sequence_id=sequence.id, contact_id=contact.id,
                            status="active", gh_target=target, active_key=email)  # fmt: skip
    session.add(enrollment)
    session.flush()
    return enrollment


def event(session, enrollment: Enrollment, type_: str, **data) -> None:  # type: ignore[no-untyped-def]
    append_event(session, account_id=enrollment.account_id, type=type_, at=datetime.now(UTC),
                 dedupe_key=f"{type_}:{enrollment.id}:{data.get('message_id')}",
                 enrollment_id=enrollment.id, contact_id=enrollment.contact_id,
                 data=data)  # fmt: skip
    session.commit()


def test_recruiter_lookup_to_first_reply(gh_app, gh_auth, sandbox) -> None:  # noqa: F811
    url, html, _ = page("recruiter_profile_page")
    client = gh_app.test_client()
    lookup = client.post("/api/v1/lookups", json={"url": url, "html": html}, headers=gh_auth).json
    assert lookup["greenhouse"]["status"] in ("no_duplicates", "indexing")

    pool = by_name(sandbox, "prospect_pools", "Engineering Talent")
    new = by_name(sandbox, "prospect_pool_stages", "New", prospect_pool_id=pool["id"])
    replied = by_name(sandbox, "prospect_pool_stages", "Replied", prospect_pool_id=pool["id"])
    on_reply = {"pool_id": pool["id"], "pool_stage_id": replied["id"]}
    settings = {"sync_mode": "on_add", "status_field": {"kind": "tags"},
                "stage_on_reply": on_reply}  # fmt: skip
    saved = client.put("/api/v1/integrations/greenhouse", json={"settings": settings},
                       headers=gh_auth)  # fmt: skip
    assert saved.status_code == 200, saved.json

    db = gh_app.extensions["sourcebridge"].db
    with db.session() as session:
        user = session.query(User).one()
        enrollment = add_to_sequence(
            session, user.account_id, lookup, {"pool_id": pool["id"], "pool_stage_id": new["id"]}
        )
        assert session.get(GreenhouseIntegration, user.account_id).sync_mode == "on_add"
        session.commit()
        event(session, enrollment, "enrolled")
        event(session, enrollment, "email_sent", message_id="<m1@team.example>", subject="Hello",
              body="Hi Johannes", to=[lookup["email"]["address"]],
              **{"from": "rec@team.example"})  # fmt: skip
        event(session, enrollment, "reply_received", message_id="<r1@x>", subject="Re: Hello",
              body="Happy to talk", first=True, to=["rec@team.example"],
              **{"from": lookup["email"]["address"]})  # fmt: skip
        contact_id = enrollment.contact_id

    with gh_app.app_context():
        result = sync_tick().get()  # immediate mode: the queued task runs here
    assert result["failed"] == 0 and result["retrying"] == 0

    with db.session() as session:
        contact = session.get(Contact, contact_id)
        cid, aid = contact.gh_candidate_id, contact.gh_application_id
        gh = client.get(f"/api/v1/sync-log?contact_id={contact_id}", headers=gh_auth).json
    tables = sandbox.state.tables
    email = lookup["email"]["address"]
    assert [c["id"] for c in tables["candidates"].values()
            if email in [e["value"] for e in c["email_addresses"]]] == [cid]  # fmt: skip
    candidate = tables["candidates"][cid]
    assert candidate["social_media_addresses"] == [{"value": lookup["profile"]["linkedin_url"]}]
    assert candidate["tags"] == ["Replied"]
    roles = sorted((e["company_name"], e["title"]) for e in tables["candidate_employments"].values()
                   if e["candidate_id"] == cid)  # fmt: skip
    assert roles == sorted((p["company"], p["title"]) for p in lookup["profile"]["positions"])
    notes = sorted((n["type"], n["subject"], n["visibility"]) for n in tables["notes"].values()
                   if n["candidate_id"] == cid)  # fmt: skip
    assert notes == [("EMAIL", "Hello", "privately_visible"),
                     ("EMAIL", "Re: Hello", "privately_visible")]  # fmt: skip
    [detail] = [d for d in tables["prospect_details"].values() if d["application_id"] == aid]
    assert detail["pool_stage_id"] == replied["id"]
    assert (contact.sync_status, contact.gh_target["stage_name"]) == ("synced", "Replied")
    assert {i["status"] for i in gh["items"]} == {"done"}


def test_the_real_sequence_path_to_first_reply(gh_app, gh_auth, sandbox) -> None:  # noqa: F811
    """The same flow through the sequences feature itself: added by lookup id over the API,
    the email claimed and sent by the dispatcher's functions, the reply applied as inbound."""
    url, html, _ = page("recruiter_grouped_roles")
    client = gh_app.test_client()
    lookup = client.post("/api/v1/lookups", json={"url": url, "html": html}, headers=gh_auth).json
    pool = by_name(sandbox, "prospect_pools", "Engineering Talent")
    new = by_name(sandbox, "prospect_pool_stages", "New", prospect_pool_id=pool["id"])
    replied = by_name(sandbox, "prospect_pool_stages", "Replied", prospect_pool_id=pool["id"])
    on_reply = {"pool_id": pool["id"], "pool_stage_id": replied["id"]}
    settings = {"sync_mode": "on_add", "stage_on_reply": on_reply}
    assert client.put("/api/v1/integrations/greenhouse", json={"settings": settings},
                      headers=gh_auth).status_code == 200  # fmt: skip
    db = gh_app.extensions["sourcebridge"].db
    with db.session() as session:
        user = session.query(User).one()
        mailbox = Mailbox(account_id=user.account_id, user_id=user.id, address="rec@team.example",
                          smtp={}, imap={}, daily_cap=200, min_gap_seconds=0)  # fmt: skip
        session.add(mailbox)
        session.flush()
        mailbox_id, account_id = mailbox.id, user.account_id
    steps = [{"kind": "email", "subject": "Hi {{ first_name }}", "body": "Hello {{ first_name }}",
              "wait": {"amount": 0, "unit": "minutes"}}]  # fmt: skip
    sequence = client.post("/api/v1/sequences", headers=gh_auth, json={
        "name": "Backend", "mailbox_id": mailbox_id, "steps": steps, "schedule": OPEN,
        "greenhouse_target": {"pool_id": pool["id"], "pool_stage_id": new["id"]},
    }).json  # fmt: skip
    added = client.post(f"/api/v1/sequences/{sequence['id']}/contacts", headers=gh_auth,
                        json={"lookup_id": lookup["id"]})  # fmt: skip
    assert added.status_code == 201, added.json
    contact_id = added.json["contact"]["id"]
    email = added.json["contact"]["email"]

    with db.session() as session:
        [send] = claim_due_sends(session, utcnow(), "t")
        record_send_result(session, send.execution_id, SENT, utcnow())
    with db.session() as session:
        apply_inbound(session, account_id, inbound("reply", from_addr=email,
                      in_reply_to=send.email.message_id), utcnow())  # fmt: skip
    with gh_app.app_context():
        result = sync_tick().get()
    assert result["failed"] == 0 and result["retrying"] == 0

    with db.session() as session:
        contact = session.get(Contact, contact_id)
        cid, aid = contact.gh_candidate_id, contact.gh_application_id
    tables = sandbox.state.tables
    notes = sorted((n["type"], n["subject"]) for n in tables["notes"].values()
                   if n["candidate_id"] == cid)  # fmt: skip
    first_name = tables["candidates"][cid]["first_name"]
    assert notes == [("EMAIL", f"Hi {first_name}"), ("EMAIL", "Re: Hello")]
    roles = [e for e in tables["candidate_employments"].values() if e["candidate_id"] == cid]
    assert len(roles) == min(5, len(lookup["profile"]["positions"]))
    [detail] = [d for d in tables["prospect_details"].values() if d["application_id"] == aid]
    assert detail["pool_stage_id"] == replied["id"]
    assert contact.sync_status == "synced"
