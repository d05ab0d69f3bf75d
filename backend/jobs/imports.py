"""Tasks that run Greenhouse imports: a run now, the next run of a schedule at its time, and a
sweep every minute that queues whatever is due (a lost task, a crashed run).

The enrolment is wired here: the imports feature takes it as a callback, so it never imports
the sequences feature.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import timedelta

from huey import crontab
from sqlalchemy.orm import Session

from backend import defaults
from backend.accounts.integration import account_client
from backend.imports.manage import mark_unrunnable
from backend.imports.people import Person
from backend.imports.runs import Enrol
from backend.imports.runs import EnrolResult
from backend.imports.runs import RunOutcome
from backend.imports.runs import run_import
from backend.imports.schedule import due_imports
from backend.infra.services import Services
from backend.jobs.queue import huey
from backend.jobs.queue import task_services
from backend.sequences.enrolment import PersonInput
from backend.sequences.enrolment import add_person
from backend.sequences.errors import Refused
from backend.store.models import Import
from backend.store.models import Sequence
from backend.store.models import utcnow

log = logging.getLogger(__name__)

RETRY_DELAY_SECONDS = int(defaults.TASK_RETRY_DELAY.total_seconds())
NOT_CONNECTED = "Greenhouse is not connected."


def enrolment(added_by: int | None) -> Enrol:
    """An imported person joins the sequence as anyone added by hand would (suppressions, one
    active sequence per person, first step scheduled), with their Greenhouse ids so that the sync
    attaches to that record."""

    def enrol(session: Session, sequence_id: int, person: Person) -> EnrolResult:
        sequence = session.get(Sequence, sequence_id)
        if sequence is None:
            return EnrolResult("failed", "the sequence was deleted")
        details = PersonInput(
            email=person.emails[0].lower(),
            first_name=person.first_name or None,
            last_name=person.last_name or None,
            company=person.company,
            title=person.title,
            source="import",
            emails=[e.lower() for e in person.emails],
        )
        try:
            added = add_person(
                session,
                account_id=sequence.account_id,
                sequence_id=sequence_id,
                person=details,
                added_by=added_by,
                now=utcnow(),
            )
        except Refused as exc:
            outcome = "already_in_sequence" if exc.reason == "already_enrolled" else "failed"
            return EnrolResult(outcome, exc.message)
        contact = added.contact
        if contact.gh_candidate_id is None:
            contact.gh_candidate_id = person.candidate_id
            contact.gh_application_id = person.application_id
        return EnrolResult("added", "; ".join(added.warnings) or None)

    return enrol


def interval(svc: Services) -> timedelta:
    return timedelta(seconds=svc.settings.import_interval_seconds)


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
        added_by = row.created_by if row is not None else None
    if account_id is None:
        return RunOutcome(import_id, "gone")
    client = account_client(svc, account_id)
    if client is None:
        with svc.db.session() as session:
            return mark_unrunnable(session, import_id, NOT_CONNECTED, interval(svc))
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    outcome = run_import(
        svc.db.session,
        client,
        import_id,
        enrolment(added_by),
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
