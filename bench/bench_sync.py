"""The Greenhouse sync engine under a tight rate limit: 500 Recruiter contacts, each synced as a
prospect on a pool stage with 5 employments and 2 EMAIL notes, by 1 and by 3 queue consumers.

Real parts: the outbox in a real database (PostgreSQL when reachable, else SQLite), consumers in
separate processes sharing the rate budget and the catalog cache in Redis, the sandbox over HTTP
limited to 50 requests per 10 s. A last run injects faults (5xx, dropped connections) and kills
nothing but counts duplicates. Baseline in the same run: the minimum number of requests (per
contact: 1 email lookup + 1 create + 5 employments + 2 notes; once: the pool catalog).

Figures: requests vs the minimum, achieved rate ÷ allowed (after the first window's free burst),
429s, duplicate candidates / notes / employments. `BENCH_QUICK=1` runs 60 contacts.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import secrets
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.services import local_redis_url

LIMIT = 50
WINDOW = 10.0
QUICK = os.environ.get("BENCH_QUICK") == "1"
CONTACTS = 60 if QUICK else 500
FAULT_CONTACTS = 40 if QUICK else 150
PER_CONTACT = 1 + 1 + 5 + 2
"""Requests a contact needs at least: email lookup, create with the prospect application,
5 employments, 2 notes (the target is stored with its names: no catalog read)."""
RESULTS = Path(__file__).parent / "results" / "sync.json"
ROLES = [
    {"title": f"Role {i}", "company": f"Company {i}", "start": f"{2020 - 2 * i}-01",
     "end": None if i == 0 else f"{2021 - 2 * i}-12", "current": i == 0}
    for i in range(6)
]  # fmt: skip


def _database() -> tuple[str, Any]:
    """A fresh database for one run (PostgreSQL if reachable) and a function dropping it."""
    admin = os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
    try:
        import psycopg

        name = f"sb_bench_{secrets.token_hex(4)}"
        with psycopg.connect(admin, autocommit=True, connect_timeout=2) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return f"{admin.rpartition('/')[0]}/{name}", drop
    except Exception:  # noqa: BLE001 - no PostgreSQL: a SQLite file
        path = Path("/tmp") / f"sb_bench_{secrets.token_hex(4)}.db"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)


def seed(url: str, contacts: int, pool: dict[str, int]) -> None:
    """The team, its sequence and contacts, and their events read into the outbox."""
    from datetime import UTC
    from datetime import datetime

    from backend.sequences.events import append_event
    from backend.store.database import Database
    from backend.store.migrations import upgrade
    from backend.store.models import Account
    from backend.store.models import Contact
    from backend.store.models import Enrollment
    from backend.store.models import GreenhouseIntegration
    from backend.store.models import Sequence
    from backend.sync.outbox import decide_new_events

    upgrade(url)
    db = Database(url)
    with db.session() as session:
        account = Account(name="Bench team")
        session.add(account)
        session.flush()
        connected = datetime(2026, 1, 1, tzinfo=UTC)
        session.add(GreenhouseIntegration(account_id=account.id, sync_mode="on_add",
                                          custom_field_map={}, connected_at=connected))  # fmt: skip
        sequence = Sequence(account_id=account.id, name="Bench")
        session.add(sequence)
        session.flush()
        for i in range(contacts):
            email = f"bench-{secrets.token_hex(3)}-{i}@example.org"
            contact = Contact(account_id=account.id, email=email, emails=[email],
                              first_name="Bench", last_name=f"Person {i}", source="recruiter",
                              profile={"source": "recruiter", "full_name": f"Bench Person {i}",
                                       "positions": ROLES})  # fmt: skip
            session.add(contact)
            session.flush()
            enrollment = Enrollment(account_id=account.id, sequence_id=sequence.id,
                                    contact_id=contact.id, gh_target=pool,
                                    active_key=email)  # fmt: skip
            session.add(enrollment)
            session.flush()
            for n, kind in enumerate(("enrolled", "email_sent", "email_sent")):
                data = {"subject": f"Step {n}", "body": f"Hello {i}", "from": "rec@team.example",
                        "to": [email]} if kind == "email_sent" else {}  # fmt: skip
                append_event(session, account_id=account.id, type=kind, at=datetime.now(UTC),
                             dedupe_key=f"{kind}:{enrollment.id}:{n}",
                             enrollment_id=enrollment.id, contact_id=contact.id,
                             data=data)  # fmt: skip
        session.flush()
        while decide_new_events(session, lambda account_id: True):
            pass
    db.dispose()


def consumer(task: dict[str, Any]) -> dict[str, Any]:
    """One queue consumer process: perform due outbox rows until none are left."""
    from sqlalchemy import func
    from sqlalchemy import select

    from backend.greenhouse.client import GreenhouseClient
    from backend.infra.cache import make_cache
    from backend.infra.ratelimit import RateLimiter
    from backend.store.database import Database
    from backend.store.models import SyncJob
    from backend.sync.catalog import Catalog
    from backend.sync.executor import Executor
    from backend.sync.outbox import perform_due

    redis_url, prefix = task["redis_url"], task["prefix"]
    cache = make_cache(redis_url, prefix=f"{prefix}:") if redis_url else make_cache(None)
    client = GreenhouseClient(
        task["client_id"], task["client_secret"], task["user_id"],
        api_url=task["base_url"], auth_url=task["base_url"], cache=cache,
        limiter=RateLimiter(redis_url, prefix=prefix) if redis_url else RateLimiter(None),
        rate_limit=LIMIT, rate_window_seconds=WINDOW, max_retries=8,
    )  # fmt: skip
    executor = Executor(client, Catalog(client, cache))
    db = Database(task["database_url"])
    client.tokens.get()
    time.sleep(max(0.0, task["start_at"] - time.time()))
    started = time.time()
    totals: Counter[str] = Counter()
    while True:
        with db.session() as session:
            report = perform_due(session, lambda account_id: executor, limit_contacts=20)
            totals.update(performed=report.performed, done=report.done, failed=report.failed,
                          retrying=report.retrying)  # fmt: skip
            if report.performed:
                continue
            left = session.scalar(
                select(func.count()).select_from(SyncJob).where(SyncJob.status == "running")
            )
        if not left:
            break
        time.sleep(0.2)  # another consumer holds the last rows
    finished = time.time()
    db.dispose()
    return {"started": started, "finished": finished, "sent": client.transport.requests_sent,
            **totals}  # fmt: skip


def scenario(
    name: str, *, processes: int, contacts: int, redis_url: str | None, faults: dict | None = None
) -> dict[str, Any]:
    from backend.greenhouse.sandbox.server import start_sandbox

    handle = start_sandbox(candidates=10, rate_limit=LIMIT, rate_window_seconds=WINDOW)
    url, drop = _database()
    try:
        tables = handle.state.tables
        pool = next(iter(tables["prospect_pools"].values()))
        stage = next(s for s in tables["prospect_pool_stages"].values()
                     if s["prospect_pool_id"] == pool["id"])  # fmt: skip
        target = {"pool_id": pool["id"], "pool_stage_id": stage["id"], "pool_name": pool["name"],
                  "stage_name": stage["name"]}  # fmt: skip
        seed(url, contacts, target)
        if faults:
            handle.set_faults(**faults)
        prefix = f"bench-sync-{secrets.token_hex(4)}"
        context = multiprocessing.get_context("spawn")
        with context.Pool(processes) as workers:
            start_at = time.time() + 3.0
            task = {"redis_url": redis_url, "prefix": prefix, "client_id": handle.client_id,
                    "client_secret": handle.client_secret, "user_id": handle.admin_user_id,
                    "base_url": handle.base_url, "database_url": url,
                    "start_at": start_at}  # fmt: skip
            results = workers.map(consumer, [task] * processes)
        counters = handle.counters()
        with handle.state.lock:
            notes = Counter((n["candidate_id"], n["subject"]) for n in tables["notes"].values())
            roles = Counter(
                (e["candidate_id"], e["company_name"])
                for e in tables["candidate_employments"].values()
            )
            created = sum(1 for c in tables["candidates"].values() if c["id"] >= 10_000_011)
    finally:
        handle.shutdown()
        drop()
    elapsed = max(r["finished"] for r in results) - min(r["started"] for r in results)
    minimum = contacts * PER_CONTACT
    accepted = counters["requests"] - counters["rate_limited"]
    allowed = LIMIT / WINDOW
    return {
        "scenario": name,
        "consumers": processes,
        "contacts": contacts,
        "candidates_created": created,
        "rows_done": sum(r.get("done", 0) for r in results),
        "rows_failed": sum(r.get("failed", 0) for r in results),
        "requests": counters["requests"],
        "minimum_requests": minimum,
        "elapsed_s": round(elapsed, 1),
        "paced_elapsed_s": (math.ceil(minimum / LIMIT) - 1) * WINDOW,
        "rate_fraction": round((accepted - LIMIT) / elapsed / allowed, 3),
        "http_429": counters["rate_limited"],
        "duplicate_candidates": len(counters["duplicates"]),
        "duplicate_notes": sum(1 for n in notes.values() if n > 1),
        "duplicate_employments": sum(1 for n in roles.values() if n > 1),
        "notes": sum(notes.values()),
        "employments": sum(roles.values()),
        "faults": {k: v for k, v in counters.items() if k.startswith("fault_")},
    }


def main() -> None:
    redis_url = local_redis_url()
    print(
        f"sandbox: {LIMIT} requests / {WINDOW:g} s; {CONTACTS} Recruiter contacts, each a prospect "
        f"+ 5 roles + 2 notes (minimum {PER_CONTACT} requests each); Redis: {redis_url or '-'}",
        flush=True,
    )
    runs: list[dict[str, Any]] = [dict(name="1 consumer", processes=1, contacts=CONTACTS,
                                       redis_url=redis_url)]  # fmt: skip
    if redis_url:
        runs += [
            dict(name="3 consumers, shared Redis", processes=3, contacts=CONTACTS,
                 redis_url=redis_url),
            dict(name="3 consumers, faults", processes=3, contacts=FAULT_CONTACTS,
                 redis_url=redis_url, faults={"error_rate": 0.05, "drop_rate": 0.03}),
        ]  # fmt: skip
    else:
        print("Redis unavailable: the 3-consumer runs are skipped", flush=True)
    rows = []
    for run in runs:
        name = run.pop("name")
        print(f"-- {name} …", flush=True)
        row = scenario(name, **run)
        rows.append(row)
        print(
            f"   requests {row['requests']} (minimum {row['minimum_requests']}); "
            f"{row['elapsed_s']} s ({row['paced_elapsed_s']:g} s at the allowed pace); rate "
            f"fraction {row['rate_fraction']}; 429s {row['http_429']}; candidates "
            f"{row['candidates_created']}/{row['contacts']}, notes {row['notes']}, employments "
            f"{row['employments']}; duplicates: candidates {row['duplicate_candidates']}, notes "
            f"{row['duplicate_notes']}, employments {row['duplicate_employments']}; failed rows "
            f"{row['rows_failed']}; faults {row['faults'] or '-'}",
            flush=True,
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2))
    print(f"figures written to {RESULTS}", flush=True)


if __name__ == "__main__":
    main()
