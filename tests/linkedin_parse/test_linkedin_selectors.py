"""Meta-tests of the selector registry: valid for Lexbor, no hashed classes, every product."""

from __future__ import annotations

import dataclasses
import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from backend.linkedin_parse import selectors
from backend.linkedin_parse.selectors import REGISTRIES

# CSS-module hashes ("_headingText_e3b563") and obfuscated classes ("FFYtoLcCjARyISqOByre").
HASHED = re.compile(r"\._[\w-]+_[0-9a-z]{5,}\b|\.[A-Za-z]{20,}\b")


def all_selectors() -> list[str]:
    found = []
    for registry in REGISTRIES.values():
        for field in dataclasses.fields(registry):
            found.extend(getattr(registry, field.name))
    extra = (selectors.EXPERIENCE_ANCHOR, selectors.HEADINGS, selectors.PUBLIC_PROFILE_LINK)
    return [*found, *extra, selectors.RECRUITER_DRAWER, *selectors.SDUI_MARKERS]


def test_there_is_one_registry_per_product():
    assert set(REGISTRIES) == {"recruiter", "linkedin", "sales_navigator"}


@pytest.mark.parametrize("selector", sorted(set(all_selectors())))
def test_selector_is_valid_and_never_a_hashed_class(selector):
    LexborHTMLParser("<p></p>").css(selector)  # raises on a selector Lexbor cannot read
    assert not HASHED.search(selector)
