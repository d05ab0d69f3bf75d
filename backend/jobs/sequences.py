"""Edge: the sequence dispatcher and reconciler, as functions a periodic task runs.

A tick claims due sends (committed as `sending` before any network call), hands each to the
mail transport (one SMTP submission, never retried here) and records the outcome; due manual
tasks become due. The reconciler settles sends whose fate is unknown through the Sent folder.
The transport is the mailboxes feature's, passed in as plain callables (`sequences_mail.py`
wires the real one), so this module and its tests do not depend on how mail is sent.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime

from sqlalchemy.orm import Session

from backend import defaults
from backend.sequences import ClaimedSend
from backend.sequences import activate_due_tasks
from backend.sequences import claim_due_sends
from backend.sequences import executions_to_reconcile
from backend.sequences import reap_stale_claims
from backend.sequences import record_send_result
from backend.sequences import settle_unsent
from backend.sequences.dispatch import SendOutcomeLike
from backend.store import Database

log = logging.getLogger(__name__)

SendFn = Callable[[Session, ClaimedSend, datetime], SendOutcomeLike]
"""Send one claimed email (build the MIME message, submit it once); the outcome."""

SentCheckFn = Callable[[Session, int, str], bool | None]
"""(mailbox id, Message-ID) -> found in the Sent folder, or None when that cannot be told."""


@dataclass(frozen=True)
class MailTransport:
    send: SendFn
    sent_folder_has: SentCheckFn


@dataclass(frozen=True)
class TickResult:
    sent: int
    other: int  # retry, unknown, rejected, paused, failed
    tasks_due: int


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def dispatch_once(
    db: Database,
    transport: MailTransport,
    *,
    now: datetime | None = None,
    worker: str | None = None,
    limit: int = defaults.SEQUENCE_CLAIM_BATCH,
) -> TickResult:
    """One dispatcher tick. Each send's outcome is recorded in its own transaction, so a crash
    part way leaves the rest `sending`, for the reconciler."""
    fixed_clock = now  # tests and simulations pass one; live ticks read the clock per send
    now = now or datetime.now(UTC)
    worker = worker or worker_name()
    with db.session() as session:
        reap_stale_claims(session, now)
    with db.session() as session:
        tasks_due = activate_due_tasks(session, now, worker)
    with db.session() as session:
        claimed = claim_due_sends(session, now, worker, limit)
    sent = other = 0
    for send in claimed:
        with db.session() as session:
            outcome = transport.send(session, send, now)
        with db.session() as session:
            record_send_result(
                session, send.execution_id, outcome, fixed_clock or datetime.now(UTC)
            )
        if outcome.kind == "sent":
            sent += 1
        else:
            other += 1
            log.info("send %s: %s %s", send.execution_id, outcome.kind, outcome.detail)
    return TickResult(sent, other, tasks_due)


@dataclass(frozen=True)
class Sent:
    """The outcome the reconciler records when the Sent folder has the message."""

    kind: str = "sent"
    detail: str = "found in the Sent folder"
    retry_at: datetime | None = None


def reconcile_once(db: Database, transport: MailTransport, *, now: datetime | None = None) -> int:
    """Settle ambiguous sends: in Sent → sent; absent after the grace period → sent again with
    the same Message-ID; cannot tell → left for the next run. Returns how many were settled."""
    now = now or datetime.now(UTC)
    with db.session() as session:
        pending = executions_to_reconcile(session, now)
    settled = 0
    for execution_id, mailbox_id, message_id in pending:
        with db.session() as session:
            found = transport.sent_folder_has(session, mailbox_id, message_id)
        with db.session() as session:
            if found is True:
                record_send_result(session, execution_id, Sent(), now)
                settled += 1
            elif found is False and settle_unsent(session, execution_id, now):
                settled += 1
    return settled
