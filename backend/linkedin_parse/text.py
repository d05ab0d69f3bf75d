"""Text rules shared by every layout: whitespace, date ranges, companies and places."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from backend.linkedin_parse import locales

_DROP_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_DASHES = re.compile(r"\s*[\u2010-\u2015\u2212\-]\s*")
_SEPARATORS = "·•|"
_SEGMENT_CUT = re.compile(r"\s*[·•|]\s*")


has_digit = re.compile(r"\d").search


def clean(text: str | None) -> str:
    """Collapse whitespace (NBSP, narrow NBSP included) and drop invisible characters."""
    if not text:
        return ""
    if not text.isascii():
        text = text.translate(_DROP_INVISIBLE)
    # str.split() splits on every Unicode space (NBSP, narrow NBSP, thin spaces included).
    return " ".join(text.split())


def fold(text: str) -> str:
    """Lower case without accents, with straight apostrophes, for matching words."""
    # Short strings (labels, headings, dates) repeat across pages: cache those only.
    return _fold_short(text) if len(text) <= _FOLD_CACHE_CHARS else _fold(text)


_FOLD_CACHE_CHARS = 120


@lru_cache(maxsize=4096)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    text = clean(text).replace("\u2019", "'").replace("`", "'")
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def strip_separators(text: str) -> str:
    """Drop leading/trailing separators: "· Paris, France ·" -> "Paris, France"."""
    return text.strip(" " + _SEPARATORS + "\u2022\u00b7,;-–—")


# --- dates ------------------------------------------------------------------------------------


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_MONTH = _alternation(list(locales.MONTHS))
_POINT = r"(?:(?P<m{n}>" + _MONTH + r")\.?\s+(?:de\s+)?)?(?P<y{n}>(?:19|20)\d\d)"
_PRESENT = _alternation(list(locales.PRESENT))
_RANGE = (
    _POINT.format(n=1)
    + r"(?:\s*-\s*(?:"
    + _POINT.format(n=2)
    + r"|(?P<present>"
    + _PRESENT
    + r")))?"
)
# A whole line that is a date range, optionally followed by a duration ("· 3 yrs 2 mos").
_DATE_LINE = re.compile(
    r"^\(?" + _RANGE + r"\)?(?:\s*[·•(|,]\s*[^·•|]{0,40}\)?|\s+\d[^·•|]{0,30})?$"
)
_DURATION = re.compile(
    r"^(?:(?:\d+\+?\s*(?:"
    + _alternation(locales.DURATION_UNITS)
    + r")\.?|"
    + _alternation(list(locales.DURATION_JOINERS))
    + r")\s*)+$|^(?:"
    + _alternation(list(locales.DURATION_PHRASES))
    + ")$"
)


@dataclass(frozen=True)
class DateRange:
    start: str | None
    end: str | None
    current: bool


def _date(month: str | None, year: str | None) -> str | None:
    if not year:
        return None
    if month:
        return f"{year}-{locales.MONTHS[month]:02d}"
    return year


def _fold_dates(text: str) -> str:
    return _DASHES.sub(" - ", fold(text))


def parse_date_line(text: str) -> DateRange | None:
    """The date range of a line that is only a date range (plus a duration), else None.

    "Jan 2020 - Present · 3 yrs", "Feb 2024 – Present", "Mar 2023–Present", "2016 – 2018",
    "janv. 2019 - aujourd’hui · 6 ans", "ene. de 2020 - actualidad", "April 2019 (1 year)".
    """
    if len(text) > 160 or not has_digit(text):
        return None  # most lines: no date, and no need to fold them
    folded = _fold_dates(text)
    if not folded or len(folded) > 120:
        return None
    match = _DATE_LINE.match(folded)
    if not match:
        return None
    start = _date(match["m1"], match["y1"])
    if match["present"]:
        return DateRange(start, None, True)
    end = _date(match["m2"], match["y2"])
    if end is None:  # a single month: a role that started and ended in it; a bare year is no range
        if not match["m1"]:
            return None
        end = start
    return DateRange(start, end, False)


def is_duration(text: str) -> bool:
    """ "2 yrs 9 mos", "1 an", "4 ans 7 mois", "less than a year"."""
    folded = fold(text).strip("()· ")
    return bool(folded) and len(folded) < 40 and bool(_DURATION.match(folded))


def _segments(text: str) -> list[str]:
    return [s for s in _SEGMENT_CUT.split(clean(text)) if s]


def is_employment_word(text: str) -> bool:
    return fold(text).strip(" .") in locales.EMPLOYMENT_WORDS


def is_meta_line(text: str) -> bool:
    """A line made only of employment types, workplace types, durations or separators."""
    segments = _segments(text)
    return all(is_employment_word(s) or is_duration(s) for s in segments)


def company_name(text: str | None) -> str | None:
    """ "Acme · Full-time" -> "Acme"; a line of only employment words or durations -> None."""
    segments = _segments(text or "")
    kept = [s for s in segments if not (is_employment_word(s) or is_duration(s))]
    return kept[0] if kept else None


def place(text: str | None) -> str | None:
    """A location without separators or workplace type: "· Paris, France · Hybrid" -> "Paris,
    France". A line that is only a workplace type ("Remote") is kept as the place."""
    segments = _segments(text or "")
    kept = [s for s in segments if fold(s).strip(" .") not in locales.WORKPLACE_WORDS]
    value = strip_separators(" · ".join(kept) if kept else " · ".join(segments))
    return value or None
