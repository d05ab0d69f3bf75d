"""The sandbox answers like Harvest v3, checked with plain `requests` (no client code)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime

import pytest
import requests

from backend.greenhouse.sandbox.server import SandboxHandle
from backend.greenhouse.sandbox.server import start_sandbox


@pytest.fixture(scope="module")
def sb() -> Iterator[SandboxHandle]:
    handle = start_sandbox(candidates=30, rate_limit=100_000, seed=11)
    yield handle
    handle.shutdown()


def token(sb: SandboxHandle, user_id: int | None = None) -> str:
    reply = requests.post(
        f"{sb.base_url}/token",
        auth=(sb.client_id, sb.client_secret),
        data={"grant_type": "client_credentials", "sub": str(user_id or sb.admin_user_id)},
        timeout=5,
    )
    reply.raise_for_status()
    return reply.json()["access_token"]


def get(sb: SandboxHandle, path: str, tok: str, **params: object) -> requests.Response:
    headers = {"Authorization": f"Bearer {tok}"}
    return requests.get(f"{sb.base_url}{path}", params=params, headers=headers, timeout=5)


@pytest.fixture(scope="module")
def admin(sb: SandboxHandle) -> str:
    return token(sb)


def test_token_endpoint_answers_expires_at_with_an_offset(sb: SandboxHandle) -> None:
    reply = requests.post(
        f"{sb.base_url}/token",
        auth=(sb.client_id, sb.client_secret),
        data={"grant_type": "client_credentials", "sub": str(sb.admin_user_id)},
        timeout=5,
    )
    body = reply.json()
    assert reply.status_code == 200 and body["access_token"]
    assert datetime.fromisoformat(body["expires_at"]).utcoffset() is not None


@pytest.mark.parametrize(
    ("auth", "form", "status", "code"),
    [
        (
            ("sandbox-client-id", "wrong"),
            {"grant_type": "client_credentials"},
            401,
            "invalid_client",
        ),
        (None, {"grant_type": "client_credentials"}, 401, "invalid_client"),
        ("ok", {"grant_type": "password"}, 400, "unsupported_grant_type"),
        ("ok", {"grant_type": "client_credentials", "sub": "999"}, 400, "invalid_grant"),
    ],
)
def test_token_endpoint_uses_oauth_error_codes(
    sb: SandboxHandle, auth: object, form: dict[str, str], status: int, code: str
) -> None:
    credentials = (sb.client_id, sb.client_secret) if auth == "ok" else auth
    reply = requests.post(f"{sb.base_url}/token", auth=credentials, data=form, timeout=5)
    assert (reply.status_code, reply.json()["error"]) == (status, code)


def test_expired_token_is_refused_with_a_v3_401_body() -> None:
    with start_sandbox(candidates=1, token_ttl_seconds=0.2) as short:
        tok = token(short)
        assert get(short, "/v3/jobs", tok).status_code == 200
        time.sleep(0.3)
        reply = get(short, "/v3/jobs", tok)
    assert reply.status_code == 401
    assert reply.json()["message"] == "Unauthorized" and reply.json()["errors"]


def test_missing_or_unknown_bearer_is_401(sb: SandboxHandle) -> None:
    assert requests.get(f"{sb.base_url}/v3/jobs", timeout=5).status_code == 401
    assert get(sb, "/v3/jobs", "not-a-token").json()["errors"] == ["Token could not be decoded"]


def test_lists_need_a_site_admin(sb: SandboxHandle) -> None:
    reply = get(sb, "/v3/candidates", token(sb, sb.plain_user_id))
    assert reply.status_code == 403
    assert "site admin" in reply.json()["errors"][0]


def test_lists_are_bare_arrays_paged_by_next_links_newest_first(
    sb: SandboxHandle, admin: str
) -> None:
    reply = get(sb, "/v3/candidates", admin, per_page=12)
    seen = []
    while True:
        assert isinstance(reply.json(), list)
        seen += [row["id"] for row in reply.json()]
        assert set(reply.links) <= {"next"}
        if "next" not in reply.links:
            break
        reply = requests.get(
            reply.links["next"]["url"], headers={"Authorization": f"Bearer {admin}"}, timeout=5
        )
    everyone = get(sb, "/v3/candidates", admin, per_page=500).json()
    assert seen == [row["id"] for row in everyone] and len(seen) >= 30
    assert seen == sorted(seen, reverse=True)


def test_cursor_with_other_parameters_is_422(sb: SandboxHandle, admin: str) -> None:
    cursor_url = get(sb, "/v3/candidates", admin, per_page=5).links["next"]["url"]
    reply = requests.get(
        cursor_url + "&per_page=5", headers={"Authorization": f"Bearer {admin}"}, timeout=5
    )
    assert reply.status_code == 422
    assert reply.json() == {
        "message": "Unprocessable Content",
        "errors": ["When passing a cursor, do not include other query params."],
    }


def test_per_page_over_500_is_422_with_a_field_error(sb: SandboxHandle, admin: str) -> None:
    reply = get(sb, "/v3/candidates", admin, per_page=600)
    assert reply.status_code == 422
    assert list(reply.json()["errors"][0]) == ["per_page"]


def test_more_than_50_ids_is_422(sb: SandboxHandle, admin: str) -> None:
    reply = get(sb, "/v3/candidates", admin, ids=",".join(str(i) for i in range(1, 52)))
    assert reply.status_code == 422


def test_date_filters_use_pipe_syntax(sb: SandboxHandle, admin: str) -> None:
    rows = get(sb, "/v3/candidates", admin, per_page=500).json()
    stamps = sorted(r["created_at"] for r in rows)
    window = f"gte|{stamps[5]}|lt|{stamps[9]}"
    chosen = get(sb, "/v3/candidates", admin, created_at=window).json()
    assert sorted(r["created_at"] for r in chosen) == stamps[5:9]
    assert get(sb, "/v3/candidates", admin, created_at="after|x").status_code == 422


def test_email_filter_is_exact_and_case_insensitive(sb: SandboxHandle, admin: str) -> None:
    row = get(sb, "/v3/candidates", admin, per_page=1).json()[0]
    email = row["email_addresses"][0]["value"]
    assert [r["id"] for r in get(sb, "/v3/candidates", admin, email=email.upper()).json()] == [
        row["id"]
    ]
    assert get(sb, "/v3/candidates", admin, email=email[1:]).json() == []


def test_seeded_organisation_is_deterministic_per_seed() -> None:
    def first_rows(seed: int) -> list[tuple[str, str]]:
        with start_sandbox(candidates=20, seed=seed) as one:
            rows = get(one, "/v3/candidates", token(one), per_page=20).json()
        return [(r["first_name"], r["email_addresses"][0]["value"]) for r in rows]

    assert first_rows(5) == first_rows(5)
    assert first_rows(5) != first_rows(6)


def test_seeded_candidates_have_emails_and_linkedin_urls(sb: SandboxHandle, admin: str) -> None:
    rows = get(sb, "/v3/candidates", admin, per_page=500).json()
    assert all(r["email_addresses"] for r in rows)
    assert all(
        r["social_media_addresses"][0]["value"].startswith("https://www.linkedin.com/in/")
        for r in rows
    )


def test_move_answers_204_without_a_body(sb: SandboxHandle, admin: str) -> None:
    headers = {"Authorization": f"Bearer {admin}"}
    app = next(
        a for a in get(sb, "/v3/applications", admin, per_page=500).json() if not a["prospect"]
    )
    reply = requests.post(
        f"{sb.base_url}/v3/applications/{app['id']}/move",
        json={"from_stage_id": app["stage_id"]},
        headers=headers,
        timeout=5,
    )
    assert (reply.status_code, reply.content) == (204, b"")
    stale = requests.post(
        f"{sb.base_url}/v3/applications/{app['id']}/move",
        json={"from_stage_id": app["stage_id"]},
        headers=headers,
        timeout=5,
    )
    assert stale.status_code == 422  # from_stage_id guards against a blind repeat


def test_unknown_body_keys_are_rejected_with_field_errors(sb: SandboxHandle, admin: str) -> None:
    reply = requests.post(
        f"{sb.base_url}/v3/candidates",
        json={"first_name": "A", "last_name": "B", "prospective_job_ids": [1]},
        headers={"Authorization": f"Bearer {admin}"},
        timeout=5,
    )
    assert reply.status_code == 422
    assert reply.json()["errors"] == [{"prospective_job_ids": "is not a permitted attribute"}]


def test_single_resource_get_is_404_as_in_v3(sb: SandboxHandle, admin: str) -> None:
    reply = get(sb, "/v3/candidates/1", admin)
    assert reply.status_code in (404, 405)
    assert "message" in reply.json()


def test_rate_limit_headers_and_429_with_retry_after() -> None:
    with start_sandbox(candidates=1, rate_limit=3, rate_window_seconds=30) as small:
        tok = token(small)
        replies = [get(small, "/v3/jobs", tok) for _ in range(4)]
    assert [r.headers["X-RateLimit-Remaining"] for r in replies] == ["2", "1", "0", "0"]
    assert all(r.headers["X-RateLimit-Limit"] == "3" for r in replies)
    assert replies[3].status_code == 429
    assert 1 <= int(replies[3].headers["Retry-After"]) <= 30
    assert small.counters()["rate_limited"] == 1


def test_faults_can_be_set_over_http_for_a_sandbox_in_another_process(
    sb: SandboxHandle, admin: str
) -> None:
    requests.post(f"{sb.base_url}/_sandbox/faults", json={"error_rate": 1.0}, timeout=5)
    try:
        assert get(sb, "/v3/jobs", admin).status_code in (500, 502, 503)
    finally:
        requests.post(f"{sb.base_url}/_sandbox/faults", json={"error_rate": 0.0}, timeout=5)
    assert get(sb, "/v3/jobs", admin).status_code == 200
    counters = requests.get(f"{sb.base_url}/_sandbox/counters", timeout=5).json()
    assert counters["fault_error"] == 1


def test_dropped_connection_gives_no_answer(sb: SandboxHandle, admin: str) -> None:
    sb.set_faults(drop_rate=1.0)
    try:
        with pytest.raises(requests.ConnectionError):
            get(sb, "/v3/jobs", admin)
    finally:
        sb.clear_faults()


def test_record_links_open_the_candidate(sb: SandboxHandle, admin: str) -> None:
    from backend.greenhouse.links import candidate_url

    row = get(sb, "/v3/candidates", admin, per_page=1).json()[0]
    page = requests.get(candidate_url(sb.base_url, row["id"], 5), timeout=5)
    assert page.status_code == 200 and page.json()["id"] == row["id"]
    assert page.headers["Content-Type"].startswith("application/json")
    assert requests.get(f"{sb.base_url}/people/0", timeout=5).status_code == 404
