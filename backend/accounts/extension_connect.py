"""The extension's "Connect to Sourcebridge": a one-time code + PKCE (RFC 7636, S256) for a token.

The signed-in user confirms in the web app; the backend stores only the hash of a short-lived
one-time code bound to the user and the extension's code challenge. The extension's service worker
exchanges the code and its verifier for a per-device API token (kind "extension"), revocable from
the account page. A code leaked from history or a screenshot is useless without the verifier.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import defaults
from backend.accounts.users import hash_token
from backend.accounts.users import issue_token
from backend.store.models import ApiToken
from backend.store.models import AuthCode
from backend.store.models import User
from backend.store.models import utcnow

# RFC 7636 §4.2: BASE64URL(SHA256(verifier)) without padding is 43 characters.
CHALLENGE_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
VERIFIER_RE = re.compile(r"^[A-Za-z0-9._~-]+$")
LABEL_MAX = 200


class ConnectProblem(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def check_challenge(challenge: str | None, method: str | None) -> str:
    if (method or "S256") != "S256":
        raise ConnectProblem("code_challenge_method", "Only S256 is supported.")
    if not challenge or not CHALLENGE_RE.match(challenge):
        raise ConnectProblem("code_challenge", "Missing or malformed PKCE code challenge.")
    return challenge


def issue_code(
    session: Session,
    user: User,
    challenge: str,
    *,
    label: str | None = None,
    now: datetime | None = None,
) -> str:
    """A one-time code for this user and challenge; only its hash is stored."""
    code = secrets.token_urlsafe(defaults.CONNECT_CODE_BYTES)
    session.add(
        AuthCode(
            code_hash=hash_token(code),
            user_id=user.id,
            code_challenge=check_challenge(challenge, "S256"),
            label=(label or "").strip()[:LABEL_MAX] or None,
            expires_at=(now or utcnow()) + defaults.CONNECT_CODE_TTL,
        )
    )
    session.flush()
    return code


def exchange_code(
    session: Session, code: str, verifier: str, label: str, *, now: datetime | None = None
) -> tuple[ApiToken, str]:
    """Spend the code (once) and return a new extension token row and its plaintext."""
    if not (
        defaults.PKCE_VERIFIER_MIN_LENGTH
        <= len(verifier or "")
        <= defaults.PKCE_VERIFIER_MAX_LENGTH
        and VERIFIER_RE.match(verifier)
    ):
        raise ConnectProblem("code_verifier", "Malformed PKCE code verifier (RFC 7636 §4.1).")
    now = now or utcnow()
    row = session.scalar(
        select(AuthCode).where(AuthCode.code_hash == hash_token(code or "")).with_for_update()
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise ConnectProblem("code", "This sign-in code has expired or was already used.")
    row.used_at = now  # spent even when the verifier is wrong: no guessing against one code
    if not hmac.compare_digest(challenge_of(verifier), row.code_challenge):
        session.flush()
        raise ConnectProblem("code_verifier", "The code verifier does not match the challenge.")
    user = session.get(User, row.user_id)
    if user is None:
        raise ConnectProblem("code", "This sign-in code has expired or was already used.")
    return issue_token(
        session,
        user,
        kind="extension",
        label=(label or "").strip()[:LABEL_MAX] or row.label or "Chrome extension",
    )


def extension_tokens(session: Session, user_id: int) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken)
            .where(
                ApiToken.user_id == user_id,
                ApiToken.kind == "extension",
                ApiToken.revoked_at.is_(None),
            )
            .order_by(ApiToken.created_at.desc())
        )
    )


def revoke_token(session: Session, user_id: int, token_id: int) -> bool:
    """Revoke one of the user's own tokens; False when it is not theirs (or already gone)."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user_id or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    session.flush()
    return True
