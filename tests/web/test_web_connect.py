"""Connect to Sourcebridge: confirm in the web app, one-time code + PKCE, revocable token."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs
from urllib.parse import urlsplit

VERIFIER = secrets.token_urlsafe(48)
CHALLENGE = (
    base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
)
QUERY = f"code_challenge={CHALLENGE}&code_challenge_method=S256&state=st-123&device=Work+laptop"


def _code(browser) -> str:  # type: ignore[no-untyped-def]
    page = browser.get(f"/extension/connect?{QUERY}")
    assert page.status_code == 200
    assert "Connect the Sourcebridge extension" in page.get_data(as_text=True)
    response = browser.post(
        "/extension/connect",
        {"code_challenge": CHALLENGE, "code_challenge_method": "S256", "state": "st-123",
         "device": "Work laptop"},
    )  # fmt: skip
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == "/extension/connected"
    assert not location.query, "the code travels in the fragment, never to a server"
    fragment = parse_qs(location.fragment)
    assert fragment["state"] == ["st-123"]
    return fragment["code"][0]


def _exchange(client, code: str, verifier: str = VERIFIER):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/extension/token",
        json={"code": code, "code_verifier": verifier, "label": "Work laptop"},
    )


def test_connect_asks_to_sign_in_first_and_comes_back(anonymous):
    response = anonymous.get(f"/extension/connect?{QUERY}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=%2Fextension%2Fconnect")


def test_a_confirmed_connect_gives_a_token_that_works_once(client, admin):
    code = _code(admin)
    answer = _exchange(client, code)
    assert answer.status_code == 201
    token = answer.json["token"]
    assert answer.json["email"] == "admin@example.com"
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    again = _exchange(client, code)
    assert again.status_code == 400
    assert again.json["errors"] == {"code": ["This sign-in code has expired or was already used."]}


def test_a_wrong_verifier_gets_nothing_and_spends_the_code(client, admin):
    code = _code(admin)
    wrong = _exchange(client, code, secrets.token_urlsafe(48))
    assert wrong.status_code == 400
    assert "code_verifier" in wrong.json["errors"]
    assert _exchange(client, code).status_code == 400


def test_get_never_issues_a_code_and_post_needs_the_csrf_token(admin):
    page = admin.get(f"/extension/connect?{QUERY}")
    assert "#code=" not in page.get_data(as_text=True)
    forged = admin.client.post(
        "/extension/connect", data={"code_challenge": CHALLENGE, "state": "st-123"}
    )
    assert forged.status_code == 400


def test_a_malformed_challenge_is_refused(admin):
    response = admin.get("/extension/connect?code_challenge=short&state=x")
    assert response.status_code == 400


def test_the_account_page_lists_the_extension_and_revoke_cuts_it_off(client, admin):
    token = _exchange(client, _code(admin)).json["token"]
    page = admin.get("/account").get_data(as_text=True)
    assert "Work laptop" in page and "Revoke" in page
    token_id = int(page.split("/account/extensions/")[1].split("/")[0])
    assert admin.post(f"/account/extensions/{token_id}/revoke").status_code == 302
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
    assert "No extension is connected" in admin.get("/account").get_data(as_text=True)


def test_nobody_revokes_someone_elses_extension(app, client, admin, member):
    _exchange(client, _code(admin))
    token_id = int(
        admin.get("/account").get_data(as_text=True).split("/account/extensions/")[1].split("/")[0]
    )
    assert member.post(f"/account/extensions/{token_id}/revoke").status_code == 404
