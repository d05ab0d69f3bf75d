"""Pure matching keys: Greenhouse candidates (API rows and webhook payloads) against a person."""

from __future__ import annotations

from backend.email_lookup.domains import company_key
from backend.gh_index.matching import PersonKeys
from backend.gh_index.matching import candidate_keys
from backend.gh_index.matching import match_person
from backend.gh_index.matching import name_key

V3_ROW = {
    "id": 11,
    "first_name": "Zoë",
    "last_name": "van der Berg",
    "company": "Acme, Inc.",
    "email_addresses": [
        {"value": "Zoe.VanDerBerg@Acme.com", "type": "work"},
        {"value": "zoe@gmail.com", "type": "personal"},
    ],
    "social_media_addresses": [{"value": "linkedin.com/in/zoevdb/"}],
    "website_addresses": [{"value": "https://zoe.dev", "type": "personal"}],
    "updated_at": "2026-11-30T10:00:00Z",
}


def test_candidate_keys_lowercase_emails_and_canonicalise_linkedin_urls():
    keys = candidate_keys(V3_ROW)
    assert keys.emails == (("zoe.vanderberg@acme.com", "work"), ("zoe@gmail.com", "personal"))
    assert keys.linkedin_urls == ("https://www.linkedin.com/in/zoevdb",)
    assert keys.name == "Zoë van der Berg"
    assert keys.name_key == "zoe van der berg"
    assert keys.company_key == "acme"


def test_candidate_keys_read_a_webhook_candidate_with_missing_fields():
    keys = candidate_keys({"id": "5", "first_name": None, "email_addresses": None})
    assert keys.candidate_id == 5 and keys.emails == () and keys.linkedin_urls == ()
    assert keys.name == "#5"


def test_company_key_ignores_legal_forms_and_punctuation():
    assert company_key("ACME Holdings GmbH") == company_key("Acme") == "acme"
    assert company_key("  ") is None
    assert name_key("José", "Núñez") == "jose nunez"


def person(**overrides):  # type: ignore[no-untyped-def]
    values = {
        "emails": ["jdoe@acme.com", "ZOE.VANDERBERG@acme.com"],
        "linkedin_url": None,
        "first": "Someone",
        "last": "Else",
        "company": "Other",
        **overrides,
    }
    return PersonKeys.of(
        values["emails"], values["linkedin_url"], values["first"], values["last"], values["company"]
    )


def test_email_match_is_case_insensitive_over_every_candidate_address():
    matches = match_person(person(), [candidate_keys(V3_ROW)])
    assert [(m.candidate_id, m.matched_on) for m in matches] == [(11, ["email"])]


def test_linkedin_url_matches_across_url_variants():
    p = person(emails=[], linkedin_url="https://uk.linkedin.com/in/ZoeVdb?trk=x")
    assert match_person(p, [candidate_keys(V3_ROW)])[0].matched_on == ["linkedin_url"]


def test_name_and_company_is_a_possible_match_only_when_both_agree():
    same = person(emails=[], first="Zoe", last="Van der Berg", company="ACME inc")
    assert match_person(same, [candidate_keys(V3_ROW)])[0].matched_on == ["name_company"]
    other_company = person(emails=[], first="Zoe", last="Van der Berg", company="Initech")
    assert match_person(other_company, [candidate_keys(V3_ROW)]) == []


def test_matches_are_ordered_by_strength_of_evidence():
    by_name = candidate_keys(
        {**V3_ROW, "id": 1, "email_addresses": [], "social_media_addresses": []}
    )
    by_email = candidate_keys({**V3_ROW, "id": 2, "first_name": "Z", "social_media_addresses": []})
    p = person(first="Zoe", last="van der Berg", company="Acme")
    assert [m.candidate_id for m in match_person(p, [by_name, by_email])] == [2, 1]
