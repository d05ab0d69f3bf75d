"""Read LinkedIn profile pages (Recruiter, regular profile, Sales Navigator) into a ``Profile``.

Pure: no Flask, no database, no network. See ``parser.parse_profile``.
"""

from backend.linkedin_parse.model import NotAProfilePage
from backend.linkedin_parse.model import PageTooComplex
from backend.linkedin_parse.model import ParseError
from backend.linkedin_parse.model import Position
from backend.linkedin_parse.model import Profile
from backend.linkedin_parse.model import ProfileInvalid
from backend.linkedin_parse.model import SnapshotTooLarge
from backend.linkedin_parse.model import profile_from_dict
from backend.linkedin_parse.model import recent_roles
from backend.linkedin_parse.parser import parse_profile
from backend.linkedin_parse.urls import detect_source
from backend.linkedin_parse.urls import normalize_linkedin_url

__all__ = [
    "NotAProfilePage",
    "PageTooComplex",
    "ParseError",
    "Position",
    "Profile",
    "ProfileInvalid",
    "SnapshotTooLarge",
    "detect_source",
    "normalize_linkedin_url",
    "parse_profile",
    "profile_from_dict",
    "recent_roles",
]
