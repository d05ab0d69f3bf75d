"""A pass over the raw HTML's tags that bounds nesting depth and element count before any tree
is built (see ``limits``).

The model errs on the deep side: an element counts as closed only when the HTML parser surely
closes it (its own end tag on top of the stack, or one of the end tags and start tags that close
list items and paragraphs implicitly). Everything else stays open, so hostile markup (stray or
misnested end tags, end tags hidden in attribute values, comments or scripts) can only make the
page look deeper, never shallower. A well-formed page, such as the DOM serialised by the browser
extension, is measured exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend.defaults import LINKEDIN_MAX_DEPTH as MAX_DEPTH
from backend.defaults import LINKEDIN_MAX_ELEMENTS as MAX_ELEMENTS
from backend.defaults import LINKEDIN_SMALL_PAGE_TAGS as SMALL_PAGE_TAGS
from backend.linkedin_parse.model import PageTooComplex

# One token: a comment, a bogus comment (``<!…>``, ``<?…>``, ``</ …>``), or a tag with its
# attributes (quoted values may hold ``>`` and ``</div>``; quotes start a value only after "=").
_TOKEN = re.compile(
    r"<!--(?:-?>|.*?(?:--!?>|\Z))"
    r"|<[!?][^>]*+>?"
    r"|</(?![A-Za-z])[^>]*+>?"
    r"|<(/?)([A-Za-z][^\s/>]*+)((?:[^>=]++|=\s*+\"[^\"]*+\"|=\s*+'[^']*+'|=)*+)>?",
    re.S,
)
_VOID = frozenset(
    "area base basefont bgsound br col embed frame hr image img input keygen link meta param "
    "source track wbr".split()
)
# Elements whose content is text up to their own end tag.
_RAW_TEXT = frozenset("script style textarea title xmp iframe noembed noframes".split())
_RAW_END = {name: re.compile(rf"</{name}[\s/>]", re.I) for name in _RAW_TEXT}
# Closed by the parser's "generate implied end tags" before a block end tag closes its element.
_IMPLIED = frozenset("p li dd dt option optgroup rb rp rt rtc".split())
# End tags the parser handles by closing implied elements first (every other end tag only
# closes its element when it is on top).
_BLOCK_END = frozenset(
    "address article aside blockquote button center details dialog dir div dl fieldset "
    "figcaption figure footer header hgroup listing main menu nav ol pre search section summary "
    "ul form p li dd dt h1 h2 h3 h4 h5 h6".split()
)
# Start tags that close an open <p> on top of the stack first.
_CLOSES_P = frozenset(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption "
    "figure footer header hgroup main menu nav ol p search section summary ul h1 h2 h3 h4 h5 h6 "
    "pre listing form hr xmp".split()  # not table: in quirks mode it does not close a <p>
)
# Start tags that close a sibling of their own kind on top of the stack.
_CLOSES_SIBLING = {"li": ("li",), "dd": ("dd", "dt"), "dt": ("dd", "dt"), "option": ("option",)}
# Table parts the parser inserts when a page leaves them out: <table><td> = table>tbody>tr>td.
_TABLE_WRAPPERS = {
    "td": ("tr", ("tbody", "tr")),
    "th": ("tr", ("tbody", "tr")),
    "tr": ("tbody thead tfoot", ("tbody",)),
    "col": ("colgroup", ("colgroup",)),
}
_TABLE_PARTS = frozenset("table caption colgroup tbody thead tfoot tr td th".split())
_FOREIGN = frozenset({"svg", "math"})
# In SVG/MathML, these return to HTML rules (HTML integration points)...
_INTEGRATION = frozenset("foreignobject desc title annotation-xml mi mo mn ms mtext".split())
# ...and these start tags break out of foreign content into HTML.
_BREAKOUT = frozenset(
    "b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i img "
    "li listing menu meta nobr ol p pre ruby s small span strong strike sub sup table tt u ul var "
    "font".split()
)


@dataclass(frozen=True)
class Shape:
    depth: int  # deepest element nesting seen (an upper bound for malformed markup)
    elements: int  # start tags


def measure(html: str) -> Shape:
    """The nesting depth and element count of ``html``, scanning tags only."""
    names: list[str] = []  # the stack of open elements
    foreign: list[bool] = []  # per open element: are its children parsed as SVG/MathML?
    depth = elements = pos = 0
    search = _TOKEN.search
    while True:
        token = search(html, pos)
        if token is None:
            break
        pos = token.end()
        raw_name = token.group(2)
        if raw_name is None:
            continue  # a comment
        name = raw_name.lower()
        if token.group(1):
            _close(names, foreign, name)
            continue
        elements += 1
        if elements > MAX_ELEMENTS:
            return Shape(depth, elements)
        if name == "plaintext":
            break  # the rest of the page is text
        in_foreign = bool(foreign) and foreign[-1]
        if in_foreign and name in _BREAKOUT:
            in_foreign = False
        if not in_foreign:
            _open_implicitly_closes(names, foreign, name)
            wrappers = _TABLE_WRAPPERS.get(name)
            if wrappers and names and names[-1] not in wrappers[0].split():
                for wrapper in wrappers[1][-2 if names[-1] == "table" else -1 :]:
                    names.append(wrapper)
                    foreign.append(False)
        if (name in _VOID and not in_foreign) or (
            in_foreign and token.group(3).rstrip().endswith("/")
        ):
            continue
        names.append(name)
        foreign.append((in_foreign or name in _FOREIGN) and name not in _INTEGRATION)
        if len(names) > depth:
            depth = len(names)
            if depth > MAX_DEPTH:
                return Shape(depth, elements)
        if name in _RAW_TEXT and not in_foreign:
            end = _RAW_END[name].search(html, pos)
            if end is None:
                break
            pos = end.start()
    return Shape(depth, elements)


def _open_implicitly_closes(names: list[str], foreign: list[bool], name: str) -> None:
    if names and names[-1] == "p" and name in _CLOSES_P:
        names.pop()
        foreign.pop()
    siblings = _CLOSES_SIBLING.get(name)
    if siblings and names and names[-1] in siblings:
        names.pop()
        foreign.pop()


def _close(names: list[str], foreign: list[bool], name: str) -> None:
    if not names:
        return
    if names[-1] == name:
        names.pop()
        foreign.pop()
        return
    table = name in _TABLE_PARTS
    if not table and name not in _BLOCK_END:
        return
    for i in range(len(names) - 1, -1, -1):
        if names[i] == name:
            del names[i:], foreign[i:]
            return
        if names[i] not in _IMPLIED and not (table and names[i] in _TABLE_PARTS):
            return


def check_shape(html: str) -> None:
    """Raise ``PageTooComplex`` for a page nested deeper or holding more elements than the
    parser accepts. Small pages are left to ``check_depth`` during the read."""
    if html.count("<") <= SMALL_PAGE_TAGS:
        return
    # Counted at C speed before the scan, an upper bound: every "<" that opens no end tag,
    # comment or doctype (text and attribute values rarely hold a raw "<").
    elements = html.count("<") - html.count("</") - html.count("<!")
    if elements > MAX_ELEMENTS:
        raise PageTooComplex(f"page has too many elements: {elements:,}, limit {MAX_ELEMENTS:,}")
    check_depth(measure(html).depth)


def check_depth(depth: int) -> None:
    """Raise ``PageTooComplex`` past ``MAX_DEPTH`` (counting stops there: "257+ levels")."""
    if depth > MAX_DEPTH:
        raise PageTooComplex(f"page too deeply nested: {depth:,}+ levels, limit {MAX_DEPTH}")
