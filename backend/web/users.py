"""Who is signed in: Flask-Login over the `users` table, with sessions tied to the password.

The session stores "<user id>:<stamp>", the stamp changing with every password change, so a
password change signs every other browser out (client-side sessions cannot be revoked otherwise).
"""

from __future__ import annotations

from flask_login import LoginManager
from flask_login import UserMixin

from backend.accounts.signin import session_stamp
from backend.infra.services import db_session
from backend.store.models import User

login_manager = LoginManager()
login_manager.login_view = "web.login"
login_manager.login_message = "Sign in to see this page."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


class SignedIn(UserMixin):
    """The request's user row, as Flask-Login wants it."""

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        return f"{self.user.id}:{session_stamp(self.user)}"

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def account_id(self) -> int:
        return self.user.account_id

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin


@login_manager.user_loader
def load_user(session_id: str) -> SignedIn | None:
    user_id, _, stamp = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db_session().get(User, int(user_id))
    if user is None or not user.password_hash or session_stamp(user) != stamp:
        return None
    return SignedIn(user)
