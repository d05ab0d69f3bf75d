"""A person's name as the page shows it, and its given and family names.

``full`` is the displayed name (titles and letters included); ``first`` and ``last`` are the given
and family names without titles ("Dr.", "Prof."), letters ("PhD", "MBA") or generational suffixes.
The family name follows the conventions of the name's language when the page says which: Spanish
and Portuguese names carry two family names ("García López", "da Silva Santos"); elsewhere the
family name is the last word. Particles ("de la", "van der", "dos") always belong to it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from backend.linkedin_parse import locales
from backend.linkedin_parse.text import clean
from backend.linkedin_parse.text import fold

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}")
_TRADEMARKS = re.compile(r"[®™©℠]")
_NAME_CUT = re.compile(r"\s[·•|/]\s?|[·•|]\s|\|")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?=$|[-_])")


@dataclass(frozen=True)
class Name:
    full: str | None
    first: str | None
    last: str | None


def language(tag: str | None) -> str | None:
    """The primary language of a language tag or locale: "pt-BR", "es_ES", "ES" -> "pt", "es"."""
    match = _LANGUAGE.match((tag or "").strip().lower())
    return match[0] if match else None


def _is_symbol_token(token: str) -> bool:
    # Most tokens are plain words: isalpha() answers them without a per-character loop.
    return not (token.isalpha() or any(c.isalpha() for c in token))


def _key(token: str) -> str:
    return fold(token).strip(".,")


def _is_credential(token: str) -> bool:
    key = _key(token)
    return key in locales.CREDENTIALS or key.replace(".", "") in locales.CREDENTIALS


def _no_symbols(token: str) -> str:
    """Drop emoji, check marks and other symbols glued to a name word ("Jane🚀")."""
    if token.isalpha():
        return token
    return "".join(c for c in token if not unicodedata.category(c).startswith(("S", "Co", "Cn")))


def _shown(raw: str) -> str:
    """The name part of a name line: not a degree badge or headline after a separator ("Jane
    Doe · 3rd", "Jane Doe | Hiring"), pronouns in brackets, emoji or trademark signs."""
    text = _TRADEMARKS.sub("", clean(raw))
    return _NAME_CUT.split(_BRACKETS.sub(" ", text))[0]


def displayed(raw: str | None) -> str | None:
    """The name as the page shows it, titles and letters included: "Dr. Jane Doe, PhD"."""
    words = [w for w in map(_no_symbols, _shown(raw or "").split()) if w]
    words = [w for w in words if not _is_symbol_token(w) or w == ","]
    text = " ".join(words).replace(" ,", ",").strip(" ,")
    return text if any(c.isalpha() for c in text) else None


def _tokens(raw: str) -> tuple[list[str], list[str]]:
    """Name words and generational suffixes, without titles and letters."""
    head, *tail = [part.strip() for part in _shown(raw).split(",")]
    tokens = [t for t in map(_no_symbols, head.split()) if t and not _is_symbol_token(t)]
    suffixes = [t for t in tail if _key(t) in locales.GENERATIONAL_SUFFIXES]
    while len(tokens) > 1 and _key(tokens[0]) in locales.HONORIFICS:
        tokens.pop(0)
    while len(tokens) > 1:
        key = _key(tokens[-1])
        if key in locales.GENERATIONAL_SUFFIXES:
            suffixes.insert(0, tokens.pop())
        elif _is_credential(tokens[-1]):
            tokens.pop()
        else:
            break
    return tokens, suffixes


def _family_start(tokens: list[str], lang: str | None) -> int:
    """Index of the first family-name word: the last one, or two in the languages that carry
    two family names, each with the particles before it; at least one given name stays."""
    surnames = 2 if lang in locales.TWO_FAMILY_NAMES and len(tokens) >= 3 else 1
    start = len(tokens)
    for _ in range(surnames):
        if start <= 1:
            break
        start -= 1
        while start > 1 and _is_particle(tokens[start - 1]):
            start -= 1
    return start


def _is_particle(token: str) -> bool:
    # "y", "e", "i" join family names only in lower case ("Ortega y Gasset"); "E." is an initial.
    key = _key(token)
    return key in locales.NAME_PARTICLES and (len(key) > 1 or token.islower())


def split_name(raw: str | None, lang: str | None = None) -> Name:
    """Full, given and family names from a displayed name, in the conventions of ``lang`` (a
    language tag, None when the page does not say).

    "Dr. María José García López, PhD" with "es" -> ("Dr. María José García López, PhD",
    "María José", "García López"); "Jean-Luc van der Berg" -> ("…", "Jean-Luc", "van der Berg").
    """
    tokens, _ = _tokens(raw or "")
    full = displayed(raw)
    if not tokens or full is None:
        return Name(None, None, None)
    if len(tokens) == 1:
        return Name(full, tokens[0], None)
    start = _family_start(tokens, language(lang))
    return Name(full, " ".join(tokens[:start]), " ".join(tokens[start:]))


def join_name(first: str | None, last: str | None) -> Name:
    """A name from separate first and last names (structured data): the split is kept, titles
    and letters stay in the full name only."""
    first_tokens, _ = _tokens(first or "")
    last_tokens, _ = _tokens(last or "")
    full = displayed(f"{first or ''} {last or ''}")
    return Name(full, " ".join(first_tokens) or None, " ".join(last_tokens) or None)
