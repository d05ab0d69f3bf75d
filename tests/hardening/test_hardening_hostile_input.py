"""Hostile input costs little: every bad body, page, id or header gets a 4xx in the one error
format, never a 5xx, each within a second (hypothesis' deadline holds each example to it)."""

from __future__ import annotations

import gzip
import json
import os
import stat
import time
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from tests.support.accounts import make_user
from tests.support.cli import run_cli
from tests.support.fake_dns import mx_zone
from tests.support.fake_dns import start_dns
from tests.support.processes import clean_env

PROFILE_URL = "https://www.linkedin.com/in/some-one/"
WITHIN = 1.0  # seconds per request
FUZZ = settings(
    max_examples=40,
    deadline=timedelta(seconds=WITHIN),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


@pytest.fixture(scope="module")
def dns():  # type: ignore[no-untyped-def]
    server = start_dns(mx_zone(["example-corp.test"]))
    yield server
    server.stop()


@pytest.fixture
def hostile(make_app, app_config, dns):  # type: ignore[no-untyped-def]
    """The app, an admin token and a member token; the request limit out of the way."""
    app = make_app(
        {
            **app_config,
            "DNS_NAMESERVERS": dns.address,
            "ALLOW_PRIVATE_NETWORKS": True,
            "API_RATE_LIMIT": "100000/minute",
        }
    )
    admin = {"Authorization": f"Bearer {make_user(app)[1]}"}
    member = {"Authorization": f"Bearer {make_user(app, 'member@example.com', admin=False)[1]}"}
    return app.test_client(), admin, member


def assert_refused(response, *statuses: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if statuses:
        assert response.status_code in statuses, (response.status_code, response.json)
    if response.status_code >= 400:
        assert {"code", "status", "message"} <= set(response.json), response.json
    return response.json


def timed(call):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    response = call()
    assert time.perf_counter() - started < WITHIN
    return response


# --- JSON --------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=30,
)


@FUZZ
@given(body=json_values)
def test_any_json_body_is_answered_without_a_5xx(hostile, body):
    client, admin, _ = hostile
    for method, path in (
        ("post", "/api/v1/lookups"),
        ("put", "/api/v1/integrations/greenhouse"),
    ):
        response = getattr(client, method)(path, json=body, headers=admin)
        assert_refused(response)


@FUZZ
@given(raw=st.binary(max_size=2000))
def test_any_bytes_sent_as_json_or_gzip_are_answered_without_a_5xx(hostile, raw):
    client, admin, _ = hostile
    plain = {**admin, "Content-Type": "application/json"}
    assert_refused(client.post("/api/v1/lookups", data=raw, headers=plain))
    zipped = {**plain, "Content-Encoding": "gzip"}
    assert_refused(client.post("/api/v1/lookups", data=raw, headers=zipped))
    assert_refused(client.post("/api/v1/lookups", data=gzip.compress(raw), headers=zipped))
    truncated = gzip.compress(raw)[: max(1, len(raw) // 2)]
    assert_refused(client.post("/api/v1/lookups", data=truncated, headers=zipped), 400, 422)


@pytest.mark.parametrize("depth", [65, 1_000, 100_000])
def test_json_nested_too_deep_is_a_422_not_a_recursion_error(hostile, depth):
    client, admin, _ = hostile
    raw = b"[" * depth + b"]" * depth
    headers = {**admin, "Content-Type": "application/json"}
    body = assert_refused(timed(lambda: client.post("/api/v1/lookups", data=raw, headers=headers)))
    assert body["code"] == 422 and "body" in body["errors"]
    nested: dict = {"x": 1}
    for _ in range(depth if depth < 1_000 else 900):
        nested = {"x": nested}
    deep_profile = {"url": PROFILE_URL, "profile": {"full_name": "A B", "layout": nested}}
    response = timed(lambda: client.post("/api/v1/lookups", json=deep_profile, headers=admin))
    assert assert_refused(response, 422)["errors"]


def test_json_nested_within_the_limit_is_still_read(hostile):
    client, admin, _ = hostile
    body = {"url": PROFILE_URL, "profile": {"full_name": "Ana Lopez", "positions": []}}
    assert client.post("/api/v1/lookups", json=body, headers=admin).status_code == 200


@pytest.mark.parametrize("field", ["html", "url"])
@FUZZ
@given(surrogate=st.characters(categories=["Cs"]))
def test_a_lone_surrogate_in_a_string_is_a_422_naming_the_field(hostile, field, surrogate):
    client, admin, _ = hostile
    body = {"url": PROFILE_URL, "html": "<main><h1>Ana Lopez</h1></main>"}
    body[field] = body[field] + surrogate
    raw = json.dumps(body).encode()  # ensure_ascii: the surrogate travels as a \\udXXX escape
    headers = {**admin, "Content-Type": "application/json"}
    answer = assert_refused(client.post("/api/v1/lookups", data=raw, headers=headers), 422)
    assert field in answer["errors"]


def test_a_body_that_is_not_utf8_is_refused_not_read_around_the_surrogate_check(hostile):
    client, admin, _ = hostile
    body = {"url": PROFILE_URL, "profile": {"full_name": "Ana Lee", "last_name": "Lee\ud800"}}
    headers = {**admin, "Content-Type": "application/json"}
    for encoding in ("utf-16-le", "utf-32"):
        raw = json.dumps(body).encode(encoding)
        assert_refused(client.post("/api/v1/lookups", data=raw, headers=headers), 400, 422)


def test_a_surrogate_pair_is_text_and_passes(hostile):
    client, admin, _ = hostile
    raw = (
        b'{"url": "' + PROFILE_URL.encode() + b'", "profile": {"full_name": "Ana \\ud83d\\ude00"}}'
    )
    headers = {**admin, "Content-Type": "application/json"}
    assert client.post("/api/v1/lookups", data=raw, headers=headers).status_code == 200


# --- HTML ----------------------------------------------------------------------------------------

html_fragments = st.lists(
    st.sampled_from(
        ["<div>", "</div>", "<h1>", "</h1>", "<section>", "<code>{", "</code>", "Ana Lopez", "<!--",
         "-->", "<li class='pv-entity'>", "&amp;", "&#0;", "<svg>", "<script>", "\x00", "é"]
    )
    | st.text(max_size=20),
    max_size=60,
)  # fmt: skip


@FUZZ
@given(parts=html_fragments)
def test_any_snapshot_html_is_answered_quickly_without_a_5xx(hostile, parts):
    client, admin, _ = hostile
    body = {"url": PROFILE_URL, "html": "".join(parts)}
    assert_refused(client.post("/api/v1/lookups", json=body, headers=admin))


def test_deeply_nested_html_is_refused_in_well_under_a_second(hostile):
    client, admin, _ = hostile
    html = "<main><h1>Ana Lopez</h1>" + "<div>" * 20_000 + "x" + "</div>" * 20_000 + "</main>"
    raw = gzip.compress(json.dumps({"url": PROFILE_URL, "html": html}).encode())
    headers = {**admin, "Content-Type": "application/json", "Content-Encoding": "gzip"}
    response = timed(lambda: client.post("/api/v1/lookups", data=raw, headers=headers))
    assert_refused(response, 422)


# --- Ids, URLs, headers ------------------------------------------------------------------------


@pytest.mark.parametrize("lookup_id", [2**63, 2**64 + 1, 10**40])
def test_ids_beyond_a_bigint_are_404s(hostile, lookup_id):
    client, admin, _ = hostile
    assert_refused(client.get(f"/api/v1/lookups/{lookup_id}", headers=admin), 404)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,<b>x</b>", "https://evil.example/in/x", "not a url"],
)
def test_profile_mode_urls_are_held_to_the_snapshot_rule(hostile, url):
    client, admin, _ = hostile
    body = {"url": url, "profile": {"full_name": "Ana Lopez"}}
    answer = assert_refused(client.post("/api/v1/lookups", json=body, headers=admin), 422)
    assert "url" in answer["errors"]


def test_every_response_says_nosniff(hostile):
    client, admin, _ = hostile
    for response in (
        client.get("/healthz"),
        client.get("/api/v1/me", headers=admin),
        client.get("/api/v1/me"),
        client.get("/api/v1/lookups/1", headers=admin),
        client.post("/api/v1/lookups", json={"url": 1}, headers=admin),
    ):
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_only_an_admin_may_test_the_greenhouse_connection(hostile):
    client, _, member = hostile
    assert_refused(client.post("/api/v1/integrations/greenhouse/test", headers=member), 403)


# --- Request limit -------------------------------------------------------------------------------


@pytest.fixture(params=["in-process", "redis"])
def limited(request, make_app, app_config):  # type: ignore[no-untyped-def]
    redis_url = ""
    if request.param == "redis":
        redis_url = os.environ.get("TEST_REDIS_URL", "")
        if not redis_url:
            pytest.skip("TEST_REDIS_URL is not set")
    config = {**app_config, "REDIS_URL": redis_url, "API_RATE_LIMIT": "3/minute"}
    return [make_app(config) for _ in range(2)]  # two workers sharing (or not) one store


def test_a_token_over_its_request_limit_gets_429_with_retry_after(limited):
    one, other = limited
    token = make_user(one, "limited@example.com")[1]
    someone_else = make_user(one, "other@example.com")[1]
    auth = {"Authorization": f"Bearer {token}"}
    # With Redis, the two apps (workers) count together; in-process each counts its own.
    shared = bool(one.extensions["sourcebridge"].settings.redis_url)
    clients = [one.test_client(), other.test_client() if shared else one.test_client()]
    statuses = [clients[i % 2].get("/api/v1/me", headers=auth).status_code for i in range(3)]
    assert statuses == [200, 200, 200]
    refused = clients[1].get("/api/v1/me", headers=auth)
    assert assert_refused(refused, 429)["code"] == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    fresh = one.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {someone_else}"})
    assert fresh.status_code == 200, "the limit is per token"


# --- Files ---------------------------------------------------------------------------------------


def test_the_instance_folder_and_its_files_are_private(tmp_path: Path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    (instance / "old.db").write_text("")
    (instance / "old.db").chmod(0o644)
    done = run_cli("migrate", env=clean_env(SOURCEBRIDGE_INSTANCE=str(instance)), timeout=120)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    files = [p for p in instance.iterdir() if p.is_file()]
    assert {"sourcebridge.db", "secret_key", "old.db"} <= {p.name for p in files}
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_a_revoked_token_stops_working_within_the_token_cache_time(make_app, app_config):
    from backend.store.models import ApiToken
    from backend.store.models import utcnow

    app = make_app({**app_config, "TOKEN_CACHE_SECONDS": 0.5})
    token = make_user(app, "soon-revoked@example.com")[1]
    auth = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    assert client.get("/api/v1/me", headers=auth).json["email"] == "soon-revoked@example.com"
    with app.extensions["sourcebridge"].db.session() as session:
        for row in session.query(ApiToken):
            row.revoked_at = utcnow()
    time.sleep(0.6)
    assert assert_refused(client.get("/api/v1/me", headers=auth), 401)["code"] == 401
