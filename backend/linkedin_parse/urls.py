"""Which LinkedIn product a URL belongs to, and the canonical public profile URL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote
from urllib.parse import unquote
from urllib.parse import urlsplit

# Recruiter: /talent/profile/{id} and every /talent/hire/{project}/.../profile/{id} route.
_RECRUITER = re.compile(r"^/talent/(?:[^?#]*/)?profile/([^/?#]+)", re.I)
_VANILLA = re.compile(r"^/(?:mwlite/)?in/([^/?#]+)", re.I)  # mwlite: the light mobile site
_SALES = re.compile(r"^/sales/(?:lead|people)/([^/?#]+)", re.I)
_MEMBER_TOKEN = re.compile(r"^AC[ow]AA", re.I)
_NOT_A_SLUG = {"me"}  # /in/me/ is "whoever is logged in", not a person's address


@dataclass(frozen=True)
class PageId:
    """The product a URL belongs to and the profile id it carries (slug, member or lead token)."""

    source: str
    profile_id: str


def _linkedin_path(url: str) -> str | None:
    """The path of a linkedin.com URL (any subdomain, scheme optional), else None."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    if not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        text = "https://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if host != "linkedin.com" and not host.endswith(".linkedin.com"):
        return None
    return parts.path or "/"


def page_id(url: str) -> PageId | None:
    """The product and profile id of a profile page URL, or None for any other page."""
    path = _linkedin_path(url)
    if path is None:
        return None
    # /talent/ before /in/: Recruiter pages carry /in/ links in their content, not their path.
    for source, pattern in (
        ("recruiter", _RECRUITER),
        ("sales_navigator", _SALES),
        ("linkedin", _VANILLA),
    ):
        match = pattern.match(path)
        if match:
            ident = unquote(match.group(1)).strip()
            if source == "sales_navigator":
                ident = ident.split(",")[0]  # {profileId},{authType},{authToken}
            return PageId(source, ident) if ident else None
    return None


def detect_source(url: str) -> str | None:
    """ "recruiter", "linkedin" or "sales_navigator" for a profile page URL, else None."""
    found = page_id(url)
    return found.source if found else None


def normalize_linkedin_url(url: str) -> str | None:
    """Canonical ``https://www.linkedin.com/in/{slug}`` of any /in/ URL variant, else None.

    Accepts http, no www, country subdomains, trailing slash, sub-routes, query, fragment, case
    and percent-encoding; a vanity slug is lower-cased (member tokens keep their case) and
    re-encoded once, so every variant of one profile gives the same string.
    """
    path = _linkedin_path(url)
    if path is None:
        return None
    match = _VANILLA.match(path)
    if not match:
        return None
    slug = unquote(match.group(1)).strip()
    if not _MEMBER_TOKEN.match(slug):  # vanity slugs are case-insensitive, member tokens are not
        slug = slug.lower()
    if not slug or slug in _NOT_A_SLUG or any(c in slug for c in "/?# "):
        return None
    return "https://www.linkedin.com/in/" + quote(slug, safe="-_.~")
