"""Greenhouse import of a job with 10,000 applications into a sequence.

The sandbox runs in its own process (real HTTP on 127.0.0.1), so this process's memory is the
import's alone. The import writes to a temporary SQLite database through a plain enrolment
(contacts + enrollments rows).

Figures:
* requests made vs the minimum (pages of 500 applications + batches of 50 candidates + the job
  check + the token), for the import and for a bare read of the same pages (baseline);
* peak traced memory (tracemalloc) of an import of 1,000 and of 10,000 applications: it must not
  grow with the job;
* under a 50-requests-per-10-s limit: the time of an import enrolling nobody (what the import
  itself costs) ÷ the time the limit allows for the requests it made, and ÷ the time of the
  bare read (same sandbox, same run);
* without a limit, 2,000 applications: the bare read, the import enrolling nobody and with a
  plain enrolment (a contact and an enrollment row), to show what the writes cost.
`BENCH_QUICK=1` runs a small smoke version (2,000 applications).
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

LIMIT = 50
WINDOW = 10.0
QUICK = os.environ.get("BENCH_QUICK") == "1"
BIG = 2_000 if QUICK else 10_000
SMALL = 1_000
PAGE = 500
BATCH = 50
RESULTS = Path(__file__).parent / "results" / "imports.json"


def sandbox_process(conn: Any, rate_limit: int, window: float, jobs: list[int]) -> None:
    """Serve a sandbox with one job per size in `jobs`; send back where it is."""
    from backend.greenhouse.sandbox.jobs import add_job
    from backend.greenhouse.sandbox.jobs import fill_job
    from backend.greenhouse.sandbox.server import make_sandbox

    handle = make_sandbox(
        candidates=10, rate_limit=rate_limit, rate_window_seconds=window, background=False
    )
    job_ids = []
    for size in jobs:
        job_id = add_job(handle.state, f"Bench job {size}")
        fill_job(handle.state, job_id, size, prospect_every=10, no_email_every=50)
        job_ids.append(job_id)
    conn.send(
        {
            "base_url": handle.base_url,
            "client_id": handle.client_id,
            "client_secret": handle.client_secret,
            "user_id": handle.admin_user_id,
            "job_ids": job_ids,
        }
    )
    handle.serve_forever()


def start_sandbox(rate_limit: int, window: float, jobs: list[int]) -> tuple[Any, dict]:
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("fork").Process(
        target=sandbox_process, args=(child, rate_limit, window, jobs), daemon=True
    )
    process.start()
    return process, parent.recv()


def make_client(info: dict, rate_limit: int, window: float):  # type: ignore[no-untyped-def]
    from backend.greenhouse.client import GreenhouseClient
    from backend.infra.cache import make_cache
    from backend.infra.ratelimit import RateLimiter

    return GreenhouseClient(
        info["client_id"],
        info["client_secret"],
        info["user_id"],
        api_url=info["base_url"],
        auth_url=info["base_url"],
        cache=make_cache(None),
        limiter=RateLimiter(None),
        rate_limit=rate_limit,
        rate_window_seconds=window,
        max_retries=8,
    )


ACCOUNT_OF: dict[int, int] = {}


def enrol(session, sequence_id, person):  # type: ignore[no-untyped-def]
    """A plain enrolment: a contact and its enrollment (the sequences feature does more)."""
    from backend.imports.runs import EnrolResult
    from backend.store.models import Contact
    from backend.store.models import Enrollment

    account_id = ACCOUNT_OF[sequence_id]
    contact = Contact(
        account_id=account_id,
        email=person.emails[0],
        first_name=person.first_name,
        last_name=person.last_name,
        source="import",
        gh_candidate_id=person.candidate_id,
        gh_application_id=person.application_id,
    )
    session.add(contact)
    session.flush()
    session.add(Enrollment(sequence_id=sequence_id, contact_id=contact.id))
    return EnrolResult("added")


def fresh_team(db):  # type: ignore[no-untyped-def]
    from backend.store.models import Account
    from backend.store.models import Sequence

    with db.session() as session:
        account = Account(name="Bench")
        session.add(account)
        session.flush()
        sequence = Sequence(account_id=account.id, name="Bench sequence")
        session.add(sequence)
        session.flush()
        ACCOUNT_OF[sequence.id] = account.id
        return account.id, sequence.id


def import_job(db, client, job_id: int, enrolment=enrol) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from backend.imports.manage import NewImport
    from backend.imports.manage import create_import
    from backend.imports.runs import run_import

    account_id, sequence_id = fresh_team(db)
    with db.session() as session:
        import_id = create_import(
            session, client, account_id, None, NewImport(job_id, sequence_id, False)
        ).id
    sent = client.transport.requests_sent
    started = time.perf_counter()
    outcome = run_import(db.session, client, import_id, enrolment, owner="bench")
    return {
        "seconds": time.perf_counter() - started,
        "requests": client.transport.requests_sent - sent,
        "progress": outcome.progress,
        "status": outcome.status,
    }


def bare_read(client, job_id: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Baseline: the same pages and batches, read and thrown away (no database, no enrolment)."""
    from backend.imports.reading import read_job

    sent = client.transport.requests_sent
    started = time.perf_counter()
    people = sum(len(page.people) for page in read_job(client, job_id))
    return {
        "seconds": time.perf_counter() - started,
        "requests": client.transport.requests_sent - sent,
        "people": people,
    }


def minimum_requests(size: int) -> int:
    """Application pages (candidates, then prospects: every 10th is one) + candidate batches of
    50 per page + the job check."""
    prospects = size // 10
    candidates = size - prospects
    pages = [PAGE] * (candidates // PAGE) + ([candidates % PAGE] if candidates % PAGE else [])
    prospect_pages = [PAGE] * (prospects // PAGE) + ([prospects % PAGE] if prospects % PAGE else [])
    batches = sum(math.ceil(n / BATCH) for n in pages + prospect_pages)
    return max(1, len(pages)) + max(1, len(prospect_pages)) + batches + 1


def database():  # type: ignore[no-untyped-def]
    from backend.store import Database
    from backend.store.migrations import upgrade

    url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-imports-')}/bench.db"
    upgrade(url)
    return Database(url)


def memory_runs() -> list[dict[str, Any]]:
    process, info = start_sandbox(1_000_000, 30.0, [SMALL, BIG])
    try:
        client = make_client(info, 1_000_000, 30.0)
        client.tokens.get()
        db = database()
        rows = []
        for size, job_id in zip((SMALL, BIG), info["job_ids"], strict=True):
            tracemalloc.start()
            result = import_job(db, client, job_id)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rows.append({"applications": size, "peak_bytes": peak, **result})
        return rows
    finally:
        process.terminate()


def no_enrolment(session, sequence_id, person):  # type: ignore[no-untyped-def]
    """Adds nobody: what the import itself costs (reading, items, counts, resume points)."""
    from backend.imports.runs import EnrolResult

    return EnrolResult("added")


def timed_runs() -> dict[str, Any]:
    """Under the rate limit: the bare read (baseline) and the import enrolling nobody."""
    process, info = start_sandbox(LIMIT, WINDOW, [BIG, BIG])
    try:
        db = database()
        jobs = info["job_ids"]
        baseline = bare_read(make_client(info, LIMIT, WINDOW), jobs[0])
        time.sleep(WINDOW)  # a fresh window for the import
        client = make_client(info, LIMIT, WINDOW)
        return {"baseline": baseline, "import": import_job(db, client, jobs[1], no_enrolment)}
    finally:
        process.terminate()


def enrolment_runs(size: int = 2_000) -> dict[str, Any]:
    """Without a rate limit: what enrolling costs beside reading (bare read, nobody, plain)."""
    process, info = start_sandbox(1_000_000, 30.0, [size, size, size])
    try:
        db = database()
        client = make_client(info, 1_000_000, 30.0)
        client.tokens.get()
        jobs = info["job_ids"]
        return {
            "applications": size,
            "bare read": bare_read(client, jobs[0]),
            "enrolling nobody": import_job(db, client, jobs[1], no_enrolment),
            "plain enrolment": import_job(db, client, jobs[2], enrol),
        }
    finally:
        process.terminate()


def main() -> None:
    print(
        f"import of a job with {BIG:,} applications (every 10th a prospect, every 50th without "
        f"email); sandbox in its own process; limit {LIMIT} requests / {WINDOW:.0f} s",
        flush=True,
    )
    memory = memory_runs()
    for row in memory:
        print(
            f"  {row['applications']:>6,} applications: peak traced memory "
            f"{row['peak_bytes'] / 1e6:.1f} MB, {row['requests']} requests "
            f"(minimum {minimum_requests(row['applications'])}), {row['progress']}",
            flush=True,
        )
    growth = memory[1]["peak_bytes"] / memory[0]["peak_bytes"]
    print(
        f"  peak memory {memory[1]['applications']:,} vs {memory[0]['applications']:,} "
        f"applications: x{growth:.2f} (the job: x{BIG / SMALL:.0f})",
        flush=True,
    )
    timed = timed_runs()
    base, run = timed["baseline"], timed["import"]
    for name, row in (("baseline: bare read", base), ("import enrolling nobody", run)):
        allowed = row["requests"] / LIMIT * WINDOW
        print(
            f"  {name}: {row['seconds']:.1f} s for {row['requests']} requests (minimum "
            f"{minimum_requests(BIG)}); ÷ the time the limit allows ({allowed:.1f} s): "
            f"x{row['seconds'] / allowed:.2f}; ÷ baseline: x{row['seconds'] / base['seconds']:.2f}",
            flush=True,
        )
    enrolments = enrolment_runs()
    print(
        f"  {enrolments['applications']:,} applications, no limit: "
        + "; ".join(
            f"{name} {row['seconds']:.1f} s"
            for name, row in enrolments.items()
            if name != "applications"
        ),
        flush=True,
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "applications": BIG,
                "limit": LIMIT,
                "window_seconds": WINDOW,
                "minimum_requests": minimum_requests(BIG),
                "memory": memory,
                "timed": timed,
                "enrolments": enrolments,
            },
            indent=2,
        )
    )
    print(f"figures written to {RESULTS}", flush=True)


if __name__ == "__main__":
    main()
