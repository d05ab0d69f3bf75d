"""A recipient's time zone guessed from the location a LinkedIn profile shows.

Only places that sit in one zone are listed (a country spanning several zones names none unless
a city says which); anything else gives None and the mailbox's or team's zone applies.
"""

from __future__ import annotations

import re

PLACES = {
    # cities first: they settle countries that span zones
    "new york": "America/New_York",
    "boston": "America/New_York",
    "atlanta": "America/New_York",
    "miami": "America/New_York",
    "washington": "America/New_York",
    "toronto": "America/Toronto",
    "montreal": "America/Toronto",
    "chicago": "America/Chicago",
    "austin": "America/Chicago",
    "dallas": "America/Chicago",
    "houston": "America/Chicago",
    "denver": "America/Denver",
    "phoenix": "America/Phoenix",
    "san francisco": "America/Los_Angeles",
    "los angeles": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "san jose": "America/Los_Angeles",
    "bay area": "America/Los_Angeles",
    "vancouver": "America/Vancouver",
    "sydney": "Australia/Sydney",
    "melbourne": "Australia/Melbourne",
    "brisbane": "Australia/Brisbane",
    "perth": "Australia/Perth",
    "são paulo": "America/Sao_Paulo",
    "sao paulo": "America/Sao_Paulo",
    "moscow": "Europe/Moscow",
    # countries in one zone
    "united kingdom": "Europe/London",
    "england": "Europe/London",
    "london": "Europe/London",
    "scotland": "Europe/London",
    "ireland": "Europe/Dublin",
    "dublin": "Europe/Dublin",
    "france": "Europe/Paris",
    "paris": "Europe/Paris",
    "germany": "Europe/Berlin",
    "berlin": "Europe/Berlin",
    "munich": "Europe/Berlin",
    "netherlands": "Europe/Amsterdam",
    "amsterdam": "Europe/Amsterdam",
    "belgium": "Europe/Brussels",
    "spain": "Europe/Madrid",
    "madrid": "Europe/Madrid",
    "barcelona": "Europe/Madrid",
    "italy": "Europe/Rome",
    "switzerland": "Europe/Zurich",
    "zurich": "Europe/Zurich",
    "austria": "Europe/Vienna",
    "sweden": "Europe/Stockholm",
    "norway": "Europe/Oslo",
    "denmark": "Europe/Copenhagen",
    "finland": "Europe/Helsinki",
    "poland": "Europe/Warsaw",
    "portugal": "Europe/Lisbon",
    "lisbon": "Europe/Lisbon",
    "greece": "Europe/Athens",
    "israel": "Asia/Jerusalem",
    "tel aviv": "Asia/Jerusalem",
    "india": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "singapore": "Asia/Singapore",
    "japan": "Asia/Tokyo",
    "tokyo": "Asia/Tokyo",
    "south korea": "Asia/Seoul",
    "seoul": "Asia/Seoul",
    "china": "Asia/Shanghai",
    "hong kong": "Asia/Hong_Kong",
    "new zealand": "Pacific/Auckland",
    "south africa": "Africa/Johannesburg",
    "nigeria": "Africa/Lagos",
    "kenya": "Africa/Nairobi",
    "united arab emirates": "Asia/Dubai",
    "dubai": "Asia/Dubai",
    "argentina": "America/Argentina/Buenos_Aires",
    "colombia": "America/Bogota",
    "peru": "America/Lima",
    "chile": "America/Santiago",
}
_WORD = re.compile(r"[^\w\s]+")


def zone_from_location(location: str | None) -> str | None:
    """`"San Francisco Bay Area"` → America/Los_Angeles; `"United States"` → None."""
    if not location:
        return None
    text = " " + " ".join(_WORD.sub(" ", location.lower()).split()) + " "
    for place, zone in PLACES.items():  # dict order: cities before countries
        if f" {place} " in text:
            return zone
    return None
