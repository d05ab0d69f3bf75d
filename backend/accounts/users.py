"""Accounts, users and API tokens: creation and bearer-token authentication."""

from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import defaults
from backend.store.models import Account
from backend.store.models import ApiToken
from backend.store.models import User
from backend.store.models import utcnow

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_PREFIX = "sb_"


class InvalidEmail(ValueError):
    pass


class DuplicateUser(ValueError):
    pass


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, **columns: str) -> tuple[ApiToken, str]:
    """Make a new API token for `user` (extra columns: kind, label); the plaintext is returned
    once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(defaults.API_TOKEN_BYTES)
    api_token = ApiToken(user=user, token_hash=hash_token(token), prefix=token[:10], **columns)
    session.add(api_token)
    session.flush()
    return api_token, token


def create_user(
    session: Session, email: str, *, admin: bool = False, account_name: str | None = None
) -> tuple[User, str]:
    """Create a user (in the named or first account, made if none) and its first token."""
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise InvalidEmail(f"not an email address: {email!r}")
    if session.scalar(select(User).where(User.email == email)):
        raise DuplicateUser(f"a user with email {email} already exists")
    query = select(Account).order_by(Account.id)
    if account_name:
        query = query.where(Account.name == account_name)
    account = session.scalars(query).first()
    if account is None:
        account = Account(name=account_name or "My team")
        session.add(account)
    user = User(email=email, role="admin" if admin else "member", account=account)
    session.add(user)
    session.flush()
    return user, issue_token(session, user)[1]


def user_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def authenticate(session: Session, token: str) -> User | None:
    """The user owning an unrevoked token, or None (one query; `last_used_at` kept roughly)."""
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    api_token, user = row
    now = utcnow()
    last = api_token.last_used_at
    # Writing on every request would serialise all requests on SQLite's single writer.
    if last is None or now - last > defaults.TOKEN_LAST_USED_RESOLUTION:
        api_token.last_used_at = now
    return user
