"""Mailbox reading costs: a poll reads only what is new, and classification per message.

1. Poll: a real Dovecot on loopback. Mailbox A holds 10,000 messages (cursor already at its end);
   each round 10 new messages arrive and A is polled. Baseline, same run: a poll of mailbox B,
   which is empty. Target: A's poll <= 2x B's (it reads only the new ones, never the 10,000).
2. Classification: 1,000 messages cycled from the fixture set (bounces, out-of-office in four
   languages, replies), classified one by one. Baseline, same run: parsing the same bytes with
   the stdlib `email` parser alone.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from imapclient import IMAPClient
from sqlalchemy.orm import Session

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "mailboxes" / "messages"
ROUNDS = 10
FULL = 10_000
NEW_PER_ROUND = 10


def _message(i: int, tag: str) -> bytes:
    return (
        f"Message-ID: <{tag}-{i}@bench.test>\nFrom: Person {i} <p{i}@example.test>\n"
        f"To: a@bench.test\nSubject: Re: hello {i}\nIn-Reply-To: <seq-{i}@bench.test>\n"
        f"Date: Tue, 01 Dec 2026 10:00:00 +0000\n\nThanks, sounds good.\n\n"
        f"On Mon, Nov 30, 2026 at 9:00 AM A <a@bench.test> wrote:\n> Hi\n"
    ).encode()


def _append(dovecot, user: str, messages: list[bytes]) -> None:  # type: ignore[no-untyped-def]
    """Deliver through IMAP APPEND (MULTIAPPEND in batches), as mail arrives on a real server."""
    with IMAPClient(dovecot.host, port=dovecot.port, ssl=False) as client:
        client.login(user, dovecot.users[user])
        for start in range(0, len(messages), 500):
            client.multiappend("INBOX", messages[start : start + 500])


def _median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def bench_poll() -> None:
    from backend.infra.secrets_box import SecretBox
    from backend.mailboxes.context import MailContext
    from backend.mailboxes.polling import poll_mailbox
    from backend.mailboxes.servers import Network
    from backend.store import Database
    from backend.store.migrations import upgrade
    from backend.store.models import Account
    from backend.store.models import Mailbox
    from tests.support.dovecot import dovecot_available
    from tests.support.dovecot import start_dovecot

    if not dovecot_available():
        print("(dovecot is not installed: poll benchmark skipped)")
        return
    users = {"a@bench.test": "a-pw", "b@bench.test": "b-pw"}
    dovecot = start_dovecot(users, mail_format="mdbox")  # indexed storage, like a provider
    tmp = tempfile.mkdtemp()
    url = f"sqlite:///{tmp}/bench.db"
    upgrade(url)
    db = Database(url)
    secrets = SecretBox("bench")
    ctx = MailContext(secrets, Network(allow_private=True), {}, "http://x", "bench")
    try:
        start = time.perf_counter()
        _append(dovecot, "a@bench.test", [_message(i, "old") for i in range(FULL)])
        print(f"filled mailbox A with {FULL:,} messages in {time.perf_counter() - start:.1f} s")
        with db.session() as session:
            account = Account(name="bench")
            session.add(account)
            session.flush()
            ids = {}
            for user, password in users.items():
                box = Mailbox(
                    account_id=account.id,
                    address=user,
                    provider="password",
                    smtp={"host": "127.0.0.1", "port": 1, "security": "none", "username": user},
                    imap={
                        "host": dovecot.host,
                        "port": dovecot.port,
                        "security": "none",
                        "username": user,
                    },
                    password_encrypted=secrets.encrypt(f'{{"imap": "{password}"}}'),
                    status="ok",
                )
                session.add(box)
                session.flush()
                ids[user] = box.id

        def poll(session: Session, user: str) -> tuple[float, int]:
            start = time.perf_counter()
            found = poll_mailbox(session, ids[user], None, ctx)
            session.commit()
            return time.perf_counter() - start, len(found)

        with db.session() as session:
            first_full, _ = poll(session, "a@bench.test")  # sets the cursor at the end
            first_empty, _ = poll(session, "b@bench.test")
            full, empty, found = [], [], []
            for r in range(ROUNDS):
                new = [_message(r * 100 + i, f"new{r}") for i in range(NEW_PER_ROUND)]
                _append(dovecot, "a@bench.test", new)
                seconds, n = poll(session, "a@bench.test")
                full.append(seconds)
                found.append(n)
                empty.append(poll(session, "b@bench.test")[0])
        ratio = statistics.median(full) / statistics.median(empty)
        print(
            f"first poll (cursor set, no message read): {FULL:,}-message mailbox "
            f"{first_full * 1000:.0f} ms, empty mailbox {first_empty * 1000:.0f} ms"
        )
        print(
            f"poll of a {FULL:,}-message mailbox with {NEW_PER_ROUND} new: median "
            f"{_median_ms(full):.1f} ms over {ROUNDS} rounds (found {min(found)}-{max(found)})"
        )
        print(f"baseline, poll of an empty mailbox: median {_median_ms(empty):.1f} ms")
        verdict = "meets" if ratio <= 2 else "MISSES"
        print(f"ratio {ratio:.2f}x ({verdict} the <= 2x target)")
    finally:
        dovecot.stop()
        db.dispose()


def bench_classify() -> None:
    import email
    from email import policy

    from backend.mailboxes.classify import classify

    fixtures = [p.read_bytes() for p in sorted(FIXTURES.glob("*.eml"))]
    messages = [fixtures[i % len(fixtures)] for i in range(1000)]
    start = time.perf_counter()
    for raw in messages:
        email.message_from_bytes(raw, policy=policy.compat32)
    parse_only = time.perf_counter() - start
    start = time.perf_counter()
    kinds: dict[str | None, int] = {}
    for raw in messages:
        kind = classify(raw, own_address="recruiter@acme-recruiting.test").kind
        kinds[kind] = kinds.get(kind, 0) + 1
    total = time.perf_counter() - start
    print(
        f"classified 1,000 messages ({len(fixtures)} fixtures cycled): "
        f"{total / len(messages) * 1e6:.0f} us per message, {total:.2f} s in all"
    )
    print(
        "baseline, stdlib parsing alone (compat32): "
        f"{parse_only / len(messages) * 1e6:.0f} us per message "
        f"(classification = {total / parse_only:.1f}x parsing)"
    )
    print(
        "kinds: " + ", ".join(f"{k or 'no action'}: {n}" for k, n in sorted(kinds.items(), key=str))
    )


def main() -> None:
    bench_classify()
    bench_poll()
