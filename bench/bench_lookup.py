"""Lookup load: concurrent `POST /api/v1/lookups` against `sourcebridge serve` (gunicorn).

Set-up, all on 127.0.0.1: the Greenhouse sandbox (2,000 candidates), a loopback DNS for the
fixture people's company domains, a fresh SQLite instance, the candidate index filled with
`sourcebridge greenhouse index`, caches warmed by one lookup per page. Then CONCURRENCY client
threads send lookups of the golden LinkedIn pages for SECONDS; in the same run, the same load on
`GET /healthz` is the baseline. Figures: p50/p95/p99 latency, throughput, and the ratio of lookup
to healthz throughput (goals: ratio >= 0.4, lookup p99 < 150 ms). The client shares the machine's
two cores with the server, which counts against both sides alike.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests

from tests.support.cli import run_cli
from tests.support.processes import clean_env
from tests.support.processes import start_serve
from tests.support.processes import stop

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "linkedin"
RESULTS = ROOT / "bench" / "results" / "lookup_load.json"
QUICK = os.environ.get("BENCH_QUICK") == "1"
SECONDS = 4.0 if QUICK else 15.0
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
CASES = [
    "recruiter_grouped_roles",
    "recruiter_profile_page",
    "linkedin_gen2_profile",
    "linkedin_sdui_french",
    "sales_navigator_lead",
]
DOMAINS = ["klarna.com", "mollie.com", "n26.com", "doctolib.com", "revolut.com"]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def load(send: Any, seconds: float) -> dict[str, float]:
    """CONCURRENCY threads calling `send(session, i)` until the time is up."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(worker: int) -> None:
        session = requests.Session()
        i = worker
        while time.monotonic() < stop:
            started = time.perf_counter()
            ok = send(session, i)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors[0] += 0 if ok else 1
            i += CONCURRENCY

    threads = [threading.Thread(target=client, args=(w,)) for w in range(CONCURRENCY)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - began
    ms = [x * 1000 for x in latencies]
    return {
        "requests": len(ms),
        "errors": errors[0],
        "throughput_rps": round(len(ms) / wall, 1),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
    }


def postgres_database() -> tuple[str, Any] | None:
    """A fresh PostgreSQL database for the scaled-out run, or None without a server."""
    try:
        import psycopg

        admin = "postgresql://postgres@127.0.0.1:5432/postgres"
        name = f"sb_bench_{os.getpid()}"
        with psycopg.connect(admin, autocommit=True, connect_timeout=2) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception:  # noqa: BLE001 - no server: skip that configuration
        return None

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"postgresql://postgres@127.0.0.1:5432/{name}", drop


def redis_available(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return True
    except Exception:  # noqa: BLE001
        return False


def run_config(name: str, sandbox: Any, dns: Any, extra_env: dict, workers: int) -> dict:
    """Start `sourcebridge serve` in one configuration and load it; the figures."""
    instance = Path(tempfile.mkdtemp(prefix="sb-bench-"))
    settings = {
        "SOURCEBRIDGE_INSTANCE": str(instance),
        "DATABASE_URL": f"sqlite:///{instance / 'bench.db'}",
        "DNS_NAMESERVERS": dns.address,
        "ALLOW_PRIVATE_NETWORKS": "true",
        "LOG_LEVEL": "WARNING",
        "API_RATE_LIMIT": "10000000/minute",  # load from one token: the per-token limit aside
        **{k: str(v) for k, v in sandbox.settings().items()},
        **extra_env,
    }
    env = clean_env(**settings)
    made = run_cli("users", "create", "--email", "bench@example.com", "--admin", env=env)
    assert made.returncode == 0, made.stderr
    token = made.stdout.split("API token (shown once): ")[1].split()[0]
    account = made.stdout.split("(id ")[1].split(")")[0]
    indexed = run_cli("greenhouse", "index", "--account", account, env=env, timeout=300)
    assert indexed.returncode == 0, indexed.stderr[-2000:]
    serve = start_serve(instance, workers=workers, **settings)
    base = serve.url
    headers = {"Authorization": f"Bearer {token}"}
    bodies = []
    for case in CASES:
        golden = json.loads((FIXTURES / f"{case}.json").read_text())
        bodies.append({"url": golden["url"], "html": (FIXTURES / f"{case}.html").read_text()})
    try:
        for _ in range(4):  # warm every cache (each gunicorn worker has its own connections)
            for body in bodies:
                requests.post(f"{base}/api/v1/lookups", json=body, headers=headers, timeout=30)

        def lookup(session: requests.Session, i: int) -> bool:
            response = session.post(
                f"{base}/api/v1/lookups", json=bodies[i % len(bodies)], headers=headers, timeout=30
            )
            return response.status_code == 200

        def health(session: requests.Session, _i: int) -> bool:
            return session.get(f"{base}/healthz", timeout=30).status_code == 200

        before = sandbox.counters()["requests"]
        healthz = load(health, SECONDS)
        lookups = load(lookup, SECONDS)
        greenhouse_requests = sandbox.counters()["requests"] - before
        compiled = {}
        if shutil.which("ab"):  # DESIGN "Measuring": the ratio is the one with a compiled client
            api_workers = serve.gunicorn_workers()
            compiled["healthz"] = ab_load(f"{base}/healthz", SECONDS, workers=api_workers)
            compiled["lookups"] = ab_load(
                f"{base}/api/v1/lookups",
                SECONDS,
                body=bodies[1],
                headers=headers,
                workers=api_workers,
            )
    finally:
        stop(serve.process)
    return {
        "config": name,
        "healthz": healthz,
        "lookups": lookups,
        "ratio": round(lookups["throughput_rps"] / healthz["throughput_rps"], 2),
        "greenhouse_requests_during_load": greenhouse_requests,
        "ab": compiled,
        "ab_ratio": (
            round(compiled["lookups"]["throughput_rps"] / compiled["healthz"]["throughput_rps"], 2)
            if compiled
            else None
        ),
    }


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU the processes have used so far (/proc/PID/stat)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def ab_load(
    url: str,
    seconds: float,
    *,
    body: dict | None = None,
    headers: dict | None = None,
    workers: Sequence[int] = (),
) -> dict[str, float]:
    """ApacheBench, keep-alive, CONCURRENCY clients for `seconds`: throughput, percentiles and
    the API workers' CPU per request (their own clock, whatever else the machine runs)."""
    args = ["ab", "-q", "-k", "-c", str(CONCURRENCY), "-t", str(int(seconds)), "-n", "10000000"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    with tempfile.NamedTemporaryFile("wb", suffix=".json.gz") as payload:
        if body is not None:  # gzip JSON, as the extension sends a snapshot
            payload.write(gzip.compress(json.dumps(body).encode(), compresslevel=6))
            payload.flush()
            args += ["-p", payload.name, "-T", "application/json", "-H", "Content-Encoding: gzip"]
        used = cpu_seconds(list(workers))
        out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
        used = cpu_seconds(list(workers)) - used
    figures = {}
    for line in out.splitlines():
        if line.startswith("Requests per second:"):
            figures["throughput_rps"] = float(line.split()[3])
        elif line.startswith("Non-2xx responses:"):  # ab's "Failed" counts varying lengths too
            figures["errors"] = int(line.split(":")[1].split()[0])
        elif line.strip().startswith(("50%", "95%", "99%")):
            pct, ms = line.split()[:2]
            figures[f"p{pct.rstrip('%')}_ms"] = float(ms)
        elif line.startswith("Complete requests:"):
            figures["requests"] = int(line.split()[-1])
    figures.setdefault("errors", 0)
    if workers and figures.get("requests"):
        figures["worker_cpu_ms"] = round(1000 * used / figures["requests"], 2)
    return figures


def main() -> None:
    from backend.greenhouse.sandbox.server import start_sandbox
    from tests.support.fake_dns import mx_zone
    from tests.support.fake_dns import start_dns

    sandbox = start_sandbox(candidates=2000, rate_limit=100_000)
    dns = start_dns(mx_zone(DOMAINS))
    results = []
    try:
        results.append(run_config("embedded: SQLite, 1 worker x 8 threads", sandbox, dns, {}, 1))
        redis_url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
        database = postgres_database()
        if database and redis_available(redis_url):
            url, drop = database
            scaled = {"DATABASE_URL": url, "REDIS_URL": redis_url, "QUEUE_NAME": "sb-bench"}
            try:
                results.append(
                    run_config(
                        "scaled: PostgreSQL + Redis, 2 workers x 8 threads",
                        sandbox,
                        dns,
                        scaled,
                        2,
                    )  # fmt: skip
                )
            finally:
                drop()
        else:
            print("(no PostgreSQL + Redis here: scaled configuration skipped)")
    finally:
        sandbox.shutdown()
        dns.stop()
    print(
        f"{CONCURRENCY} concurrent clients, {SECONDS:.0f} s per measurement, {os.cpu_count()} cores"
    )
    print(f"{'':52} {'rps':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for result in results:
        for name in ("healthz", "lookups"):
            r = result[name]
            label = f"{result['config'][:38]}: {name}"
            print(
                f"{label:52} {r['throughput_rps']:>7} {r['p50_ms']:>8} {r['p95_ms']:>8}"
                f" {r['p99_ms']:>8} {r['errors']:>7}"
            )
        print(
            f"{'':52} lookup/healthz throughput = {result['ratio']:.2f} (goal >= 0.4); "
            f"Greenhouse requests during the load: {result['greenhouse_requests_during_load']}"
        )
        for name, r in result["ab"].items():
            label = f"{result['config'][:38]}: {name} (ab -k)"
            print(
                f"{label:52} {r['throughput_rps']:>7} {r.get('p50_ms', 0):>8}"
                f" {r.get('p95_ms', 0):>8} {r.get('p99_ms', 0):>8} {r['errors']:>7}"
                f"   API workers' CPU {r.get('worker_cpu_ms', '?')} ms/request"
            )
        if result["ab_ratio"] is not None:
            print(f"{'':52} with ab: lookup/healthz = {result['ab_ratio']:.2f} (goal >= 0.4)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"concurrency": CONCURRENCY, "results": results}, indent=2))


if __name__ == "__main__":
    main()
