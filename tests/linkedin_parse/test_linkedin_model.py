"""Profile contract, recent roles, and validation of client-sent profiles."""

from __future__ import annotations

import dataclasses

import pytest

from backend.linkedin_parse import ParseError
from backend.linkedin_parse import Position
from backend.linkedin_parse import Profile
from backend.linkedin_parse import ProfileInvalid
from backend.linkedin_parse import profile_from_dict
from backend.linkedin_parse import recent_roles

KEYS = [
    "source",
    "full_name",
    "first_name",
    "last_name",
    "headline",
    "location",
    "company",
    "title",
    "linkedin_url",
    "positions",
    "layout",
    "warnings",
]


def pos(title, start, end=None, current=False):
    return Position(title, "Acme", start, end, current, None)


def test_to_dict_has_exactly_the_lookup_result_keys():
    profile = Profile(source="recruiter", positions=(pos("A", "2020", current=True),))
    data = profile.to_dict()
    assert list(data) == KEYS
    assert list(data["positions"][0]) == ["title", "company", "start", "end", "current", "location"]


def test_profile_and_position_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Profile(source="linkedin").full_name = "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        pos("A", "2020").title = "B"


def test_recent_roles_orders_current_then_end_then_start():
    positions = (
        pos("ended-2019", "2015-01", "2019-06"),
        pos("current-old", "2010-01", current=True),
        pos("ended-2022", "2020-01", "2022-03"),
        pos("current-new", "2021-05", current=True),
        pos("ended-2022-later-start", "2021-01", "2022-03"),
        pos("undated", None),
        pos("ended-2012", "2011", "2012"),
    )
    roles = recent_roles(Profile(source="recruiter", positions=positions))
    assert [r.title for r in roles] == [
        "current-new",  # both current: the later start first
        "current-old",
        "ended-2022-later-start",
        "ended-2022",
        "ended-2019",
    ]
    assert len(recent_roles(Profile(source="recruiter", positions=positions), n=2)) == 2


def valid() -> dict:
    return {
        "source": "recruiter",
        "full_name": "Jane Doe",
        "first_name": "Jane",
        "last_name": "Doe",
        "headline": "CTO",
        "location": "Paris",
        "company": None,
        "title": None,
        "linkedin_url": "http://fr.linkedin.com/in/Jane-Doe/",
        "positions": [
            {"title": "CTO", "company": "Acme", "start": "2020-01", "end": None, "current": True},
            {"title": "Dev", "company": "Foo", "start": "2015", "end": "2019", "current": False},
        ],
        "unknown": "ignored",
    }


def test_profile_from_dict_accepts_a_client_profile_and_normalises_it():
    profile = profile_from_dict(valid())
    assert profile.linkedin_url == "https://www.linkedin.com/in/jane-doe"
    assert (profile.company, profile.title) == ("Acme", "CTO")  # from the current role
    assert profile.positions[1] == Position("Dev", "Foo", "2015", "2019", False, None)
    assert profile.layout == "client"


def test_profile_from_dict_takes_source_and_public_url_from_the_page_url():
    data = valid()
    del data["source"], data["linkedin_url"]
    profile = profile_from_dict(data, url="https://www.linkedin.com/in/jane-doe/")
    assert profile.source == "linkedin"
    assert profile.linkedin_url == "https://www.linkedin.com/in/jane-doe"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"source": "facebook"}, "source"),
        ({"full_name": 42}, "full_name"),
        ({"full_name": None, "first_name": None, "last_name": None}, "full_name"),
        ({"headline": "x" * 501}, "headline"),
        ({"linkedin_url": "https://www.linkedin.com/company/acme"}, "linkedin_url"),
        ({"positions": "CTO"}, "positions"),
        ({"positions": ["CTO"]}, "positions[0]"),
        ({"positions": [{"title": "CTO", "start": "01/2020"}]}, "positions[0].start"),
        ({"positions": [{"title": "CTO", "end": "2020-13"}]}, "positions[0].end"),
        ({"positions": [{"title": "CTO", "current": "yes"}]}, "positions[0].current"),
        ({"positions": [{"title": "CTO", "start": "2020", "end": "2019"}]}, "positions[0].end"),
        ({"warnings": "oops"}, "warnings"),
    ],
)
def test_profile_from_dict_names_the_bad_field(change, field):
    data = {**valid(), **change}
    with pytest.raises(ProfileInvalid) as raised:
        profile_from_dict(data)
    assert raised.value.field == field
    assert isinstance(raised.value, ParseError)
    assert field in str(raised.value) and str(raised.value).endswith(".")


def test_profile_from_dict_rejects_a_non_object():
    with pytest.raises(ProfileInvalid) as raised:
        profile_from_dict(["not", "a", "profile"])  # type: ignore[arg-type]
    assert raised.value.field == "profile"


def test_round_trip_of_a_parsed_profile():
    profile = profile_from_dict(valid())
    again = profile_from_dict(profile.to_dict())
    assert again.to_dict() == profile.to_dict()
