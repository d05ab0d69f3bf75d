"""Signed unsubscribe links: `{PUBLIC_URL}/u/{token}` names a team and an address (pure).

The token is signed with SECRET_KEY (no login on the page, and nobody can unsubscribe someone
else by editing the link). It never expires: CAN-SPAM wants an opt-out that works for at least
30 days, and an old email's link should still work years later.
"""

from __future__ import annotations

from itsdangerous import BadSignature
from itsdangerous import URLSafeSerializer

SALT = "sourcebridge-unsubscribe"


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=SALT)


def unsubscribe_token(secret_key: str, account_id: int, email: str) -> str:
    return _serializer(secret_key).dumps([account_id, email.strip().lower()])


def unsubscribe_url(public_url: str, secret_key: str, account_id: int, email: str) -> str:
    return f"{public_url.rstrip('/')}/u/{unsubscribe_token(secret_key, account_id, email)}"


def read_unsubscribe_token(secret_key: str, token: str) -> tuple[int, str] | None:
    """(account id, address) for a genuine token; None for a forged, edited or junk one."""
    if len(token) > 1000:
        return None
    try:
        value = _serializer(secret_key).loads(token)
    except BadSignature:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or not isinstance(value[1], str)
    ):
        return None
    return value[0], value[1]
