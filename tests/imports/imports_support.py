"""Helpers shared by the import tests (imported by name: the basename is unique)."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.sandbox.server import SandboxHandle
from backend.infra.cache import make_cache
from backend.infra.ratelimit import RateLimiter
from backend.store.models import Contact
from backend.store.models import Enrollment


def client_for(handle: SandboxHandle, **options: object) -> GreenhouseClient:
    return GreenhouseClient(
        handle.client_id,
        handle.client_secret,
        handle.admin_user_id,
        api_url=handle.base_url,
        auth_url=handle.base_url,
        app_url="https://app.greenhouse.io",
        cache=make_cache(None),
        limiter=RateLimiter(None),
        rng=random.Random(1),
        **{"rate_limit": 100_000, "sleep": lambda _s: None, **options},  # type: ignore[arg-type]
    )


def enrolled_emails(session: Session, sequence_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Contact.email)
            .join(Enrollment, Enrollment.contact_id == Contact.id)
            .where(Enrollment.sequence_id == sequence_id)
            .order_by(Contact.email)
        )
    )
