"""Name normalisation: every spelling a company might have used for a person's address."""

from __future__ import annotations

import pytest

from backend.email_lookup.names import ascii_fold
from backend.email_lookup.names import name_variants
from backend.email_lookup.names import parse_name


def spellings(first: str, last: str, full_name: str | None = None) -> dict[tuple[str, str], float]:
    return {(v.first, v.last): v.weight for v in name_variants(first, last, full_name)}


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Łukasz", "lukasz"),
        ("Søren", "soren"),
        ("Æsa", "aesa"),
        ("Strauß", "strauss"),
        ("Đorđe", "dorde"),
        ("Þórr", "thorr"),
        ("François", "francois"),
        ("Zoë", "zoe"),
    ],
)
def test_letters_that_do_not_decompose_use_the_explicit_table(text, folded):
    assert ascii_fold(text) == folded


def test_umlauts_give_both_german_and_plain_readings_german_first():
    s = spellings("Jürgen", "Müller")
    assert s[("juergen", "mueller")] > s[("jurgen", "muller")] > 0


def test_scandinavian_letters_give_both_readings():
    s = spellings("Søren", "Ødegård")
    assert ("soeren", "oedegaard") in s and ("soren", "odegard") in s


def test_particle_surname_joined_base_and_split():
    s = spellings("Jan", "van der Berg")
    assert s[("jan", "vanderberg")] > s[("jan", "berg")] > s[("jan", "van der berg")]


def test_hyphenated_surname_joined_first_part_and_kept():
    s = spellings("María", "García-López")
    assert s[("maria", "garcialopez")] == 1.0
    assert ("maria", "garcia") in s and ("maria", "garcia-lopez") in s and ("maria", "lopez") in s


@pytest.mark.parametrize(
    ("first", "last"),
    [("Dr. Jane", "Doe, PhD"), ("Jane", "Doe MBA"), ("Jane", "Doe Jr."), ("Jane", "Doe, CPA, PMP")],
)
def test_credentials_and_suffixes_are_dropped(first, last):
    parsed = parse_name(first, last)
    assert (parsed.first, parsed.last) == ("Jane", "Doe")


def test_quoted_nickname_is_a_variant_below_the_given_name():
    s = spellings('Robert "Bobby"', "O'Neil")
    assert s[("robert", "oneil")] > s[("bobby", "oneil")] > s.get(("bob", "oneil"), 0)


def test_table_nickname_is_weak():
    s = spellings("William", "Gates")
    assert 0 < s[("bill", "gates")] < 0.3


def test_pronouns_in_parentheses_are_not_nicknames():
    assert not any(f.startswith("she") for f, _ in spellings("Jane (she/her)", "Doe"))


def test_surname_first_reading_is_low_weight_and_higher_for_common_family_names():
    viet = spellings("Nguyen", "Van An")
    assert 0 < viet[("an", "nguyen")] <= 0.3
    plain = spellings("Jane", "Doe")
    assert plain[("doe", "jane")] <= 0.1


def test_full_name_fills_missing_fields_and_understands_last_comma_first():
    assert ("john", "doe") in spellings("", "", "Doe, John")
    assert ("jane", "smith") in spellings("", "", "Jane Smith")


def test_middle_name_kept_for_middle_initial_patterns():
    (top, *_) = name_variants("Mary Ann", "Smith")
    assert (top.first, top.middle, top.last) == ("mary", "ann", "smith")


def test_nothing_usable_gives_no_variants():
    assert name_variants("", "Doe") == []
    assert name_variants("😀", "Doe") == []
