"""Hostile HTML is refused before the tree is built, cheaply, with a typed error; the pre-scan's
depth never reads a page shallower than the HTML parser builds it."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from backend.defaults import LINKEDIN_MAX_DEPTH as MAX_DEPTH
from backend.defaults import LINKEDIN_MAX_ELEMENTS as MAX_ELEMENTS
from backend.defaults import LINKEDIN_SMALL_PAGE_TAGS as SMALL_PAGE_TAGS
from backend.linkedin_parse import PageTooComplex
from backend.linkedin_parse import ParseError
from backend.linkedin_parse import Profile
from backend.linkedin_parse import parse_profile
from backend.linkedin_parse.prescan import measure

URL = "https://www.linkedin.com/in/lena-hoffmann-8a1b2c/"


def tree_depth(html: str) -> int:
    """Nesting of the elements that hold something in the tree Lexbor builds (<html> is 1): the
    depth of its stack of open elements."""
    tree = LexborHTMLParser(html)
    deepest, stack = 0, [(tree.root, 1)]
    while stack:
        node, depth = stack.pop()
        child = node.child
        if child is not None:
            deepest = max(deepest, depth)
        while child is not None:
            if child.is_element_node:
                stack.append((child, depth + 1))
            child = child.next
    return deepest


def refused_quickly(html: str, seconds: float = 0.5) -> PageTooComplex:
    start = time.perf_counter()
    with pytest.raises(PageTooComplex) as raised:
        parse_profile(html, URL)
    assert time.perf_counter() - start < seconds
    return raised.value


def test_300k_nested_divs_are_refused_in_well_under_a_second():
    error = refused_quickly("<div>" * 300_000 + "x")  # 1.5 MB, under the size cap
    assert isinstance(error, ParseError)  # the API edge answers ParseError with 422
    assert str(error) == f"page has too many elements: 300,000, limit {MAX_ELEMENTS:,}"


def test_deep_page_under_the_element_limit_is_refused_for_its_depth():
    error = refused_quickly("<div>" * 50_000 + "x")
    assert str(error) == f"page too deeply nested: {MAX_DEPTH + 1}+ levels, limit {MAX_DEPTH}"


def test_small_deep_page_is_refused_while_it_is_read():
    depth = SMALL_PAGE_TAGS // 2  # few tags: not pre-scanned, cheap to build
    error = refused_quickly("<div>" * depth + "x")
    assert "too deeply nested" in str(error)


def test_too_many_elements_are_refused_before_the_tree():
    error = refused_quickly("<i></i>" * (MAX_ELEMENTS + 1))
    assert str(error).startswith("page has too many elements:")
    assert f"limit {MAX_ELEMENTS:,}" in str(error)


@pytest.mark.parametrize(
    "unit",
    [
        "<div title='</div>'>",  # an end tag inside an attribute value
        '<div data-x="a>b</div>">',
        "<div><!--</div>-->",  # inside a comment
        "<div><!</div>",  # inside a bogus comment
        "<div><script></div></script>",  # inside a script
        "<span><p></span>",  # an end tag the parser ignores (a <p> is in the way)
        "<div><object></div>",  # an end tag out of scope
        "<svg><foreignObject><x/>",  # HTML rules again inside SVG: <x/> stays open
        "<svg><div><x/>",  # a <div> breaks out of SVG
        "<b>",  # formatting elements
        "<li><ul>",
        "<table><tr><td>",
    ],
)
def test_tricks_that_hide_nesting_from_a_tag_count_are_still_refused(unit):
    refused_quickly(unit * 60_000)


def test_fixture_like_pages_are_measured_exactly():
    html = (
        "<!doctype html><html><body><main><section><ul><li><p>a<br>b</p><img src=x></li><li>"
        "<svg><path d='M0'/></svg><p>c<p>d</li></ul></section></main>"
        + '<code><!--{"a": "</div>"}--></code><script>if (a</b) {}</script></body></html>'
    )
    assert measure(html).depth == tree_depth(html)


TAGS = "div span p li ul dd dt b a i table tr td svg math path foreignObject desc script "
TAGS += "style textarea template select option button object title x-card h1 form"
PIECES = st.sampled_from(
    [f"<{t}>" for t in TAGS.split()]
    + [f"</{t}>" for t in TAGS.split()]
    + ["<br>", "<img>", "<x/>", "<div/>", "<!--", "-->", "<!x>", "</ x>", "<p title='</p>'>"]
    + ["<b class=1>", "<b class=2>", "<a href=#>", "text", "'", '"', "=", "<", ">", "</"]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=80))
def test_prescan_never_reads_a_page_shallower_than_the_parser_builds_it(pieces):
    html = "".join(pieces)
    assert measure(html).depth + 2 >= tree_depth(html)  # + the implied <html> and <body>


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(PIECES, st.integers(1, 400)), max_size=12),
    st.sampled_from([URL, "https://www.linkedin.com/talent/profile/AEMAAAbCdEf123456"]),
)
def test_random_html_gives_a_profile_or_a_typed_refusal(runs, url):
    html = "".join(piece * count for piece, count in runs)
    try:
        profile = parse_profile(html, url)
    except PageTooComplex:
        return
    assert isinstance(profile, Profile)
