"""Product detection from the URL, and the canonical public profile URL."""

from __future__ import annotations

import pytest

from backend.linkedin_parse import NotAProfilePage
from backend.linkedin_parse import ParseError
from backend.linkedin_parse import detect_source
from backend.linkedin_parse import normalize_linkedin_url
from backend.linkedin_parse import parse_profile


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://www.linkedin.com/talent/profile/AEMAAAbC?trk=x", "recruiter"),
        ("https://www.linkedin.com/talent/hire/123/manage/all/profile/AEMAAAbC", "recruiter"),
        (
            "https://www.linkedin.com/talent/hire/1/discover/recruiterSearch/profile/AEMAAAbC?start=0",
            "recruiter",
        ),
        (
            "https://www.linkedin.com/talent/hire/1/discover/automatedSourcing/review/profile/AEMAAAbC",
            "recruiter",
        ),
        ("https://www.linkedin.com/in/jane-doe/", "linkedin"),
        ("https://www.linkedin.com/in/jane-doe/details/experience/", "linkedin"),
        ("https://uk.linkedin.com/in/jane-doe", "linkedin"),
        ("https://www.linkedin.com/sales/lead/ACwAAAgk,NAME_SEARCH,PClu", "sales_navigator"),
        ("https://www.linkedin.com/sales/people/ACwAAAgk,NAME_SEARCH,PClu", "sales_navigator"),
        ("https://www.linkedin.com/feed/", None),
        ("https://www.linkedin.com/talent/projects", None),
        ("https://www.linkedin.com/sales/search/people?query=x", None),
        ("https://example.com/in/jane-doe", None),
        ("not a url", None),
    ],
)
def test_detect_source(url, source):
    assert detect_source(url) == source


@pytest.mark.parametrize(
    "url",
    [
        "https://www.linkedin.com/in/jane-doe",
        "http://linkedin.com/in/jane-doe/",
        "https://uk.linkedin.com/in/Jane-Doe?trk=public_profile",
        "www.linkedin.com/in/JANE-DOE/details/experience/#top",
        "https://www.linkedin.com/in/jane%2Ddoe/",
        "https://m.linkedin.com/mwlite/in/jane-doe",
        "https://linkedin.com/in/jane-doe?originalSubdomain=uk",
    ],
)
def test_every_variant_of_a_public_url_normalises_to_one(url):
    assert normalize_linkedin_url(url) == "https://www.linkedin.com/in/jane-doe"


def test_percent_encoded_unicode_slug_is_canonical_once():
    a = normalize_linkedin_url("https://www.linkedin.com/in/j%C3%BCrgen-m%C3%BCller/")
    b = normalize_linkedin_url("https://de.linkedin.com/in/JÜRGEN-müller")
    assert a == b == "https://www.linkedin.com/in/j%C3%BCrgen-m%C3%BCller"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.linkedin.com/company/acme/",
        "https://www.linkedin.com/in/",
        "https://www.linkedin.com/in/me/",
        "https://evil.example/in/jane-doe",
        "",
    ],
)
def test_non_profile_urls_have_no_canonical_form(url):
    assert normalize_linkedin_url(url) is None


def test_non_profile_page_is_a_clear_error():
    with pytest.raises(NotAProfilePage) as raised:
        parse_profile("<html><body><h1>Feed</h1></body></html>", "https://www.linkedin.com/feed/")
    assert isinstance(raised.value, ParseError) and isinstance(raised.value, ValueError)
    assert "not a LinkedIn profile page" in str(raised.value)
