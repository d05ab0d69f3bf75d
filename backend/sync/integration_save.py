"""Saving a team's integration, as the JSON API and the web app both do: the connection, then the
sync settings checked against the Greenhouse in effect once it is saved."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from backend.accounts.integration import IntegrationChange
from backend.accounts.integration import connection_for
from backend.accounts.integration import greenhouse_client
from backend.accounts.integration import update_integration
from backend.gh_index.index import clear_index
from backend.greenhouse.errors import GreenhouseError
from backend.infra.services import Services
from backend.sync.catalog import Catalog
from backend.sync.settings import settings_to_store


def save_integration(
    session: Session,
    account_id: int,
    svc: Services,
    *,
    connection: dict[str, Any] | None = None,
    settings: dict[str, Any] | None = None,
) -> IntegrationChange:
    """Save what is given (omitted fields keep their value). Raises SettingInvalid naming the
    field. The old Greenhouse's index is cleared when another replaces it; the caller commits
    and queues the backfill when `needs_backfill`."""
    change = update_integration(
        session, account_id, app_settings=svc.settings, secrets=svc.secrets, connection=connection
    )
    if settings is not None:
        connected = connection_for(session, account_id, settings=svc.settings, secrets=svc.secrets)
        catalog = (
            Catalog(greenhouse_client(connected, svc, interactive=True), svc.cache)
            if connected is not None
            else None
        )
        update_integration(
            session,
            account_id,
            app_settings=svc.settings,
            secrets=svc.secrets,
            settings=settings_to_store(settings, catalog, unreachable=GreenhouseError),
        )
    if change.replaced:  # another Greenhouse: the old one's records must not match
        clear_index(session, account_id)
    return change
