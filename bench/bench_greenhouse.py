"""Greenhouse client under a tight rate limit: paging 10,000 candidates and creating 500 prospects.

On the sandbox (real HTTP on 127.0.0.1), limited to 50 requests per 10 s window per credential,
from 1 process and from 3 processes sharing Redis (one token, one request budget). Baseline,
measured in the same run: 3 processes that each pace themselves alone (no shared budget).
A last run injects faults (5xx, dropped connections) and counts duplicate candidates.

Figures: requests made vs the minimum needed, achieved rate as a fraction of the allowed rate,
429s received, duplicates created. `BENCH_QUICK=1` runs a small smoke version.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import time
import uuid
from pathlib import Path
from typing import Any

LIMIT = 50
WINDOW = 10.0
QUICK = os.environ.get("BENCH_QUICK") == "1"
CANDIDATES = 1_000 if QUICK else 10_000
PROSPECTS = 60 if QUICK else 500
SIDE_RUN_PROSPECTS = 40 if QUICK else 150
PER_PAGE = 500
RESULTS = Path(__file__).parent / "results" / "greenhouse.json"


def _redis_url() -> str | None:
    url = (
        os.environ.get("REDIS_URL")
        or os.environ.get("TEST_REDIS_URL")
        or "redis://127.0.0.1:6379/0"
    )
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any failure means "no Redis for this run"
        return None
    return url


def worker(task: dict[str, Any]) -> dict[str, Any]:
    """One process: build a client, wait for the common start, page and/or create prospects."""
    from backend.greenhouse.client import GreenhouseClient
    from backend.greenhouse.errors import GreenhouseError
    from backend.greenhouse.shapes import prospect_application
    from backend.infra.cache import make_cache
    from backend.infra.ratelimit import RateLimiter

    redis_url, prefix = task["redis_url"], task["prefix"]
    client = GreenhouseClient(
        task["client_id"],
        task["client_secret"],
        task["user_id"],
        api_url=task["base_url"],
        auth_url=task["base_url"],
        cache=make_cache(redis_url, prefix=f"{prefix}:") if redis_url else make_cache(None),
        limiter=RateLimiter(redis_url, prefix=prefix) if redis_url else RateLimiter(None),
        rate_limit=LIMIT,
        rate_window_seconds=WINDOW,
        max_retries=8,
    )
    client.tokens.get()
    time.sleep(max(0.0, task["start_at"] - time.time()))
    started = time.time()
    paged = sum(1 for _ in client.candidates.iter(per_page=PER_PAGE)) if task["page"] else 0
    errors = 0
    for email in task["emails"]:
        try:
            client.candidates.create(
                first_name="Bench",
                last_name=email.split("@")[0],
                email_addresses=[email],
                social_media_addresses=[f"https://www.linkedin.com/in/{email.split('@')[0]}"],
                application=prospect_application(
                    prospect_pool_id=task["pool_id"], prospect_pool_stage_id=task["pool_stage_id"]
                ),
            )
        except GreenhouseError:
            errors += 1
    return {
        "started": started,
        "finished": time.time(),
        "paged": paged,
        "created": len(task["emails"]) - errors,
        "errors": errors,
        "sent": client.transport.requests_sent,
    }


def scenario(
    name: str,
    *,
    processes: int,
    prospects: int,
    page: bool,
    redis_url: str | None,
    faults: dict[str, float] | None = None,
) -> dict[str, Any]:
    from backend.greenhouse.sandbox.server import start_sandbox

    handle = start_sandbox(
        candidates=CANDIDATES if page else 10, rate_limit=LIMIT, rate_window_seconds=WINDOW
    )
    try:
        pool = next(iter(handle.state.tables["prospect_pools"].values()))
        stage = next(
            s
            for s in handle.state.tables["prospect_pool_stages"].values()
            if s["prospect_pool_id"] == pool["id"]
        )
        run_id = uuid.uuid4().hex[:8]
        emails = [f"bench-{run_id}-{i}@example.org" for i in range(prospects)]
        prefix = f"bench-gh-{run_id}"
        if faults:
            handle.set_faults(**faults)
        context = multiprocessing.get_context("spawn")
        with context.Pool(processes) as workers:
            start_at = time.time() + 3.0
            tasks = [
                {
                    "redis_url": redis_url,
                    "prefix": prefix,
                    "client_id": handle.client_id,
                    "client_secret": handle.client_secret,
                    "user_id": handle.admin_user_id,
                    "base_url": handle.base_url,
                    "start_at": start_at,
                    "page": page and index == 0,
                    "emails": emails[index::processes],
                    "pool_id": pool["id"],
                    "pool_stage_id": stage["id"],
                }
                for index in range(processes)
            ]
            results = workers.map(worker, tasks)
        counters = handle.counters()
    finally:
        handle.shutdown()
    elapsed = max(r["finished"] for r in results) - min(r["started"] for r in results)
    pages = math.ceil(CANDIDATES / PER_PAGE) if page else 0
    minimum = pages + prospects
    api_requests = counters["requests"]
    accepted = api_requests - counters["rate_limited"]
    allowed = LIMIT / WINDOW
    # Time at exactly the allowed rate: a full window at once, then one window per `LIMIT`.
    paced = (math.ceil(minimum / LIMIT) - 1) * WINDOW
    return {
        "scenario": name,
        "processes": processes,
        "paged": sum(r["paged"] for r in results),
        "prospects_created": sum(r["created"] for r in results),
        "create_errors": sum(r["errors"] for r in results),
        "requests": api_requests,
        "minimum_requests": minimum,
        "elapsed_s": round(elapsed, 1),
        "rate_per_s": round(accepted / elapsed, 2),
        "allowed_per_s": allowed,
        # Achieved rate over the allowed rate, not counting the first window's burst (which
        # any client gets for free), so a run cannot score above 1 by bursting at the start.
        "rate_fraction": round((accepted - LIMIT) / elapsed / allowed, 3),
        "raw_rate_fraction": round(accepted / elapsed / allowed, 3),
        "paced_elapsed_s": paced,
        "http_429": counters["rate_limited"],
        "duplicates": len(counters["duplicates"]),
        "faults": {k: v for k, v in counters.items() if k.startswith("fault_")},
        "token_requests": counters.get("token_requests", 0),
    }


def main() -> None:
    redis_url = _redis_url()
    print(
        f"sandbox: {LIMIT} requests / {WINDOW:g} s per credential; {CANDIDATES} candidates, "
        f"{PROSPECTS} prospects, per_page {PER_PAGE}; Redis: {redis_url or 'unavailable'}",
        flush=True,
    )
    runs = [dict(name="1 process", processes=1, prospects=PROSPECTS, page=True, redis_url=None)]
    if redis_url:
        runs += [
            dict(name="3 processes, shared Redis", processes=3, prospects=PROSPECTS, page=True,
                 redis_url=redis_url),
            dict(name="baseline: 3 processes, unshared", processes=3,
                 prospects=SIDE_RUN_PROSPECTS, page=False, redis_url=None),
            dict(name="3 processes, shared Redis, faults", processes=3,
                 prospects=SIDE_RUN_PROSPECTS, page=False, redis_url=redis_url,
                 faults={"error_rate": 0.05, "drop_rate": 0.03}),
        ]  # fmt: skip
    else:
        print("Redis unavailable: the 3-process runs are skipped", flush=True)
    rows = []
    for run in runs:
        name = run.pop("name")
        print(f"-- {name} …", flush=True)
        row = scenario(name, **run)
        rows.append(row)
        print(
            f"   requests {row['requests']} (minimum {row['minimum_requests']}); "
            f"{row['elapsed_s']} s ({row['paced_elapsed_s']:g} s at the allowed pace); "
            f"{row['rate_per_s']}/s of {row['allowed_per_s']}/s allowed: rate fraction "
            f"{row['rate_fraction']} after the first window ({row['raw_rate_fraction']} raw); "
            f"429s {row['http_429']}; duplicates {row['duplicates']}; "
            f"create errors {row['create_errors']}; faults {row['faults'] or '-'}",
            flush=True,
        )
    baseline = next((r for r in rows if r["scenario"].startswith("baseline")), None)
    shared = next((r for r in rows if r["scenario"] == "3 processes, shared Redis"), None)
    if baseline and shared:
        print(
            f"shared budget vs baseline: 429s {shared['http_429']} vs {baseline['http_429']}; "
            f"requests {shared['requests']}/{shared['minimum_requests']} vs "
            f"{baseline['requests']}/{baseline['minimum_requests']}",
            flush=True,
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2))
    print(f"figures written to {RESULTS}", flush=True)


if __name__ == "__main__":
    main()
