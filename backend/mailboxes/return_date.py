"""The return date written in an out-of-office reply (pure): English, German, French, Spanish,
Dutch, Italian, Portuguese and Swedish.

Every date in the text is read ("14 December", "December 14th, 2026", "14.12.2026", "2026-12-14",
"14 de diciembre", "lundi 14 décembre", "18 dicembre", weekday phrases such as "back on Monday");
the latest one between the day the reply arrived and `OOO_RETURN_MAX_AHEAD` later is taken,
because an absence notice names its last day or its return day last ("from 1 to 14 December"). A
date the writer gives as the last day away ("until", "bis einschließlich", "jusqu'au", "hasta
el", "tot en met") is returned as written: the sequences feature adds its own margin. Words are
matched on the folded text (lower case, accents removed), so they are written here without accents.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from datetime import timedelta

from backend import defaults

MONTHS: dict[str, int] = {}
for number, names in enumerate(
    (
        "january jan januar janv janvier enero ene jänner januari gennaio gen janeiro",
        "february feb februar fevr fev fevrier febrero februari febbraio fevereiro",
        "march mar marz mars marzo maart mrt marco",
        "april apr avril abril avr abr aprile",
        "may mai mayo mei maggio maio",
        "june jun juni juin junio giugno giu junho",
        "july jul juli juillet julio juil luglio lug julho",
        "august aug aout agosto ago augustus",
        "september sep sept septembre septiembre setiembre settembre setembro",
        "october oct oktober okt octobre octubre ottobre ott outubro",
        "november nov novembre noviembre novembro",
        "december dec dezember dez decembre diciembre dic dicembre dezembro",
    ),
    start=1,
):
    for name in names.split():
        MONTHS[name] = number

WEEKDAYS: dict[str, int] = {}
for number, names in enumerate(
    (
        "monday montag lundi lunes maandag lunedi segunda mandag mandagen",
        "tuesday dienstag mardi martes dinsdag martedi terca tisdag tisdagen",
        "wednesday mittwoch mercredi miercoles woensdag mercoledi quarta onsdag onsdagen",
        "thursday donnerstag jeudi jueves donderdag giovedi quinta torsdag torsdagen",
        "friday freitag vendredi viernes vrijdag venerdi sexta fredag fredagen",
        "saturday samstag sonnabend samedi sabado zaterdag sabato lordag lordagen",
        "sunday sonntag dimanche domingo zondag domenica sondag sondagen",
    )
):
    for name in names.split():
        WEEKDAYS[name] = number

_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|\.|º)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PATTERNS = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]?\d)-(?P<day>[0-3]?\d)\b"),
    re.compile(r"\b(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?:(?P<year>(?:19|20)?\d\d)\b)?"),
    re.compile(r"\b(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)(?:/(?P<year>(?:19|20)?\d\d))?\b"),
    # 14 December 2026 | 14. Dezember | 14 de diciembre de 2026 | 1er décembre
    re.compile(rf"\b{_DAY}\s*(?:de\s+)?{_MONTH}(?:\s*(?:de\s+|,\s*)?{_YEAR})?\b"),
    # December 14th, 2026 | Dec 14
    re.compile(rf"\b{_MONTH}\s+{_DAY}(?:\s*,?\s*{_YEAR})?\b"),
]
_WEEKDAY_PHRASE = re.compile(
    r"\b(?:back|return(?:ing)?|until|till|zuruck|wieder|bis|retour|jusqu'?a|regreso|regresare|"
    r"volvere|vuelvo|hasta|terug|vanaf|tot|rientro|rientrero|torno|tornero|fino a|ate|volto|"
    r"retorno|tillbaka|till och med)\b[^.\n]{0,20}?\b(?P<weekday>"
    + "|".join(sorted(WEEKDAYS, key=len, reverse=True))
    + r")\b"
)


def _fold(text: str) -> str:
    """Lower case without accents ("Décembre" -> "decembre", "März" -> "marz")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _year(year: str | None, month: int, day: int, today: date) -> date | None:
    try:
        if year:
            value = int(year)
            return date(value + 2000 if value < 100 else value, month, day)
        candidate = date(today.year, month, day)
        # a date without a year that is well in the past means next year ("back 5 January")
        if candidate < today - timedelta(days=7):
            candidate = date(today.year + 1, month, day)
        return candidate
    except ValueError:
        return None


def _dates(text: str, today: date) -> list[date]:
    found: list[date] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            groups = m.groupdict()
            if "a" in groups and groups.get("a"):
                a, b = int(groups["a"]), int(groups["b"])
                # day/month (most of the world) or month/day (US): the nearer future reading wins
                readings = [_year(groups.get("year"), b, a, today)]
                readings.append(_year(groups.get("year"), a, b, today))
                future = [d for d in readings if d and d >= today]
                if future:
                    found.append(min(future))
                continue
            month_text = groups["month"]
            month = MONTHS.get(month_text) if not month_text.isdigit() else int(month_text)
            if not month:
                continue
            value = _year(groups.get("year"), month, int(groups["day"]), today)
            if value:
                found.append(value)
    for m in _WEEKDAY_PHRASE.finditer(text):
        weekday = WEEKDAYS[m.group("weekday")]
        ahead = (weekday - today.weekday()) % 7 or 7
        found.append(today + timedelta(days=ahead))
    return found


def return_date(text: str, received: date) -> date | None:
    """The latest plausible date in `text` on or after `received`, or None."""
    folded = _fold(text[:4000])
    latest = received + defaults.OOO_RETURN_MAX_AHEAD
    plausible = [d for d in _dates(folded, received) if received <= d <= latest]
    return max(plausible) if plausible else None
