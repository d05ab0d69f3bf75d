"""OAuth 2.0 for Google Workspace and Microsoft 365 mailboxes (authorisation code + refresh).

The authorisation-code flow runs in the web app; here are the URLs, the code exchange and the
refresh. Endpoints come from settings, so tests talk to a local token server. A refresh answered
with `invalid_grant` means the user (or an admin) revoked access: `GrantRevoked`, and the mailbox
goes to `auth_error` with that reason. Tokens are never logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from urllib.parse import urlencode

import requests

from backend import defaults
from backend.config import Settings


class OAuthError(Exception):
    """The token endpoint could not be used (network, 5xx, a malformed answer): try later."""


class GrantRevoked(OAuthError):
    """The refresh token is no longer valid (revoked, expired or the password changed)."""


@dataclass(frozen=True)
class OAuthProvider:
    name: str  # google | microsoft
    client_id: str
    client_secret: str = field(repr=False)
    authorize_url: str = ""
    token_url: str = ""
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TokenSet:
    access_token: str = field(repr=False)
    expires_at: datetime
    refresh_token: str | None = field(default=None, repr=False)


def providers_from_settings(settings: Settings) -> dict[str, OAuthProvider]:
    """The providers whose client id and secret are configured."""
    out: dict[str, OAuthProvider] = {}
    if settings.google_oauth_client_id and settings.google_oauth_client_secret:
        out["google"] = OAuthProvider(
            "google",
            settings.google_oauth_client_id,
            settings.google_oauth_client_secret,
            settings.google_oauth_authorize_url,
            settings.google_oauth_token_url,
            defaults.GOOGLE_OAUTH_SCOPES,
        )
    if settings.microsoft_oauth_client_id and settings.microsoft_oauth_client_secret:
        base = settings.microsoft_oauth_url
        tenant = settings.microsoft_oauth_tenant
        out["microsoft"] = OAuthProvider(
            "microsoft",
            settings.microsoft_oauth_client_id,
            settings.microsoft_oauth_client_secret,
            f"{base}/{tenant}/oauth2/v2.0/authorize",
            f"{base}/{tenant}/oauth2/v2.0/token",
            defaults.MICROSOFT_OAUTH_SCOPES,
        )
    return out


def authorization_url(
    provider: OAuthProvider, *, redirect_uri: str, state: str, login_hint: str | None = None
) -> str:
    """Where the web app sends the user to grant mail access (offline: a refresh token)."""
    params = {
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": " ".join(provider.scopes),
        "state": state,
    }
    if provider.name == "google":
        params.update(access_type="offline", prompt="consent")  # a refresh token every time
    if login_hint:
        params["login_hint"] = login_hint
    return f"{provider.authorize_url}?{urlencode(params)}"


def needs_refresh(expires_at: datetime | None, now: datetime) -> bool:
    return expires_at is None or expires_at - defaults.OAUTH_REFRESH_EARLY <= now


def _token_request(provider: OAuthProvider, form: dict[str, str], now: datetime) -> TokenSet:
    body = {"client_id": provider.client_id, "client_secret": provider.client_secret, **form}
    try:
        response = requests.post(
            provider.token_url, data=body, timeout=defaults.OAUTH_TIMEOUT.total_seconds()
        )
    except requests.RequestException as exc:
        raise OAuthError(
            f"{provider.name} token endpoint unreachable: {type(exc).__name__}"
        ) from exc
    try:
        data = response.json()
    except ValueError:
        data = {}
    if response.status_code in (400, 401) and data.get("error") == "invalid_grant":
        reason = str(data.get("error_description") or "access was revoked")[:200]
        raise GrantRevoked(f"{provider.name} refused the grant: {reason}")
    if response.status_code != 200 or not data.get("access_token"):
        error = str(data.get("error") or f"HTTP {response.status_code}")[:100]
        raise OAuthError(f"{provider.name} token endpoint answered {error}")
    lifetime = int(data.get("expires_in") or 3600)
    return TokenSet(
        access_token=str(data["access_token"]),
        expires_at=now + timedelta(seconds=lifetime),
        refresh_token=data.get("refresh_token"),
    )


def exchange_code(
    provider: OAuthProvider, *, code: str, redirect_uri: str, now: datetime
) -> TokenSet:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    return _token_request(provider, form, now)


def refresh_access_token(provider: OAuthProvider, refresh_token: str, now: datetime) -> TokenSet:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    if provider.name == "microsoft":
        form["scope"] = " ".join(provider.scopes)
    return _token_request(provider, form, now)
