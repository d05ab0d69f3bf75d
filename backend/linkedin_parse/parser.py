"""``parse_profile(html, url) -> Profile``: pure, no I/O.

Order of trust: LinkedIn's embedded JSON for this same profile, then the product's selector
registry, then text structure (date-range lines, headings, line order in the top card). Every step
that finds nothing leaves a warning instead of raising.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace

from selectolax.lexbor import LexborHTMLParser
from selectolax.lexbor import LexborNode

from backend.defaults import LINKEDIN_MAX_DEPTH as MAX_DEPTH
from backend.defaults import MAX_SNAPSHOT_BYTES
from backend.linkedin_parse import locales
from backend.linkedin_parse.dom import Line
from backend.linkedin_parse.dom import Lines
from backend.linkedin_parse.dom import closest
from backend.linkedin_parse.dom import first
from backend.linkedin_parse.dom import read_lines
from backend.linkedin_parse.embedded import read_embedded
from backend.linkedin_parse.experience import read_positions
from backend.linkedin_parse.model import NotAProfilePage
from backend.linkedin_parse.model import ParseError
from backend.linkedin_parse.model import Position
from backend.linkedin_parse.model import Profile
from backend.linkedin_parse.model import SnapshotTooLarge
from backend.linkedin_parse.model import fill_current
from backend.linkedin_parse.names import join_name
from backend.linkedin_parse.names import split_name
from backend.linkedin_parse.prescan import check_shape
from backend.linkedin_parse.selectors import CONTACT_INFO_PATH
from backend.linkedin_parse.selectors import EXPERIENCE_ANCHOR
from backend.linkedin_parse.selectors import HEADINGS
from backend.linkedin_parse.selectors import PUBLIC_PROFILE_LINK
from backend.linkedin_parse.selectors import RECRUITER_DRAWER
from backend.linkedin_parse.selectors import REGISTRIES
from backend.linkedin_parse.selectors import SDUI_MARKERS
from backend.linkedin_parse.selectors import Registry
from backend.linkedin_parse.text import company_name
from backend.linkedin_parse.text import fold
from backend.linkedin_parse.text import has_digit
from backend.linkedin_parse.text import is_meta_line
from backend.linkedin_parse.text import place
from backend.linkedin_parse.text import strip_separators
from backend.linkedin_parse.trim import cut_lists
from backend.linkedin_parse.urls import PageId
from backend.linkedin_parse.urls import normalize_linkedin_url
from backend.linkedin_parse.urls import page_id

_MEMBER_TOKEN = re.compile(r"^AC[ow]AA")
_SECTION_TAGS = ("section", "article", "main")
_NOT_A_NAME = {"sales navigator lead page", "linkedin", "linkedin recruiter"}
_PLACE_ENDINGS = (
    "area",
    "region",
    "metropolitan",
    "metropolitana",
    "agglomeration",
    "und umgebung",
)
_CONNECTION_WORDS = ("connection", "relation", "kontakt", "conexion", "conexao", "collegament")


def _check_size(html: str | bytes) -> str:
    if isinstance(html, bytes):
        if len(html) > MAX_SNAPSHOT_BYTES:
            raise SnapshotTooLarge(_too_large(len(html)))
        return html.decode("utf-8", errors="replace")
    if not isinstance(html, str):
        raise ParseError("The page snapshot must be HTML text.")
    # A character is at most 4 UTF-8 bytes: encode only when the length alone cannot decide.
    if len(html) * 4 > MAX_SNAPSHOT_BYTES:
        size = len(html.encode("utf-8", errors="surrogatepass"))
        if size > MAX_SNAPSHOT_BYTES:
            raise SnapshotTooLarge(_too_large(size))
    return html


def _too_large(size: int) -> str:
    return (
        f"The page snapshot is {size:,} bytes, more than the "
        f"{MAX_SNAPSHOT_BYTES:,}-byte limit the parser accepts."
    )


@dataclass
class _Draft:
    page: PageId
    layout: str
    warnings: list[str] = field(default_factory=list)
    full_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    headline: str | None = None
    location: str | None = None
    company: str | None = None
    title: str | None = None
    linkedin_url: str | None = None
    positions: list[Position] = field(default_factory=list)
    name_text: str = ""  # the name as the top card shows it, split once its language is known
    name_lang: str | None = None  # the nearest lang attribute (the UI language on a whole page)
    locale: str | None = None  # the profile's own locale, from its embedded JSON


def _root(tree: LexborHTMLParser, registry: Registry) -> tuple[LexborNode, bool]:
    """The profile element, and whether a product root selector found it. Without one, the
    lists that reuse the profile's hooks (Recruiter search results behind the drawer) are cut
    out of the tree so they cannot be read as the profile."""
    node = first(tree.body or tree.root, registry.root)
    if node is not None and node.tag != "main":
        return node, True
    scope = node or tree.body or tree.root
    for selector in registry.noise:
        for noise in scope.css(selector):
            noise.decompose()
    return scope, node is not None


def _experience_section(root: LexborNode, registry: Registry, doc: Lines) -> LexborNode | None:
    section = first(root, registry.experience)
    if section is not None:
        return section
    anchor = root.css_first(EXPERIENCE_ANCHOR)
    if anchor is not None:
        return closest(anchor, _SECTION_TAGS) or anchor.parent
    for heading in root.css(HEADINGS):
        if fold(doc.text_of(heading)) in locales.EXPERIENCE_HEADINGS:
            # The reader starts at this heading and stops at the next section's heading.
            return closest(heading, _SECTION_TAGS) or root
    return None


def _top_card_lines(card: LexborNode, name: str, doc: Lines) -> list[Line]:
    """The top card's lines after the name (headline, "org · school", location, …)."""
    lines = doc.within(card) if doc.span(card) else read_lines(card).lines
    texts = [line.text for line in lines]
    if name in texts:
        lines = lines[texts.index(name) + 1 :]
    return [line for line in lines if not _is_badge_line(line.text)]


def _in_link(line: Line) -> bool:
    node, depth = line.node, 0
    while node is not None and depth < 4:
        if node.tag in ("a", "button"):
            return True
        node, depth = node.parent, depth + 1
    return False


def _place_after_headline(lines: list[Line], plain_first: bool) -> str:
    """The location among the top-card lines after the headline: a line with a comma or an
    "… Area" ending; else the plain line just before the contact-info link (SDUI); else, when
    ``plain_first`` (Sales Navigator), the plain line right after the headline."""
    for line in lines:
        if _is_place_line(line.text) and not _in_link(line):
            return line.text
    for before, line in zip(lines, lines[1:], strict=False):
        if CONTACT_INFO_PATH in (line.node.attributes.get("href") or "") and _plain(before):
            return before.text
    if plain_first and lines and _plain(lines[0]):
        return lines[0].text
    return ""


def _plain(line: Line) -> bool:
    text = line.text
    if _in_link(line) or any(c in text for c in "·•|") or has_digit(text):
        return False
    return len(text) <= 60 and len(text.split()) <= 6 and not text.endswith(".")


def _is_badge_line(text: str) -> bool:
    """Degree ("· 2nd", "3e et +"), pronouns ("She/Her") and similar short top-card badges."""
    bare = strip_separators(text)
    return not bare or (len(bare) <= 14 and (has_digit(bare) or "/" in bare))


def _is_place_line(text: str) -> bool:
    folded = fold(text)
    if "·" in text or any(word in folded for word in _CONNECTION_WORDS):
        return False
    if len(text) > 80 or has_digit(text):
        return False
    return "," in text or folded.endswith(_PLACE_ENDINGS)


def _name(
    card: LexborNode, registry: Registry, found_card: bool, doc: Lines
) -> tuple[str, LexborNode | None]:
    for selector in registry.name:
        if not found_card and selector.isalnum():
            continue  # a bare "h1"/"h2" is the name only inside a top card
        for node in card.css(selector):
            text = doc.text_of(node)
            folded = fold(text)
            if text and folded not in _NOT_A_NAME and folded not in locales.EXPERIENCE_HEADINGS:
                return text, node
    return "", None


def _lang_of(node: LexborNode | None) -> str | None:
    """The nearest ``lang`` attribute at or above ``node``."""
    depth = 0
    while node is not None and depth < MAX_DEPTH:
        if node.is_element_node:
            lang = node.attributes.get("lang")
            if lang:
                return lang
        node, depth = node.parent, depth + 1
    return None


def _page_language(doc: Lines) -> str | None:
    """The UI language as the page's Experience heading shows it."""
    for line in doc.lines:
        lang = locales.HEADING_LANGUAGES.get(fold(line.text))
        if lang:
            return lang
    return None


def _top_card(draft: _Draft, root: LexborNode, registry: Registry, doc: Lines) -> None:
    found = first(root, registry.top_card)
    card = found or root
    name_text, name_node = _name(card, registry, found is not None, doc)
    draft.name_text, draft.name_lang = name_text, _lang_of(name_node)

    headline = doc.first_text(card, registry.headline)
    location = doc.first_text(card, registry.location)
    if (not headline or not location) and found is not None and name_text:
        rest = _top_card_lines(card, name_text, doc)
        if not headline and rest:
            headline = rest[0].text
        texts = [line.text for line in rest]
        after = rest[texts.index(headline) + 1 :] if headline in texts else rest[1:]
        if not location:
            location = _place_after_headline(after, draft.page.source == "sales_navigator")
    draft.headline = strip_separators(headline) or None
    draft.location = place(location) if location else None

    employer = doc.first_text(card, registry.current_company)
    if not employer:
        button = first(root, registry.current_company)
        label = (button.attributes.get("aria-label") or "") if button is not None else ""
        employer = label.split(":", 1)[-1].split(". ")[0] if label else ""
    draft.company = company_name(employer) if employer and not is_meta_line(employer) else None

    for selector in registry.public_url:
        for node in root.css(selector):
            url = normalize_linkedin_url(node.attributes.get("href") or "") or (
                normalize_linkedin_url(doc.text_of(node))
            )
            if url:
                draft.linkedin_url = url
                return
    if found is None:
        return
    for node in card.css(PUBLIC_PROFILE_LINK):
        url = normalize_linkedin_url(node.attributes.get("href") or "")
        if url:
            draft.linkedin_url = url
            return


def _layout(page: PageId, url: str, tree: LexborHTMLParser, scoped: bool) -> str:
    body = tree.body or tree.root
    if page.source == "recruiter":
        drawer = body.css_first(RECRUITER_DRAWER) is not None
        return "recruiter.drawer" if drawer and scoped else "recruiter.page"
    if page.source == "sales_navigator":
        return "sales_navigator.lead"
    sdui = body.css_first(", ".join(SDUI_MARKERS)) is not None
    details = "/details/experience" in url.lower()
    return f"linkedin.{'details.' if details else ''}{'sdui' if sdui else 'gen2'}"


def parse_profile(html: str | bytes, url: str) -> Profile:
    """Read a LinkedIn profile page (Recruiter, regular profile or Sales Navigator).

    Raises ``NotAProfilePage`` for any other URL, ``SnapshotTooLarge`` above the size cap and
    ``PageTooComplex`` past the nesting and element limits (``limits``); any other HTML gives
    a ``Profile`` whose ``warnings`` say what could not be found.
    """
    page = page_id(url)
    if page is None:
        raise NotAProfilePage(f"The URL {str(url)[:200]!r} is not a LinkedIn profile page.")
    text = _check_size(html)
    registry = REGISTRIES[page.source]
    text = cut_lists(text, registry.raw_cut, registry.raw_guards)
    check_shape(text)  # before the tree: building a deep one is what costs
    tree = LexborHTMLParser(text)
    body = tree.body or tree.root

    confirmed = body.css_first(", ".join(registry.markers)) is not None  # any, in one query
    root, scoped = _root(tree, registry)
    draft = _Draft(page, _layout(page, url, tree, scoped))
    if not confirmed:
        draft.layout = f"{page.source}.fallback"
        draft.warnings.append(f"no {page.source} profile markers found; read the page by structure")

    doc = read_lines(root)  # the one walk: every text below is read from these lines
    _top_card(draft, root, registry, doc)
    own_url = normalize_linkedin_url(url) if page.source == "linkedin" else None
    if own_url and not _MEMBER_TOKEN.match(page.profile_id):
        draft.linkedin_url = own_url  # the page's own vanity URL beats any link on it

    section = _experience_section(root, registry, doc)
    if section is not None:
        draft.positions = read_positions(section, registry, doc)
    else:
        draft.warnings.append("no experience section found")

    _merge_embedded(draft, tree)
    if draft.full_name is None and draft.name_text:
        # The member's own locale first, then the page's language (lang attribute, headings).
        lang = draft.locale or draft.name_lang or _page_language(doc)
        name = split_name(draft.name_text, lang)
        draft.full_name, draft.first_name, draft.last_name = name.full, name.first, name.last
    draft.linkedin_url = draft.linkedin_url or own_url  # /in/ACoAA… token: still a valid URL
    return _finish(draft)


def _merge_embedded(draft: _Draft, tree: LexborHTMLParser) -> None:
    data, others = read_embedded(tree, draft.page, draft.linkedin_url)
    if others:
        draft.warnings.append(f"ignored embedded JSON of {others} other profile(s)")
    if data is None:
        return
    draft.locale = data.locale
    used = False
    if data.first_name or data.last_name:
        name = join_name(data.first_name, data.last_name)
        draft.full_name, draft.first_name, draft.last_name = name.full, name.first, name.last
        used = True
    for key in ("headline", "location", "linkedin_url"):
        value = getattr(data, key)
        if value:
            setattr(draft, key, value)
            used = True
    if data.positions and len(data.positions) >= len(draft.positions):
        draft.positions = _fill_from_page(data.positions, draft.positions)
        used = True
    elif data.positions:
        draft.warnings.append("embedded JSON lists fewer positions than the page; used the page")
    if used:
        draft.layout += "+json"


def _fill_from_page(structured: tuple[Position, ...], page: list[Position]) -> list[Position]:
    """JSON positions in the page's order, each missing field taken from the page's position
    with the same dates (voyager may hold a company only as a reference to another entity, and
    its entities come in no particular order)."""
    slots = {(p.start, p.end): i for i, p in reversed(list(enumerate(page)))}
    filled = []
    for order, pos in enumerate(structured):
        slot = slots.get((pos.start, pos.end))
        if slot is not None:
            twin = page[slot]
            pos = replace(
                pos,
                title=pos.title or twin.title,
                company=pos.company or twin.company,
                location=pos.location or twin.location,
            )
        filled.append((len(page) if slot is None else slot, order, pos))
    return [pos for _, _, pos in sorted(filled, key=lambda item: item[:2])]


def _finish(draft: _Draft) -> Profile:
    if not draft.full_name:
        draft.warnings.append("no name found")
    if not draft.positions:
        draft.warnings.append("no positions found")
    profile = Profile(
        source=draft.page.source,
        full_name=draft.full_name,
        first_name=draft.first_name,
        last_name=draft.last_name,
        headline=draft.headline,
        location=draft.location,
        company=None,
        title=None,
        linkedin_url=draft.linkedin_url,
        positions=tuple(draft.positions),
        layout=draft.layout,
        warnings=tuple(draft.warnings),
    )
    filled = fill_current(profile)
    if filled.company is None and draft.company:
        filled = replace(filled, company=draft.company)
    return filled
