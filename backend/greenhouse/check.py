"""Is a Greenhouse connection usable? Token, acting user, site admin, read scopes.

Used by `sourcebridge greenhouse check`, and meant for the API that saves a connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.errors import APIConnectionError
from backend.greenhouse.errors import AuthenticationError
from backend.greenhouse.errors import GreenhouseError
from backend.greenhouse.errors import PermissionDenied

LIST_SCOPES = (
    ("harvest:candidates:list", "/v3/candidates"),
    ("harvest:applications:list", "/v3/applications"),
    ("harvest:notes:list", "/v3/notes"),
    ("harvest:candidate_employments:list", "/v3/candidate_employments"),
    ("harvest:custom_fields:list", "/v3/custom_fields"),
    ("harvest:custom_field_options:list", "/v3/custom_field_options"),
    ("harvest:candidate_tags:list", "/v3/candidate_tags"),
    ("harvest:applied_candidate_tags:list", "/v3/applied_candidate_tags"),
    ("harvest:jobs:list", "/v3/jobs"),
    ("harvest:job_interview_stages:list", "/v3/job_interview_stages"),
    ("harvest:prospect_pools:list", "/v3/prospect_pools"),
    ("harvest:prospect_pool_stages:list", "/v3/prospect_pool_stages"),
    ("harvest:prospect_details:list", "/v3/prospect_details"),
    ("harvest:users:list", "/v3/users"),
)
"""Read scopes the integration needs, each with a list endpoint that proves it (one row)."""

NOT_SITE_ADMIN = "the acting user (GREENHOUSE_USER_ID) is not a site admin; lists need one"


@dataclass
class ConnectionReport:
    """What `check_connection` found; `problems` holds one line per problem."""

    token_expires_at: float
    user: dict[str, Any] | None = None
    site_admin: bool | None = None
    scopes: dict[str, str | None] = field(default_factory=dict)
    """scope -> None when it answers, else the error text (empty when not checked)."""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_connection(client: GreenhouseClient) -> ConnectionReport:
    """Mint a token, read the acting user, then try every read scope (one request each).

    Raises the GreenhouseError when Greenhouse is unreachable or refuses the credentials."""
    report = ConnectionReport(token_expires_at=client.tokens.refresh()["expires_at"])
    try:
        report.user = client.users.me()
    except PermissionDenied as exc:
        report.site_admin = False if exc.not_site_admin else None
        report.problems.append(
            NOT_SITE_ADMIN if exc.not_site_admin else f"cannot read users: {exc}"
        )
    if report.user is not None:
        report.site_admin = bool(report.user.get("site_admin"))
        if not report.site_admin:
            report.problems.append(NOT_SITE_ADMIN)
    elif report.site_admin is None and not report.problems:
        report.problems.append(f"acting user {client.user_id} was not found in Greenhouse")
    if report.site_admin is False:
        return report  # every list answers 403 to such a user: nothing more to learn
    for scope, path in LIST_SCOPES:
        try:
            client.transport.get(path, {"per_page": 1})
        except APIConnectionError:
            raise
        except GreenhouseError as exc:
            report.scopes[scope] = str(exc)
            report.problems.append(f"{scope} does not answer: {exc}")
        else:
            report.scopes[scope] = None
    return report


def explain(exc: GreenhouseError) -> str:
    """One clear line for a failure that stops a command."""
    if isinstance(exc, APIConnectionError):
        return f"cannot reach Greenhouse: {exc}"
    if isinstance(exc, AuthenticationError):
        return f"Greenhouse refused the credentials: {exc}"
    if isinstance(exc, PermissionDenied) and exc.not_site_admin:
        return NOT_SITE_ADMIN
    if isinstance(exc, PermissionDenied):
        return f"Greenhouse denied access: {exc}"
    return f"Greenhouse error: {exc}"
