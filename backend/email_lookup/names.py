"""Person names -> weighted ASCII variants that email local parts are built from (pure).

One profile name gives several spellings, each with a weight saying how often companies use it:
transliteration (Müller -> mueller | muller), particles (van der Berg -> vanderberg | berg |
van.der.berg), hyphens (García-López -> garcialopez | garcia | garcia-lopez), nicknames (quoted in
the profile, or a short curated table) and, at a low weight, the surname-first reading.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Letters NFKD does not decompose to ASCII: mapped explicitly (plain reading).
_EXPLICIT = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
        "ẞ": "ss",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "ħ": "h",
        "ŋ": "n",
    }
)
# German/Scandinavian reading: applied before the plain reading, so both can be generated.
_GERMANIC = str.maketrans(
    {
        "ä": "ae",
        "Ä": "ae",
        "ö": "oe",
        "Ö": "oe",
        "ü": "ue",
        "Ü": "ue",
        "ø": "oe",
        "Ø": "oe",
        "å": "aa",
        "Å": "aa",
    }
)
_GERMANIC_CHARS = set("äÄöÖüÜøØåÅ")

PARTICLES = frozenset(
    "van von der den de del della delle di da das dos du la le lo ter ten zu zum zur af av "
    "al el bin ibn st saint mac".split()
)
# Credentials, honorifics and generational suffixes: never part of an address.
DROP_WORDS = frozenset(
    "phd ph.d md mba cpa cfa pmp msc bsc ma ba mphil meng beng mcs llm jd esq pe rn cissp "
    "shrm-cp shrm-scp phr sphr cscp ceng frsa facs dds dvm mr mrs ms miss dr prof sir "
    "jr jr. sr sr. ii iii iv".split()
)
# Family names that usually come first when written in the native order (Vietnamese, Chinese,
# Korean, Hungarian): such names also get the swapped reading, at a low weight.
SURNAME_FIRST = frozenset(
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly wang li zhang liu "
    "chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin luo gao kim lee park choi jung "
    "kang cho yoon jang lim han oh seo shin kwon hwang song nagy kovacs toth szabo horvath "
    "varga kiss molnar nemeth farkas".split()
)
# A short curated nickname table (formal -> common short forms). Long genealogy-mined lists are
# too noisy (robert -> hob/dob), so this stays small and its variants get a low weight.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "alexander": ("alex",),
    "alexandra": ("alex",),
    "andrew": ("andy",),
    "anthony": ("tony",),
    "benjamin": ("ben",),
    "catherine": ("kate", "cathy"),
    "charles": ("charlie",),
    "christina": ("chris",),
    "christine": ("chris",),
    "christopher": ("chris",),
    "daniel": ("dan", "danny"),
    "david": ("dave",),
    "deborah": ("deb",),
    "douglas": ("doug",),
    "edward": ("ed", "ted"),
    "elizabeth": ("liz", "beth"),
    "frederick": ("fred",),
    "gregory": ("greg",),
    "james": ("jim", "jamie"),
    "jeffrey": ("jeff",),
    "jennifer": ("jen", "jenny"),
    "jessica": ("jess",),
    "jonathan": ("jon",),
    "joseph": ("joe",),
    "joshua": ("josh",),
    "katherine": ("kate", "kathy"),
    "kenneth": ("ken",),
    "lawrence": ("larry",),
    "margaret": ("maggie", "meg"),
    "matthew": ("matt",),
    "michael": ("mike",),
    "nathaniel": ("nate", "nathan"),
    "nicholas": ("nick",),
    "patricia": ("pat", "trish"),
    "patrick": ("pat",),
    "peter": ("pete",),
    "philip": ("phil",),
    "rebecca": ("becky",),
    "richard": ("rick", "rich"),
    "robert": ("bob", "rob"),
    "ronald": ("ron",),
    "samantha": ("sam",),
    "samuel": ("sam",),
    "stephen": ("steve",),
    "steven": ("steve",),
    "susan": ("sue",),
    "thomas": ("tom",),
    "timothy": ("tim",),
    "victoria": ("vicky",),
    "william": ("bill", "will"),
    "zachary": ("zach",),
}
_FORMAL_OF: dict[str, tuple[str, ...]] = {}
for _formal, _shorts in NICKNAMES.items():
    for _short in _shorts:
        _FORMAL_OF[_short] = (*_FORMAL_OF.get(_short, ()), _formal)

# Variant weights (the reference's §5.2 step 1).
W_CANONICAL = 1.0
W_ALT_TRANSLIT = 0.7
W_PARTICLE_BASE = 0.6
W_PARTICLE_SPLIT = 0.3
W_HYPHEN_FIRST = 0.5
W_HYPHEN_LAST = 0.2
W_HYPHEN_KEPT = 0.3
W_MULTI_FIRST_TOKEN = 0.3
W_QUOTED_NICK = 0.4
W_TABLE_NICK = 0.15
W_SWAPPED = 0.1
W_SWAPPED_LIKELY = 0.3
W_NO_MIDDLE_JOINED = 0.3

_QUOTED = re.compile(
    r"[\"“”„«»]([^\"“”„«»]{1,40})[\"“”„«»]|(?:^|\s)'([^']{1,40})'(?=\s|$)|\(([^)]{1,40})\)"
)
_SPACES = re.compile(r"\s+")
_NON_LOCAL = re.compile(r"[^a-z0-9 .\-]")


@dataclass(frozen=True, slots=True)
class NameVariant:
    """One spelling of a person's name. `last` may hold spaces (particle parts) that a pattern
    joins with its own separator; `kind` says which policy produced it (learned per domain)."""

    first: str
    last: str
    middle: str
    weight: float
    kind: str


@dataclass(frozen=True, slots=True)
class ParsedName:
    first: str
    middle: str
    last: str
    nicknames: tuple[str, ...]


def ascii_fold(text: str, *, germanic: bool = False) -> str:
    """Lowercase ASCII reading of `text`: explicit table, then NFKD without combining marks."""
    if germanic:
        text = text.translate(_GERMANIC)
    text = text.translate(_EXPLICIT)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.lower()


def _clean_token(token: str) -> str:
    """Apostrophes and dots go (O'Neil -> oneil); hyphens stay for the hyphen policy."""
    return _NON_LOCAL.sub("", token.replace("'", "").replace("’", "").replace(".", ""))


def _strip_noise(text: str) -> tuple[str, list[str]]:
    """Remove quoted nicknames, credentials after commas and emoji; return (text, nicknames)."""
    nicks: list[str] = []

    def grab(match: re.Match[str]) -> str:
        nick = next(g for g in match.groups() if g is not None).strip()
        # Pronouns "(she/her)" and maiden-name notes are not nicknames.
        if nick and "/" not in nick and nick.lower().strip(".") not in DROP_WORDS | {"née", "nee"}:
            nicks.append(nick)
        return " "

    text = _QUOTED.sub(grab, text)
    return text, nicks


def _words(text: str) -> list[str]:
    words = []
    for raw in _SPACES.split(text.replace(",", " , ")):
        if not raw:
            continue
        if raw.lower().strip(".") in DROP_WORDS or raw.lower() in DROP_WORDS:
            continue
        if raw == "," or any(c.isalpha() for c in raw):
            words.append(raw)
    return words


def parse_name(first: str, last: str, full_name: str | None = None) -> ParsedName:
    """Split a profile's name fields into first, middle and last, dropping credentials.

    `first`/`last` win when given; `full_name` fills the gaps ("Last, First" understood).
    """
    first, nick_a = _strip_noise(first or "")
    last, nick_b = _strip_noise(last or "")
    nicks = nick_a + nick_b
    # Credentials after a comma in the last name ("Smith, PhD") are dropped with the comma.
    last = last.split(",")[0] if "," in last else last
    f_words = [w for w in _words(first) if w != ","]
    l_words = [w for w in _words(last) if w != ","]
    if (not f_words or not l_words) and full_name:
        full, nick_c = _strip_noise(full_name)
        nicks += nick_c
        words = _words(full)
        if "," in words:
            idx = words.index(",")
            before, after = words[:idx], [w for w in words[idx + 1 :] if w != ","]
            if after and len(before) >= 1:
                words = after[:1] + before if len(after) == 1 else before
            else:
                words = before
        words = [w for w in words if w != ","]
        if not f_words and words:
            f_words = words[:1]
            rest = words[1:]
        else:
            rest = words[1:]
        if not l_words and rest:
            l_words = rest
    first_word = f_words[0] if f_words else ""
    middle = " ".join(f_words[1:])
    return ParsedName(
        first=first_word,
        middle=middle,
        last=" ".join(l_words),
        nicknames=tuple(dict.fromkeys(nicks)),
    )


def _fold_tokens(text: str, germanic: bool) -> list[str]:
    tokens = [_clean_token(t) for t in ascii_fold(text, germanic=germanic).split()]
    return [t for t in tokens if t.strip("-")]


def _last_variants(last_tokens: list[str]) -> list[tuple[str, float, str]]:
    """(last, weight, kind) readings of a surname: particles, hyphens, several words."""
    if not last_tokens:
        return []
    out: list[tuple[str, float, str]] = []
    lead = [t for t in last_tokens[:-1] if t in PARTICLES]
    if lead and len(lead) == len(last_tokens) - 1:
        base = last_tokens[-1]
        out.append(("".join(last_tokens), W_CANONICAL, "particle_joined"))
        out.append((base, W_PARTICLE_BASE, "particle_base"))
        out.append((" ".join(last_tokens), W_PARTICLE_SPLIT, "particle_split"))
        tokens_for_hyphen = [base]
    elif len(last_tokens) > 1:
        # Two surnames without a hyphen (Spanish, Portuguese): first one first.
        out.append((last_tokens[0], W_CANONICAL, "multi_first"))
        out.append(("".join(last_tokens), 0.6, "multi_joined"))
        out.append((last_tokens[-1], 0.4, "multi_last"))
        tokens_for_hyphen = []
    else:
        tokens_for_hyphen = last_tokens
    for token in tokens_for_hyphen:
        if "-" in token.strip("-"):
            parts = [p for p in token.split("-") if p]
            out = [o for o in out if o[0] != token]
            out.append(("".join(parts), W_CANONICAL, "hyphen_joined"))
            out.append((parts[0], W_HYPHEN_FIRST, "hyphen_first"))
            out.append((parts[-1], W_HYPHEN_LAST, "hyphen_last"))
            out.append(("-".join(parts), W_HYPHEN_KEPT, "hyphen_kept"))
        elif not out:
            out.append((token, W_CANONICAL, "plain"))
    return out


def _first_variants(first: str, germanic: bool) -> list[tuple[str, float, str]]:
    tokens = _fold_tokens(first, germanic)
    if not tokens:
        return []
    token = tokens[0]
    if "-" in token.strip("-"):
        parts = [p for p in token.split("-") if p]
        return [
            ("".join(parts), W_CANONICAL, "plain"),
            (parts[0], 0.5, "first_part"),
            ("-".join(parts), W_HYPHEN_KEPT, "hyphen_kept"),
        ]
    return [(token.strip("-"), W_CANONICAL, "plain")]


def name_variants(first: str, last: str, full_name: str | None = None) -> list[NameVariant]:
    """Every weighted spelling of the person's name (empty if nothing usable is left)."""
    parsed = parse_name(first, last, full_name)
    if not parsed.first or not parsed.last:
        return []
    has_germanic = any(c in _GERMANIC_CHARS for c in parsed.first + parsed.last)
    readings = [(False, 1.0, "")]
    if has_germanic:
        # Both readings; German style first (the more common corporate convention).
        readings = [(True, 1.0, "translit_de"), (False, W_ALT_TRANSLIT, "translit_plain")]
    best: dict[tuple[str, str, str], NameVariant] = {}

    def add(first_v: str, last_v: str, middle_v: str, weight: float, kind: str) -> None:
        if not first_v or not last_v.strip():
            return
        key = (first_v, last_v, middle_v)
        if key not in best or best[key].weight < weight:
            best[key] = NameVariant(first_v, last_v, middle_v, round(weight, 4), kind)

    for germanic, r_weight, r_kind in readings:
        firsts = _first_variants(parsed.first, germanic)
        lasts = _last_variants(_fold_tokens(parsed.last, germanic))
        middle_tokens = _fold_tokens(parsed.middle, germanic)
        middle = middle_tokens[0].replace("-", "") if middle_tokens else ""
        for f, fw, fk in firsts:
            for lv, lw, lk in lasts:
                kind = "+".join(k for k in (r_kind, fk, lk) if k and k != "plain") or "plain"
                add(f, lv, middle, r_weight * fw * lw, kind)
                if middle and lk in ("plain", "hyphen_joined", "particle_joined", "multi_first"):
                    # "Mary Ann" often becomes maryann.
                    add(f + middle, lv, "", r_weight * fw * lw * W_NO_MIDDLE_JOINED, "first_middle")
        # Nicknames: quoted in the profile (stronger) or from the curated table (weak).
        main_first = firsts[0][0] if firsts else ""
        main_last = lasts[0][0] if lasts else ""
        for nick in parsed.nicknames:
            for n in _fold_tokens(nick, germanic)[:1]:
                add(n.replace("-", ""), main_last, "", r_weight * W_QUOTED_NICK, "nick_quoted")
        for n in NICKNAMES.get(main_first, ()):
            add(n, main_last, "", r_weight * W_TABLE_NICK, "nick_table")
        for n in _FORMAL_OF.get(main_first, ()):
            add(n, main_last, "", r_weight * W_TABLE_NICK, "nick_formal")
        # Surname-first reading at a low weight (higher for common family names first).
        # Written surname-first ("Nguyen Van An"): the given name is the profile's last word.
        last_tokens = _fold_tokens(parsed.last, germanic)
        given = last_tokens[-1].replace("-", "") if last_tokens else ""
        if main_first and given:
            w = W_SWAPPED_LIKELY if main_first in SURNAME_FIRST else W_SWAPPED
            add(given, main_first, "", r_weight * w, "swapped")
    return sorted(best.values(), key=lambda v: -v.weight)
