"""Where a warm lookup's CPU goes: a per-phase profile (issue 11: measure first, then cut).

One app in this process, on the same set-up as `bench_lookup` (Greenhouse sandbox, loopback DNS,
SQLite, the candidate index filled, caches warmed), gets the golden pages as gzip JSON (as the
extension sends them) straight through its WSGI callable: the app's CPU, no client, no HTTP
server. Each phase's functions are wrapped with a CPU clock (`time.thread_time`: this thread's
CPU, not waiting on sockets): parse, token, limit, account (integration row, connection, index
state), duplicate check, email, contact, store (the lookup row and the commit), json bound;
what is left of the request's CPU is the framework (Flask, webargs, JSON). Baseline in the
same run: the CPU of `GET /healthz` the same way. BENCH_SCALED=1 runs on PostgreSQL + Redis;
BENCH_CLOCK=wall measures wall time (round trips included). Goal: CPU per warm lookup <= 2.5 ms.
"""

from __future__ import annotations

import gc
import gzip
import io
import json
import os
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from werkzeug.test import EnvironBuilder

from bench.bench_lookup import CASES
from bench.bench_lookup import DOMAINS
from bench.bench_lookup import postgres_database
from bench.services import local_redis_url

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "linkedin"
QUICK = os.environ.get("BENCH_QUICK") == "1"
ROUNDS = 20 if QUICK else 100
# BENCH_CLOCK=wall: wall time instead of this thread's CPU (round trips to PostgreSQL and Redis).
CLOCK = time.perf_counter if os.environ.get("BENCH_CLOCK") == "wall" else time.thread_time
SCALED = os.environ.get("BENCH_SCALED") == "1"
FREEZE = os.environ.get("BENCH_GC_FREEZE", "1") == "1"

spent: dict[str, float] = defaultdict(float)
depth = [0]


def clocked(phase: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn`, its CPU added to `phase` (outermost call only: phases never count twice)."""

    def run(*args: Any, **kwargs: Any) -> Any:
        if depth[0]:
            return fn(*args, **kwargs)
        depth[0] += 1
        started = CLOCK()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[phase] += CLOCK() - started
            depth[0] -= 1

    return run


def instrument() -> None:
    """Wrap each phase's functions where the code that calls them looks them up."""
    import backend.api.auth as auth
    import backend.app as app_module
    import backend.lookups.lookup as lookup

    wraps = {
        "parse": [(lookup, "read_profile")],
        "token": [(auth, "token_user"), (auth, "authenticate")],
        "limit": [(auth, "limit_token")],
        "account": [
            (lookup, "account_context"),
            (lookup, "saved_or_environment_connection"),
            (lookup, "greenhouse_client"),
        ],
        "duplicate check": [(lookup, "check_duplicates")],
        "email": [(lookup, "find_email")],
        "contact": [(lookup, "find_contact"), (lookup, "contact_view")],
        "store": [(lookup, "store_lookup"), (app_module, "commit_db_session")],
        "json bound": [(app_module, "reject_unbounded_json")],
    }
    for phase, targets in wraps.items():
        for module, name in targets:
            if not hasattr(module, name):  # renamed or moved: its time would hide in "framework"
                raise SystemExit(f"{module.__name__}.{name} is gone: update the phase profile")
            setattr(module, name, clocked(phase, getattr(module, name)))


def request_environ(method: str, path: str, headers: dict[str, str], body: bytes) -> dict:
    """A WSGI environ as an HTTP server hands it to the app (built once, copied per call)."""
    environ = EnvironBuilder(method=method, path=path, headers=headers, data=body).get_environ()
    environ["bench.body"] = body
    return environ


def call_app(app: Any, template: dict) -> tuple[int, bytes]:
    """One request straight through the app's WSGI callable: the app's own CPU, no test client
    (its cookie jar and request building cost about as much as `/healthz` itself)."""
    environ = dict(template)
    environ["wsgi.input"] = io.BytesIO(template["bench.body"])
    status: list[str] = []
    chunks = app(environ, lambda s, _headers, _exc=None: status.append(s))
    try:
        answer = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return int(status[0].split()[0]), answer


def main() -> None:
    from backend.greenhouse.sandbox.server import start_sandbox
    from tests.support.fake_dns import mx_zone
    from tests.support.fake_dns import start_dns

    instrument()  # before the app is made: it registers some of these as hooks
    from backend.accounts.users import create_user
    from backend.app import create_app
    from backend.gh_index.backfill import run_backfill
    from backend.store.migrations import upgrade

    sandbox = start_sandbox(candidates=2000, rate_limit=100_000)
    dns = start_dns(mx_zone(DOMAINS))
    instance = Path(tempfile.mkdtemp(prefix="sb-phases-"))
    url, redis_url, drop = f"sqlite:///{instance / 'bench.db'}", "", None
    if SCALED:  # the scaled-out set-up: PostgreSQL and Redis
        database, redis_url = postgres_database(), local_redis_url()
        if database is None or redis_url is None:
            raise SystemExit("BENCH_SCALED=1 needs the local PostgreSQL and Redis")
        url, drop = database
    upgrade(url)
    app = create_app(
        {
            "DATABASE_URL": url,
            "SOURCEBRIDGE_INSTANCE": str(instance),
            "REDIS_URL": redis_url,
            "DNS_NAMESERVERS": dns.address,
            "ALLOW_PRIVATE_NETWORKS": True,
            "API_RATE_LIMIT": "10000000/minute",
            "LOG_LEVEL": "WARNING",
            **sandbox.settings(),
        }
    )
    svc = app.extensions["sourcebridge"]
    with svc.db.session() as session:
        user, token = create_user(session, "bench@example.com", admin=True)
        account_id = user.account_id
    run_backfill(svc, account_id)
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
    }
    bodies = []
    for case in CASES:
        golden = json.loads((FIXTURES / f"{case}.json").read_text())
        body = {"url": golden["url"], "html": (FIXTURES / f"{case}.html").read_text()}
        # Encoded once, as the extension sends it (gzip JSON): the client's work is not counted.
        bodies.append(gzip.compress(json.dumps(body).encode(), compresslevel=6))
    lookup_environs = [request_environ("POST", "/api/v1/lookups", headers, body) for body in bodies]
    healthz_environ = request_environ("GET", "/healthz", {}, b"")
    try:
        for environ in lookup_environs * 3:  # warm every cache
            assert call_app(app, environ)[0] == 200
        if os.environ.get("BENCH_GC_OFF") == "1":
            gc.disable()
        if FREEZE:
            gc.freeze()  # as a gunicorn worker does after loading the app (backend/server.py)
        healthz = []
        for _ in range(ROUNDS * len(bodies)):
            started = CLOCK()
            call_app(app, healthz_environ)
            healthz.append(CLOCK() - started)
        spent.clear()
        totals = []
        for _ in range(ROUNDS):
            for environ in lookup_environs:
                started = CLOCK()
                status, answer = call_app(app, environ)
                totals.append(CLOCK() - started)
                assert status == 200, answer[:500]
    finally:
        sandbox.shutdown()
        dns.stop()
        svc.db.dispose()
        if drop:
            drop()
    count = len(totals)
    per = {phase: 1000 * seconds / count for phase, seconds in spent.items()}
    mean_total = 1000 * statistics.fmean(totals)
    per["framework"] = mean_total - sum(per.values())
    where = "PostgreSQL + Redis" if SCALED else "SQLite, no Redis"
    print(f"CPU per warm lookup, mean of {count} (5 golden pages), {where}, {ROUNDS} rounds")
    for phase, ms in sorted(per.items(), key=lambda kv: -kv[1]):
        print(f"  {phase:16} {ms:7.3f} ms  {100 * ms / mean_total:5.1f}%")
    pages = len(bodies)
    rounds = [statistics.fmean(totals[i : i + pages]) for i in range(0, count, pages)]
    print(
        f"  {'total':16} {mean_total:7.3f} ms  (median {1000 * statistics.median(totals):.3f}; "
        f"fastest round of the {pages} pages {1000 * min(rounds):.3f}: the least disturbed)"
    )
    fastest_healthz = min(
        statistics.fmean(healthz[i : i + pages]) for i in range(0, len(healthz), pages)
    )
    print(
        f"  baseline GET /healthz: {1000 * statistics.fmean(healthz):.3f} ms CPU per request "
        f"(fastest round {1000 * fastest_healthz:.3f})"
    )
    print(f"  goal: <= 2.5 ms per warm lookup -> {'met' if mean_total <= 2.5 else 'not met'}")


if __name__ == "__main__":
    main()
