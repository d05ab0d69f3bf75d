"""Sign-in, sign-out, sessions tied to the password, throttling, invites and roles."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from email.utils import parsedate_to_datetime

from backend import defaults
from tests.web.conftest import PASSWORD
from tests.web.conftest import Browser


def test_pages_need_a_signed_in_user(anonymous):
    response = anonymous.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_sign_in_with_the_right_password_opens_the_account_page(admin):
    page = admin.get("/account")
    assert page.status_code == 200
    assert "Signed in as <strong>admin@example.com</strong>" in page.get_data(as_text=True)


def test_a_sign_in_lasts_the_configured_fortnight_not_flasks_month(anonymous, admin_id):
    response = anonymous.sign_in("admin@example.com")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("sb_session="))
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    lasts = expires - datetime.now(UTC)
    assert defaults.SESSION_LIFETIME - timedelta(minutes=5) < lasts <= defaults.SESSION_LIFETIME


def test_a_wrong_password_is_refused_in_words_with_the_field_marked(anonymous, admin_id):
    anonymous.get("/login")
    response = anonymous.post("/login", {"email": "admin@example.com", "password": "nope nope"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html
    assert "The email or password is not right." in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="password-error"' in html
    assert "<title>Error: Sign in" in html


def test_a_missing_email_is_named_in_the_error_summary(anonymous):
    anonymous.get("/login")
    response = anonymous.post("/login", {"email": "", "password": "x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#email">Email: Enter your email address.</a>' in html


def test_a_form_without_its_csrf_token_is_refused(anonymous, admin_id):
    response = anonymous.client.post(
        "/login", data={"email": "admin@example.com", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "could not be sent" in response.get_data(as_text=True)


def test_next_only_redirects_within_the_site(anonymous, admin_id):
    anonymous.get("/login")
    outside = anonymous.post(
        "/login", {"email": "admin@example.com", "password": PASSWORD, "next": "//evil.test/x"}
    )
    assert outside.headers["Location"] == "/"
    again = Browser(anonymous.client.application.test_client())
    again.get("/login")
    inside = again.post(
        "/login", {"email": "admin@example.com", "password": PASSWORD, "next": "/account"}
    )
    assert inside.headers["Location"] == "/account"


def test_repeated_failures_are_throttled_even_with_the_right_password(anonymous, admin_id):
    anonymous.get("/login")
    for _ in range(10):
        anonymous.post("/login", {"email": "admin@example.com", "password": "wrong wrong"})
    response = anonymous.post("/login", {"email": "admin@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_signing_out_ends_the_session(admin):
    admin.get("/account")
    response = admin.post("/logout")
    assert response.status_code == 302
    assert admin.client.get("/account").status_code == 302


def test_changing_the_password_signs_out_other_browsers(app, admin):
    other = Browser(app.test_client())
    other.sign_in("admin@example.com")
    admin.get("/account")
    response = admin.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )
    assert response.status_code == 302
    assert admin.client.get("/account").status_code == 200, "this browser stays signed in"
    assert other.client.get("/account").status_code == 302, "the other browser is signed out"
    fresh = Browser(app.test_client())
    fresh.get("/login")
    assert (
        fresh.post(
            "/login", {"email": "admin@example.com", "password": "a brand new secret"}
        ).status_code
        == 302
    )


def test_a_wrong_current_password_keeps_the_old_one(admin):
    admin.get("/account")
    response = admin.post(
        "/account/password",
        {
            "current_password": "not it at all",
            "new_password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The current password is not right." in html
    assert 'id="current_password"' in html and 'aria-invalid="true"' in html


def test_a_short_new_password_is_refused(admin):
    admin.get("/account")
    response = admin.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "short", "confirm": "short"},
    )
    assert response.status_code == 422
    assert "Use at least 10 characters." in response.get_data(as_text=True)


def test_an_admin_invites_a_member_who_joins_once_with_the_link(app, admin):
    admin.get("/account")
    response = admin.post("/account/invites", {"email": "new@example.com", "role": "member"})
    html = response.get_data(as_text=True)
    assert response.status_code == 201
    link = html.split('id="invite-link" type="text" readonly value="')[1].split('"')[0]
    path = link.removeprefix(app.extensions["sourcebridge"].settings.public_url)
    assert path.startswith("/invite/")
    joiner = Browser(app.test_client())
    page = joiner.get(path)
    assert page.status_code == 200 and "Join your team" in page.get_data(as_text=True)
    joined = joiner.post(
        path, {"name": "New Person", "new_password": "long enough pw", "confirm": "long enough pw"}
    )
    assert joined.status_code == 302
    assert joiner.client.get("/account").status_code == 200
    assert Browser(app.test_client()).get(path).status_code == 404, "the link works once"


def test_members_cannot_invite_or_change_roles(member, admin_id):
    member.get("/account")
    assert (
        member.post("/account/invites", {"email": "x@example.com", "role": "admin"}).status_code
        == 403
    )
    assert (
        member.post(
            f"/account/members/{admin_id}/role", {f"m{admin_id}-role": "member"}
        ).status_code
        == 403
    )
    assert "Invite a teammate" not in member.get("/account").get_data(as_text=True)


def test_an_admin_sets_roles_but_the_last_admin_stays(app, admin, admin_id, member_id):
    admin.get("/account")
    promoted = admin.post(f"/account/members/{member_id}/role", {f"m{member_id}-role": "admin"})
    assert promoted.status_code == 302
    admin.post(f"/account/members/{member_id}/role", {f"m{member_id}-role": "member"})
    refused = admin.post(f"/account/members/{admin_id}/role", {f"m{admin_id}-role": "member"})
    assert refused.status_code == 302
    page = admin.get("/account").get_data(as_text=True)
    assert "A team needs at least one admin" in page
