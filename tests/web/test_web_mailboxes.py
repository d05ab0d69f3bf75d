"""The Mailboxes page on the mailboxes feature: connect (refusals named), Test in words, Remove."""

from __future__ import annotations

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from backend.store.models import Mailbox
from backend.store.models import User
from tests.support.fake_dns import mx_zone
from tests.support.fake_dns import start_dns
from tests.support.oauth_server import CLIENT_ID
from tests.support.oauth_server import CLIENT_SECRET
from tests.support.oauth_server import start_oauth_server
from tests.web.conftest import Browser
from tests.web.conftest import add_person

FORM = {
    "address": "alex@acme.example", "display_name": "Alex",
    "smtp-host": "127.0.0.1", "smtp-port": "1", "smtp-security": "none",
    "smtp-username": "alex", "smtp-password": "app-password-1",
    "imap-host": "127.0.0.1", "imap-port": "1", "imap-security": "none",
    "imap-username": "alex", "imap-password": "app-password-1",
    "daily_cap": "150", "min_gap_seconds": "120",
}  # fmt: skip


@pytest.fixture(scope="module")
def dns():  # type: ignore[no-untyped-def]
    server = start_dns(mx_zone(["acme.example"]))
    yield server
    server.stop()


@pytest.fixture
def mail_admin(make_app, app_config, dns) -> Browser:  # type: ignore[no-untyped-def]
    app = make_app({**app_config, "ALLOW_PRIVATE_NETWORKS": True, "DNS_NAMESERVERS": dns.address})
    add_person(app, "admin@example.com", admin=True)
    browser = Browser(app.test_client())
    browser.sign_in("admin@example.com")
    return browser


def test_a_mailbox_is_connected_tested_in_words_and_removed(mail_admin):
    mail_admin.get("/mailboxes")
    made = mail_admin.post("/mailboxes", FORM)
    assert made.status_code == 302
    page = mail_admin.get("/mailboxes").get_data(as_text=True)
    assert "alex@acme.example" in page and "150 emails a day, 120 seconds apart" in page
    assert "app-password-1" not in page
    mailbox_id = int(page.split("/mailboxes/")[1].split("/test")[0])
    tested = mail_admin.post(f"/mailboxes/{mailbox_id}/test", headers={"HX-Request": "true"})
    html = tested.get_data(as_text=True)
    assert tested.status_code == 200 and "<html" not in html
    assert "Sending (SMTP):" in html and "Reading replies (IMAP):" in html
    assert mail_admin.post(f"/mailboxes/{mailbox_id}/delete").status_code == 302
    assert "No mailbox yet." in mail_admin.get("/mailboxes").get_data(as_text=True)


def test_bad_mailbox_input_is_refused_with_the_fields_named(mail_admin):
    mail_admin.get("/mailboxes")
    response = mail_admin.post("/mailboxes", {**FORM, "address": "nope", "daily_cap": "many"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html
    assert 'id="address" name="address" type="email" value="nope" aria-invalid="true"' in html
    assert (
        'id="daily_cap" name="daily_cap" inputmode="numeric" value="many" aria-invalid="true"'
        in html
    )


def test_mailbox_forms_need_the_csrf_token(mail_admin):
    assert mail_admin.client.post("/mailboxes", data=FORM).status_code == 400


@pytest.fixture(scope="module")
def oauth():  # type: ignore[no-untyped-def]
    server = start_oauth_server()
    yield server
    server.stop()


@pytest.fixture
def google_admin(make_app, app_config, dns, oauth):  # type: ignore[no-untyped-def]
    app = make_app(
        {
            **app_config,
            "DNS_NAMESERVERS": dns.address,
            "PUBLIC_URL": "https://sourcebridge.acme.example",
            "GOOGLE_OAUTH_CLIENT_ID": CLIENT_ID,
            "GOOGLE_OAUTH_CLIENT_SECRET": CLIENT_SECRET,
            "GOOGLE_OAUTH_AUTHORIZE_URL": oauth.authorize_url,
            "GOOGLE_OAUTH_TOKEN_URL": oauth.token_url,
        }
    )
    add_person(app, "admin@example.com", admin=True)
    browser = Browser(app.test_client())
    browser.sign_in("admin@example.com")
    return app, browser


def test_a_google_mailbox_is_connected_by_signing_in_with_google(google_admin, oauth):
    app, browser = google_admin
    assert "Connect Google mailbox" in browser.get("/mailboxes").get_data(as_text=True)
    started = browser.post("/mailboxes/oauth/google", {"address": "Alex@Acme.example"})
    assert started.status_code == 302
    consent = urlsplit(started.headers["Location"])
    assert f"{consent.scheme}://{consent.netloc}{consent.path}" == oauth.authorize_url
    query = parse_qs(consent.query)
    assert query["login_hint"] == ["alex@acme.example"] and query["client_id"] == [CLIENT_ID]
    callback = "https://sourcebridge.acme.example/mailboxes/oauth/google/callback"
    assert query["redirect_uri"] == [callback]
    code = oauth.issue_code("alex@acme.example")  # what the consent page redirects back with
    back = browser.get(f"/mailboxes/oauth/google/callback?code={code}&state={query['state'][0]}")
    assert back.status_code == 302
    page = browser.get("/mailboxes").get_data(as_text=True)
    assert "Mailbox alex@acme.example connected with Google" in page
    with app.extensions["sourcebridge"].db.session() as session:
        [mailbox] = session.scalars(select(Mailbox)).all()
        assert (mailbox.address, mailbox.provider) == ("alex@acme.example", "google")
        assert mailbox.oauth_refresh_encrypted and b"rt-" not in mailbox.oauth_refresh_encrypted


def test_a_provider_answer_without_this_sessions_state_connects_nothing(google_admin, oauth):
    app, browser = google_admin
    browser.post("/mailboxes/oauth/google", {"address": "alex@acme.example"})
    code = oauth.issue_code("alex@acme.example")
    back = browser.get(f"/mailboxes/oauth/google/callback?code={code}&state=forged")
    assert back.status_code == 302
    assert "not started here" in browser.get("/mailboxes").get_data(as_text=True)
    with app.extensions["sourcebridge"].db.session() as session:
        assert session.scalars(select(Mailbox)).all() == []
    assert browser.post("/mailboxes/oauth/yahoo", {"address": "a@b.example"}).status_code == 404


def test_a_teammates_mailbox_is_not_taken_over_by_signing_in_with_its_address(google_admin, oauth):
    app, admin = google_admin
    owner_id = add_person(app, "alex@acme.example", admin=False)
    with app.extensions["sourcebridge"].db.session() as session:
        owner = session.get(User, owner_id)
        session.add(Mailbox(account_id=owner.account_id, user_id=owner.id, provider="password",
                            address="alex@acme.example", smtp={}, imap={}))  # fmt: skip
    # Nothing proves the Google account signed in owns the address typed: the admin's own login.
    started = admin.post("/mailboxes/oauth/google", {"address": "alex@acme.example"})
    state = parse_qs(urlsplit(started.headers["Location"]).query)["state"][0]
    code = oauth.issue_code("admin@example.com")
    admin.get(f"/mailboxes/oauth/google/callback?code={code}&state={state}")
    assert "another teammate&#39;s mailbox" in admin.get("/mailboxes").get_data(as_text=True)
    with app.extensions["sourcebridge"].db.session() as session:
        [mailbox] = session.scalars(select(Mailbox)).all()
        assert (mailbox.user_id, mailbox.provider) == (owner_id, "password")
        assert mailbox.oauth_refresh_encrypted is None
