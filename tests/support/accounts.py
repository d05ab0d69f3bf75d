"""Test helpers for users and tokens."""

from __future__ import annotations

from typing import Any


def make_user(app: Any, email: str = "admin@example.com", *, admin: bool = True) -> tuple[Any, str]:
    """Create a user in the app's database; returns (user, API token)."""
    from backend.accounts.users import create_user

    with app.extensions["sourcebridge"].db.session() as session:
        return create_user(session, email, admin=admin)
