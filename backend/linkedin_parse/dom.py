"""Reading a selectolax (Lexbor) tree as visible lines of text.

LinkedIn styles ``span``s and ``div``s into rows with CSS, so HTML block semantics do not say where
a line ends. A line here is the text of one element, with inline formatting (``em`` search
highlights, ``strong``, ``time``) merged in. Screen-reader copies, scripts, styles, SVG, buttons
and JSON ``<code>`` islands are not visible text and are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from selectolax.lexbor import LexborNode

from backend.defaults import LINKEDIN_MAX_DEPTH as MAX_DEPTH
from backend.linkedin_parse.prescan import check_depth
from backend.linkedin_parse.text import clean

_SKIP_TAGS = frozenset(
    "script style noscript template svg code button img picture video audio iframe head title "
    "select option input textarea canvas object embed".split()
)
_INLINE_TAGS = frozenset(
    "em strong b i u mark small sup sub time abbr cite q s font bdi bdo".split()
)
_HIDDEN_CLASSES = frozenset({"visually-hidden", "a11y-text", "sr-only", "screen-reader-text"})


class Line(NamedTuple):  # a tuple: built for every line of the page, so cheap to build
    text: str
    node: LexborNode  # the element whose text this is


@dataclass
class Lines:
    """The visible lines under one element, and the line range of every element below it."""

    lines: list[Line]
    spans: dict[int, tuple[int, int]]  # element mem_id -> [start, end) line indexes
    inline: set[int]  # mem_ids of inline elements: their span is the lines they are part of

    def span(self, node: LexborNode) -> tuple[int, int] | None:
        span = self.spans.get(node.mem_id)
        if span is None:
            return None
        # An inline element's end is recorded before its last line is known to be non-empty.
        return span[0], min(span[1], len(self.lines))

    def within(self, node: LexborNode) -> list[Line]:
        span = self.span(node)
        return self.lines[span[0] : span[1]] if span else []

    def text_of(self, node: LexborNode | None) -> str:
        """``text_of(node)`` from the lines already read: an element read as a block is its
        lines; anything else (inline, skipped, outside) is read on its own."""
        if node is None:
            return ""
        span = self.spans.get(node.mem_id)
        if span is None or node.mem_id in self.inline:
            return text_of(node)
        return " ".join(line.text for line in self.lines[span[0] : span[1]])

    def first_text(self, root: LexborNode | None, selectors: Iterable[str]) -> str:
        """The visible text of the first selector that matches an element with visible text."""
        if root is None:
            return ""
        for selector in selectors:
            for node in root.css(selector):
                text = self.text_of(node)
                if text:
                    return text
        return ""


_HIDDEN = "[hidden], " + ", ".join(f".{name}" for name in sorted(_HIDDEN_CLASSES))


def is_hidden(node: LexborNode) -> bool:
    attrs = node.attributes
    if "hidden" in attrs:
        return True
    classes = attrs.get("class")
    return bool(classes) and not _HIDDEN_CLASSES.isdisjoint(classes.split())


def read_lines(root: LexborNode) -> Lines:
    """Walk ``root`` once (iteratively: hostile pages nest deeply) and cut it into lines."""
    lines: list[Line] = []
    spans: dict[int, tuple[int, int]] = {}
    inline_ids: set[int] = set()
    buffer: list[str] = []
    # One CSS query instead of reading every element's attributes.
    hidden = {node.mem_id for node in root.css(_HIDDEN)}

    def flush(host: LexborNode) -> None:  # called only with text in the buffer
        text = clean("".join(buffer))
        buffer.clear()
        if text:
            lines.append(Line(text, host))

    # Each frame: (element, its children iterator, its mem_id, is inline, first line index,
    # the block element its lines belong to). Frames are tuples and the host rides in them:
    # this loop runs for every node of the page.
    stack = [(root, root.iter(include_text=True), root.mem_id, False, 0, root)]
    skip, inline_tags = _SKIP_TAGS, _INLINE_TAGS
    while stack:
        node, children, node_id, inline, start, host = stack[-1]
        for child in children:
            tag = child.tag
            if tag == "-text":
                text = child.text_content
                # Whitespace that starts a line is dropped by clean() anyway: most text nodes
                # are the indentation between tags.
                if text and (buffer or not text.isspace()):
                    buffer.append(text)
                continue
            if not tag or tag[0] == "-" or tag in skip:
                continue
            if tag == "br" or tag == "hr":
                if buffer:
                    flush(host)
                continue
            child_id = child.mem_id
            if child_id in hidden:
                continue
            if len(stack) >= MAX_DEPTH:
                check_depth(len(stack) + 1)  # a small page's tree (not pre-scanned), or odd markup
            children_of = child.iter(include_text=True)
            if tag in inline_tags:
                stack.append((child, children_of, child_id, True, len(lines), host))
            else:
                if buffer:
                    flush(host)
                stack.append((child, children_of, child_id, False, len(lines), child))
            break
        else:
            stack.pop()
            if inline:
                spans[node_id] = (start, len(lines) + 1)
                inline_ids.add(node_id)
            else:
                if buffer:
                    flush(host)
                spans[node_id] = (start, len(lines))
    return Lines(lines, spans, inline_ids)


def text_of(node: LexborNode | None) -> str:
    """The visible text of an element as one line ("" for None)."""
    if node is None or is_hidden(node):
        return ""
    return clean(" ".join(line.text for line in read_lines(node).lines))


def first(root: LexborNode | None, selectors: Iterable[str]) -> LexborNode | None:
    """The first element matching the first selector (in registry order) that matches."""
    if root is None:
        return None
    for selector in selectors:
        node = root.css_first(selector)
        if node is not None:
            return node
    return None


def ancestors(node: LexborNode, stop: LexborNode) -> list[LexborNode]:
    """``node``'s parents up to and including ``stop`` (nearest first); [] if outside it."""
    chain: list[LexborNode] = []
    stop_id = stop.mem_id
    current = node.parent
    while current is not None and len(chain) < MAX_DEPTH:
        chain.append(current)
        if current.mem_id == stop_id:
            return chain
        current = current.parent
    return []


def closest(node: LexborNode, tags: Iterable[str]) -> LexborNode | None:
    wanted = set(tags)
    current = node.parent
    depth = 0
    while current is not None and depth < MAX_DEPTH:
        if current.tag in wanted:
            return current
        current = current.parent
        depth += 1
    return None
