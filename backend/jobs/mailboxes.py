"""Edge: reading every mailbox every MAILBOX_POLL_SECONDS, and handing what came in onwards.

A Huey periodic task runs every minute and, for about 55 s, polls all mailboxes every
MAILBOX_POLL_SECONDS (which may be a few seconds in tests and demos; cron alone cannot do that).
One consumer polls at a time (a lock). Each mailbox is one transaction: the inbound rows, the
cursors, the email finder's lessons and the sequences' stop rules commit together, so a crash
re-reads the same messages instead of losing them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC
from datetime import datetime

from huey import crontab
from sqlalchemy import select

from backend.config import Settings
from backend.infra.services import Services
from backend.jobs.queue import huey
from backend.jobs.queue import task_services
from backend.lookups.known_emails import learn_from_reply
from backend.lookups.known_emails import record_bounced
from backend.mailboxes.context import MailContext
from backend.mailboxes.inbound import InboundMessage
from backend.mailboxes.polling import AddressFeedback
from backend.mailboxes.polling import poll_mailbox
from backend.sequences import apply_inbound
from backend.store.models import Mailbox

log = logging.getLogger(__name__)

FEEDBACK = AddressFeedback(replied=learn_from_reply, bounced=record_bounced)
RUN_SECONDS = 55  # of each minute's periodic run


def poll_interval(settings: Settings) -> float:
    return max(1.0, settings.mailbox_poll_seconds)


def poll_one(svc: Services, mailbox_id: int, now: datetime | None = None) -> list[InboundMessage]:
    """Read one mailbox and apply what came in, in one transaction."""
    ctx = MailContext.from_settings(svc.settings, svc.secrets)
    now = now or datetime.now(UTC)
    with svc.db.session() as session:
        mailbox = session.get(Mailbox, mailbox_id)
        if mailbox is None:
            return []
        found = poll_mailbox(session, mailbox_id, now, ctx, FEEDBACK)
        for inbound in found:
            apply_inbound(session, mailbox.account_id, inbound, now)
    return found


def poll_all(svc: Services) -> int:
    """Poll every mailbox that can be read; one mailbox's failure never stops the others."""
    with svc.db.session() as session:
        ids = list(
            session.scalars(
                select(Mailbox.id).where(Mailbox.status != "auth_error").order_by(Mailbox.id)
            )
        )
    for mailbox_id in ids:
        try:
            poll_one(svc, mailbox_id)
        except Exception as exc:  # noqa: BLE001 - logged; the next round tries again
            log.warning("mailbox %s: poll failed: %s", mailbox_id, exc)
    return len(ids)


def run_for(
    seconds: float,
    every: float,
    step: Callable[[], object],
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Run `step` every `every` seconds for about `seconds`; returns how many times it ran."""
    deadline = clock() + seconds
    runs = 0
    while True:
        started = clock()
        step()
        runs += 1
        wait = every - (clock() - started)
        if clock() + max(wait, 0) >= deadline:
            return runs
        sleep(max(wait, 0))


@huey.periodic_task(crontab(minute="*"), retries=0)
def mailbox_poller() -> None:
    """Every minute: poll all mailboxes every MAILBOX_POLL_SECONDS for about 55 s."""
    with huey.lock_task("mailbox-poller"), task_services() as svc:
        every = poll_interval(svc.settings)
        run_for(RUN_SECONDS, every, lambda: poll_all(svc))
