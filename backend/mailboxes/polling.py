"""Reading a mailbox: INBOX, Junk and Sent, incrementally, into classified inbound messages.

`poll_mailbox` reads what arrived since the stored cursors, stores one `inbound_messages` row per
message (a UIDVALIDITY reset re-reads the recent days and skips Message-IDs already stored),
advances the cursors, and returns the messages that need action. It flushes but does not
commit: the edge applies the sequences' stop rules and commits both together, so a crash in
between re-reads the same messages instead of losing them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import fields
from datetime import UTC
from datetime import datetime

import imapclient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.infra.secrets_box import SecretUnreadable
from backend.mailboxes import imap_read
from backend.mailboxes import junk
from backend.mailboxes.classify import Classification
from backend.mailboxes.classify import classify
from backend.mailboxes.context import MailContext
from backend.mailboxes.inbound import InboundMessage
from backend.mailboxes.oauth import OAuthError
from backend.mailboxes.parse import ParsedMail
from backend.mailboxes.parse import parse_mail
from backend.mailboxes.sending import SENT_CLASSIFICATION
from backend.mailboxes.sending import known_sent_folder
from backend.mailboxes.servers import HostRefused
from backend.mailboxes.servers import Server
from backend.mailboxes.service import credentials
from backend.mailboxes.service import mark_auth_error
from backend.store.models import InboundMessage as InboundRow
from backend.store.models import Mailbox
from backend.store.models import MailboxCursor

log = logging.getLogger(__name__)

IGNORED = "ignored"  # classification stored for mail that needs no action


@dataclass(frozen=True)
class AddressFeedback:
    """What the email finder learns from the mailbox (wired by the edge: features do not import
    each other). `replied(session, account_id, address)`: a person wrote from this address.
    `bounced(...)`: the address does not exist (a 5.1.x hard bounce)."""

    replied: Callable[[Session, int, str], None]
    bounced: Callable[[Session, int, str], None]


def _inbound(mailbox_id: int, c: Classification) -> InboundMessage:
    # Every field but the mailbox is the classification's own (same names, checked kinds).
    shared = {f.name: getattr(c, f.name) for f in fields(InboundMessage) if f.name != "mailbox_id"}
    return InboundMessage(mailbox_id=mailbox_id, **shared)


def _cursor(session: Session, mailbox_id: int, folder: str) -> MailboxCursor | None:
    return session.get(MailboxCursor, (mailbox_id, folder))


def _already_stored(session: Session, mailbox_id: int, folder: str, message_id: str | None) -> bool:
    if not message_id:
        return False
    return (
        session.scalar(
            select(InboundRow.id).where(
                InboundRow.mailbox_id == mailbox_id,
                InboundRow.folder == folder,
                InboundRow.message_id == message_id,
            )
        )
        is not None
    )


def _classified_row(c: Classification) -> InboundRow:
    return InboundRow(
        message_id=c.message_id,
        in_reply_to=c.in_reply_to,
        references=" ".join(c.references) or None,
        from_addr=c.from_addr,
        subject=c.subject,
        received_at=c.received_at,
        data={k: v for k, v in c.as_dict().items() if k in _KEPT},
    )


def _sent_row(mail: ParsedMail, fetched: imap_read.Fetched) -> InboundRow:
    """A Sent copy: only what reconciliation needs."""
    return InboundRow(
        message_id=mail.message_id,
        in_reply_to=mail.in_reply_to,
        references=" ".join(mail.references) or None,
        from_addr=mail.from_addr,
        subject=mail.subject,
        received_at=fetched.internal_date or mail.date,
        data={},
    )


def _store(
    session: Session,
    mailbox: Mailbox,
    read: imap_read.FolderRead,
    fetched: imap_read.Fetched,
    classification: str,
    row: InboundRow,
) -> None:
    row.mailbox_id, row.folder = mailbox.id, read.folder
    row.uidvalidity, row.uid, row.classification = read.uidvalidity, fetched.uid, classification
    session.add(row)


def _store_unreadable(
    session: Session,
    mailbox: Mailbox,
    read: imap_read.FolderRead,
    fetched: imap_read.Fetched,
    exc: Exception,
) -> None:
    session.add(
        InboundRow(
            mailbox_id=mailbox.id,
            folder=read.folder,
            uidvalidity=read.uidvalidity,
            uid=fetched.uid,
            classification=IGNORED,
            received_at=fetched.internal_date,
            data={"reason": f"unreadable: {type(exc).__name__}"},
        )
    )


_KEPT = ("reason", "body_text", "return_date", "bounced_address", "bounce_status")


def _advance(session: Session, mailbox_id: int, read: imap_read.FolderRead) -> None:
    cursor = _cursor(session, mailbox_id, read.folder)
    if cursor is None:
        session.add(
            MailboxCursor(
                mailbox_id=mailbox_id,
                folder=read.folder,
                uidvalidity=read.uidvalidity,
                last_uid=read.last_uid,
            )
        )
    else:
        cursor.uidvalidity, cursor.last_uid = read.uidvalidity, read.last_uid


def poll_mailbox(
    session: Session,
    mailbox_id: int,
    now: datetime | None,
    ctx: MailContext,
    feedback: AddressFeedback | None = None,
) -> list[InboundMessage]:
    """New replies, auto-replies, bounces and unsubscribe requests since the last poll."""
    now = now or datetime.now(UTC)
    mailbox = session.get(Mailbox, mailbox_id)
    if mailbox is None or mailbox.status == "auth_error":
        return []
    try:
        creds = credentials(mailbox, ctx, now)
    except (OAuthError, SecretUnreadable) as exc:
        log.warning("mailbox %s: no usable credentials: %s", mailbox_id, exc)
        return []
    found: list[InboundMessage] = []
    try:
        server = Server.from_dict(mailbox.imap)
        with imap_read.connect(server, creds.imap, ctx.network) as client:
            found += _read_inbound(session, client, mailbox, "INBOX", now)
            found += _read_junk(session, client, mailbox, (mailbox.id, server), now)
            sent = known_sent_folder(client, mailbox)
            if sent:
                _read_sent(session, client, mailbox, sent, now)
    except imapclient.exceptions.LoginError as exc:
        mark_auth_error(mailbox, f"IMAP login refused: {exc}")
        session.flush()
        return []
    except (HostRefused, *imap_read.IMAPError) as exc:
        # What the folders read before the failure is stored (their cursors moved): it is
        # returned, and learned from, as on a whole poll.
        log.warning("mailbox %s: poll failed: %s", mailbox_id, exc)
    if feedback is not None:
        _teach(session, mailbox.account_id, found, feedback)
    session.flush()
    return found


def _read_inbound(
    session: Session,
    client: imapclient.IMAPClient,
    mailbox: Mailbox,
    folder: str,
    now: datetime,
) -> list[InboundMessage]:
    cursor = _cursor(session, mailbox.id, folder)
    read = imap_read.read_folder(
        client, folder, (cursor.uidvalidity, cursor.last_uid) if cursor else None, now=now
    )
    found = []
    for fetched in read.messages:
        try:
            c = classify(
                fetched.raw, received_at=fetched.internal_date, own_address=mailbox.address
            )
        except (RecursionError, ValueError, LookupError, TypeError, AttributeError) as exc:
            # a message the parser cannot read must not stall the mailbox: the cursor moves on
            log.warning("mailbox %s: unreadable message uid %s: %s", mailbox.id, fetched.uid, exc)
            _store_unreadable(session, mailbox, read, fetched, exc)
            continue
        if read.reset and _already_stored(session, mailbox.id, folder, c.message_id):
            continue
        _store(session, mailbox, read, fetched, c.kind or IGNORED, _classified_row(c))
        if c.kind is not None:
            found.append(_inbound(mailbox.id, c))
    _advance(session, mailbox.id, read)
    return found


def _read_junk(
    session: Session,
    client: imapclient.IMAPClient,
    mailbox: Mailbox,
    key: junk.Key,
    now: datetime,
) -> list[InboundMessage]:
    folder = junk.junk_folder(client, key)
    if folder is None:
        return []
    try:
        return _read_inbound(session, client, mailbox, folder, now)
    except imap_read.IMAPError:
        junk.forget(key)  # deleted or renamed? the next poll looks for it again
        raise


def _read_sent(
    session: Session, client: imapclient.IMAPClient, mailbox: Mailbox, folder: str, now: datetime
) -> None:
    cursor = _cursor(session, mailbox.id, folder)
    read = imap_read.read_folder(
        client, folder, (cursor.uidvalidity, cursor.last_uid) if cursor else None, now=now
    )
    for fetched in read.messages:
        try:
            mail = parse_mail(fetched.raw)
        except (RecursionError, ValueError, LookupError, TypeError, AttributeError) as exc:
            _store_unreadable(session, mailbox, read, fetched, exc)
            continue
        if read.reset and _already_stored(session, mailbox.id, folder, mail.message_id):
            continue
        _store(session, mailbox, read, fetched, SENT_CLASSIFICATION, _sent_row(mail, fetched))
    _advance(session, mailbox.id, read)


def _teach(
    session: Session, account_id: int, found: list[InboundMessage], feedback: AddressFeedback
) -> None:
    for message in found:
        if message.kind == "reply" and message.from_addr:
            feedback.replied(session, account_id, message.from_addr)
        elif (
            message.kind == "bounce_hard"
            and message.bounced_address
            and (message.bounce_status or "").startswith("5.1.")
        ):
            feedback.bounced(session, account_id, message.bounced_address)
