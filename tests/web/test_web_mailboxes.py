"""The Mailboxes page on the mailboxes feature: connect (refusals named), Test in words, Remove."""

from __future__ import annotations

import pytest

from tests.support.fake_dns import mx_zone
from tests.support.fake_dns import start_dns
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
