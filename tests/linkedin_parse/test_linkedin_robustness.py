"""Arbitrary, truncated and hostile HTML never raises; oversized input is refused clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from backend.defaults import MAX_SNAPSHOT_BYTES
from backend.linkedin_parse import PageTooComplex
from backend.linkedin_parse import Profile
from backend.linkedin_parse import SnapshotTooLarge
from backend.linkedin_parse import parse_profile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "linkedin"
PAGES = sorted(FIXTURES.glob("*.html"))
URLS = [
    "https://www.linkedin.com/talent/profile/AEMAAAbCdEf123456",
    "https://www.linkedin.com/in/lena-hoffmann-8a1b2c/",
    "https://www.linkedin.com/sales/lead/ACwAAAgkXyZ0123,NAME_SEARCH,PClu",
]
TAGS = ["div", "span", "li", "ul", "p", "h1", "h2", "section", "code", "a", "em", "dd", "main"]
ATTRS = [
    "data-test-profile-container",
    "data-test-row-lockup-full-name",
    "data-test-position-entity-title",
    "data-view-name=profile-top-card",
    "data-anonymize=job-title",
    'id="experience"',
    'class="visually-hidden"',
    'id="bpr-guid-1"',
]
TEXTS = st.sampled_from(
    [
        "Jan 2020 - Present",
        "2016 – 2018",
        "Acme · Full-time",
        "Experience",
        "Jane Doe, PhD",
        '{"included": [{"firstName": "x", "publicIdentifier": "lena-hoffmann-8a1b2c"}]}',
        "[[[[[[",
        "&lt;script&gt;",
        "",
    ]
) | st.text(max_size=30)


@st.composite
def html_soup(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 6 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            attr = draw(st.sampled_from(["", *ATTRS]))
            inner = draw(html_soup(depth + 1))
            close = draw(st.sampled_from([f"</{tag}>", ""]))  # unclosed tags too
            parts.append(f"<{tag} {attr}>{inner}{close}")
        else:
            parts.append(draw(TEXTS))
    return "".join(parts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html=html_soup(), url=st.sampled_from(URLS))
def test_random_html_never_raises(html, url):
    profile = parse_profile(html, url)
    assert isinstance(profile, Profile)
    json.dumps(profile.to_dict())


@settings(max_examples=40, deadline=None)
@given(
    page=st.sampled_from(PAGES),
    cut=st.floats(0, 1),
    insert_at=st.floats(0, 1),
    junk=st.sampled_from(["<", "</div>", "<ul><li>", '"', "\x00", "<!--", "<code>{", "é\u202e"]),
    url=st.sampled_from(URLS),
)
def test_mutated_fixture_pages_never_raise(page, cut, insert_at, junk, url):
    html = page.read_text(encoding="utf-8")
    html = html[: int(len(html) * max(cut, 0.05))]
    at = int(len(html) * insert_at)
    profile = parse_profile(html[:at] + junk + html[at:], url)
    assert isinstance(profile, Profile)


def test_deep_nesting_is_refused_and_broken_json_islands_give_warnings():
    with pytest.raises(PageTooComplex):
        parse_profile("<div>" * 5000 + "x", URLS[1])
    html = "<div>" * 200 + "x" + "<code>" + "[" * 100_000 + "</code>"
    profile = parse_profile(html, URLS[1])
    assert "no positions found" in profile.warnings


def test_empty_page_says_what_is_missing():
    profile = parse_profile("", URLS[0])
    assert profile.source == "recruiter"
    assert profile.layout == "recruiter.fallback"
    assert {"no name found", "no positions found"} <= set(profile.warnings)


def test_snapshot_over_the_cap_is_refused():
    html = "<p>" + "x" * MAX_SNAPSHOT_BYTES + "</p>"
    with pytest.raises(SnapshotTooLarge) as raised:
        parse_profile(html, URLS[1])
    assert f"{MAX_SNAPSHOT_BYTES:,}" in str(raised.value)
    multibyte = "é" * (MAX_SNAPSHOT_BYTES // 2 + 1)  # few characters, too many bytes
    with pytest.raises(SnapshotTooLarge):
        parse_profile(multibyte, URLS[1])
    with pytest.raises(SnapshotTooLarge):
        parse_profile(html.encode(), URLS[1])


def test_date_lines_inside_inline_elements_do_not_overrun_the_page():
    html = (
        'Jan 2020 - PresentJan 2020 - Present<main ><em >Jan 2020 - Present<div id="experience">'
        "Jan 2020 - Present</div></main>"
    )
    profile = parse_profile(html, URLS[0])
    assert isinstance(profile, Profile)
