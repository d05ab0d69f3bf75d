"""Edge: reading every mailbox every MAILBOX_POLL_SECONDS, and handing what came in onwards.

A Huey periodic task runs every minute and queues that minute's rounds, one every
MAILBOX_POLL_SECONDS (`ticks`). A round is a short task; one round runs at a time (a lock).
Each mailbox is one transaction: the inbound rows, the cursors, the email finder's lessons and
the sequences' stop rules commit together, so a crash re-reads the same messages instead of
losing them.
"""

from __future__ import annotations

import logging
from datetime import UTC
from datetime import datetime

from huey import crontab
from sqlalchemy import select

from backend.infra.services import Services
from backend.jobs.queue import huey
from backend.jobs.queue import task_services
from backend.jobs.ticks import queue_minute
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


def poll_one(svc: Services, mailbox_id: int, now: datetime | None = None) -> list[InboundMessage]:
    """Read one mailbox and apply the sequences' stop rules to what came in, in one transaction."""
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


@huey.task(retries=0)
def mailbox_poll_tick() -> None:
    """One round over every mailbox; skipped while the previous round still runs."""
    with huey.lock_task("mailbox-poll-tick"), task_services() as svc:
        poll_all(svc)


@huey.periodic_task(crontab(minute="*"), retries=0)
def mailbox_poller() -> None:
    """Every minute, queue this minute's rounds (short tasks: no consumer thread is held)."""
    with task_services() as svc:
        every = svc.settings.mailbox_poll_seconds
    queue_minute(mailbox_poll_tick, every)
