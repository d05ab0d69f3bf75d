"""A lookup's time budget: past it no new live Greenhouse question is started, so a slow
Greenhouse cannot hold a worker for the length of every question a lookup might ask."""

from __future__ import annotations

import time

import pytest

LATENCY = 2.0  # seconds the sandbox takes per /v3 call
BUDGET = 1.5  # seconds: the email is found and the first live question starts inside it


@pytest.fixture
def slow_greenhouse(make_app, gh_config, sandbox, deferred_tasks):  # type: ignore[no-untyped-def]
    from tests.support.accounts import make_user

    app = make_app({**gh_config, "LOOKUP_BUDGET_SECONDS": BUDGET})
    auth = {"Authorization": f"Bearer {make_user(app)[1]}"}
    sandbox.set_faults(latency=LATENCY)
    yield app, auth
    sandbox.clear_faults()


def test_a_slow_greenhouse_answers_unavailable_within_the_budget_and_one_question(
    slow_greenhouse, sandbox
):
    app, auth = slow_greenhouse
    profile = {
        "full_name": "Nadia Okafor",
        "first_name": "Nadia",
        "last_name": "Okafor",
        "company": "Revolut",
        "title": "Engineer",
    }
    body = {"url": "https://www.linkedin.com/in/nadia-okafor-x/", "profile": profile}
    client = app.test_client()
    before = sandbox.counters()["requests"]
    started = time.monotonic()
    answer = client.post("/api/v1/lookups", json=body, headers=auth).json
    took = time.monotonic() - started
    assert answer["email"]["address"] and len(answer["email"]["alternatives"]) >= 2
    assert answer["greenhouse"]["status"] == "unavailable"
    asked = sandbox.counters()["requests"] - before
    # one question at most was started in time (plus a token), not one per candidate address
    assert asked <= 2, asked
    assert took < BUDGET + LATENCY + 1.0, took
