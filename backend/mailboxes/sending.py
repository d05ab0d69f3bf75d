"""Send one sequence email from its mailbox, and tell whether a Message-ID reached Sent.

`send_email` is called by the queue's send task after the sequences feature claimed the step and
COMMITTED it as `sending`; it makes one SMTP submission and never retries. The caller records the
outcome (and commits this function's changes to the mailbox row with it).
"""

from __future__ import annotations

import logging
from datetime import UTC
from datetime import datetime

from imapclient import IMAPClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import defaults
from backend.infra.secrets_box import SecretUnreadable
from backend.mailboxes import imap_read
from backend.mailboxes.context import MailContext
from backend.mailboxes.message import OutgoingEmail
from backend.mailboxes.message import bracketed
from backend.mailboxes.message import compose
from backend.mailboxes.message import to_bytes
from backend.mailboxes.oauth import GrantRevoked
from backend.mailboxes.oauth import OAuthError
from backend.mailboxes.outcome import SendOutcome
from backend.mailboxes.servers import HostRefused
from backend.mailboxes.servers import Server
from backend.mailboxes.service import MailboxCredentials
from backend.mailboxes.service import credentials
from backend.mailboxes.service import mark_auth_error
from backend.mailboxes.service import pause_mailbox
from backend.mailboxes.service import ready_to_send
from backend.mailboxes.smtp_send import NEEDS_OWNER
from backend.mailboxes.smtp_send import needs_owner
from backend.mailboxes.smtp_send import submit
from backend.store.models import Account
from backend.store.models import InboundMessage as InboundRow
from backend.store.models import Mailbox

log = logging.getLogger(__name__)

SENT_CLASSIFICATION = "sent"  # inbound_messages rows read from the Sent folder


def _unavailable(mailbox: Mailbox | None) -> SendOutcome:
    if mailbox is None:
        return SendOutcome("failed", "the mailbox no longer exists")
    reason = mailbox.status_reason or mailbox.status
    return SendOutcome(
        "mailbox_paused", f"mailbox {mailbox.status}: {reason}", mailbox.paused_until
    )


def send_email(
    session: Session,
    mailbox_id: int,
    email: OutgoingEmail,
    ctx: MailContext,
    now: datetime | None = None,
) -> SendOutcome:
    """One SMTP submission of `email` from the mailbox; a copy goes to Sent when the provider
    does not file it itself."""
    now = now or datetime.now(UTC)
    mailbox = session.get(Mailbox, mailbox_id)
    if mailbox is None or not ready_to_send(mailbox, now):
        return _unavailable(mailbox)
    try:
        creds = credentials(mailbox, ctx, now)
    except GrantRevoked as exc:
        return SendOutcome("mailbox_paused", str(exc))
    except OAuthError as exc:
        return SendOutcome("retry", str(exc), now + defaults.MAIL_SEND_RETRY_DELAY)
    except SecretUnreadable:
        mark_auth_error(mailbox, "stored credentials cannot be read (SECRET_KEY changed)")
        return _unavailable(mailbox)
    account = session.get(Account, mailbox.account_id)
    message = compose(
        email,
        sent_at=now,
        signature=mailbox.signature,
        postal_address=account.postal_address if account else None,
    )
    raw = to_bytes(message)
    smtp = Server.from_dict(mailbox.smtp)
    outcome = submit(
        smtp,
        creds.smtp,
        ctx.network,
        from_addr=email.from_addr,
        to_addr=email.to_addr,
        raw=raw,
        now=now,
    )
    if needs_owner(outcome):
        mark_auth_error(mailbox, outcome.detail.removeprefix(NEEDS_OWNER))
    elif outcome.kind == "mailbox_paused":
        pause_mailbox(mailbox, outcome.detail, outcome.retry_at)
    elif outcome.kind == "sent":
        _file_sent_copy(mailbox, creds, ctx, bracketed(email.message_id), raw, now)
    session.flush()
    return outcome


def _file_sent_copy(
    mailbox: Mailbox,
    creds: MailboxCredentials,
    ctx: MailContext,
    message_id: str,
    raw: bytes,
    now: datetime,
) -> None:
    """APPEND the message to Sent unless the provider files SMTP submissions itself.

    Whether it does is learned on the first send: the Sent folder is searched right after it;
    found = the provider files (never append), absent = we append from then on. Best effort: a
    failure here loses only the copy, never the send."""
    if mailbox.files_sent_copy:
        return
    try:
        with imap_read.connect(Server.from_dict(mailbox.imap), creds.imap, ctx.network) as client:
            folder = known_sent_folder(client, mailbox)
            if folder is None:
                return
            if mailbox.files_sent_copy is None:
                if imap_read.has_message_id(client, folder, message_id):
                    mailbox.files_sent_copy = True
                    return
                mailbox.files_sent_copy = False
            imap_read.append_sent(client, folder, raw, now)
    except (HostRefused, *imap_read.IMAPError) as exc:
        log.warning("mailbox %s: could not file the Sent copy: %s", mailbox.id, exc)


def known_sent_folder(client: IMAPClient, mailbox: Mailbox) -> str | None:
    """The mailbox's Sent folder: the one remembered on its row, else found now and remembered."""
    mailbox.sent_folder = mailbox.sent_folder or imap_read.sent_folder(client)
    return mailbox.sent_folder


def sent_folder_has(
    session: Session, mailbox_id: int, message_id: str, ctx: MailContext
) -> bool | None:
    """Whether the mailbox's Sent folder holds `message_id`; None when that cannot be told
    (the server is unreachable, credentials fail, no Sent folder)."""
    message_id = bracketed(message_id)
    seen = session.scalar(
        select(InboundRow.id).where(
            InboundRow.mailbox_id == mailbox_id,
            InboundRow.classification == SENT_CLASSIFICATION,
            InboundRow.message_id == message_id,
        )
    )
    if seen is not None:
        return True
    mailbox = session.get(Mailbox, mailbox_id)
    if mailbox is None:
        return None
    now = datetime.now(UTC)
    try:
        creds = credentials(mailbox, ctx, now)
        with imap_read.connect(Server.from_dict(mailbox.imap), creds.imap, ctx.network) as client:
            folder = known_sent_folder(client, mailbox)
            if folder is None:
                return None
            return imap_read.has_message_id(client, folder, message_id)
    except (OAuthError, SecretUnreadable, HostRefused, *imap_read.IMAPError) as exc:
        log.warning("mailbox %s: Sent folder not searchable: %s", mailbox_id, exc)
        return None
