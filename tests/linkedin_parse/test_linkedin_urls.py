"""Product detection from the URL, and the canonical public profile URL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backend.linkedin_parse import NotAProfilePage
from backend.linkedin_parse import ParseError
from backend.linkedin_parse import detect_source
from backend.linkedin_parse import normalize_linkedin_url
from backend.linkedin_parse import parse_profile
from backend.linkedin_parse.urls import page_id

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


# The extension's page detection reads the same table (extension/tests/unit/page-detect.test.js).
URL_TABLE = json.loads((FIXTURES / "linkedin-profile-urls.json").read_text())


@pytest.mark.parametrize("row", URL_TABLE["profiles"], ids=lambda row: row["url"])
def test_profile_pages_give_their_product_and_person(row):
    assert detect_source(row["url"]) == row["product"]
    found = page_id(row["url"])
    person = found.profile_id.lower() if found.source == "linkedin" else found.profile_id
    assert person == row["id"]


@pytest.mark.parametrize("url", URL_TABLE["not_profiles"])
def test_other_pages_are_not_profiles(url):
    assert detect_source(url) is None


@pytest.mark.parametrize("url", URL_TABLE["not_a_page_the_extension_reads"]["urls"])
def test_the_backend_also_reads_urls_the_extension_never_sees(url):
    assert detect_source(url) is not None


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
