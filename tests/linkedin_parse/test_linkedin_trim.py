"""The search list behind the Recruiter drawer is cut from the raw HTML only when its extent is
certain and it holds nothing the parser reads."""

from __future__ import annotations

import time

from backend.linkedin_parse.selectors import RECRUITER
from backend.linkedin_parse.trim import cut_lists

LIST = '<ol class="profile-list" data-test-paginated-list=""><li data-test-paginated-list-item="">'
ROW = "<ol><li>Markus Weber</li></ol>"


def cut(html: str) -> str:
    return cut_lists(html, RECRUITER.raw_cut, RECRUITER.raw_guards)


def test_the_whole_list_goes_nested_lists_included():
    html = f"<main>{LIST}{ROW}</li></ol><div data-test-profile-container>Amélie</div></main>"
    assert cut(html) == "<main><div data-test-profile-container>Amélie</div></main>"


def test_a_list_holding_a_json_island_or_the_profile_stays():
    island = f"{LIST}<code>{{}}</code></li></ol>"
    assert cut(island) == island
    profile = f"{LIST}<div data-test-profile-container>x</div></li></ol>"
    assert cut(profile) == profile


def test_a_list_without_its_end_tag_stays():
    html = f"<main>{LIST}{ROW}"
    assert cut(html) == html


def test_a_marker_outside_a_start_tag_is_only_text():
    html = "<p>data-test-paginated-list</p>"
    assert cut(html) == html


def test_other_products_cut_nothing():
    html = f"<main>{LIST}</li></ol></main>"
    assert cut_lists(html, (), ()) == html


def test_many_unclosed_markers_cost_little():
    html = "<p data-test-paginated-list>" * 20_000
    start = time.perf_counter()
    assert cut(html) == html
    assert time.perf_counter() - start < 0.5
