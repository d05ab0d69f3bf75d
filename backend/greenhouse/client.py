"""`GreenhouseClient`: one Harvest v3 connection (credential + acting user) and its resources.

    client = connect(Connection(client_id, client_secret, user_id), Endpoints(api_url=…),
                     cache=make_cache(redis_url), limiter=RateLimiter(redis_url))
    client.candidates.find_by_email("pat@example.com")
    for row in client.candidates.iter(updated_at_gte=since): ...

Pass the shared cache and limiter (Redis in scaled-out mode) so that every worker of a team
shares one token and one request budget per Greenhouse credential.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from backend import defaults
from backend.greenhouse.auth import TokenProvider
from backend.greenhouse.links import candidate_url
from backend.greenhouse.resources import Applications
from backend.greenhouse.resources import Candidates
from backend.greenhouse.resources import CustomFields
from backend.greenhouse.resources import Employments
from backend.greenhouse.resources import Jobs
from backend.greenhouse.resources import Notes
from backend.greenhouse.resources import ProspectPools
from backend.greenhouse.resources import Tags
from backend.greenhouse.resources import Users
from backend.greenhouse.throttle import Throttle
from backend.greenhouse.transport import DEFAULT_TIMEOUT
from backend.greenhouse.transport import Transport
from backend.infra.cache import Cache
from backend.infra.cache import make_cache
from backend.infra.ratelimit import RateLimiter


class MissingCredentials(ValueError):
    """A Greenhouse connection needs a client id and a secret."""


@dataclass(frozen=True)
class Connection:
    """One Harvest v3 credential and the Greenhouse user its calls act as (`sub`)."""

    client_id: str
    client_secret: str
    user_id: int | None
    source: str = "given"  # where it came from, for people: a team's is "saved" or "environment"

    def __repr__(self) -> str:  # never show the secret
        return f"Connection(client_id={self.client_id!r}, user_id={self.user_id}, {self.source})"


@dataclass(frozen=True)
class Endpoints:
    """Where Greenhouse is: the real service, the sandbox, or a test double."""

    api_url: str = defaults.GREENHOUSE_API_URL
    auth_url: str = defaults.GREENHOUSE_AUTH_URL
    app_url: str = defaults.GREENHOUSE_APP_URL


class GreenhouseClient:
    """Harvest v3 for one credential acting as one Greenhouse user (`sub`)."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        user_id: int | str | None,
        *,
        api_url: str = defaults.GREENHOUSE_API_URL,
        auth_url: str = defaults.GREENHOUSE_AUTH_URL,
        app_url: str = defaults.GREENHOUSE_APP_URL,
        cache: Cache | None = None,
        limiter: RateLimiter | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rate_limit: int = defaults.GREENHOUSE_RATE_LIMIT,
        rate_window_seconds: float = defaults.GREENHOUSE_RATE_WINDOW.total_seconds(),
        max_retries: int = defaults.GREENHOUSE_MAX_RETRIES,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        rng: random.Random | None = None,
        interactive: bool = False,
    ) -> None:
        if not client_id or not client_secret:
            raise MissingCredentials("a Greenhouse client id and secret are required")
        self.client_id = client_id
        self.user_id = user_id
        self.app_url = app_url.rstrip("/")
        cache = cache if cache is not None else make_cache(None)
        self.throttle = Throttle(
            client_id,
            limiter=limiter if limiter is not None else RateLimiter(None),
            cache=cache,
            limit=rate_limit,
            window_seconds=rate_window_seconds,
            interactive=interactive,
            sleep=sleep,
        )
        self.transport = Transport(
            api_url,
            throttle=self.throttle,
            session=session,
            sleep=sleep,
            max_retries=max_retries,
            timeout=timeout,
            rng=rng,
        )
        self.tokens = TokenProvider(
            client_id,
            client_secret,
            user_id,
            auth_url=auth_url,
            transport=self.transport,
            cache=cache,
            sleep=sleep,
        )
        self.transport.tokens = self.tokens
        self.candidates = Candidates(self.transport)
        self.applications = Applications(self.transport)
        self.notes = Notes(self.transport)
        self.employments = Employments(self.transport)
        self.custom_fields = CustomFields(self.transport)
        self.tags = Tags(self.transport)
        self.jobs = Jobs(self.transport)
        self.prospect_pools = ProspectPools(self.transport)
        self.users = Users(self.transport, user_id)

    def candidate_url(self, candidate_id: int, application_id: int | None = None) -> str:
        """Link to the candidate (or one application) in the Greenhouse web app."""
        return candidate_url(self.app_url, candidate_id, application_id)

    def close(self) -> None:
        """Close the HTTP session's pooled connections."""
        self.transport.session.close()

    def __enter__(self) -> GreenhouseClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:  # never shows the secret
        return f"GreenhouseClient(client_id={self.client_id!r}, user_id={self.user_id!r})"


def connect(
    connection: Connection,
    endpoints: Endpoints | None = None,
    *,
    cache: Cache | None = None,
    limiter: RateLimiter | None = None,
    **options: Any,
) -> GreenhouseClient:
    """The client for one connection at these endpoints (`options`: see GreenhouseClient).

    Pass the process's shared cache and limiter (Redis-backed when scaled out) so that every
    worker shares one token and one request budget per credential.
    """
    endpoints = endpoints or Endpoints()
    return GreenhouseClient(
        connection.client_id,
        connection.client_secret,
        connection.user_id,  # None: the credential's service user
        api_url=endpoints.api_url,
        auth_url=endpoints.auth_url,
        app_url=endpoints.app_url,
        cache=cache,
        limiter=limiter,
        **options,
    )
