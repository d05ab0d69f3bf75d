"""IMAP: incremental reading by UID, the Sent folder, searching by Message-ID, APPEND.

A folder is read from a cursor (UIDVALIDITY, last UID). A poll with nothing new costs one STATUS
per folder and no SELECT; new messages are fetched with BODY.PEEK (the recruiter's unread mail
stays unread), at most MAIL_MAX_MESSAGE_BYTES each. When UIDVALIDITY changes, old UIDs mean
nothing (RFC 3501 §2.3.1.1): the recent days are read again and the caller deduplicates them by
Message-ID.
"""

from __future__ import annotations

import email
from collections.abc import Iterator
from contextlib import contextmanager
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from email import policy

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from imapclient.imapclient import SEEN
from imapclient.imapclient import SENT

from backend import defaults
from backend.mailboxes.message import message_ids
from backend.mailboxes.pinned import PinnedIMAPClient
from backend.mailboxes.servers import Credentials
from backend.mailboxes.servers import Network
from backend.mailboxes.servers import Server
from backend.mailboxes.servers import vetted_addresses

SENT_NAMES = ("Sent", "Sent Items", "Sent Messages", "[Gmail]/Sent Mail", "INBOX.Sent")

IMAPError = (IMAPClientError, OSError)


@dataclass(frozen=True, slots=True)
class Fetched:
    uid: int
    raw: bytes
    internal_date: datetime | None


@dataclass(frozen=True, slots=True)
class FolderRead:
    folder: str
    uidvalidity: int
    last_uid: int  # the new cursor
    messages: list[Fetched]
    reset: bool  # UIDVALIDITY changed: these are the recent days, read again


@contextmanager
def connect(server: Server, creds: Credentials, network: Network) -> Iterator[IMAPClient]:
    """A logged-in IMAP session (password LOGIN or XOAUTH2), logged out afterwards; connected to
    the server's vetted address (HostRefused when the rule forbids the server)."""
    client = PinnedIMAPClient(
        vetted_addresses(server, network),
        server.host,
        server.port,
        network.context() if server.security == "tls" else None,
        network.imap_timeout,
    )
    try:
        if server.security == "starttls":
            client.starttls(network.context())
        if creds.access_token:
            client.oauth2_login(server.username, creds.access_token)
        else:
            client.login(server.username, creds.password or "")
        yield client
    finally:
        try:
            client.logout()
        except IMAPError:
            # the connection may be gone already (a failed STARTTLS): keep the first error
            with suppress(OSError):
                client.shutdown()


def sent_folder(client: IMAPClient) -> str | None:
    """The folder flagged \\Sent (RFC 6154), else one with a usual name."""
    found = client.find_special_folder(SENT)
    if found:
        return str(found)
    names = {str(name) for _, _, name in client.list_folders()}
    return next((n for n in SENT_NAMES if n in names), None)


def _raw_of(data: dict[bytes, object]) -> bytes:
    for key, value in data.items():
        if key.startswith(b"BODY[") and isinstance(value, bytes):
            return value
    return b""


def _internal_date(data: dict[bytes, object]) -> datetime | None:
    value = data.get(b"INTERNALDATE")
    if not isinstance(value, datetime):
        return None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def fetch(client: IMAPClient, uids: list[int]) -> list[Fetched]:
    """Fetch `uids` (of the selected folder) in batches, without setting \\Seen."""
    part = f"BODY.PEEK[]<0.{defaults.MAIL_MAX_MESSAGE_BYTES}>"
    out: list[Fetched] = []
    for start in range(0, len(uids), defaults.MAIL_POLL_BATCH):
        batch = uids[start : start + defaults.MAIL_POLL_BATCH]
        response = client.fetch(batch, [part, "INTERNALDATE"])
        for uid in batch:
            data = response.get(uid)
            if data:
                out.append(Fetched(uid, _raw_of(data), _internal_date(data)))
    return out


def read_folder(
    client: IMAPClient,
    folder: str,
    cursor: tuple[int, int] | None,
    *,
    now: datetime,
    limit: int = defaults.MAIL_POLL_MAX_MESSAGES,
) -> FolderRead:
    """New messages of `folder` since `cursor` (None: start from now, read nothing old)."""
    status = client.folder_status(folder, [b"UIDVALIDITY", b"UIDNEXT"])
    uidvalidity, uidnext = int(status[b"UIDVALIDITY"]), int(status[b"UIDNEXT"])
    if cursor is None:
        return FolderRead(folder, uidvalidity, uidnext - 1, [], reset=False)
    old_validity, last_uid = cursor
    if old_validity != uidvalidity:
        client.select_folder(folder, readonly=True)
        since = (now - defaults.MAIL_RESYNC_LOOKBACK).date()
        uids = sorted(int(u) for u in client.search(["SINCE", since]))[-limit:]
        messages = fetch(client, uids)
        return FolderRead(folder, uidvalidity, max(uids, default=uidnext - 1), messages, True)
    if uidnext - 1 <= last_uid:
        return FolderRead(folder, uidvalidity, last_uid, [], reset=False)
    client.select_folder(folder, readonly=True)
    # "UID n:*" always matches the highest UID even when it is below n (RFC 3501 §6.4.8)
    uids = sorted(u for u in (int(x) for x in client.search(["UID", f"{last_uid + 1}:*"])))
    uids = [u for u in uids if u > last_uid][:limit]
    messages = fetch(client, uids)
    return FolderRead(folder, uidvalidity, max(uids, default=last_uid), messages, reset=False)


def has_message_id(client: IMAPClient, folder: str, message_id: str) -> bool:
    """Whether `folder` holds a message with exactly this Message-ID.

    The server's HEADER search is a substring match on some servers, so hits are confirmed on
    the fetched header."""
    client.select_folder(folder, readonly=True)
    wanted = message_ids(message_id)[:1] or (message_id.strip(),)
    uids = client.search(["HEADER", "Message-ID", wanted[0]])
    if not uids:
        return False
    response = client.fetch(list(uids)[:20], ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
    for data in response.values():
        raw = _raw_of(data)
        found = message_ids(
            str(email.message_from_bytes(raw, policy=policy.compat32)["Message-ID"])
        )
        if wanted[0] in found:
            return True
    return False


def append_sent(client: IMAPClient, folder: str, raw: bytes, when: datetime) -> None:
    client.append(folder, raw, flags=[SEEN], msg_time=when)
