"""Error bodies and statuses map onto the documented exception tree."""

from __future__ import annotations

import json
from datetime import UTC
from datetime import datetime

import pytest
import requests

from backend.greenhouse import errors
from backend.greenhouse.links import candidate_url


def response(status: int, body: object, headers: dict[str, str] | None = None) -> requests.Response:
    resp = requests.Response()
    resp.status_code = status
    resp._content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    resp.headers.update(headers or {})
    return resp


def test_v3_errors_split_into_plain_messages_and_field_messages() -> None:
    body = {
        "message": "Unprocessable Content",
        "errors": [
            "When passing a cursor, do not include other query params.",
            {"per_page": "too big"},
        ],
    }
    message, messages, fields = errors.parse_error_body(body)
    assert message == "Unprocessable Content"
    assert messages == ["When passing a cursor, do not include other query params."]
    assert fields == {"per_page": ["too big"]}


def test_v1_error_shape_is_read_as_field_messages() -> None:
    body = {
        "message": "Validation error",
        "errors": [{"message": "Must be one of: a", "field": "type"}],
    }
    assert errors.parse_error_body(body)[2] == {"type": ["Must be one of: a"]}


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, errors.BadRequest),
        (401, errors.AuthenticationError),
        (403, errors.PermissionDenied),
        (404, errors.NotFound),
        (409, errors.BadRequest),
        (422, errors.ValidationFailed),
        (429, errors.RateLimited),
        (500, errors.ServerError),
        (503, errors.ServerError),
    ],
)
def test_each_status_maps_to_its_class(status: int, kind: type) -> None:
    error = errors.error_from_response(response(status, {"message": "x"}))
    assert type(error) is kind
    assert isinstance(error, errors.GreenhouseError)
    assert error.status == status


def test_oauth_refusal_is_an_authentication_error_with_its_code() -> None:
    error = errors.error_from_response(response(400, {"error": "invalid_grant"}))
    assert isinstance(error, errors.AuthenticationError)
    assert error.oauth_error == "invalid_grant"


def test_forbidden_for_a_user_who_is_not_site_admin_is_recognised() -> None:
    body = {"message": "Forbidden", "errors": ["The acting user is not a site admin"]}
    assert errors.error_from_response(response(403, body)).not_site_admin
    scope = {"message": "Forbidden", "errors": ["Missing scope harvest:jobs:list"]}
    assert not errors.error_from_response(response(403, scope)).not_site_admin


def test_rate_limited_carries_retry_after_and_none_when_missing() -> None:
    assert errors.error_from_response(response(429, "", {"Retry-After": "7"})).retry_after == 7
    assert errors.error_from_response(response(429, "")).retry_after is None


def test_retry_after_as_an_http_date_is_read_as_the_seconds_until_then() -> None:
    now = datetime(2026, 12, 2, 10, 0, 0, tzinfo=UTC)
    later = response(429, "", {"Retry-After": "Wed, 02 Dec 2026 10:00:30 GMT"})
    assert errors.retry_after_of(later, now) == 30
    past = response(429, "", {"Retry-After": "Wed, 02 Dec 2026 09:59:00 GMT"})
    assert errors.retry_after_of(past, now) == 0
    assert errors.retry_after_of(response(429, "", {"Retry-After": "soon"}), now) is None


def test_unreadable_error_body_still_gives_a_typed_error() -> None:
    error = errors.error_from_response(response(502, "<html>Bad gateway</html>"))
    assert isinstance(error, errors.ServerError)
    assert error.body.startswith("<html>")


def test_candidate_url_links_the_person_and_optionally_the_application() -> None:
    assert candidate_url("https://app.greenhouse.io/", 15) == "https://app.greenhouse.io/people/15"
    assert (
        candidate_url("https://app.greenhouse.io", 15, 71)
        == "https://app.greenhouse.io/people/15?application_id=71"
    )
