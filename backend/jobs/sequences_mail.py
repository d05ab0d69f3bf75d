"""Edge: the periodic tasks that send sequence email through the mailboxes feature.

It builds the real transport from `backend.mailboxes` (`send_email`, `sent_folder_has`,
`unsubscribe_url`, `MailContext`) and runs the dispatcher tick every SEQUENCE_TICK_SECONDS and the
reconciler every minute.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from huey import crontab
from sqlalchemy.orm import Session

from backend.infra.services import Services
from backend.jobs.queue import huey
from backend.jobs.queue import task_services
from backend.jobs.sequences import MailTransport
from backend.jobs.sequences import dispatch_once
from backend.jobs.sequences import reconcile_once
from backend.jobs.ticks import queue_minute
from backend.mailboxes.context import MailContext
from backend.mailboxes.message import OutgoingEmail
from backend.mailboxes.sending import send_email
from backend.mailboxes.sending import sent_folder_has
from backend.mailboxes.unsubscribe import unsubscribe_url
from backend.sequences import ClaimedSend


def mail_transport(svc: Services) -> MailTransport:
    return transport_for(MailContext.from_settings(svc.settings, svc.secrets))


def transport_for(context: MailContext) -> MailTransport:
    """The mailboxes feature as the dispatcher's transport: compose with a signed unsubscribe
    link, one SMTP submission; the Sent folder for the reconciler."""

    def send(session: Session, claimed: ClaimedSend, now: datetime):  # type: ignore[no-untyped-def]
        draft = asdict(claimed.email)
        email = OutgoingEmail(
            **{**draft, "from_name": draft["from_name"] or "", "to_name": draft["to_name"] or ""},
            unsubscribe_url=unsubscribe_url(
                context.public_url, context.secret_key, claimed.account_id, claimed.email.to_addr
            ),
        )
        return send_email(session, claimed.mailbox_id, email, context, now)

    def in_sent(session: Session, mailbox_id: int, message_id: str) -> bool | None:
        return sent_folder_has(session, mailbox_id, message_id, context)

    return MailTransport(send=send, sent_folder_has=in_sent)


@huey.task(retries=0)
def sequence_tick() -> None:
    """One dispatcher tick; never retried (a send is never repeated blindly)."""
    with task_services() as svc:
        dispatch_once(svc.db, mail_transport(svc))


@huey.periodic_task(crontab(minute="*"), retries=0)
def sequence_dispatcher() -> None:
    """Every minute, queue this minute's ticks, one every SEQUENCE_TICK_SECONDS (`ticks`). Any
    number of consumers may tick at once: claims never overlap."""
    with task_services() as svc:
        every = svc.settings.sequence_tick_seconds
    queue_minute(sequence_tick, every)


@huey.periodic_task(crontab(minute="*"), retries=0)
def sequence_reconciler() -> None:
    with huey.lock_task("sequence-reconciler"), task_services() as svc:
        reconcile_once(svc.db, mail_transport(svc))
