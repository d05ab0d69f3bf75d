"""Text rules: date ranges in seven UI languages, durations, companies and places."""

from __future__ import annotations

import pytest

from backend.linkedin_parse.text import company_name
from backend.linkedin_parse.text import is_duration
from backend.linkedin_parse.text import parse_date_line
from backend.linkedin_parse.text import place


@pytest.mark.parametrize(
    ("line", "start", "end", "current"),
    [
        ("Feb 2024 – Present", "2024-02", None, True),  # Recruiter: en dash
        ("Jan 2020 - Present · 3 yrs 2 mos", "2020-01", None, True),  # vanilla: duration beside
        ("Jun 2018 - Mar 2021 · 2 yrs 10 mos", "2018-06", "2021-03", False),
        ("Mar 2023–Present", "2023-03", None, True),  # Sales Navigator: no spaces
        ("2016 – 2018", "2016", "2018", False),  # year only
        ("2019 - Present", "2019", None, True),
        ("April 2019 – Present (1 year 11 months)", "2019-04", None, True),  # legacy, full month
        ("Sep\u00a02015\u00a0–\u00a0Dec\u202f2017", "2015-09", "2017-12", False),  # NBSP
        ("janv. 2019 - aujourd’hui · 6 ans 1 mois", "2019-01", None, True),
        ("févr. 2014 - déc. 2018 · 4 ans 11 mois", "2014-02", "2018-12", False),
        ("sept. 2020 - aujourd'hui", "2020-09", None, True),
        ("März 2018 – Heute · 6 Jahre 9 Monate", "2018-03", None, True),
        ("Okt. 2012 - Dez. 2015", "2012-10", "2015-12", False),
        ("ene. de 2020 - actualidad", "2020-01", None, True),
        ("dic. 2015 - ago. 2019 · 3 años 9 meses", "2015-12", "2019-08", False),
        ("fev. de 2017 - o momento", "2017-02", None, True),
        ("out. 2010 - set. 2012", "2010-10", "2012-09", False),
        ("gen 2021 - Presente · 5 anni", "2021-01", None, True),
        ("giu 2012 - lug 2016", "2012-06", "2016-07", False),
        ("mrt. 2010 - heden", "2010-03", None, True),
        ("mei 2011 - okt. 2013", "2011-05", "2013-10", False),
        ("Mai 2019", "2019-05", "2019-05", False),
    ],
)
def test_date_range_lines_in_every_listed_format_and_language(line, start, end, current):
    dates = parse_date_line(line)
    assert dates is not None
    assert (dates.start, dates.end, dates.current) == (start, end, current)


@pytest.mark.parametrize(
    "line",
    ["Staff Engineer", "2019", "Led the 2019 - 2020 migration of payments", "Paris, France", ""],
)
def test_lines_that_are_not_date_ranges_are_rejected(line):
    assert parse_date_line(line) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 yrs 9 mos", True),
        ("1 an", True),
        ("4 ans 7 mois", True),
        ("6 Jahre 1 Monat", True),
        ("less than a year", True),
        ("Paris", False),
        ("Full-time", False),
    ],
)
def test_durations(text, expected):
    assert is_duration(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme · Full-time", "Acme"),
        ("Doctolib · Temps plein", "Doctolib"),
        ("Siemens • Vollzeit", "Siemens"),
        ("Full-time · 8 yrs 3 mos", None),
        ("Temps plein · 6 ans 1 mois", None),
        ("Klarna", "Klarna"),
    ],
)
def test_company_loses_employment_type_suffixes(text, expected):
    assert company_name(text) == expected


def test_place_drops_separators_and_workplace_type():
    assert place("· Paris, France · Hybrid") == "Paris, France"
    assert place("Remote") == "Remote"
