"""Real mail servers on loopback for the mailbox tests (session-wide; tests use unique ids).

Dovecot (IMAP, STARTTLS + IMAPS, XOAUTH2 checked against the local OAuth server) and three
aiosmtpd submission servers (STARTTLS, implicit TLS, plain) delivering into it; one of the STARTTLS
servers files submissions in Sent itself, as Gmail and Microsoft 365 do.
"""

from __future__ import annotations

import os
import ssl
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from backend.mailboxes.servers import Credentials
from backend.mailboxes.servers import Network
from backend.mailboxes.servers import Server
from tests.support.certs import self_signed
from tests.support.dovecot import Dovecot
from tests.support.dovecot import dovecot_available
from tests.support.dovecot import start_dovecot
from tests.support.oauth_server import OAuthServer
from tests.support.oauth_server import start_oauth_server
from tests.support.submission import Submission
from tests.support.submission import start_submission

RECRUITER = "recruiter@acme-recruiting.test"
RECRUITER_PW = "recruiter-pw"
CANDIDATES = {
    "jane@candidates.test": "jane-pw",
    "tom@candidates.test": "tom-pw",
}


@dataclass
class Tls:
    cert: bytes
    key: bytes
    server: ssl.SSLContext
    client: ssl.SSLContext


@dataclass
class MailServers:
    dovecot: Dovecot
    oauth: OAuthServer
    starttls: Submission
    tls: Submission
    plain: Submission
    filing: Submission  # files submissions in Sent (Gmail-like)
    network: Network

    def smtp(self, which: Submission, username: str = RECRUITER) -> Server:
        security = {"starttls": "starttls", "tls": "tls", "none": "none"}[which.mode]
        return Server(which.host, which.port, security, username)  # type: ignore[arg-type]

    def imap(self, username: str = RECRUITER, security: str = "starttls") -> Server:
        port = self.dovecot.tls_port if security == "tls" else self.dovecot.port
        return Server(self.dovecot.host, port, security, username)  # type: ignore[arg-type]

    def password(self, username: str = RECRUITER) -> Credentials:
        return Credentials(password=self.dovecot.users[username])


@pytest.fixture(scope="session")
def tls() -> Tls:
    cert, key = self_signed(["127.0.0.1", "localhost"])
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "c.pem").write_bytes(cert)
        Path(tmp, "k.pem").write_bytes(key)
        server.load_cert_chain(Path(tmp, "c.pem"), Path(tmp, "k.pem"))
    client = ssl.create_default_context(cadata=cert.decode())
    return Tls(cert, key, server, client)


@pytest.fixture(scope="session")
def mail(tls: Tls) -> Iterator[MailServers]:
    if not dovecot_available():
        if os.environ.get("CI"):
            pytest.fail("dovecot is not installed (.ci/run installs dovecot-imapd)")
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    oauth = start_oauth_server()
    users = {RECRUITER: RECRUITER_PW, **CANDIDATES}
    dovecot = start_dovecot(users, tls=(tls.cert, tls.key), oauth_tokeninfo_url=oauth.tokeninfo_url)
    smtp_users = {RECRUITER: RECRUITER_PW}
    started = [
        start_submission(dovecot, smtp_users, server_tls=tls.server, mode=m, oauth=oauth)
        for m in ("starttls", "tls", "none")
    ]
    filing = start_submission(
        dovecot, smtp_users, server_tls=tls.server, mode="starttls", oauth=oauth, files_sent=True
    )
    network = Network(allow_private=True, tls_context=tls.client, smtp_timeout=5, imap_timeout=5)
    yield MailServers(dovecot, oauth, *started, filing, network)
    for server in (*started, filing):
        server.stop()
    dovecot.stop()
    oauth.stop()


@pytest.fixture
def clean_faults(mail: MailServers) -> Iterator[MailServers]:
    yield mail
    for server in (mail.starttls, mail.tls, mail.plain, mail.filing):
        server.faults.clear()
