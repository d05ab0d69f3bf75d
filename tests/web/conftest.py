"""Fixtures for the web app's view tests: signed-in admins and members through the real forms."""

from __future__ import annotations

import re
from typing import Any

import pytest

from backend.accounts.signin import set_password
from backend.store.models import User

PASSWORD = "correct horse battery"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def add_person(app: Any, email: str, *, admin: bool, password: str = PASSWORD) -> int:
    """A user with a web password (through the same call the CLI uses)."""
    from backend.accounts.users import create_user

    with app.extensions["sourcebridge"].db.session() as session:
        user, _token = create_user(session, email, admin=admin)
        set_password(session, user, password, cheap=True)
        return user.id


class Browser:
    """A test client that signs in through /login and sends the CSRF token like a form does."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.token = ""

    def get(self, path: str, **kw: Any) -> Any:
        response = self.client.get(path, **kw)
        found = CSRF_RE.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return response

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        if not self.token:
            self.get("/login")
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kw)

    def sign_in(self, email: str, password: str = PASSWORD) -> Any:
        self.get("/login")
        response = self.post("/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        self.get("/account")
        return response


@pytest.fixture
def admin_id(app) -> int:  # type: ignore[no-untyped-def]
    return add_person(app, "admin@example.com", admin=True)


@pytest.fixture
def member_id(app, admin_id) -> int:  # type: ignore[no-untyped-def]
    return add_person(app, "member@example.com", admin=False)


@pytest.fixture
def admin(app, admin_id) -> Browser:  # type: ignore[no-untyped-def]
    browser = Browser(app.test_client())
    browser.sign_in("admin@example.com")
    return browser


@pytest.fixture
def member(app, member_id) -> Browser:  # type: ignore[no-untyped-def]
    browser = Browser(app.test_client())
    browser.sign_in("member@example.com")
    return browser


@pytest.fixture
def anonymous(app) -> Browser:  # type: ignore[no-untyped-def]
    return Browser(app.test_client())


def user_row(app: Any, user_id: int) -> User:
    with app.extensions["sourcebridge"].db.session() as session:
        user = session.get(User, user_id)
        session.expunge(user)
        return user
