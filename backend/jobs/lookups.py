"""Tasks of the lookups feature, and the queue behind its `LaterWork`."""

from __future__ import annotations

from dataclasses import dataclass

from backend import defaults
from backend.infra.services import Services
from backend.jobs.index import request_backfill
from backend.jobs.queue import huey
from backend.jobs.queue import task_services
from backend.lookups.lookup import verify_stored_lookup


@huey.task(
    retries=defaults.TASK_RETRIES, retry_delay=int(defaults.TASK_RETRY_DELAY.total_seconds())
)
def verify_lookup_email(lookup_id: int) -> dict | None:
    """SMTP-verify a lookup's email off the page view (it can take a minute); the answer is
    stored on the lookup and cached, so the next look at the person shows it."""
    with task_services() as svc, svc.db.session() as session:
        return verify_stored_lookup(session, svc, lookup_id)


@dataclass(frozen=True)
class QueuedLaterWork:
    """A lookup's `LaterWork`, queued."""

    svc: Services

    def backfill(self, account_id: int) -> None:
        request_backfill(self.svc, account_id)

    def verify_email(self, lookup_id: int) -> None:
        verify_lookup_email(lookup_id)
