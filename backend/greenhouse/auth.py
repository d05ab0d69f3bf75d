"""OAuth 2.0 client credentials for Harvest v3: mint, cache and refresh access tokens.

`POST {auth_url}/token`, HTTP Basic `client_id:client_secret`, form `grant_type=client_credentials`
and `sub=<Greenhouse user id>` (the user every call acts as; v3 has no On-Behalf-Of header).
Tokens are cached per (client id, sub) in the shared cache, so every worker uses the same one,
and minted single-flight: one mint at a time per process (a lock) and across processes (a
short-lived flag in the cache that others wait on).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from backend import defaults
from backend.greenhouse.errors import AuthenticationError
from backend.greenhouse.errors import MalformedResponse
from backend.greenhouse.transport import Transport
from backend.infra.cache import Cache

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(key: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def token_expiry(body: dict[str, Any], now: float) -> float:
    """Epoch seconds the token expires: `expires_at` (ISO), else `expires_in`, else one hour."""
    expires_at = body.get("expires_at")
    if isinstance(expires_at, str) and expires_at:
        try:
            parsed = datetime.fromisoformat(expires_at.replace("Z", "+00:00"))
        except ValueError as exc:
            raise MalformedResponse(f"unreadable expires_at {expires_at!r}") from exc
        if parsed.tzinfo is None:
            raise MalformedResponse(f"expires_at has no UTC offset: {expires_at!r}")
        return parsed.timestamp()
    expires_in = body.get("expires_in")
    if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool):
        return now + float(expires_in)
    return now + defaults.GREENHOUSE_TOKEN_DEFAULT_TTL.total_seconds()


class TokenProvider:
    """Hands out a valid access token for one (client id, sub)."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        user_id: int | str | None,
        *,
        auth_url: str,
        transport: Transport,
        cache: Cache,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._credentials = (client_id, client_secret)
        self.user_id = str(user_id) if user_id not in (None, "") else None
        self.token_url = f"{auth_url.rstrip('/')}/token"
        self._transport = transport
        self._cache = cache
        self._sleep = sleep
        self._clock = clock
        # The secret and token URL are part of the key: a token is shared only with those who
        # could mint it (another team typing our client id with a wrong secret gets none).
        identity = f"{client_id}\0{self.user_id or ''}\0{client_secret}\0{self.token_url}"
        name = hashlib.sha256(identity.encode()).hexdigest()[:32]
        self._key = f"greenhouse:token:{name}"
        self._mint_flag = f"{self._key}:minting"
        self.minted = 0
        self._flag_seconds = int(defaults.GREENHOUSE_TOKEN_MINT_LOCK.total_seconds())

    def get(self) -> str:
        cached = self._fresh(self._cache.get(self._key))
        if cached:
            return cached
        with _lock_for(self._key):
            cached = self._fresh(self._cache.get(self._key)) or self._wait_for_other_minter()
            return cached or str(self._mint_and_store()["access_token"])

    def refresh(self) -> dict[str, Any]:
        """Mint a new token now and share it: {"access_token", "expires_at" (epoch)}."""
        with _lock_for(self._key):
            self._cache.add(self._mint_flag, 1, timeout=self._flag_seconds)
            return self._mint_and_store()

    def invalidate(self, token: str) -> None:
        """Forget `token` (after a 401), unless another worker already replaced it."""
        entry = self._cache.get(self._key)
        if entry and entry.get("access_token") == token:
            self._cache.delete(self._key)

    def _fresh(self, entry: dict[str, Any] | None) -> str | None:
        early = defaults.GREENHOUSE_TOKEN_REFRESH_EARLY.total_seconds()
        if entry and entry["expires_at"] - early > self._clock():
            return str(entry["access_token"])
        return None

    def _wait_for_other_minter(self) -> str | None:
        """Another process is minting: wait (bounded) for its token instead of minting too."""
        if self._cache.add(self._mint_flag, 1, timeout=self._flag_seconds):
            return None  # we hold the flag: we mint
        step, waited = 0.1, 0.0
        while waited < defaults.GREENHOUSE_TOKEN_MINT_WAIT.total_seconds():
            self._sleep(step)
            waited += step
            token = self._fresh(self._cache.get(self._key))
            if token:
                return token
        return None

    def _mint_and_store(self) -> dict[str, Any]:
        try:
            entry = self.mint()
            ttl = entry["expires_at"] - self._clock()
            early = defaults.GREENHOUSE_TOKEN_REFRESH_EARLY.total_seconds()
            self._cache.set(self._key, entry, timeout=max(1, int(ttl - early)))
            return entry
        finally:
            self._cache.delete(self._mint_flag)

    def mint(self) -> dict[str, Any]:
        """Ask the token endpoint for a new token: {"access_token", "expires_at" (epoch)}."""
        form = {"grant_type": "client_credentials"}
        if self.user_id:
            form["sub"] = self.user_id
        reply = self._transport.send(
            "POST", self.token_url, data=form, basic_auth=self._credentials, idempotent=True
        )
        body = reply.data
        if not isinstance(body, dict) or not body.get("access_token"):
            raise AuthenticationError("the token endpoint returned no access_token", status=200)
        self.minted += 1
        return {
            "access_token": str(body["access_token"]),
            "expires_at": token_expiry(body, self._clock()),
        }
