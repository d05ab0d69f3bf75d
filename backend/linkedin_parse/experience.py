"""Positions from an experience section, in any product's markup.

The anchor of a position is its date-range line ("Feb 2024 – Present", "janv. 2019 - aujourd’hui ·
6 ans"), found by text, not by class. A position is the largest element around one date line that
holds no other date line. Lines before the date are the title and the company ("Acme · Full-time");
the first plausible line after it is the location. Several roles at one company sit together in a
larger element whose header (the lines before its first role) names the company. The product's
selector registry is asked first for each field; the lines are the fallback.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from backend.defaults import LINKEDIN_MAX_POSITIONS as MAX_POSITIONS
from backend.linkedin_parse import locales
from backend.linkedin_parse.dom import Line
from backend.linkedin_parse.dom import Lines
from backend.linkedin_parse.dom import ancestors
from backend.linkedin_parse.dom import read_lines
from backend.linkedin_parse.model import Position
from backend.linkedin_parse.selectors import Registry
from backend.linkedin_parse.text import DateRange
from backend.linkedin_parse.text import company_name
from backend.linkedin_parse.text import fold
from backend.linkedin_parse.text import is_duration
from backend.linkedin_parse.text import is_meta_line
from backend.linkedin_parse.text import parse_date_line
from backend.linkedin_parse.text import place
from backend.linkedin_parse.text import strip_separators

_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_MAX_PLACE_CHARS = 80
_MAX_PLACE_WORDS = 8


@dataclass
class _Anchor:
    index: int  # of the date line
    dates: DateRange
    container: LexborNode
    span: tuple[int, int]


def _is_noise(text: str, strict: bool = True) -> bool:
    """Lines that are never a title, company or place: separators, headings, durations and
    (``strict``) employment-type lines. A role's own lines are read leniently: "Werkstudent",
    "Intern" or "Freelance" can be a title."""
    if not strip_separators(text) or is_duration(text):
        return True
    folded = fold(text)
    if folded in locales.EXPERIENCE_HEADINGS or folded in locales.OTHER_SECTION_HEADINGS:
        return True
    return (strict or any(c in text for c in "·•|")) and is_meta_line(text)


def _heading_rank(line: Line) -> int | None:
    """1-6 for a line in a heading element (or its direct child), else None."""
    for node in (line.node, line.node.parent):
        if node is None:
            continue
        if node.tag in _HEADING_TAGS:
            return int(node.tag[1])
        if node.attributes.get("role") == "heading":
            level = node.attributes.get("aria-level") or "2"
            return int(level) if level.isdigit() else 2
    return None


def _looks_like_place(text: str) -> bool:
    if len(text) > _MAX_PLACE_CHARS or len(text.split()) > _MAX_PLACE_WORDS:
        return False
    return not text.rstrip().endswith((".", "!", "?", ":")) and ":" not in text


class _Section:
    def __init__(self, section: LexborNode, registry: Registry, doc: Lines | None) -> None:
        self.root = section
        self.registry = registry
        bounds = doc.span(section) if doc is not None else None
        if doc is None or bounds is None or section.mem_id in doc.inline:
            doc = read_lines(section)  # not part of the page's lines (a hidden ancestor)
            bounds = (0, len(doc.lines))
        self.doc: Lines = doc
        self.bounds = bounds
        self.noise: dict[tuple[int, bool], bool] = {}  # each line judged once per strictness
        self.fields: dict[str, list[tuple[int, int, LexborNode]]] = {}
        self.title_starts: list[int] | None = None  # line of every title hook, for counting
        self.excluded = self._description_lines()
        self.window = self._window()
        self.anchors = self._anchors()
        self.starts = sorted(anchor.span[0] for anchor in self.anchors)

    def _description_lines(self) -> set[int]:
        excluded: set[int] = set()
        if not self.registry.description:
            return excluded
        # One query for the whole list: only the set of lines matters, not which selector.
        for node in self.root.css(", ".join(self.registry.description)):
            span = self.doc.span(node)
            if span:
                excluded.update(range(*span))
        return excluded

    def _window(self) -> tuple[int, int]:
        """Lines from the Experience heading (if any) to the next section's heading: a section
        found by its heading, or a card shared with Education, holds other dated entries."""
        lines = self.doc.lines
        first, last = self.bounds
        start = next(
            (i for i in range(first, last) if fold(lines[i].text) in locales.EXPERIENCE_HEADINGS),
            None,
        )
        # Only a heading of the same rank or higher ends the section ("Skills" inside a role
        # is a lower one); without an Experience heading, only h1/h2 do.
        rank = _heading_rank(lines[start]) if start is not None else None
        rank = rank or 2
        begin = start if start is not None else first
        for i in range(begin + 1, last):
            if fold(lines[i].text) in locales.OTHER_SECTION_HEADINGS:
                other = _heading_rank(lines[i])
                if other is not None and other <= rank:
                    return begin, i
        return begin, last

    def _anchors(self) -> list[_Anchor]:
        found = []
        start, end = self.window
        for index in range(start, end):
            line = self.doc.lines[index]
            if index in self.excluded:
                continue
            dates = parse_date_line(line.text)
            if dates:
                found.append((index, dates, line.node))
            if len(found) > MAX_POSITIONS:
                break
        chains = [[node, *ancestors(node, self.root)] for _, _, node in found]
        counts: dict[int, int] = {}
        for chain in chains:
            for element in chain:
                counts[element.mem_id] = counts.get(element.mem_id, 0) + 1
        anchors = []
        root_id = self.root.mem_id
        for (index, dates, _node), chain in zip(found, chains, strict=True):
            container = chain[0]
            for element in chain[1:]:
                if element.mem_id == root_id or counts[element.mem_id] > 1:
                    break
                container = element
            span = self.doc.span(container) or (index, index + 1)
            anchors.append(_Anchor(index, dates, container, span))
        return anchors

    def _is_noise(self, index: int, strict: bool) -> bool:
        key = (index, strict)
        found = self.noise.get(key)
        if found is None:
            found = self.noise[key] = _is_noise(self.doc.lines[index].text, strict)
        return found

    def _usable(self, start: int, end: int, strict: bool = True) -> list[Line]:
        return [
            self.doc.lines[i]
            for i in range(start, end)
            if i not in self.excluded and not self._is_noise(i, strict)
        ]

    def _matches(self, selector: str) -> list[tuple[int, int, LexborNode]]:
        """Line spans of the section's elements matching ``selector``: one CSS query per
        selector for the whole section, not one per position."""
        found = self.fields.get(selector)
        if found is None:
            found = self.fields[selector] = []
            for node in self.root.css(selector):
                span = self.doc.span(node)
                if span is not None and node.mem_id not in self.doc.inline:
                    found.append((span[0], span[1], node))
                else:
                    found.append((-1, -1, node))  # inline or unread: checked by ancestry
        return found

    def _field(self, container: LexborNode, span: tuple[int, int], chain: tuple[str, ...]) -> str:
        """``first_text(container, chain)`` from the section-wide matches. An element with
        text whose lines fall within the container's lines is inside it (lines are disjoint)."""
        exact = container.mem_id not in self.doc.inline
        for selector in chain:
            for start, end, node in self._matches(selector):
                if start < 0 or not exact:
                    inside = node.mem_id == container.mem_id or ancestors(node, container)
                    if not inside:
                        continue
                elif not (span[0] <= start < end <= span[1]):
                    continue
                text = self.doc.text_of(node)
                if text:
                    return text
        return ""

    def _group_header(self, anchor: _Anchor) -> tuple[LexborNode, list[Line]] | None:
        """The element holding several roles at one company, with its header lines."""
        for element in ancestors(anchor.container, self.root):
            if element.mem_id == self.root.mem_id:
                return None
            span = self.doc.span(element)
            if span is None:
                continue
            after = bisect_left(self.starts, span[0])
            first_role = self.starts[after] if after < len(self.starts) else span[1]
            header = self._usable(span[0], min(first_role, span[1]))
            if header:
                return element, header
        return None

    def _group_company(self, anchor: _Anchor) -> tuple[str | None, str | None]:
        found = self._group_header(anchor)
        if found is None:
            return None, None
        element, header = found
        first_role = next((s for s in self.starts if s >= (self.doc.span(element) or (0,))[0]), 0)
        company = None
        for selector in self.registry.group_company:
            node = element.css_first(selector)
            span = self.doc.span(node) if node is not None else None
            if node is not None and span and span[0] < first_role:
                company = company_name(self.doc.text_of(node))
                if company:
                    break
        company = company or company_name(header[0].text)
        rest = [line.text for line in header[1:]]
        location = next((place(t) for t in rest if _looks_like_place(t)), None)
        return company, location

    def _first_line_after(self, anchor: _Anchor) -> str:
        """The line after the dates (where the location sits), up to a sub-heading."""
        for i in range(anchor.index + 1, anchor.span[1]):
            line = self.doc.lines[i]
            if _heading_rank(line) is not None:
                break
            if i not in self.excluded and not self._is_noise(i, False):
                return line.text
        return ""

    def position(self, anchor: _Anchor) -> Position | None:
        container, registry = anchor.container, self.registry
        before = self._usable(anchor.span[0], anchor.index, strict=False)

        title = self._field(container, anchor.span, registry.title) or (
            before[0].text if before else ""
        )
        company_line = self._field(container, anchor.span, registry.company) or (
            before[1].text if len(before) >= 2 else ""
        )
        company = company_name(company_line)
        group_location = None
        if not company:
            company, group_location = self._group_company(anchor)
        if not company and company_line and not is_duration(company_line):
            # Outside a group, a lone "Freelance" / "Self-employed" is what the member wrote.
            company = strip_separators(company_line.split("·")[0]) or None
        location = place(self._field(container, anchor.span, registry.position_location))
        if not location:
            candidate = self._first_line_after(anchor)
            location = place(candidate) if candidate and _looks_like_place(candidate) else None
        location = location or group_location
        title = strip_separators(title) or None
        if not title and not company:
            return None
        dates = anchor.dates
        return Position(title, company, dates.start, dates.end, dates.current, location)

    def undated(self) -> list[tuple[int, Position]]:
        """Roles with no date line at all, found by the registry's title hook: a title outside
        every dated role whose element sits beside the dated roles (in the same list), or on a
        page without any. A group's header (its company) sits one level above its roles."""
        anchors = self.anchors
        dated = {index for anchor in anchors for index in range(*anchor.span)}
        lists = {anchor.container.parent.mem_id for anchor in anchors if anchor.container.parent}
        begin, end = self.window
        found: list[tuple[int, Position]] = []
        seen: set[int] = set()
        for selector in self.registry.title:
            for start, stop, node in self._matches(selector):
                if not begin <= start < end or start in dated or start in self.excluded:
                    continue
                container = self._undated_container(node, dated)
                parent = container.parent
                if container.mem_id in seen or (anchors and parent and parent.mem_id not in lists):
                    continue
                seen.add(container.mem_id)
                position = self._undated_position(node, container, (start, stop))
                if position is not None:
                    found.append((start, position))
        return found

    def _undated_container(self, node: LexborNode, dated: set[int]) -> LexborNode:
        """The largest element around a title that holds no dated line and no other title."""
        container = node
        for element in ancestors(node, self.root):
            span = self.doc.span(element)
            if element.mem_id == self.root.mem_id or span is None:
                break
            if any(i in dated for i in range(*span)) or self._titles_in(span) > 1:
                break
            container = element
        return container

    def _titles_in(self, span: tuple[int, int]) -> int:
        if self.title_starts is None:
            self.title_starts = sorted(
                {start for sel in self.registry.title for start, _, _ in self._matches(sel)}
            )
        return bisect_left(self.title_starts, span[1]) - bisect_left(self.title_starts, span[0])

    def _undated_position(
        self, node: LexborNode, container: LexborNode, title_span: tuple[int, int]
    ) -> Position | None:
        span = self.doc.span(container) or title_span
        title = strip_separators(self.doc.text_of(node)) or None
        after = self._usable(title_span[1], span[1], strict=False)
        company_line = self._field(container, span, self.registry.company)
        if not company_line and after:
            company_line = after.pop(0).text
        company = company_name(company_line) if company_line else None
        location = place(self._field(container, span, self.registry.position_location))
        if not location:
            texts = [line.text for line in after if line.text != company_line]
            location = next((place(t) for t in texts if _looks_like_place(t)), None)
        if not title:
            return None
        return Position(title, company, None, None, False, location)


def read_positions(
    section: LexborNode, registry: Registry, doc: Lines | None = None
) -> list[Position]:
    """The positions of an experience section, in page order (LinkedIn lists newest first),
    dated or not. ``doc``: the page's lines already read, if the section is part of them."""
    reader = _Section(section, registry, doc)
    positions: list[Position] = []
    seen: set[tuple] = set()
    dated = [(anchor.span[0], anchor) for anchor in reader.anchors[:MAX_POSITIONS]]
    entries = sorted([*dated, *reader.undated()], key=lambda entry: entry[0])
    for _, entry in entries[:MAX_POSITIONS]:
        position = reader.position(entry) if isinstance(entry, _Anchor) else entry
        if position is None:
            continue
        key = (position.title, position.company, position.start, position.end)
        if key not in seen:
            seen.add(key)
            positions.append(position)
    return positions
