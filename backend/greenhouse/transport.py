"""The one place where Greenhouse HTTP happens: timeouts, retries, auth, pacing, errors, paging.

Retry policy (written once, here):
* connection errors, timeouts, unreadable bodies, 429 and 5xx are retried with exponential
  backoff and jitter (`Retry-After` honoured on 429, capped), up to `max_retries` times;
* other 4xx are never retried; they raise the typed error from `errors.py`;
* a 401 drops the token, mints a new one and retries once;
* a write (POST, DELETE) that fails ambiguously (timeout, dropped connection, 5xx) is retried only
  after its `confirm` read-back found nothing; with no `confirm` it raises with
  `outcome_unknown=True`. A 429, a refused connection and a 401 prove nothing was done, so they
  are retried like reads. PATCH replaces fields, so repeating it is harmless.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from typing import Protocol
from urllib.parse import urljoin
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import NewConnectionError

from backend import defaults
from backend.greenhouse.errors import APIConnectionError
from backend.greenhouse.errors import GreenhouseError
from backend.greenhouse.errors import MalformedResponse
from backend.greenhouse.errors import RateLimited
from backend.greenhouse.errors import error_from_response
from backend.greenhouse.errors import request_id_of
from backend.greenhouse.throttle import Throttle

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "PATCH"})
USER_AGENT = "sourcebridge-greenhouse/1"

Confirm = Callable[[], Any]
"""Reads back after an ambiguous write: the written record (the call's result) or None."""


DEFAULT_TIMEOUT = (
    defaults.GREENHOUSE_CONNECT_TIMEOUT.total_seconds(),
    defaults.GREENHOUSE_TIMEOUT.total_seconds(),
)
"""(connect, read) seconds of one request."""


class Tokens(Protocol):
    def get(self) -> str: ...
    def invalidate(self, token: str) -> None: ...


@dataclass(frozen=True)
class Reply:
    """A successful answer: decoded JSON (None for an empty body), headers, the next page URL."""

    status: int
    data: Any
    headers: Mapping[str, str]
    next_url: str | None = None


@dataclass(frozen=True)
class Page:
    """One page of a list endpoint and the link to the next (None on the last page)."""

    rows: list[dict[str, Any]]
    next_url: str | None


def chunks(values: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _nothing_sent(exc: requests.RequestException) -> bool:
    """True when the request provably never reached the server (refused, connect timeout)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)


def _reason(exc: requests.RequestException) -> str:
    """The innermost cause, short (urllib3 wraps it twice)."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    inner = reason if reason is not None else exc
    text = str(inner).split(": ", 1)[-1] if isinstance(inner, NewConnectionError) else str(inner)
    return f"{type(exc).__name__} ({text})"


class Step(StrEnum):
    """What to do after one attempt (the decision; `Transport.send` carries it out)."""

    RETURN = "return"  # a good reply
    REAUTHORISE = "reauthorise"  # 401: drop the token, mint another, go again (once)
    RAISE = "raise"  # a refusal that repeating cannot change
    RETRY = "retry"  # nothing was done, or doing it twice is harmless: back off and go again
    READ_BACK = "read_back"  # an ambiguous write: read back; retry only if it did not land
    CONFIRM_LANDED = "confirm_landed"  # a write that landed but answered unreadably: read back


@dataclass(frozen=True)
class Outcome:
    """One attempt as the decision sees it."""

    status: int | None  # None: no answer (connection error, timeout)
    nothing_sent: bool = False  # no answer, and provably nothing reached the server
    readable: bool = True  # a < 400 answer whose body parsed


def next_step(outcome: Outcome, *, idempotent: bool, can_reauthorise: bool) -> Step:
    """The retry policy of the module docstring, as a pure function of one attempt."""
    status = outcome.status
    if status is None:
        return Step.RETRY if idempotent or outcome.nothing_sent else Step.READ_BACK
    if status == 401:
        return Step.REAUTHORISE if can_reauthorise else Step.RAISE
    if status < 400:
        if outcome.readable:
            return Step.RETURN
        return Step.RETRY if idempotent else Step.CONFIRM_LANDED
    if status == 429:
        return Step.RETRY  # a 429 was not processed
    if status >= 500:
        return Step.RETRY if idempotent else Step.READ_BACK
    return Step.RAISE


class Transport:
    """Sends Greenhouse requests. `session`, `sleep` and `rng` are injectable for tests."""

    def __init__(
        self,
        api_url: str,
        *,
        throttle: Throttle | None = None,
        tokens: Tokens | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_retries: int = defaults.GREENHOUSE_MAX_RETRIES,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        rng: random.Random | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.throttle = throttle
        self.tokens = tokens
        self.session = session or requests.Session()
        self.sleep = sleep
        self.max_retries = max_retries
        self.timeout = timeout
        self.rng = rng or random.Random()
        self.requests_sent = 0
        self.retries = 0

    # --- the public verbs resources use ---------------------------------------------------------
    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.send("GET", self._url(path), params=params).data

    def write(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        confirm: Confirm | None = None,
    ) -> Any:
        """POST / PATCH / DELETE; returns the decoded body (None for 204)."""
        return self.send(method, self._url(path), json=body, confirm=confirm).data

    def iter(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        per_page: int = defaults.GREENHOUSE_PAGE_SIZE,
    ) -> Iterator[dict[str, Any]]:
        """Rows of a list endpoint: filters and `per_page` on the first request only, then the
        `Link: rel="next"` URL verbatim (the cursor alone) until there is none."""
        for page in self.pages(path, params, per_page=per_page):
            yield from page.rows

    def pages(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        per_page: int = defaults.GREENHOUSE_PAGE_SIZE,
        start_url: str | None = None,
    ) -> Iterator[Page]:
        """`iter`, one page at a time, each with the link to the next. `start_url` (a saved
        `next_url`) resumes a listing where it stopped; `params` are then not sent."""
        if not 1 <= per_page <= defaults.GREENHOUSE_PAGE_SIZE:
            raise ValueError(f"per_page must be 1..{defaults.GREENHOUSE_PAGE_SIZE}")
        if start_url is not None:
            reply = self.send("GET", self._own_url(start_url))
        else:
            first = {k: v for k, v in (params or {}).items() if v is not None}
            reply = self.send("GET", self._url(path), params={**first, "per_page": per_page})
        while True:
            if not isinstance(reply.data, list):
                raise MalformedResponse(f"expected a JSON array from {path}", body=reply.data)
            yield Page(reply.data, reply.next_url)
            if not reply.next_url:
                return
            reply = self.send("GET", reply.next_url)

    def iter_ids(
        self,
        path: str,
        ids_param: str,
        ids: Iterable[int],
        params: Mapping[str, Any] | None = None,
        *,
        per_page: int = defaults.GREENHOUSE_PAGE_SIZE,
    ) -> Iterator[dict[str, Any]]:
        """`iter` over an `*_ids` filter, in batches of at most 50 ids."""
        unique = dict.fromkeys(int(i) for i in ids)
        for batch in chunks(unique, defaults.GREENHOUSE_IDS_BATCH):
            batch_params = {**(params or {}), ids_param: ",".join(map(str, batch))}
            yield from self.iter(path, batch_params, per_page=per_page)

    # --- the retry loop ------------------------------------------------------------------------
    def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        basic_auth: tuple[str, str] | None = None,
        confirm: Confirm | None = None,
        idempotent: bool | None = None,
    ) -> Reply:
        """One logical call with the retry policy above. `basic_auth` marks a token request:
        no bearer token and no API pacing (token minting is metered separately)."""
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        api_call = basic_auth is None
        reauthorised = False
        attempt = 0
        while True:
            token = None
            headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
            if api_call:
                if self.throttle:
                    self.throttle.wait()
                if self.tokens:
                    token = self.tokens.get()
                    headers["Authorization"] = f"Bearer {token}"
            error: GreenhouseError | None = None
            try:
                self.requests_sent += 1
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    data=data,
                    auth=basic_auth,
                    headers=headers,
                    timeout=self.timeout,
                    allow_redirects=False,
                )
            except requests.RequestException as exc:
                nothing_sent = _nothing_sent(exc)
                error = APIConnectionError(
                    f"{method} {urlsplit(url).netloc}{urlsplit(url).path}: {_reason(exc)}",
                    timeout=isinstance(exc, requests.Timeout),
                    nothing_sent=nothing_sent,
                )
                error.__cause__ = exc
                outcome = Outcome(status=None, nothing_sent=nothing_sent)
            else:
                if api_call and self.throttle:
                    self.throttle.observe(response.headers)
                reply = None
                if response.status_code < 400:
                    try:
                        reply = self._reply(response)
                    except MalformedResponse as exc:
                        error = exc
                elif response.status_code != 401:
                    error = error_from_response(response)
                outcome = Outcome(status=response.status_code, readable=error is None)
            step = next_step(
                outcome,
                idempotent=idempotent,
                can_reauthorise=api_call and self.tokens is not None and not reauthorised,
            )
            if step is Step.RETURN:
                return reply  # type: ignore[return-value]
            if step is Step.REAUTHORISE:
                # Expired or revoked token: nothing was done; mint a new one and go again once.
                self.tokens.invalidate(token or "")  # type: ignore[union-attr]
                reauthorised = True
                continue
            if error is None:  # a 401 we may not answer by minting again
                error = error_from_response(response)
            if step is Step.RAISE:
                raise error
            if step is Step.CONFIRM_LANDED:
                return self._confirmed_or_raise(error, confirm, outcome_known=True)  # type: ignore[return-value]
            if step is Step.READ_BACK:
                found = self._confirmed_or_raise(error, confirm)
                if found is not None:
                    return found
            if isinstance(error, RateLimited) and self.throttle:
                self.throttle.pause_all(self._rate_limit_wait(error, response))
            if attempt >= self.max_retries:
                raise error
            delay = self._delay(attempt, error)
            attempt += 1
            self.retries += 1
            self.sleep(delay)

    def _confirmed_or_raise(
        self, error: GreenhouseError, confirm: Confirm | None, *, outcome_known: bool = False
    ) -> Reply | None:
        """Read back after an ambiguous write: the record if it landed, None to retry."""
        if confirm is None:
            error.outcome_unknown = not outcome_known
            raise error
        found = confirm()
        if found is None and outcome_known:
            raise error  # it succeeded, yet we can see nothing: do not write again
        return Reply(status=200, data=found, headers={}) if found is not None else None

    def _reply(self, response: requests.Response) -> Reply:
        data: Any = None
        if response.content:
            try:
                data = response.json()
            except ValueError as exc:
                raise MalformedResponse(
                    f"unreadable JSON from {urlsplit(response.url or '').path}",
                    status=response.status_code,
                    request_id=request_id_of(response),
                ) from exc
        return Reply(response.status_code, data, response.headers, self._next_url(response))

    def _next_url(self, response: requests.Response) -> str | None:
        url = response.links.get("next", {}).get("url")
        # RFC 8288: a link target may be relative to the response's own URL.
        return self._own_url(urljoin(response.url or self.api_url, url)) if url else None

    def _own_url(self, url: str) -> str:
        if _origin(url) != _origin(self.api_url):
            # Never send our bearer token to another host.
            raise MalformedResponse(f"next link points off the API host: {urlsplit(url).netloc}")
        return url

    def _rate_limit_wait(self, error: RateLimited, response: requests.Response) -> float:
        if error.retry_after is not None:
            return min(error.retry_after, defaults.GREENHOUSE_RETRY_AFTER_MAX.total_seconds())
        reset = response.headers.get("X-RateLimit-Reset")
        try:
            return max(0.0, min(float(reset) - time.time(), self._max_retry_after))
        except (TypeError, ValueError):
            return 0.0

    _max_retry_after = defaults.GREENHOUSE_RETRY_AFTER_MAX.total_seconds()

    def _delay(self, attempt: int, error: GreenhouseError) -> float:
        """Seconds before retry number `attempt + 1`."""
        if isinstance(error, RateLimited) and error.retry_after is not None:
            jitter = defaults.GREENHOUSE_RETRY_AFTER_JITTER.total_seconds()
            return min(error.retry_after, self._max_retry_after) + self.rng.uniform(0, jitter)
        initial = defaults.GREENHOUSE_BACKOFF_INITIAL.total_seconds()
        ceiling = defaults.GREENHOUSE_BACKOFF_MAX.total_seconds()
        step = min(ceiling, initial * (2**attempt))
        return self.rng.uniform(step / 2, step)

    def _url(self, path: str) -> str:
        return f"{self.api_url}/{path.lstrip('/')}"


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port as a browser compares origins (case and default ports aside)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError as exc:  # "https://host:abc/": an answer that is not the API's
        raise MalformedResponse(f"next link is not a URL: {url[:200]}") from exc
    return scheme, (parts.hostname or ""), port or _DEFAULT_PORTS.get(scheme)
