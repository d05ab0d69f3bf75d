"""Golden pages: each fixtures/linkedin/<case>.html parses to <case>.json, whole or trimmed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from backend.linkedin_parse import Profile
from backend.linkedin_parse import detect_source
from backend.linkedin_parse import parse_profile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "linkedin"
CASES = sorted(p.stem for p in FIXTURES.glob("*.html"))
PROFILE_KEYS = set(Profile(source="linkedin").to_dict())


def load(case: str) -> tuple[str, dict]:
    page = (FIXTURES / f"{case}.html").read_text(encoding="utf-8")
    return page, json.loads((FIXTURES / f"{case}.json").read_text(encoding="utf-8"))


def body_snapshot(page: str) -> str:
    """What the content script sends: <body> with scripts, styles, images and SVG removed
    (the <code> JSON islands stay)."""
    tree = LexborHTMLParser(page)
    for selector in ("script", "style", "img", "svg"):
        for node in tree.body.css(selector):
            node.decompose()
    return tree.body.html


def test_every_page_has_its_expected_json_and_back():
    pages = {p.stem for p in FIXTURES.glob("*.html")}
    answers = {p.stem for p in FIXTURES.glob("*.json")}
    assert pages == answers
    assert len(pages) >= 12


@pytest.mark.parametrize("case", CASES)
def test_fixture_is_a_whole_document_with_a_profile_url(case):
    page, expected = load(case)
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert set(expected) == {"url", "profile"}
    assert set(expected["profile"]) == PROFILE_KEYS
    assert detect_source(expected["url"]) == expected["profile"]["source"]


@pytest.mark.parametrize("case", CASES)
def test_page_parses_to_its_golden_profile(case):
    page, expected = load(case)
    assert parse_profile(page, expected["url"]).to_dict() == expected["profile"]


@pytest.mark.parametrize("case", CASES)
def test_body_only_snapshot_parses_like_the_whole_document(case):
    page, expected = load(case)
    snapshot = body_snapshot(page)
    assert "<script" not in snapshot and "<svg" not in snapshot
    assert parse_profile(snapshot, expected["url"]).to_dict() == expected["profile"]


def test_end_to_end_pages_exist_for_each_product():
    by_source: dict[str, set[str]] = {}
    for case in CASES:
        _, expected = load(case)
        profile = expected["profile"]
        if profile["full_name"] and (profile["company"] or profile["source"] != "recruiter"):
            by_source.setdefault(profile["source"], set()).add(profile["full_name"])
    assert len(by_source.get("recruiter", ())) >= 2  # two different people
    assert by_source.get("linkedin") and by_source.get("sales_navigator")


def test_recruiter_reads_the_drawer_not_the_search_list_behind_it():
    page, expected = load("recruiter_grouped_roles")
    assert "Markus Weber" in page  # the first search row, rendered before the drawer
    profile = parse_profile(page, expected["url"])
    assert profile.full_name == "Amélie Laurent-Dubois, PhD"
    assert profile.layout == "recruiter.drawer"


def test_stale_island_of_another_profile_is_ignored():
    page, expected = load("linkedin_gen2_stale_json")
    assert "Initech" in page
    profile = parse_profile(page, expected["url"])
    assert all(p.company != "Initech" for p in profile.positions)
    assert any("other profile" in w for w in profile.warnings)
