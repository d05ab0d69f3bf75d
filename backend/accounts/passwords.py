"""Password hashing: Argon2id through argon2-cffi (OWASP's first choice), one hasher per process.

Production keeps argon2-cffi's RFC 9106 defaults; TESTING uses a cheap profile so UI suites do not
pay ~0.4 s per sign-in. `needs_rehash` lets a sign-in upgrade a hash made with older parameters.
"""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError

from backend import defaults


class WeakPassword(ValueError):
    """A password that breaks the length rules; the message says which, in words."""


@lru_cache(maxsize=2)
def hasher(cheap: bool = False) -> PasswordHasher:
    return PasswordHasher(**defaults.ARGON2_TEST_PROFILE) if cheap else PasswordHasher()


def check_strength(password: str) -> None:
    if len(password) < defaults.PASSWORD_MIN_LENGTH:
        raise WeakPassword(f"Use at least {defaults.PASSWORD_MIN_LENGTH} characters.")
    if len(password) > defaults.PASSWORD_MAX_LENGTH:
        raise WeakPassword(f"Use at most {defaults.PASSWORD_MAX_LENGTH} characters.")


def hash_password(password: str, *, cheap: bool = False) -> str:
    check_strength(password)
    return hasher(cheap).hash(password)


def verify_password(stored_hash: str | None, password: str, *, cheap: bool = False) -> bool:
    """True when `password` matches; False for a mismatch, no hash, or an unreadable hash."""
    if not stored_hash or len(password) > defaults.PASSWORD_MAX_LENGTH:
        return False
    try:
        return hasher(cheap).verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str, *, cheap: bool = False) -> bool:
    return hasher(cheap).check_needs_rehash(stored_hash)
