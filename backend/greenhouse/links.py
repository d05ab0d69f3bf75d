"""Links to records in the Greenhouse web app (v3 API objects carry no URL field)."""

from __future__ import annotations

from urllib.parse import urlencode


def candidate_url(app_url: str, candidate_id: int, application_id: int | None = None) -> str:
    """`{app_url}/people/{candidate_id}[?application_id=…]`, as Greenhouse's own webhooks link."""
    url = f"{app_url.rstrip('/')}/people/{int(candidate_id)}"
    if application_id is not None:
        url += "?" + urlencode({"application_id": int(application_id)})
    return url
