"""Sandbox lifecycle endpoints (reject, hire, merge, anonymize) and the webhooks they owe."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator

import pytest
import requests

from backend.greenhouse.sandbox.server import SandboxHandle
from backend.greenhouse.sandbox.server import start_sandbox

SECRET = "webhook-secret"


@pytest.fixture
def sb() -> Iterator[SandboxHandle]:
    handle = start_sandbox(candidates=12, rate_limit=100_000, seed=5)
    yield handle
    handle.shutdown()


def call(sb: SandboxHandle, method: str, path: str, body: dict) -> requests.Response:
    tok = requests.post(
        f"{sb.base_url}/token",
        auth=(sb.client_id, sb.client_secret),
        data={"grant_type": "client_credentials", "sub": str(sb.admin_user_id)},
        timeout=5,
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {tok}"}
    return requests.request(method, f"{sb.base_url}{path}", json=body, headers=headers, timeout=5)


def deliveries(sb: SandboxHandle) -> list[dict]:
    out = []
    for headers, body in sb.signed_webhooks(SECRET):
        digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert headers["Signature"] == f"sha256 {digest}" and headers["Greenhouse-Event-ID"]
        out.append(json.loads(body))
    return out


def active_application(sb: SandboxHandle, *, prospect: bool) -> dict:
    return next(
        a
        for a in sb.state.tables["applications"].values()
        if a["prospect"] is prospect and a["status"] == "in_process"
    )


def test_reject_answers_204_and_owes_a_reject_candidate_webhook(sb: SandboxHandle) -> None:
    app = active_application(sb, prospect=True)
    assert call(sb, "POST", f"/v3/applications/{app['id']}/reject", {}).status_code == 422
    reply = call(sb, "POST", f"/v3/applications/{app['id']}/reject", {"rejection_reason_id": 1})
    assert reply.status_code == 204 and not reply.content
    [event] = deliveries(sb)
    assert event["action"] == "reject_candidate"
    assert event["payload"]["application"]["candidate"]["id"] == app["candidate_id"]
    assert event["payload"]["application"]["status"] == "rejected"


def test_hire_is_for_candidate_applications_only(sb: SandboxHandle) -> None:
    prospect = active_application(sb, prospect=True)
    assert call(sb, "POST", f"/v3/applications/{prospect['id']}/hire", {}).status_code == 422
    app = active_application(sb, prospect=False)
    assert call(sb, "POST", f"/v3/applications/{app['id']}/hire", {}).status_code == 204
    assert [e["action"] for e in deliveries(sb)] == ["hire_candidate"]


def test_merge_moves_emails_and_applications_to_the_primary(sb: SandboxHandle) -> None:
    first, second = list(sb.state.tables["candidates"])[:2]
    loser_email = sb.state.tables["candidates"][second]["email_addresses"][0]["value"]
    reply = call(sb, "POST", f"/v3/candidates/{first}/merge", {"secondary_candidate_id": second})
    assert reply.status_code == 200
    assert loser_email in [e["value"] for e in reply.json()["email_addresses"]]
    assert second not in sb.state.tables["candidates"]
    [event] = deliveries(sb)
    assert event["action"] == "merge_candidate"
    assert (event["payload"]["person"]["id"], event["payload"]["person"]["new_candidate_id"]) == (
        second,
        first,
    )


def test_anonymize_blanks_the_named_fields(sb: SandboxHandle) -> None:
    cid = list(sb.state.tables["candidates"])[3]
    body = {"fields": ["full_name", "email_addresses"]}
    reply = call(sb, "PATCH", f"/v3/candidates/{cid}/anonymize", body)
    assert reply.status_code == 200
    row = reply.json()
    assert (row["first_name"], row["email_addresses"]) == (None, [])
    [event] = deliveries(sb)
    assert event == {
        "action": "candidate_anonymized",
        "payload": {"candidate_id": cid, "anonymized_fields": ["full_name", "email_addresses"]},
    }
