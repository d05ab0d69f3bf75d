"""Where a mailbox's Junk (spam) folder is: looked for once, not on every poll.

Finding it costs a LIST of every folder (and, on servers without SPECIAL-USE, a NAMESPACE and more
LISTs), while the answer almost never changes. It is remembered in the process, per mailbox and
IMAP server (new server settings: a new search), looked for again after REDISCOVER_SECONDS (a Junk
folder made later), and forgotten at once when reading it fails (deleted or renamed).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from imapclient import IMAPClient
from imapclient.imapclient import JUNK

from backend.mailboxes.servers import Server

REDISCOVER_SECONDS = 3600.0

Key = tuple[int, Server]


@dataclass(frozen=True, slots=True)
class _Found:
    folder: str | None
    at: float  # time.monotonic()


_found: dict[Key, _Found] = {}


def junk_folder(client: IMAPClient, key: Key) -> str | None:
    """The Junk folder of the mailbox `key` names (its id and IMAP server), or None."""
    known = _found.get(key)
    if known is None or time.monotonic() - known.at > REDISCOVER_SECONDS:
        folder = client.find_special_folder(JUNK)
        known = _Found(str(folder) if folder else None, time.monotonic())
        _found[key] = known
    return known.folder


def forget(key: Key) -> None:
    _found.pop(key, None)


def forget_all() -> None:
    """As in a new process (tests start each from here)."""
    _found.clear()
