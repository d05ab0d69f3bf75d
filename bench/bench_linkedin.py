"""LinkedIn parser speed: `parse_profile` per page against selectolax (Lexbor) alone building the
tree from the same HTML, measured in the same run.

Pages: the golden fixtures (tests/fixtures/linkedin/*.html), a 2 MB Recruiter page (the
grouped-roles fixture with its search list behind the drawer grown to 2 MB), and hostile pages
(300k and 50k nested <div>s, 50k flat tags) that must be refused cheaply. Goals (issue 11): median
parse time at most 1 ms per fixture page, at most 30 ms for the 2 MB page; hostile pages refused
in well under a second.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from backend.linkedin_parse import ParseError
from backend.linkedin_parse import parse_profile

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "linkedin"
BIG_PAGE_BYTES = 2 * 1024 * 1024
GOAL_MS = 1.0
BIG_GOAL_MS = 30.0
HOSTILE_GOAL_MS = 500.0
ROUNDS = 15


def _median_ms(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    fn()  # warm up
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _big_page() -> tuple[str, str]:
    page = (FIXTURES / "recruiter_grouped_roles.html").read_text(encoding="utf-8")
    url = json.loads((FIXTURES / "recruiter_grouped_roles.json").read_text())["url"]
    start = page.index('<li class="profile-list__border-bottom"')
    end = page.index("</ol>")
    rows = page[start:end]
    copies = max(1, (BIG_PAGE_BYTES - len(page.encode())) // len(rows.encode()))
    big = page[:start] + rows * copies + page[start:]
    return big, url


def main() -> None:
    cases = []
    for html_path in sorted(FIXTURES.glob("*.html")):
        expected = json.loads(html_path.with_suffix(".json").read_text(encoding="utf-8"))
        cases.append((html_path.stem, html_path.read_text(encoding="utf-8"), expected["url"]))

    print(f"{'page':36} {'KB':>6} {'parse ms':>9} {'lexbor ms':>10} {'ratio':>6}")
    parse_times, base_times = [], []
    for name, html, url in cases:
        parse_ms = _median_ms(lambda html=html, url=url: parse_profile(html, url))
        base_ms = _median_ms(lambda html=html: LexborHTMLParser(html))
        parse_times.append(parse_ms)
        base_times.append(base_ms)
        kb = len(html.encode()) / 1024
        print(f"{name:36} {kb:6.1f} {parse_ms:9.2f} {base_ms:10.3f} {parse_ms / base_ms:6.1f}")

    median_parse = statistics.median(parse_times)
    median_base = statistics.median(base_times)
    verdict = "meets" if median_parse <= GOAL_MS else "MISSES"
    print(
        f"median over {len(cases)} fixture pages: parse {median_parse:.2f} ms, "
        f"lexbor tree alone {median_base:.3f} ms, ratio {median_parse / median_base:.1f}x "
        f"({verdict} the {GOAL_MS:g} ms goal)"
    )

    big, url = _big_page()
    parse_ms = _median_ms(lambda: parse_profile(big, url), rounds=5)
    base_ms = _median_ms(lambda: LexborHTMLParser(big), rounds=5)
    verdict = "meets" if parse_ms <= BIG_GOAL_MS else "MISSES"
    print(
        f"2 MB page ({len(big.encode()) / 1024 / 1024:.2f} MB, Recruiter drawer over a long "
        f"search list): parse {parse_ms:.1f} ms, lexbor tree alone {base_ms:.1f} ms, "
        f"ratio {parse_ms / base_ms:.1f}x ({verdict} the {BIG_GOAL_MS:g} ms goal)"
    )
    _hostile(url)


def _refuse(html: str, url: str) -> str:
    try:
        parse_profile(html, url)
    except ParseError as exc:
        return type(exc).__name__
    return "accepted"


def _hostile(url: str) -> None:
    for name, html in (
        ("300k nested <div>", "<div>" * 300_000 + "x"),
        ("50k nested <div>", "<div>" * 50_000 + "x"),
        ("50k flat <i></i>", "<i></i>" * 50_001),
    ):
        start = time.perf_counter()
        outcome = _refuse(html, url)
        ms = (time.perf_counter() - start) * 1000
        verdict = "meets" if ms <= HOSTILE_GOAL_MS and outcome != "accepted" else "MISSES"
        print(
            f"hostile {name:20} {outcome:16} {ms:8.1f} ms "
            f"({verdict} the {HOSTILE_GOAL_MS:g} ms goal)"
        )


if __name__ == "__main__":
    main()
