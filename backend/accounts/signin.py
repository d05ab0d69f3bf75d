"""Web sign-in for team members: passwords, invites, the first-run setup link, roles.

A feature: takes a Session and plain values, returns model rows or plain values; knows nothing of
Flask. Invite and setup tokens are random, shown once (in a link) and stored as SHA-256 hashes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import defaults
from backend.accounts.passwords import hash_password
from backend.accounts.passwords import needs_rehash
from backend.accounts.passwords import verify_password
from backend.accounts.users import EMAIL_RE
from backend.accounts.users import hash_token
from backend.accounts.users import user_count
from backend.store.models import Account
from backend.store.models import Invite
from backend.store.models import User
from backend.store.models import utcnow

ROLES = ("admin", "member")
# Verifying against this keeps an unknown email as slow as a wrong password (no enumeration).
_DUMMY_PASSWORD = "not-a-real-password-0000"


class SignInProblem(ValueError):
    """Bad input or a refused change; `field` names the form field, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 320:
        raise SignInProblem("email", "Enter an email address like name@example.com.")
    return email


def session_stamp(user: User) -> str:
    """Changes whenever the password does: sessions carrying an older stamp are signed out."""
    changed = user.password_changed_at
    return str(int(changed.timestamp() * 1_000_000)) if changed else "0"


def authenticate_password(
    session: Session, email: str, password: str, *, cheap: bool = False
) -> User | None:
    """The user with this email and password, or None (as slow for unknown emails)."""
    user = session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None or not user.password_hash:
        verify_password(_dummy_hash(cheap), password, cheap=cheap)
        return None
    if not verify_password(user.password_hash, password, cheap=cheap):
        return None
    if needs_rehash(user.password_hash, cheap=cheap):  # parameters were raised since
        user.password_hash = hash_password(password, cheap=cheap)
    return user


_dummy_hashes: dict[bool, str] = {}


def _dummy_hash(cheap: bool) -> str:
    if cheap not in _dummy_hashes:
        _dummy_hashes[cheap] = hash_password(_DUMMY_PASSWORD, cheap=cheap)
    return _dummy_hashes[cheap]


def set_password(session: Session, user: User, password: str, *, cheap: bool = False) -> None:
    """Set the web password; every existing session of this user stops working."""
    try:
        user.password_hash = hash_password(password, cheap=cheap)
    except ValueError as exc:
        raise SignInProblem("new_password", str(exc)) from exc
    user.password_changed_at = utcnow()
    session.flush()


def change_password(
    session: Session, user: User, current: str, new: str, *, cheap: bool = False
) -> None:
    if not verify_password(user.password_hash, current, cheap=cheap):
        raise SignInProblem("current_password", "The current password is not right.")
    if current == new:
        raise SignInProblem("new_password", "Choose a password different from the current one.")
    set_password(session, user, new, cheap=cheap)


# --- Invites and the first-run setup link ---------------------------------------------------


@dataclass(frozen=True)
class IssuedInvite:
    invite: Invite
    token: str  # goes into the link once; only its hash is stored


def create_invite(
    session: Session,
    account_id: int,
    *,
    email: str | None,
    role: str,
    created_by: int | None,
    now: datetime | None = None,
) -> IssuedInvite:
    if role not in ROLES:
        raise SignInProblem("role", "Choose Admin or Member.")
    if email is not None:
        email = normalise_email(email)
        if session.scalar(select(User).where(User.email == email)):
            raise SignInProblem("email", "Someone with this email is already on a team.")
    token = secrets.token_urlsafe(defaults.INVITE_TOKEN_BYTES)
    invite = Invite(
        account_id=account_id,
        email=email,
        role=role,
        token_hash=hash_token(token),
        expires_at=(now or utcnow()) + defaults.INVITE_TTL,
        created_by=created_by,
    )
    session.add(invite)
    session.flush()
    return IssuedInvite(invite, token)


def open_invite(session: Session, token: str, *, now: datetime | None = None) -> Invite | None:
    """The unused, unexpired invite behind a link token, or None."""
    invite = session.scalar(select(Invite).where(Invite.token_hash == hash_token(token or "")))
    if invite is None or invite.used_at is not None or invite.expires_at <= (now or utcnow()):
        return None
    return invite


def accept_invite(
    session: Session,
    token: str,
    *,
    email: str,
    name: str,
    password: str,
    cheap: bool = False,
) -> User:
    """Create the invited user with their password; the link cannot be used again."""
    invite = open_invite(session, token)
    if invite is None:
        raise SignInProblem("token", "This link has expired or was already used.")
    email = normalise_email(invite.email or email)
    if session.scalar(select(User).where(User.email == email)):
        raise SignInProblem("email", "Someone with this email is already on a team.")
    user = User(account_id=invite.account_id, email=email, role=invite.role, name=name.strip())
    session.add(user)
    set_password(session, user, password, cheap=cheap)
    invite.used_at = utcnow()
    session.flush()
    return user


def first_run_setup_token(session: Session) -> str | None:
    """With nobody signed up yet, a fresh one-time link token for the first admin, else None.

    Earlier unused setup links are withdrawn: only the most recently printed one works."""
    if user_count(session):
        return None
    account = session.scalars(select(Account).order_by(Account.id)).first()
    if account is None:
        account = Account(name="My team")
        session.add(account)
        session.flush()
    for stale in session.scalars(
        select(Invite).where(Invite.account_id == account.id, Invite.used_at.is_(None))
    ):
        session.delete(stale)
    return create_invite(session, account.id, email=None, role="admin", created_by=None).token


# --- Team members and roles -----------------------------------------------------------------


def team_members(session: Session, account_id: int) -> list[User]:
    return list(
        session.scalars(select(User).where(User.account_id == account_id).order_by(User.email))
    )


def pending_invites(session: Session, account_id: int) -> list[Invite]:
    return list(
        session.scalars(
            select(Invite)
            .where(
                Invite.account_id == account_id,
                Invite.used_at.is_(None),
                Invite.expires_at > utcnow(),
                Invite.email.is_not(None),
            )
            .order_by(Invite.id)
        )
    )


def set_role(session: Session, account_id: int, user_id: int, role: str) -> User:
    """Change a teammate's role; a team always keeps at least one admin."""
    if role not in ROLES:
        raise SignInProblem("role", "Choose Admin or Member.")
    user = session.get(User, user_id)
    if user is None or user.account_id != account_id:
        raise LookupError(user_id)
    if user.role == "admin" and role != "admin":
        admins = session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.account_id == account_id, User.role == "admin")
        )
        if admins <= 1:
            raise SignInProblem(
                "role", "A team needs at least one admin: make someone else admin first."
            )
    user.role = role
    session.flush()
    return user
