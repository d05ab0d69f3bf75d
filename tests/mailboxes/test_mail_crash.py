"""Crash injection: in each case exactly one message reaches the recipient.

(a) the connection drops before RCPT -> retry with the same Message-ID;
(b) it drops after DATA, before the reply -> unknown; the Sent folder shows it went;
(c) the worker process is killed between `sending` and `sent` (before or after the submission):
    the reconciler's Sent-folder search decides whether to send again.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from backend.mailboxes.context import MailContext
from backend.mailboxes.message import OutgoingEmail
from backend.mailboxes.sending import send_email
from backend.mailboxes.sending import sent_folder_has
from backend.mailboxes.service import create_mailbox
from tests.mailboxes.conftest import RECRUITER
from tests.mailboxes.conftest import MailServers
from tests.mailboxes.conftest import Tls
from tests.mailboxes.conftest import mailbox_input

TOM = "tom@candidates.test"
ROOT = Path(__file__).resolve().parents[2]

# The queue's send task, cut short by SIGKILL at a chosen point (nothing after it runs:
# no commit, no outcome recorded, no finally blocks).
WORKER = """
import os, signal, sys
from backend.config import load_settings
from backend.mailboxes.context import MailContext
from backend.mailboxes.message import OutgoingEmail
from backend.mailboxes.sending import send_email
from backend.infra.secrets_box import SecretBox
from backend.store import Database

url, mailbox_id, message_id, when = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
settings = load_settings({"ALLOW_PRIVATE_NETWORKS": True, "SECRET_KEY": "test-secret-key",
                          "MAIL_CA_FILE": os.environ["MAIL_CA_FILE"], "DATABASE_URL": url})
ctx = MailContext.from_settings(settings, SecretBox("test-secret-key"))
email = OutgoingEmail(message_id, "recruiter@acme-recruiting.test", "Riley", "tom@candidates.test",
                      "Tom", "Role", "Hi Tom", None, (), "https://sb.test/u/t", None)
session = Database(url).sessionmaker()
if when == "before_submit":
    os.kill(os.getpid(), signal.SIGKILL)
send_email(session, mailbox_id, email, ctx)
os.kill(os.getpid(), signal.SIGKILL)  # after the submission, before the outcome is recorded
"""


def email(message_id: str) -> OutgoingEmail:
    return OutgoingEmail(
        message_id,
        RECRUITER,
        "Riley",
        TOM,
        "Tom",
        "Role",
        "Hi Tom",
        None,
        (),
        "https://sb.test/u/t",
        None,
    )


def delivered(mail: MailServers, message_id: str) -> int:
    base = mail.dovecot.maildir(TOM)
    return sum(
        message_id.encode() in path.read_bytes()
        for sub in ("new", "cur")
        for path in (base / sub).iterdir()
    )


def reconcile(session: Session, mailbox_id: int, message_id: str, ctx: MailContext) -> str:
    """What the sequences' reconciler does with a send in `unknown` / a stale `sending`."""
    found = sent_folder_has(session, mailbox_id, message_id, ctx)
    if found:
        return "sent"
    assert found is False  # None would mean "ask again later", never "send again"
    return send_email(session, mailbox_id, email(message_id), ctx).kind


def new_id() -> str:
    return f"<crash-{secrets.token_hex(6)}@acme-recruiting.test>"


def test_drop_before_rcpt_then_retry_delivers_once(
    db_session: Session, account_id: int, clean_faults: MailServers, ctx: MailContext
) -> None:
    mail = clean_faults
    mailbox = create_mailbox(db_session, account_id, None, mailbox_input(mail, mail.filing), ctx)
    message_id = new_id()
    mail.filing.faults.drop_before_rcpt = True
    assert send_email(db_session, mailbox.id, email(message_id), ctx).kind == "retry"
    mail.filing.faults.clear()
    assert send_email(db_session, mailbox.id, email(message_id), ctx).kind == "sent"
    assert delivered(mail, message_id) == 1


def test_drop_after_data_is_settled_by_the_sent_folder_without_a_resend(
    db_session: Session, account_id: int, clean_faults: MailServers, ctx: MailContext
) -> None:
    mail = clean_faults
    mailbox = create_mailbox(db_session, account_id, None, mailbox_input(mail, mail.filing), ctx)
    message_id = new_id()
    mail.filing.faults.drop_after_data = True
    assert send_email(db_session, mailbox.id, email(message_id), ctx).kind == "unknown"
    mail.filing.faults.clear()
    assert reconcile(db_session, mailbox.id, message_id, ctx) == "sent"
    assert delivered(mail, message_id) == 1


@pytest.mark.parametrize("when", ["before_submit", "after_submit"])
def test_worker_killed_between_sending_and_sent_delivers_once(
    db_session: Session,
    account_id: int,
    database_url: str,
    mail: MailServers,
    tls: Tls,
    ctx: MailContext,
    tmp_path: Path,
    when: str,
) -> None:
    mailbox = create_mailbox(db_session, account_id, None, mailbox_input(mail, mail.filing), ctx)
    db_session.commit()  # the worker is another process: it reads the committed row
    ca = tmp_path / "ca.pem"
    ca.write_bytes(tls.cert)
    message_id = new_id()
    env = {**os.environ, "MAIL_CA_FILE": str(ca), "PYTHONPATH": str(ROOT)}
    args = [database_url, str(mailbox.id), message_id, when]
    worker = subprocess.run(
        [sys.executable, "-c", WORKER, *args], env=env, cwd=ROOT, timeout=60, capture_output=True
    )
    assert worker.returncode == -9, worker.stderr.decode()[-2000:]
    assert delivered(mail, message_id) == (1 if when == "after_submit" else 0)
    assert reconcile(db_session, mailbox.id, message_id, ctx) == "sent"
    assert delivered(mail, message_id) == 1
