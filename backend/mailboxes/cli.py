"""`sourcebridge mailboxes ...` commands."""

from __future__ import annotations

import click

from backend.cli import BadInput
from backend.cli import DependencyFailed
from backend.config import load_settings
from backend.infra.secrets_box import SecretBox
from backend.mailboxes.context import MailContext
from backend.mailboxes.service import MailboxNotFound
from backend.mailboxes.service import check_mailbox
from backend.store import Database
from backend.store.models import Mailbox


@click.group()
def mailboxes() -> None:
    """Recruiters' mailboxes (SMTP to send, IMAP to read replies)."""


@mailboxes.command("test")
@click.argument("mailbox_id", type=int)
def test_command(mailbox_id: int) -> None:
    """Log in to the mailbox's SMTP and IMAP servers and report each in a line, then the
    sending domain's SPF, DKIM and DMARC records. Exit 1 when a server login fails."""
    settings = load_settings()
    ctx = MailContext.from_settings(settings, SecretBox(settings.secret_key))
    db = Database(settings.database_url)
    try:
        with db.session() as session:
            mailbox = session.get(Mailbox, mailbox_id)
            if mailbox is None:
                raise BadInput(f"no mailbox with id {mailbox_id}")
            report = check_mailbox(session, mailbox.account_id, mailbox_id, ctx)
    except MailboxNotFound as exc:
        raise BadInput(str(exc)) from exc
    finally:
        db.dispose()
    for name in ("smtp", "imap"):
        result = report[name]
        click.echo(f"{name}: {'ok' if result['ok'] else 'FAILED'} - {result['message']}")
    for name in ("spf", "dkim", "dmarc"):
        result = report["dns"][name]
        click.echo(f"{name}: {'ok' if result['ok'] else 'missing'} - {result['message']}")
    if not (report["smtp"]["ok"] and report["imap"]["ok"]):
        raise DependencyFailed("a mail server login failed (see above)")
