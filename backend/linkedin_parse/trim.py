"""Lists the profile never reads, cut out of the raw HTML before any tree is built.

Recruiter renders its search results behind the profile drawer, and a long list is most of a big
page: building its tree and pre-scanning its tags would cost more than reading the profile. An
element is cut only when its extent is certain: its start tag carries the marker, its end tag is
found by counting same-name tags within a small budget, and the cut part holds no JSON island and
no profile marker. Anything less certain is left for the parser, which scopes it out anyway.
"""

from __future__ import annotations

import re
from functools import cache

_START = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)[\s>]")
_MAX_SAME_NAME_TAGS = 400  # same-name tags counted to find an end before giving up the cut
_MAX_ATTEMPTS = 8  # marker hits examined per page: real pages have one list; bounds hostile ones


def cut_lists(html: str, markers: tuple[str, ...], guards: tuple[str, ...]) -> str:
    """``html`` without the elements whose start tag holds one of ``markers``."""
    if not markers:
        return html
    pieces: list[str] = []
    pos = 0
    for _ in range(_MAX_ATTEMPTS):
        hits = [i for i in (html.find(m, pos) for m in markers) if i >= 0]
        if not hits:
            break
        hit = min(hits)
        span = _element_at(html, pos, hit)
        if span is None or any(html.find(g, span[0], span[1]) >= 0 for g in guards):
            pieces.append(html[pos : hit + 1])
            pos = hit + 1
            continue
        pieces.append(html[pos : span[0]])
        pos = span[1]
    if not pieces:
        return html
    pieces.append(html[pos:])
    return "".join(pieces)


def _element_at(html: str, floor: int, hit: int) -> tuple[int, int] | None:
    """[start, end) of the element whose start tag contains position ``hit``."""
    start = html.rfind("<", floor, hit)
    if start < 0:
        return None
    tag = _START.match(html, start)
    if tag is None or html.find(">", start) < hit:
        return None
    depth = 0
    for count, token in enumerate(_same_name(tag[1].lower()).finditer(html, start)):
        if count > _MAX_SAME_NAME_TAGS:
            return None
        depth += -1 if token[1] else 1
        if depth == 0:
            end = html.find(">", token.end() - 1)
            return (start, end + 1) if end >= 0 else None
    return None


@cache
def _same_name(name: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?){re.escape(name)}[\s/>]", re.I)
