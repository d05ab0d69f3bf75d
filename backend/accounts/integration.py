"""An account's Greenhouse integration: its connection (saved or from the environment), settings.

Saved credentials win; with none saved, `GREENHOUSE_CLIENT_ID` / `_CLIENT_SECRET` / `_USER_ID` from
the environment connect every account (the single-team, self-hosted case).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from backend import defaults
from backend.config import Settings
from backend.greenhouse.client import Connection
from backend.greenhouse.client import Endpoints
from backend.greenhouse.client import GreenhouseClient
from backend.greenhouse.client import connect
from backend.greenhouse.transport import DEFAULT_TIMEOUT
from backend.infra.secrets_box import SecretBox
from backend.infra.secrets_box import SecretUnreadable
from backend.infra.services import Services
from backend.store.models import GreenhouseIntegration
from backend.store.models import utcnow

log = logging.getLogger(__name__)


def integration_row(session: Session, account_id: int) -> GreenhouseIntegration:
    """The account's settings row, created with the defaults on first use."""
    row = session.get(GreenhouseIntegration, account_id)
    if row is None:
        row = GreenhouseIntegration(account_id=account_id, custom_field_map={})
        session.add(row)
        session.flush()
    return row


def connection_for(
    session: Session, account_id: int, *, settings: Settings, secrets: SecretBox
) -> Connection | None:
    """The credentials to act for this account, or None when it is not connected."""
    row = session.get(GreenhouseIntegration, account_id)
    if row is None:
        return environment_connection(settings)
    return saved_or_environment_connection(
        account_id,
        row.client_id,
        row.client_secret_encrypted,
        row.user_id,
        settings=settings,
        secrets=secrets,
    )


def saved_or_environment_connection(
    account_id: int,
    client_id: str | None,
    client_secret_encrypted: bytes | None,
    user_id: int | None,
    *,
    settings: Settings,
    secrets: SecretBox,
) -> Connection | None:
    """The saved credentials (from an integration row's columns) win over the environment's."""
    if client_id and client_secret_encrypted:
        try:
            secret = secrets.decrypt(client_secret_encrypted)
        except SecretUnreadable:
            log.error(
                "account %s: saved Greenhouse secret unreadable (SECRET_KEY changed?)", account_id
            )
            return None
        return Connection(client_id, secret, user_id, source="saved")
    return environment_connection(settings)


def environment_connection(settings: Settings) -> Connection | None:
    """GREENHOUSE_CLIENT_ID / _SECRET / _USER_ID, when both the id and the secret are set."""
    if settings.greenhouse_client_id and settings.greenhouse_client_secret:
        return Connection(
            client_id=settings.greenhouse_client_id,
            client_secret=settings.greenhouse_client_secret,
            user_id=settings.greenhouse_user_id,
            source="environment",
        )
    return None


def endpoints_of(settings: Settings) -> Endpoints:
    return Endpoints(
        api_url=settings.greenhouse_api_url,
        auth_url=settings.greenhouse_auth_url,
        app_url=settings.greenhouse_app_url,
    )


def save_connection(
    session: Session,
    account_id: int,
    box: SecretBox,
    *,
    client_id: str | None,
    client_secret: str | None,
    user_id: int | None,
    webhook_secret: str | None = None,
) -> GreenhouseIntegration:
    """Store credentials; a secret left out keeps the stored one (it is write-only)."""
    row = integration_row(session, account_id)
    row.client_id = client_id
    row.user_id = user_id
    if client_secret:
        row.client_secret_encrypted = box.encrypt(client_secret)
    if webhook_secret:
        row.webhook_secret_encrypted = box.encrypt(webhook_secret)
    if not client_id:
        row.client_secret_encrypted = None
        row.connected_at = None
    elif client_secret:
        row.connected_at = utcnow()
    return row


def saved_webhook_secret(session: Session, account_id: int, box: SecretBox) -> str | None:
    row = session.get(GreenhouseIntegration, account_id)
    if row is not None and row.webhook_secret_encrypted:
        return box.decrypt(row.webhook_secret_encrypted)
    return None


def greenhouse_client(
    connection: Connection, svc: Services, *, interactive: bool = False
) -> GreenhouseClient:
    """The account's client, reused per process so HTTP connections are shared.

    `interactive` is for a recruiter waiting on a page: one retry and short timeouts, so a
    Greenhouse outage answers "unavailable" in seconds instead of after a full backoff.
    """
    key = ("greenhouse-client", connection, interactive)
    client = svc.extras.get(key)
    if client is None:
        patience: dict[str, Any] = {}
        if interactive:
            patience["interactive"] = True
            patience["max_retries"] = defaults.GREENHOUSE_INTERACTIVE_RETRIES
            patience["timeout"] = (
                DEFAULT_TIMEOUT[0],
                defaults.GREENHOUSE_INTERACTIVE_TIMEOUT.total_seconds(),
            )
        client = connect(
            connection,
            endpoints_of(svc.settings),
            cache=svc.cache,
            limiter=svc.limiter,
            **patience,
        )
        svc.extras[key] = client
    return client


def account_client(svc: Services, account_id: int) -> GreenhouseClient | None:
    """The account's client for background work, or None when Greenhouse is not connected."""
    with svc.db.session() as session:
        connection = connection_for(session, account_id, settings=svc.settings, secrets=svc.secrets)
    return greenhouse_client(connection, svc) if connection else None


@dataclass(frozen=True)
class IntegrationChange:
    """What an update did, for the edge to act on (clear the old index, queue a backfill)."""

    replaced: bool  # another Greenhouse (or none) now: records of the old one must not match
    needs_backfill: bool  # a new Greenhouse (or acting user) to index


def update_integration(
    session: Session,
    account_id: int,
    *,
    app_settings: Settings,
    secrets: SecretBox,
    connection: dict[str, Any] | None = None,
    settings: dict[str, Any] | None = None,
) -> IntegrationChange:
    """Save the connection and/or sync settings (validated already); omitted ones keep theirs."""
    row = integration_row(session, account_id)
    before = connection_for(session, account_id, settings=app_settings, secrets=secrets)
    if connection is not None:
        save_connection(
            session,
            account_id,
            secrets,
            client_id=connection.get("client_id", row.client_id),
            client_secret=connection.get("client_secret"),
            user_id=connection.get("user_id", row.user_id),
            webhook_secret=connection.get("webhook_secret"),
        )
    for name, value in (settings or {}).items():
        setattr(row, name, value)
    after = connection_for(session, account_id, settings=app_settings, secrets=secrets)
    replaced = before is not None and (after is None or after.client_id != before.client_id)
    return IntegrationChange(
        replaced=replaced, needs_backfill=after is not None and after != before
    )
