"""Retries, paging, tokens and write confirmation, against `responses` (cases hard to stage)."""

from __future__ import annotations

import random
from datetime import UTC
from datetime import datetime
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import requests
import responses

from backend import defaults
from backend.greenhouse import errors
from backend.greenhouse.auth import TokenProvider
from backend.greenhouse.auth import token_expiry
from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.throttle import Throttle
from backend.greenhouse.transport import Transport
from backend.infra.cache import make_cache
from backend.infra.ratelimit import RateLimiter
from tests.support.greenhouse import Sleeps

API = "https://harvest.test"
AUTH = "https://auth.test"


def token_reply(token: str = "tok-1", **extra: object) -> dict[str, object]:
    return {"access_token": token, "token_type": "Bearer", "expires_in": 3600, **extra}


@pytest.fixture
def mocked() -> responses.RequestsMock:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.post(f"{AUTH}/token", json=token_reply())
        yield rsps


def new_client(sleep: Sleeps, **options: object) -> GreenhouseClient:
    return GreenhouseClient(
        "cid",
        "secret",
        42,
        api_url=API,
        auth_url=AUTH,
        sleep=sleep,
        rng=random.Random(3),
        rate_limit=10_000,
        **options,
    )


def calls_to(rsps: responses.RequestsMock, path: str) -> list[responses.Call]:
    return [c for c in rsps.calls if urlsplit(c.request.url).path == path]


# --- retry policy ---------------------------------------------------------------------------------
def test_backoff_grows_exponentially_within_jittered_bounds() -> None:
    transport = Transport(API, rng=random.Random(5))
    error = errors.ServerError("boom", status=500)
    initial = defaults.GREENHOUSE_BACKOFF_INITIAL.total_seconds()
    ceiling = defaults.GREENHOUSE_BACKOFF_MAX.total_seconds()
    for attempt in range(8):
        step = min(ceiling, initial * 2**attempt)
        delay = transport._delay(attempt, error)
        assert step / 2 <= delay <= step


def test_429_waits_for_retry_after_then_succeeds(mocked: responses.RequestsMock) -> None:
    sleeps = Sleeps()
    mocked.get(f"{API}/v3/jobs", status=429, headers={"Retry-After": "7"})
    mocked.get(f"{API}/v3/jobs", json=[{"id": 1}])
    assert list(new_client(sleeps).jobs.iter()) == [{"id": 1}]
    jitter = defaults.GREENHOUSE_RETRY_AFTER_JITTER.total_seconds()
    assert any(7 <= s <= 7 + jitter for s in sleeps)


def test_retry_after_is_capped(mocked: responses.RequestsMock) -> None:
    sleeps = Sleeps()
    mocked.get(f"{API}/v3/jobs", status=429, headers={"Retry-After": "86400"})
    mocked.get(f"{API}/v3/jobs", json=[])
    list(new_client(sleeps).jobs.iter())
    cap = defaults.GREENHOUSE_RETRY_AFTER_MAX.total_seconds()
    assert max(sleeps) <= cap + defaults.GREENHOUSE_RETRY_AFTER_JITTER.total_seconds()


def test_429_without_retry_after_backs_off_and_retries(mocked: responses.RequestsMock) -> None:
    sleeps = Sleeps()
    mocked.get(f"{API}/v3/jobs", status=429)
    mocked.get(f"{API}/v3/jobs", json=[{"id": 2}])
    assert list(new_client(sleeps).jobs.iter()) == [{"id": 2}]
    assert len(calls_to(mocked, "/v3/jobs")) == 2
    assert sleeps and max(sleeps) <= defaults.GREENHOUSE_BACKOFF_INITIAL.total_seconds()


def test_server_errors_on_reads_are_retried_then_raised(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{API}/v3/jobs", status=503, json={"message": "down"})
    client = new_client(Sleeps(), max_retries=3)
    with pytest.raises(errors.ServerError):
        list(client.jobs.iter())
    assert len(calls_to(mocked, "/v3/jobs")) == 4


def test_other_client_errors_are_not_retried(mocked: responses.RequestsMock) -> None:
    body = {"message": "Unprocessable Content", "errors": [{"email": "is invalid"}]}
    mocked.get(f"{API}/v3/candidates", status=422, json=body)
    with pytest.raises(errors.ValidationFailed) as caught:
        new_client(Sleeps()).candidates.find_by_email("x")
    assert caught.value.field_errors == {"email": ["is invalid"]}
    assert len(calls_to(mocked, "/v3/candidates")) == 1


def test_connection_errors_on_reads_are_retried(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{API}/v3/jobs", body=requests.ConnectionError("reset by peer"))
    mocked.get(f"{API}/v3/jobs", json=[{"id": 3}])
    assert list(new_client(Sleeps()).jobs.iter()) == [{"id": 3}]


def test_unreadable_json_on_a_read_is_retried_then_raised(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{API}/v3/jobs", body="<html>gateway</html>", status=200)
    with pytest.raises(errors.MalformedResponse):
        list(new_client(Sleeps(), max_retries=1).jobs.iter())
    assert len(calls_to(mocked, "/v3/jobs")) == 2


# --- paging ---------------------------------------------------------------------------------------
def test_filters_go_on_the_first_page_only_and_the_cursor_is_followed_verbatim(
    mocked: responses.RequestsMock,
) -> None:
    nxt = f"{API}/v3/candidates?cursor=abc123"
    mocked.get(
        f"{API}/v3/candidates",
        json=[{"id": 9}, {"id": 8}],
        headers={"Link": f'<{nxt}>; rel="next"'},
    )
    mocked.get(f"{API}/v3/candidates", json=[{"id": 7}])
    rows = list(
        new_client(Sleeps()).candidates.iter(updated_at_gte="2026-01-01T00:00:00Z", per_page=2)
    )
    assert [r["id"] for r in rows] == [9, 8, 7]
    first, second = calls_to(mocked, "/v3/candidates")
    assert parse_qs(urlsplit(first.request.url).query) == {
        "updated_at": ["gte|2026-01-01T00:00:00Z"],
        "per_page": ["2"],
    }
    assert urlsplit(second.request.url).query == "cursor=abc123"


def test_truncated_page_is_fetched_again(mocked: responses.RequestsMock) -> None:
    nxt = f"{API}/v3/jobs?cursor=p2"
    mocked.get(f"{API}/v3/jobs", json=[{"id": 5}], headers={"Link": f'<{nxt}>; rel="next"'})
    mocked.get(f"{API}/v3/jobs", body='[{"id": 4}, {"id"', status=200)
    mocked.get(f"{API}/v3/jobs", json=[{"id": 4}, {"id": 3}])
    assert [r["id"] for r in new_client(Sleeps()).jobs.iter()] == [5, 4, 3]


def test_token_expiring_mid_page_is_renewed_and_the_same_cursor_requested(
    mocked: responses.RequestsMock,
) -> None:
    mocked.replace(responses.POST, f"{AUTH}/token", json=token_reply("tok-1"))
    mocked.add(responses.POST, f"{AUTH}/token", json=token_reply("tok-2"))
    nxt = f"{API}/v3/jobs?cursor=p2"
    mocked.get(f"{API}/v3/jobs", json=[{"id": 5}], headers={"Link": f'<{nxt}>; rel="next"'})
    mocked.get(f"{API}/v3/jobs", status=401, json={"message": "Unauthorized"})
    mocked.get(f"{API}/v3/jobs", json=[{"id": 4}])
    assert [r["id"] for r in new_client(Sleeps()).jobs.iter()] == [5, 4]
    pages = calls_to(mocked, "/v3/jobs")
    assert [urlsplit(c.request.url).query for c in pages[1:]] == ["cursor=p2", "cursor=p2"]
    assert pages[1].request.headers["Authorization"] == "Bearer tok-1"
    assert pages[2].request.headers["Authorization"] == "Bearer tok-2"


def test_a_second_401_is_an_authentication_error(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{API}/v3/jobs", status=401, json={"message": "Unauthorized"})
    with pytest.raises(errors.AuthenticationError):
        list(new_client(Sleeps()).jobs.iter())
    assert len(calls_to(mocked, "/v3/jobs")) == 2


def test_next_link_to_another_host_is_refused(mocked: responses.RequestsMock) -> None:
    evil = "https://evil.test/v3/jobs?cursor=x"
    mocked.get(f"{API}/v3/jobs", json=[{"id": 1}], headers={"Link": f'<{evil}>; rel="next"'})
    with pytest.raises(errors.MalformedResponse):
        list(new_client(Sleeps()).jobs.iter())


def test_relative_next_link_is_followed_on_the_api_host(mocked: responses.RequestsMock) -> None:
    mocked.get(
        f"{API}/v3/jobs", json=[{"id": 2}], headers={"Link": '</v3/jobs?cursor=p2>; rel="next"'}
    )
    mocked.get(f"{API}/v3/jobs", json=[{"id": 1}])
    assert [r["id"] for r in new_client(Sleeps()).jobs.iter()] == [2, 1]
    assert urlsplit(calls_to(mocked, "/v3/jobs")[1].request.url).query == "cursor=p2"


def test_next_link_spelling_the_api_host_differently_is_followed(
    mocked: responses.RequestsMock,
) -> None:
    nxt = "HTTPS://Harvest.TEST/v3/jobs?cursor=p2"
    mocked.get(f"{API}/v3/jobs", json=[{"id": 2}], headers={"Link": f'<{nxt}>; rel="next"'})
    mocked.get(f"{API}/v3/jobs", json=[{"id": 1}])
    assert [r["id"] for r in new_client(Sleeps()).jobs.iter()] == [2, 1]


def test_next_link_with_a_port_that_is_no_number_is_a_malformed_answer(
    mocked: responses.RequestsMock,
) -> None:
    nxt = "https://harvest.test:abc/v3/jobs?cursor=x"
    mocked.get(f"{API}/v3/jobs", json=[{"id": 1}], headers={"Link": f'<{nxt}>; rel="next"'})
    with pytest.raises(errors.MalformedResponse):
        list(new_client(Sleeps()).jobs.iter())


def test_next_link_to_another_port_is_refused(mocked: responses.RequestsMock) -> None:
    nxt = "https://harvest.test:8443/v3/jobs?cursor=x"
    mocked.get(f"{API}/v3/jobs", json=[{"id": 1}], headers={"Link": f'<{nxt}>; rel="next"'})
    with pytest.raises(errors.MalformedResponse):
        list(new_client(Sleeps()).jobs.iter())


def test_ids_are_sent_in_batches_of_fifty(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{API}/v3/candidates", json=[])
    new_client(Sleeps()).candidates.get_many(range(1, 121))
    sizes = [
        len(parse_qs(urlsplit(c.request.url).query)["ids"][0].split(","))
        for c in calls_to(mocked, "/v3/candidates")
    ]
    assert sizes == [50, 50, 20]


def test_per_page_above_the_maximum_is_refused_before_sending() -> None:
    with pytest.raises(ValueError):
        list(new_client(Sleeps()).candidates.iter(per_page=501))


# --- writes ---------------------------------------------------------------------------------------
def note_row(body: str, note_id: int = 77) -> dict[str, object]:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"id": note_id, "candidate_id": 5, "body": body, "type": "NOTE", "created_at": now}


def test_ambiguous_write_found_by_read_back_is_not_repeated(mocked: responses.RequestsMock) -> None:
    mocked.post(f"{API}/v3/notes", status=502, json={"message": "Bad Gateway"})
    mocked.get(f"{API}/v3/notes", json=[note_row("Hello")])
    note = new_client(Sleeps()).notes.add_note(5, "Hello")
    assert note["id"] == 77
    assert len(calls_to(mocked, "/v3/notes")) == 2  # one POST, one read-back


def test_ambiguous_write_missing_on_read_back_is_retried(mocked: responses.RequestsMock) -> None:
    mocked.post(f"{API}/v3/notes", body=requests.ReadTimeout("slow"))
    mocked.post(f"{API}/v3/notes", status=201, json=note_row("Hello", 78))
    mocked.get(f"{API}/v3/notes", json=[note_row("Other text")])
    assert new_client(Sleeps()).notes.add_note(5, "Hello")["id"] == 78
    posts = [c for c in calls_to(mocked, "/v3/notes") if c.request.method == "POST"]
    assert len(posts) == 2


def test_write_that_cannot_be_confirmed_is_not_repeated(mocked: responses.RequestsMock) -> None:
    mocked.post(f"{API}/v3/candidates", status=500, json={"message": "oops"})
    with pytest.raises(errors.ServerError) as caught:
        new_client(Sleeps()).candidates.create(first_name="No", last_name="Email")
    assert caught.value.outcome_unknown
    assert len(calls_to(mocked, "/v3/candidates")) == 1


def test_rate_limited_write_is_retried_without_read_back(mocked: responses.RequestsMock) -> None:
    created = {"candidate": {"id": 12}, "application": None}
    mocked.post(f"{API}/v3/candidates", status=429, headers={"Retry-After": "1"})
    mocked.post(f"{API}/v3/candidates", status=201, json=created)
    result = new_client(Sleeps()).candidates.create(
        first_name="A", last_name="B", email_addresses=["a@b.example"]
    )
    assert result["candidate"]["id"] == 12
    assert [c.request.method for c in calls_to(mocked, "/v3/candidates")] == ["POST", "POST"]


def test_create_accepts_a_bare_candidate_body(mocked: responses.RequestsMock) -> None:
    mocked.post(f"{API}/v3/candidates", status=201, json={"id": 13, "first_name": "A"})
    result = new_client(Sleeps()).candidates.create(first_name="A", last_name="B")
    assert result == {"candidate": {"id": 13, "first_name": "A"}, "application": None}


# --- tokens ---------------------------------------------------------------------------------------
def test_token_request_is_basic_auth_with_form_grant_and_sub(
    mocked: responses.RequestsMock,
) -> None:
    mocked.get(f"{API}/v3/jobs", json=[])
    list(new_client(Sleeps()).jobs.iter())
    token_call = calls_to(mocked, "/token")[0].request
    assert token_call.headers["Authorization"].startswith("Basic ")
    assert parse_qs(token_call.body) == {"grant_type": ["client_credentials"], "sub": ["42"]}
    api_call = calls_to(mocked, "/v3/jobs")[0].request
    assert api_call.headers["Authorization"] == "Bearer tok-1"
    assert "On-Behalf-Of" not in api_call.headers


def test_token_is_shared_per_client_and_sub_through_the_cache(
    mocked: responses.RequestsMock,
) -> None:
    mocked.get(f"{API}/v3/jobs", json=[])
    cache = make_cache(None)
    for _ in range(3):
        list(new_client(Sleeps(), cache=cache).jobs.iter())
    assert len(calls_to(mocked, "/token")) == 1
    other_user = GreenhouseClient("cid", "secret", 43, api_url=API, auth_url=AUTH, cache=cache)
    list(other_user.jobs.iter())
    assert len(calls_to(mocked, "/token")) == 2


def test_token_endpoint_refusal_is_an_authentication_error() -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(f"{AUTH}/token", status=401, json={"error": "invalid_client"})
        with pytest.raises(errors.AuthenticationError) as caught:
            new_client(Sleeps()).tokens.get()
    assert caught.value.oauth_error == "invalid_client"


def test_token_expiry_reads_expires_at_then_expires_in_then_assumes_an_hour() -> None:
    assert (
        token_expiry({"expires_at": "2026-09-01T10:00:00+00:00"}, 0)
        == datetime(2026, 9, 1, 10, tzinfo=UTC).timestamp()
    )
    assert token_expiry({"expires_in": 120}, 1000.0) == 1120.0
    assert (
        token_expiry({}, 1000.0) == 1000.0 + defaults.GREENHOUSE_TOKEN_DEFAULT_TTL.total_seconds()
    )


def test_token_is_renewed_a_minute_before_it_expires() -> None:
    now = [1_000.0]
    with responses.RequestsMock() as rsps:
        rsps.post(f"{AUTH}/token", json={"access_token": "t1", "expires_in": 300})
        rsps.post(f"{AUTH}/token", json={"access_token": "t2", "expires_in": 300})
        tokens = TokenProvider(
            "cid",
            "secret",
            42,
            auth_url=AUTH,
            transport=Transport(API, sleep=Sleeps()),
            cache=make_cache(None),
            clock=lambda: now[0],
        )
        assert tokens.get() == "t1"
        now[0] += 300 - defaults.GREENHOUSE_TOKEN_REFRESH_EARLY.total_seconds() - 1
        assert tokens.get() == "t1"
        now[0] += 2
        assert tokens.get() == "t2"


# --- throttle -------------------------------------------------------------------------------------
def test_throttle_adopts_the_limit_the_headers_state() -> None:
    throttle = Throttle("cid", limiter=RateLimiter(None), cache=make_cache(None), limit=50)
    throttle.observe({"X-RateLimit-Limit": "75", "X-RateLimit-Remaining": "70"})
    assert throttle.limit == 75


def test_throttle_pauses_every_worker_when_nothing_remains() -> None:
    now = [5_000.0]
    sleeps = Sleeps()
    cache, limiter = make_cache(None), RateLimiter(None)
    first = Throttle("cid", limiter=limiter, cache=cache, sleep=sleeps, clock=lambda: now[0])
    second = Throttle("cid", limiter=limiter, cache=cache, sleep=sleeps, clock=lambda: now[0])
    first.observe(
        {"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "5012"}
    )
    second.wait()
    assert sleeps[0] == pytest.approx(12.0)


def test_throttle_widens_a_window_shorter_than_the_server_says() -> None:
    now = [5_000.0]
    throttle = Throttle(
        "cid",
        limiter=RateLimiter(None),
        cache=make_cache(None),
        window_seconds=10,
        clock=lambda: now[0],
    )
    throttle.observe(
        {"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "40", "X-RateLimit-Reset": "5030"}
    )
    assert throttle.window_seconds == 30


def test_last_ambiguous_failure_is_still_read_back(mocked: responses.RequestsMock) -> None:
    mocked.post(f"{API}/v3/notes", status=503, json={"message": "down"})
    mocked.get(f"{API}/v3/notes", json=[])
    with pytest.raises(errors.ServerError) as caught:
        new_client(Sleeps(), max_retries=1).notes.add_note(5, "Hello")
    assert not caught.value.outcome_unknown  # read back: the note is not there
    methods = [c.request.method for c in calls_to(mocked, "/v3/notes")]
    assert methods == ["POST", "GET", "POST", "GET"]
