"""Embedded JSON: Recruiter and Sales Navigator shapes, ownership checks, DOM fallback."""

from __future__ import annotations

import html
import json

from backend.linkedin_parse import parse_profile

RECRUITER_URL = "https://www.linkedin.com/talent/hire/1/manage/all/profile/AEMAAAKimLee01"
SALES_URL = "https://www.linkedin.com/sales/lead/ACwAAKimLee01,NAME_SEARCH,zz"


def island(data: dict) -> str:
    return f'<code style="display:none" id="bpr-guid-9">{html.escape(json.dumps(data))}</code>'


RECRUITER_JSON = {
    "entityUrn": "urn:li:ts_linkedin_member_profile:(AEMAAAKimLee01,1,urn:li:ts_hiring_project:0)",
    "firstName": "Kim",
    "lastName": "Lee-Park, MBA",
    "headline": "COO at Foo",
    "location": {"displayName": "Seoul, South Korea"},
    "publicProfileUrl": "https://www.linkedin.com/in/kimleepark",
    "groupedWorkExperience": [
        {
            "positions": [
                {
                    "title": "COO",
                    "companyName": "Foo",
                    "startDateOn": {"year": 2021, "month": 4},
                    "location": {"displayName": "Seoul"},
                },
                {
                    "title": "VP Ops",
                    "companyName": "Foo",
                    "startDateOn": {"year": 2018},
                    "endDateOn": {"year": 2021, "month": 3},
                },
            ]
        }
    ],
}


def test_recruiter_json_of_this_profile_is_preferred_to_the_dom():
    page = (
        "<div data-test-profile-container><span data-test-row-lockup-full-name>Kim Lee-Park"
        "</span></div>" + island(RECRUITER_JSON)
    )
    profile = parse_profile(page, RECRUITER_URL)
    assert (profile.first_name, profile.last_name) == ("Kim", "Lee-Park")
    assert profile.location == "Seoul, South Korea"
    assert profile.linkedin_url == "https://www.linkedin.com/in/kimleepark"
    assert [(p.title, p.start, p.end, p.current) for p in profile.positions] == [
        ("COO", "2021-04", None, True),
        ("VP Ops", "2018", "2021-03", False),
    ]
    assert (profile.company, profile.title) == ("Foo", "COO")
    assert profile.layout.endswith("+json")


def test_recruiter_json_of_another_candidate_is_not_used():
    other = dict(RECRUITER_JSON, entityUrn="urn:li:ts_linkedin_member_profile:(AEMAAAOther,1,x)")
    other["publicProfileUrl"] = "https://www.linkedin.com/in/someone-else"
    page = (
        "<div data-test-profile-container><span data-test-row-lockup-full-name>Kim Lee"
        "</span></div>" + island(other)
    )
    profile = parse_profile(page, RECRUITER_URL)
    assert profile.full_name == "Kim Lee" and profile.positions == ()
    assert not profile.layout.endswith("+json")
    assert "ignored embedded JSON of 1 other profile(s)" in profile.warnings


def test_mini_profiles_of_other_people_are_not_worth_a_warning():
    viewer = {
        "$type": "com.linkedin.voyager.identity.shared.MiniProfile",
        "entityUrn": "urn:li:fs_miniProfile:ACoAAViewer",
        "publicIdentifier": "the-recruiter",
        "firstName": "Rita",
        "lastName": "Recruiter",
        "occupation": "Talent Partner",
    }
    page = "<main><h1>Jane Doe</h1></main>" + island({"included": [viewer]})
    profile = parse_profile(page, "https://www.linkedin.com/in/jane-doe/")
    assert not any("other profile" in w for w in profile.warnings)


def test_sales_json_with_current_flag_and_flagship_url():
    data = {
        "entityUrn": "urn:li:fs_salesProfile:(ACwAAKimLee01,NAME_SEARCH,zz)",
        "firstName": "Kim",
        "lastName": "Lee",
        "headline": "COO",
        "flagshipProfileUrl": "https://www.linkedin.com/in/kim-lee",
        "positions": [
            {"title": "COO", "companyName": "Foo", "current": True, "startedOn": {"year": 2021}},
            {
                "title": "Analyst",
                "companyName": "Bar · Full-time",
                "current": False,
                "startedOn": {"year": 2015, "month": 9},
                "endedOn": {"year": 2020, "month": 12},
            },
        ],
    }
    profile = parse_profile("<main>" + island(data) + "</main>", SALES_URL)
    assert profile.linkedin_url == "https://www.linkedin.com/in/kim-lee"
    assert [(p.company, p.current) for p in profile.positions] == [("Foo", True), ("Bar", False)]


def test_json_with_fewer_positions_than_the_page_loses_to_the_page():
    data = dict(RECRUITER_JSON, groupedWorkExperience=[])
    rows = "".join(
        f"<li data-test-position-list-container><span data-test-position-entity-title>R{i}</span>"
        f"<a data-test-position-entity-company-link>C{i}</a>"
        f"<span data-test-position-entity-date-range>{2010 + i} – {2011 + i}</span></li>"
        for i in range(3)
    )
    page = f"<div data-test-profile-container><ul data-test-experience-card>{rows}</ul></div>"
    profile = parse_profile(page + island(data), RECRUITER_URL)
    assert [p.title for p in profile.positions] == ["R0", "R1", "R2"]
    assert profile.first_name == "Kim"  # the name still comes from the JSON


def test_voyager_positions_missing_a_company_take_it_from_the_page():
    member = "ACoAAJane01"
    data = {
        "included": [
            {
                "$type": "com.linkedin.voyager.dash.identity.profile.Profile",
                "entityUrn": f"urn:li:fsd_profile:{member}",
                "publicIdentifier": "jane-doe",
                "firstName": "Jane",
                "lastName": "Doe",
            },
            {
                "$type": "com.linkedin.voyager.dash.identity.profile.Position",
                "entityUrn": f"urn:li:fsd_position:({member},7)",
                "title": "CTO",
                "company": {"*company": "urn:li:fsd_company:1"},
                "dateRange": {"start": {"year": 2020, "month": 1}},
            },
        ]
    }
    page = (
        "<main><section><h2>Experience</h2><div><p>CTO</p><p>Acme · Full-time</p>"
        "<p>Jan 2020 - Present · 4 yrs</p></div></section></main>" + island(data)
    )
    profile = parse_profile(page, "https://www.linkedin.com/in/jane-doe/")
    assert [(p.title, p.company, p.current) for p in profile.positions] == [("CTO", "Acme", True)]
    assert profile.layout.endswith("+json")


def test_voyager_positions_follow_the_page_order():
    member = "ACoAAJane01"

    def position(n: int, title: str, year: int) -> dict:
        return {
            "$type": "com.linkedin.voyager.dash.identity.profile.Position",
            "entityUrn": f"urn:li:fsd_position:({member},{n})",
            "title": title,
            "companyName": f"{title} Inc",
            "dateRange": {"start": {"year": year}},
        }

    data = {
        "included": [
            position(2, "Advisor", 2021),
            {
                "$type": "com.linkedin.voyager.dash.identity.profile.Profile",
                "entityUrn": f"urn:li:fsd_profile:{member}",
                "publicIdentifier": "jane-doe",
                "firstName": "Jane",
                "lastName": "Doe",
            },
            position(1, "Founder", 2019),
        ]
    }
    # The member lists her older ongoing role first; JSON entities come in another order.
    page = (
        "<main><section><h2>Experience</h2>"
        "<div><p>Founder</p><p>Founder Inc</p><p>2019 - Present</p></div>"
        "<div><p>Advisor</p><p>Advisor Inc</p><p>2021 - Present</p></div></section></main>"
        + island(data)
    )
    profile = parse_profile(page, "https://www.linkedin.com/in/jane-doe/")
    assert [p.title for p in profile.positions] == ["Founder", "Advisor"]
    assert profile.layout.endswith("+json")
