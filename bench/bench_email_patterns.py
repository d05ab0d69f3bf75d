"""Pattern inference on real (name, address) pairs that no one here wrote, leave-one-out per domain.

Data, extracted at run time and never stored: the "Name <address>" lines of the copyright files
under /usr/share/doc/*/copyright, and the Author-email / Maintainer-email fields of the installed
Python packages (this venv and the system interpreter's). Free-mail, disposable, no-reply and
project-account hosts (debian.org, cpan.org, ...: handed-out usernames, not company mail),
role addresses and one-word names are left out; addresses are deduplicated.

For every address whose pattern the vocabulary explains, the model learned from the *other*
addresses at its domain predicts the pattern (and the full address); the baseline is the global
prior alone, on the same addresses. Also: ranking speed with warm caches, and that a cached lookup
makes no network call.
"""

from __future__ import annotations

import glob
import importlib.metadata
import re
import statistics
import sys
import time
from collections import defaultdict
from email.utils import getaddresses
from pathlib import Path

from backend.email_lookup.domains import clean_domain
from backend.email_lookup.domains import is_personal_domain
from backend.email_lookup.finder import EmailFinder
from backend.email_lookup.knowledge import InMemoryKnowledge
from backend.email_lookup.names import name_variants
from backend.email_lookup.patterns import GLOBAL_PRIOR
from backend.email_lookup.patterns import KnownAddress
from backend.email_lookup.patterns import explain
from backend.email_lookup.ranking import PRIOR_MODEL
from backend.email_lookup.ranking import is_role
from backend.email_lookup.ranking import learn_domain
from backend.email_lookup.ranking import rank_candidates

# Hosts that hand out account names to volunteers, or relay mail: not a company's convention.
PROJECT_HOSTS = (
    "debian.org",
    "cpan.org",
    "gnu.org",
    "apache.org",
    "kde.org",
    "gnome.org",
    "freebsd.org",
    "openbsd.org",
    "netbsd.org",
    "python.org",
    "sourceforge.net",
    "github.com",
    "gitlab.com",
    "launchpad.net",
    "fedoraproject.org",
    "freedesktop.org",
    "noreply.github.com",
    "localhost",
    "example.com",
    "example.org",
    "users.noreply.github.com",
)
EXTRA_FREEMAIL = ("gmx.de", "web.de", "yahoo.com", "hotmail.com", "gmail.com", "iki.fi")
BUCKETS = (("0", 0, 0), ("1", 1, 1), ("2", 2, 2), ("3-5", 3, 5), ("6+", 6, 10**9))

_LINE = re.compile(
    r"(?P<name>[^\W\d_][\w'’.-]*(?:[ \t]+[^\W\d_][\w'’.-]*){1,3})[ \t]*"
    r"<(?P<addr>[^<>@\s]+@[^<>@\s]+)>"
)
_LEAD_WORDS = {
    "copyright",
    "author",
    "authors",
    "maintainer",
    "maintainers",
    "upstream",
    "contact",
    "by",
    "and",
    "written",
    "from",
    "c",
    "original",
    "packaged",
    "debianized",
    "modified",
    "ported",
    "adapted",
    "updated",
    "license",
    "files",
}


def _split_name(name: str) -> tuple[str, str] | None:
    words = [w for w in name.split() if w]
    while words and words[0].lower().strip(":,.") in _LEAD_WORDS:
        words.pop(0)
    if len(words) < 2 or any(
        w.lower() in ("team", "project", "group", "inc", "ltd") for w in words
    ):
        return None
    return " ".join(words[:-1]), words[-1]


def _keep(address: str) -> str | None:
    address = address.strip().lower().strip(".")
    local, _, host = address.rpartition("@")
    domain = clean_domain(host)
    if not local or domain is None or "noreply" in address or "no-reply" in address:
        return None
    if is_personal_domain(domain) or domain in EXTRA_FREEMAIL:
        return None
    if any(domain == h or domain.endswith("." + h) for h in PROJECT_HOSTS):
        return None
    if is_role(local):
        return None
    return f"{local}@{domain}"


def copyright_pairs() -> list[tuple[str, str, str]]:
    out = []
    for path in glob.glob("/usr/share/doc/*/copyright"):
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for m in _LINE.finditer(text):
            name = _split_name(m.group("name"))
            if name:
                out.append((*name, m.group("addr")))
    return out


def _site_dirs() -> list[str]:
    dirs = set(sys.path)
    for pattern in (
        "/usr/lib/python3/dist-packages",
        "/usr/lib/python3*/site-packages",
        "/usr/local/lib/python3*/dist-packages",
        "/usr/local/lib/python3*/site-packages",
        f"{sys.base_prefix}/lib/python3*/site-packages",
    ):
        dirs.update(glob.glob(pattern))
    return sorted(d for d in dirs if d and Path(d).is_dir())


def package_pairs() -> list[tuple[str, str, str]]:
    out = []
    for dist in importlib.metadata.distributions(path=_site_dirs()):
        meta = dist.metadata
        for name_field, mail_field in (
            ("Author", "Author-email"),
            ("Maintainer", "Maintainer-email"),
        ):
            for field_value in meta.get_all(mail_field) or []:
                pairs = getaddresses([field_value])
                plain = (meta.get(name_field) or "").strip()
                for display, addr in pairs:
                    display = display or (plain if len(pairs) == 1 else "")
                    name = _split_name(display) if display else None
                    if name and addr:
                        out.append((*name, addr))
    return out


def dataset() -> tuple[dict[str, list[KnownAddress]], dict[str, int]]:
    raw = {"copyright": copyright_pairs(), "packages": package_pairs()}
    by_address: dict[str, KnownAddress] = {}
    for rows in raw.values():
        for first, last, addr in rows:
            kept = _keep(addr)
            if kept and kept not in by_address:
                by_address[kept] = KnownAddress(first, last, kept)
    by_domain: dict[str, list[KnownAddress]] = defaultdict(list)
    for k in by_address.values():
        by_domain[k.address.split("@")[1]].append(k)
    counts = {f"{k} lines": len(v) for k, v in raw.items()}
    counts["addresses kept"] = len(by_address)
    counts["domains"] = len(by_domain)
    return by_domain, counts


def _top(dist: dict[str, float], k: int) -> list[str]:
    return sorted(dist, key=lambda p: (-dist[p], p))[:k]


def evaluate(by_domain: dict[str, list[KnownAddress]]) -> dict[str, dict[str, list[int]]]:
    """bucket -> metric -> [hits, n]."""
    stats: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    explained = {
        d: [(k, {p for p, _ in explain(k.first, k.last, k.address)}) for k in ks]
        for d, ks in by_domain.items()
    }
    prior_top = _top(dict(GLOBAL_PRIOR), 3)
    for domain, rows in explained.items():
        for i, (target, truth) in enumerate(rows):
            if not truth:
                stats["all"]["unexplained"][1] += 1
                continue
            others = [k for j, (k, _) in enumerate(rows) if j != i]
            model = learn_domain(others)
            bucket = next(b for b, lo, hi in BUCKETS if lo <= model.known <= hi)
            top = _top(dict(model.distribution), 3)
            variants = name_variants(target.first, target.last)
            learned = [c.address for c in rank_candidates(variants, domain, model, limit=3)]
            prior = [c.address for c in rank_candidates(variants, domain, PRIOR_MODEL, limit=3)]
            for key in {bucket, "1+" if model.known else "0"}:
                s = stats[key]
                for name, hit in (
                    ("pattern top1", top[0] in truth),
                    ("pattern top3", bool(truth & set(top))),
                    ("prior pattern top1", prior_top[0] in truth),
                    ("prior pattern top3", bool(truth & set(prior_top))),
                    ("address top1", learned[:1] == [target.address]),
                    ("address top3", target.address in learned),
                    ("prior address top1", prior[:1] == [target.address]),
                    ("prior address top3", target.address in prior),
                ):
                    s[name][0] += int(hit)
                    s[name][1] += 1
    return stats


def kappa_sweep(by_domain: dict[str, list[KnownAddress]], kappas: tuple[float, ...]) -> dict:
    """Pattern top-1 over addresses with >= 1 other known address, for several kappas."""
    hits = dict.fromkeys(kappas, 0)
    n = 0
    for rows in by_domain.values():
        if len(rows) < 2:
            continue
        truths = [{p for p, _ in explain(k.first, k.last, k.address)} for k in rows]
        for i, truth in enumerate(truths):
            others = [k for j, k in enumerate(rows) if j != i]
            if not truth:
                continue
            base = learn_domain(others)
            if not base.known:
                continue
            n += 1
            for kappa in kappas:
                dist = learn_domain(others, kappa=kappa).distribution
                hits[kappa] += _top(dict(dist), 1)[0] in truth
    return {k: (h, n) for k, h in hits.items()}


def pattern_mix(by_domain: dict[str, list[KnownAddress]]) -> list[tuple[str, float]]:
    counts: dict[str, float] = defaultdict(float)
    total = 0
    for rows in by_domain.values():
        for k in rows:
            found = {p for p, _ in explain(k.first, k.last, k.address)}
            total += 1
            for p in found:
                counts[p] += 1 / len(found)
            if not found:
                counts["(unexplained)"] += 1
    return sorted(((p, 100 * c / total) for p, c in counts.items()), key=lambda t: -t[1])


def _pct(hit_n: list[int]) -> str:
    hits, n = hit_n
    return f"{100 * hits / n:5.1f}%" if n else "   n/a"


def speed() -> tuple[float, float, int]:
    """(median ms to rank a person with a warm model, median ms of a cached lookup, DNS calls
    made by the cached lookups)."""
    from cachelib import SimpleCache

    from backend.email_lookup.dns_check import MAIL_OK
    from backend.email_lookup.dns_check import MailHosts

    class CountingResolver:
        queries = 0

        def mail_hosts(self, domain: str) -> MailHosts:
            self.queries += 1
            return MailHosts(domain, MAIL_OK, ((10, f"mx.{domain}"),))

    known = InMemoryKnowledge(
        (KnownAddress(f, ln, f"{f[0]}{ln}@acme.test".lower()), None)
        for f, ln in [("Ann", "Lee"), ("Bob", "Stone"), ("Carl", "Marx"), ("Dora", "Wu")]
    )
    resolver = CountingResolver()
    finder = EmailFinder(known, resolver=resolver, cache=SimpleCache())  # type: ignore[arg-type]
    people = [("Jürgen", "Müller"), ("Jan", "van der Berg"), ("María", "García-López")] * 100
    finder.rank("Jane", "Doe", "acme.test")  # warm the domain model
    rank_ms = []
    for first, last in people:
        t = time.perf_counter()
        finder.rank(first, last, "acme.test")
        rank_ms.append(1000 * (time.perf_counter() - t))
    for first, last in people[:3]:
        finder.find(first, last, domain="acme.test")
    before = resolver.queries
    cached_ms = []
    for first, last in people:
        t = time.perf_counter()
        finder.find(first, last, domain="acme.test")
        cached_ms.append(1000 * (time.perf_counter() - t))
    return statistics.median(rank_ms), statistics.median(cached_ms), resolver.queries - before


def main() -> None:
    started = time.perf_counter()
    by_domain, counts = dataset()
    print("data: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    stats = evaluate(by_domain)
    unexplained = stats["all"]["unexplained"][1]
    named = sum(stats[b]["pattern top1"][1] for b, *_ in BUCKETS)
    print(f"addresses the vocabulary explains: {named}; unexplained (opaque etc.): {unexplained}")
    print(
        f"{'known at domain':>15} {'n':>5} | {'pattern top1':>12} {'prior':>7} {'ratio':>6} |"
        f" {'pattern top3':>12} {'prior':>7} | {'address top1':>12} {'prior':>7} |"
        f" {'address top3':>12} {'prior':>7}"
    )
    for bucket in [b for b, *_ in BUCKETS] + ["1+"]:
        s = stats.get(bucket)
        if not s:
            continue
        n = s["pattern top1"][1]
        learned, prior = s["pattern top1"], s["prior pattern top1"]
        ratio = (learned[0] / prior[0]) if prior[0] else float("inf")
        print(
            f"{bucket:>15} {n:>5} | {_pct(learned):>12} {_pct(prior):>7} {ratio:>5.2f}x |"
            f" {_pct(s['pattern top3']):>12} {_pct(s['prior pattern top3']):>7} |"
            f" {_pct(s['address top1']):>12} {_pct(s['prior address top1']):>7} |"
            f" {_pct(s['address top3']):>12} {_pct(s['prior address top3']):>7}"
        )
    mix = pattern_mix(by_domain)
    print("pattern mix of the data: " + ", ".join(f"{p} {v:.1f}%" for p, v in mix[:8]))
    sweep = kappa_sweep(by_domain, (0.5, 1.0, 2.0, 5.0, 10.0))
    print(
        "pattern top1 with >= 1 known address, by kappa: "
        + ", ".join(f"{k:g}: {_pct([h, n]).strip()}" for k, (h, n) in sweep.items())
    )
    rank_ms, cached_ms, calls = speed()
    print(
        f"speed: rank one person (warm model) median {rank_ms:.3f} ms (goal < 2 ms); "
        f"cached lookup median {cached_ms:.3f} ms with {calls} DNS calls"
    )
    print(f"(benchmark took {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
