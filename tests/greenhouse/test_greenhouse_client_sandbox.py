"""The client against the sandbox over real HTTP: resources, paging, auth, faults, pacing."""

from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import UTC
from datetime import datetime

import pytest
from greenhouse_support import make_client

from backend.greenhouse import errors
from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.sandbox.server import SandboxHandle
from backend.greenhouse.sandbox.server import start_sandbox
from backend.greenhouse.shapes import prospect_application
from backend.infra.cache import make_cache
from backend.infra.ratelimit import RateLimiter


def unique_email(prefix: str = "pat") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}@example.org"


def test_find_by_email_matches_any_address_ignoring_case(client: GreenhouseClient) -> None:
    email = unique_email()
    created = client.candidates.create(
        first_name="Pat",
        last_name="Lee",
        email_addresses=["work." + email, {"value": email, "type": "personal"}],
        social_media_addresses=["https://www.linkedin.com/in/pat-lee"],
    )["candidate"]
    found = client.candidates.find_by_email(email.upper())
    assert [c["id"] for c in found] == [created["id"]]
    assert found[0]["social_media_addresses"] == [{"value": "https://www.linkedin.com/in/pat-lee"}]
    assert client.candidates.find_by_email("nobody@nowhere.example") == []


def test_paging_returns_every_candidate_once_newest_first(client: GreenhouseClient) -> None:
    paged = [c["id"] for c in client.candidates.iter(per_page=7)]
    assert len(paged) == len(set(paged)) >= 60
    assert paged == sorted(paged, reverse=True)


def test_updated_at_window_selects_exactly_the_rows_inside(client: GreenhouseClient) -> None:
    everyone = list(client.candidates.iter())
    stamps = sorted(c["updated_at"] for c in everyone)
    low, high = stamps[10], stamps[40]
    window = list(client.candidates.iter(updated_at_gte=low, updated_at_lte=high, per_page=5))
    expected = {c["id"] for c in everyone if low <= c["updated_at"] <= high}
    assert {c["id"] for c in window} == expected


def test_get_many_fetches_by_id_across_batches(client: GreenhouseClient) -> None:
    ids = [c["id"] for c in client.candidates.iter()][:55]
    assert {c["id"] for c in client.candidates.get_many(ids)} == set(ids)
    assert client.candidates.get(ids[0])["id"] == ids[0]


def test_prospect_created_with_pool_stage_and_moved_on_reply(client: GreenhouseClient) -> None:
    pool = next(client.prospect_pools.iter())
    new, replied = client.prospect_pools.stages(pool["id"])[:3:2]
    result = client.candidates.create(
        first_name="Sam",
        last_name="Ng",
        email_addresses=[unique_email("sam")],
        application=prospect_application(
            job_ids=pool["job_ids"],
            prospect_pool_id=pool["id"],
            prospect_pool_stage_id=new["id"],
            prospect_owner_id=client.user_id,
        ),
    )
    app = result["application"]
    assert app["prospect"] is True and app["candidate_id"] == result["candidate"]["id"]
    client.applications.move_prospect(app["id"], pool["id"], replied["id"])
    [detail] = client.applications.prospect_details([app["id"]])
    assert (detail["pool_id"], detail["pool_stage_id"]) == (pool["id"], replied["id"])


def test_application_moves_through_stages_and_prospect_converts(client: GreenhouseClient) -> None:
    job = next(client.jobs.iter(status="open"))
    stages = sorted(client.jobs.stages(job["id"]), key=lambda s: s["sort_order"])
    person = client.candidates.create(first_name="Kai", last_name="Ito")["candidate"]
    app = client.applications.create(person["id"], job["id"])
    assert app["job_interview_stage_id"] == stages[0]["id"]
    client.applications.move_to_stage(app["id"], stages[2]["id"])
    assert client.applications.get(app["id"])["job_interview_stage_id"] == stages[2]["id"]
    assert any(a["id"] == app["id"] for a in client.applications.list_by_job(job["id"]))

    prospect = client.applications.create(person["id"], prospect=True, job_ids=[job["id"]])
    converted = client.applications.convert_to_candidate(prospect["id"], job["id"])
    assert converted["prospect"] is False and converted["job_id"] == job["id"]
    assert client.applications.get(prospect["id"])["status"] == "converted"


def test_notes_of_each_type_keep_visibility(client: GreenhouseClient) -> None:
    person = client.candidates.create(first_name="Ana", last_name="Costa")["candidate"]
    client.notes.add_note(person["id"], "Met at meetup", visibility="private")
    client.notes.add_activity(person["id"], "Added to sequence Q3", visibility="admin_only")
    email = client.notes.log_email(
        person["id"],
        subject="Hello",
        body="Hi Ana",
        email_from="recruiter@acme.example",
        email_to=["ana@example.org"],
    )
    assert email["type"] == "EMAIL" and email["email_to"] == "ana@example.org"
    feed = {n["type"]: n["visibility"] for n in client.notes.iter(candidate_ids=[person["id"]])}
    assert feed == {
        "NOTE": "privately_visible",
        "ACTIVITY": "admin_only_visible",
        "EMAIL": "publicly_visible",
    }


def test_employments_are_created_listed_and_deleted(client: GreenhouseClient) -> None:
    person = client.candidates.create(first_name="Leo", last_name="Berg")["candidate"]
    old = client.employments.create(
        person["id"],
        company_name="Globex",
        title="Engineer",
        start_date="2019-01-01",
        end_date="2021-06-01",
    )
    client.employments.create(person["id"], company_name="Initech", title="Staff Engineer")
    assert {e["company_name"] for e in client.employments.list(person["id"])} == {
        "Globex",
        "Initech",
    }
    client.employments.delete(old["id"])
    assert [e["company_name"] for e in client.employments.list(person["id"])] == ["Initech"]


def test_tags_custom_fields_and_users(client: GreenhouseClient) -> None:
    person = client.candidates.create(first_name="Uma", last_name="Rossi")["candidate"]
    tag = client.tags.create(f"Sourced {uuid.uuid4().hex[:6]}")
    applied = client.tags.apply(person["id"], tag["id"])
    assert client.candidates.get(person["id"])["tags"] == [tag["name"]]
    client.tags.remove(applied["id"])
    assert list(client.tags.applied([person["id"]])) == []

    fields = {f["name_key"]: f for f in client.custom_fields.iter(field_type="candidate")}
    options = list(client.custom_fields.options(custom_field_key="outreach_status"))
    assert {o["custom_field_id"] for o in options} == {fields["outreach_status"]["id"]}
    patched = client.candidates.patch(
        person["id"], custom_fields=[{"name_key": "outreach_status", "value": options[0]["name"]}]
    )
    assert patched["custom_fields"]["outreach_status"]["value"] == options[0]["name"]

    me = client.users.me()
    assert me["id"] == client.user_id and me["site_admin"] is True
    assert client.candidate_url(5, 7) == "https://app.greenhouse.io/people/5?application_id=7"


def test_validation_errors_name_the_fields(client: GreenhouseClient) -> None:
    with pytest.raises(errors.ValidationFailed) as caught:
        client.candidates.create(first_name="Only", last_name="", email_addresses=["x@y.example"])
    assert "last_name" in caught.value.field_errors


def test_lists_as_a_user_who_is_not_site_admin_are_forbidden(sandbox: SandboxHandle) -> None:
    plain = make_client(sandbox, user_id=sandbox.plain_user_id)
    with pytest.raises(errors.PermissionDenied) as caught:
        plain.candidates.find_by_email("a@b.example")
    assert caught.value.not_site_admin
    # Writes do not need a site admin.
    assert plain.candidates.create(first_name="W", last_name="Rite")["candidate"]["id"]


def test_revoked_token_mid_paging_is_replaced_and_paging_continues(sandbox: SandboxHandle) -> None:
    client = make_client(sandbox)
    rows = client.candidates.iter(per_page=10)
    first = [next(rows)["id"] for _ in range(10)]
    sandbox.expire_tokens()
    rest = [row["id"] for row in rows]
    assert len(first + rest) == len(set(first + rest)) >= 60
    assert client.tokens.minted == 2


def test_faults_never_create_a_second_candidate(sandbox: SandboxHandle) -> None:
    client = make_client(sandbox, max_retries=8)
    emails = [unique_email("fault") for _ in range(25)]
    sandbox.set_faults(error_rate=0.25, drop_rate=0.15)
    try:
        created = [
            client.candidates.create(first_name="F", last_name=str(i), email_addresses=[email])
            for i, email in enumerate(emails)
        ]
    finally:
        sandbox.clear_faults()
    counts = sandbox.counters()
    assert counts["fault_error"] + counts["fault_drop"] > 0
    assert all(counts["created_per_email"][e] == 1 for e in emails)
    assert len({c["candidate"]["id"] for c in created}) == len(emails)


def test_slow_answers_time_out_and_are_retried_then_reported(sandbox: SandboxHandle) -> None:
    client = make_client(sandbox, timeout=(2.0, 0.1), max_retries=1)
    client.tokens.get()
    sandbox.set_faults(latency=0.3)
    try:
        with pytest.raises(errors.APIConnectionError) as caught:
            list(client.jobs.iter())
    finally:
        sandbox.clear_faults()
    assert caught.value.timeout
    assert client.transport.retries == 1


def test_a_429_storm_is_waited_out() -> None:
    with start_sandbox(candidates=5, rate_limit=1000) as sandbox:
        client = make_client(sandbox, sleep=time.sleep)
        client.tokens.get()
        sandbox.set_faults(storm_seconds=1.0, storm_retry_after=1)
        assert len(list(client.jobs.iter())) == 4
        assert sandbox.counters()["rate_limited"] >= 1


def test_pacing_from_headers_avoids_429s_even_when_the_limit_was_unknown() -> None:
    with start_sandbox(candidates=5, rate_limit=6, rate_window_seconds=1) as sandbox:
        # The client assumes a far higher limit; the first answer's headers correct it.
        client = make_client(sandbox, sleep=time.sleep, rate_limit=500, rate_window_seconds=1)
        started = time.monotonic()
        for _ in range(14):
            client.users.me()
        assert sandbox.counters()["rate_limited"] == 0
        assert client.throttle.limit == 6
        assert time.monotonic() - started >= 1.0


def _hammer(clients: list[GreenhouseClient], calls_each: int) -> None:
    threads = [
        threading.Thread(target=lambda c=c: [c.users.me() for _ in range(calls_each)])
        for c in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)


def test_workers_sharing_a_limiter_stay_under_one_limit() -> None:
    with start_sandbox(candidates=5, rate_limit=8, rate_window_seconds=1) as sandbox:
        cache, limiter = make_cache(None), RateLimiter(None)
        clients = [
            make_client(
                sandbox,
                sleep=time.sleep,
                cache=cache,
                limiter=limiter,
                rate_limit=8,
                rate_window_seconds=1,
            )
            for _ in range(3)
        ]
        _hammer(clients, 7)
        assert sandbox.counters()["rate_limited"] == 0
        assert sandbox.state.counters["token_requests"] == 1


@pytest.mark.redis
def test_workers_sharing_redis_stay_under_one_limit() -> None:
    redis_url = os.environ.get("TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("TEST_REDIS_URL is not set")
    prefix = f"test-gh-{uuid.uuid4().hex}"
    with start_sandbox(candidates=5, rate_limit=8, rate_window_seconds=1) as sandbox:
        clients = [
            make_client(
                sandbox,
                sleep=time.sleep,
                cache=make_cache(redis_url, prefix=f"{prefix}:"),
                limiter=RateLimiter(redis_url, prefix=prefix),
                rate_limit=8,
                rate_window_seconds=1,
            )
            for _ in range(3)
        ]
        _hammer(clients, 7)
        assert sandbox.counters()["rate_limited"] == 0
        assert sandbox.state.counters["token_requests"] == 1


def test_created_records_carry_server_timestamps(client: GreenhouseClient) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    person = client.candidates.create(first_name="T", last_name="S")["candidate"]
    created = datetime.fromisoformat(person["created_at"].replace("Z", "+00:00"))
    assert created >= before
