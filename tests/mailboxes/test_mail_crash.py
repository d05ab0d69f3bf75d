"""Crash injection through the real dispatcher and reconciler (`backend.jobs.sequences` with the
mailboxes transport): in each case exactly one message reaches the recipient.

(a) the connection drops before RCPT -> `retry`; the next tick sends the same Message-ID;
(b) it drops after DATA, before the reply -> `unknown`; the reconciler finds it in Sent;
(c) the worker process is killed between `sending` and `sent` (before or after the submission):
    the reconciler's Sent-folder search decides whether to send again.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from backend import defaults
from backend.jobs.sequences import dispatch_once
from backend.jobs.sequences import reconcile_once
from backend.jobs.sequences_mail import transport_for
from backend.mailboxes.context import MailContext
from backend.mailboxes.service import create_mailbox
from backend.sequences.authoring import create_sequence
from backend.sequences.enrolment import add_person
from backend.sequences.enrolment import person_from_fields
from backend.store import Database
from backend.store.models import StepExecution
from tests.mailboxes.conftest import MailServers
from tests.mailboxes.conftest import Tls
from tests.mailboxes.conftest import mailbox_input
from tests.support.processes import REPO
from tests.support.processes import clean_env

TOM = "tom@candidates.test"
ALWAYS_OPEN = {
    "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    "windows": [["00:00", "24:00"]],
}
ONE_EMAIL = [{"kind": "email", "subject": "Role", "body": "Hi {{ first_name }}"}]
# Past the lease and the reconciler's grace: a send not in Sent by then is sent again.
SETTLED = defaults.SEQUENCE_RECONCILE_GRACE + defaults.SEQUENCE_LEASE + timedelta(minutes=1)

# The dispatcher tick of a worker process with the real transport, cut short by SIGKILL at a
# chosen point (nothing after it runs: no outcome recorded, no commit, no finally blocks).
WORKER = """
import os, signal, sys
from datetime import datetime
from backend.config import load_settings
from backend.infra.secrets_box import SecretBox
from backend.jobs.sequences import MailTransport, dispatch_once
from backend.jobs.sequences_mail import transport_for
from backend.mailboxes.context import MailContext
from backend.store import Database

url, when, now = sys.argv[1], sys.argv[2], datetime.fromisoformat(sys.argv[3])
settings = load_settings({"ALLOW_PRIVATE_NETWORKS": True, "SECRET_KEY": "test-secret-key",
                          "MAIL_CA_FILE": os.environ["MAIL_CA_FILE"], "DATABASE_URL": url})
real = transport_for(MailContext.from_settings(settings, SecretBox("test-secret-key")))

def send(session, claimed, at):
    if when == "after_submit":
        real.send(session, claimed, at)
    os.kill(os.getpid(), signal.SIGKILL)

dispatch_once(Database(url), MailTransport(send, real.sent_folder_has), now=now, worker="doomed")
"""


def delivered(mail: MailServers, message_id: str) -> int:
    base = mail.dovecot.maildir(TOM)
    return sum(
        message_id.encode() in path.read_bytes()
        for sub in ("new", "cur")
        for path in (base / sub).iterdir()
    )


def enrol_tom(db: Database, account_id: int, mail: MailServers, ctx: MailContext) -> int:
    """Tom in a one-email sequence sent through the server that files in Sent; his step's id."""
    now = datetime.now(UTC)
    with db.session() as session:
        inputs = mailbox_input(mail, mail.filing, min_gap_seconds=0)
        box = create_mailbox(session, account_id, None, inputs, ctx)
        body = {"name": "Crash", "mailbox_id": box.id, "steps": ONE_EMAIL, "schedule": ALWAYS_OPEN}
        sequence = create_sequence(session, account_id, None, body, now)
        added = add_person(
            session,
            account_id=account_id,
            sequence_id=sequence.id,
            person=person_from_fields({"email": TOM, "first_name": "Tom"}),
            added_by=None,
            now=now,
        )
        session.flush()
        return session.scalars(
            select(StepExecution.id).where(StepExecution.enrollment_id == added.enrollment.id)
        ).one()


def step(db: Database, execution_id: int) -> StepExecution:
    with db.session() as session:
        row = session.get(StepExecution, execution_id)
        session.expunge(row)
        return row


def test_drop_before_rcpt_then_the_next_tick_delivers_once(
    app, account_id: int, clean_faults: MailServers, ctx: MailContext
) -> None:
    mail, db = clean_faults, app.extensions["sourcebridge"].db
    execution_id = enrol_tom(db, account_id, mail, ctx)
    now = datetime.now(UTC)
    mail.filing.faults.drop_before_rcpt = True
    assert dispatch_once(db, transport_for(ctx), now=now, worker="t").other == 1
    first = step(db, execution_id)
    assert first.state == "retry" and delivered(mail, first.message_id) == 0
    mail.filing.faults.clear()
    assert dispatch_once(db, transport_for(ctx), now=first.due_at, worker="t").sent == 1
    again = step(db, execution_id)
    assert (again.state, again.message_id) == ("sent", first.message_id)
    assert delivered(mail, first.message_id) == 1


def test_drop_after_data_is_settled_by_the_reconciler_without_a_resend(
    app, account_id: int, clean_faults: MailServers, ctx: MailContext
) -> None:
    mail, db = clean_faults, app.extensions["sourcebridge"].db
    execution_id = enrol_tom(db, account_id, mail, ctx)
    now = datetime.now(UTC)
    mail.filing.faults.drop_after_data = True
    assert dispatch_once(db, transport_for(ctx), now=now, worker="t").other == 1
    assert step(db, execution_id).state == "unknown"
    mail.filing.faults.clear()
    assert reconcile_once(db, transport_for(ctx), now=now + timedelta(minutes=1)) == 1
    settled = step(db, execution_id)
    assert settled.state == "sent"
    assert dispatch_once(db, transport_for(ctx), now=now + SETTLED, worker="t").sent == 0
    assert delivered(mail, settled.message_id) == 1


@pytest.mark.parametrize("when", ["before_submit", "after_submit"])
def test_worker_killed_between_sending_and_sent_delivers_once(
    app,
    account_id: int,
    database_url: str,
    mail: MailServers,
    tls: Tls,
    ctx: MailContext,
    tmp_path: Path,
    when: str,
) -> None:
    db = app.extensions["sourcebridge"].db
    execution_id = enrol_tom(db, account_id, mail, ctx)
    ca = tmp_path / "ca.pem"
    ca.write_bytes(tls.cert)
    now = datetime.now(UTC)
    worker = subprocess.run(
        [sys.executable, "-c", WORKER, database_url, when, now.isoformat()],
        env=clean_env(MAIL_CA_FILE=str(ca)),
        cwd=REPO,
        timeout=60,
        capture_output=True,
    )
    assert worker.returncode == -9, worker.stderr.decode()[-2000:]
    left = step(db, execution_id)
    assert left.state == "sending"
    assert delivered(mail, left.message_id) == (1 if when == "after_submit" else 0)

    assert reconcile_once(db, transport_for(ctx), now=now + SETTLED) == 1
    dispatch_once(db, transport_for(ctx), now=now + SETTLED, worker="t")

    final = step(db, execution_id)
    assert (final.state, final.message_id) == ("sent", left.message_id)
    assert delivered(mail, left.message_id) == 1
