"""Tasks that run Greenhouse imports: a run now, the next run of a schedule at its time, and a
sweep every minute that queues whatever is due (a lost task, a crashed run).

The enrolment is wired here: the imports feature takes it as a callback, so it never imports
the sequences feature. Until that feature's `add_person` is merged, a plain enrolment stands in
(`backend/imports/plain_enrolment.py`).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import timedelta

from huey import crontab

from backend import defaults
from backend.accounts.integration import connection_for
from backend.accounts.integration import greenhouse_client
from backend.greenhouse.client import GreenhouseClient
from backend.imports.manage import mark_unrunnable
from backend.imports.plain_enrolment import enrol_plainly
from backend.imports.plain_enrolment import in_sequence_plainly
from backend.imports.preview import InSequence
from backend.imports.runs import Enrol
from backend.imports.runs import RunOutcome
from backend.imports.runs import run_import
from backend.imports.schedule import due_imports
from backend.infra.services import Services
from backend.jobs.queue import huey
from backend.jobs.queue import task_services
from backend.store.models import Import
from backend.store.models import utcnow

log = logging.getLogger(__name__)

RETRY_DELAY_SECONDS = int(defaults.TASK_RETRY_DELAY.total_seconds())
NOT_CONNECTED = "Greenhouse is not connected."

enrol: Enrol = enrol_plainly
"""How a person joins a sequence (the sequences feature's, once merged)."""

in_sequence: InSequence = in_sequence_plainly
"""Who of a page is already in the sequence (for previews)."""


def interval(svc: Services) -> timedelta:
    return timedelta(seconds=svc.settings.import_interval_seconds)


def team_client(svc: Services, account_id: int) -> GreenhouseClient | None:
    with svc.db.session() as session:
        connection = connection_for(session, account_id, settings=svc.settings, secrets=svc.secrets)
    return greenhouse_client(connection, svc) if connection else None


def run_now(
    svc: Services,
    import_id: int,
    *,
    on_page: Callable[[dict[str, int]], None] | None = None,
    only_if_due: bool = False,
) -> RunOutcome:
    """Run the import in this process (a task, or `sourcebridge imports run`); queue its next
    run when it has one."""
    with svc.db.session() as session:
        row = session.get(Import, import_id)
        account_id = row.account_id if row is not None else None
    if account_id is None:
        return RunOutcome(import_id, "gone")
    client = team_client(svc, account_id)
    if client is None:
        with svc.db.session() as session:
            return mark_unrunnable(session, import_id, NOT_CONNECTED, interval(svc))
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    outcome = run_import(
        svc.db.session,
        client,
        import_id,
        enrol,
        owner=owner,
        interval=interval(svc),
        on_page=on_page,
        only_if_due=only_if_due,
    )
    if outcome.next_run_at is not None:
        import_run.schedule(args=(import_id,), eta=outcome.next_run_at)
    log.info("import %s: %s %s", import_id, outcome.status, outcome.progress)
    return outcome


@huey.task(retries=defaults.TASK_RETRIES, retry_delay=RETRY_DELAY_SECONDS)
def import_run(import_id: int) -> str:
    with task_services() as svc:
        return run_now(svc, import_id, only_if_due=True).status


@huey.periodic_task(crontab(minute=f"*/{int(defaults.IMPORT_SWEEP_EVERY / timedelta(minutes=1))}"))
def imports_sweep() -> None:
    """Queue the imports that are due. Every consumer runs periodic tasks; the lock makes one of
    them do it."""
    with huey.lock_task("imports-sweep"), task_services() as svc:
        with svc.db.session() as session:
            ids = due_imports(session, utcnow())
        for import_id in ids:
            import_run(import_id)
