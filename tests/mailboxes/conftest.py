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

from backend.infra.secrets_box import SecretBox
from backend.mailboxes import junk
from backend.mailboxes.context import MailContext
from backend.mailboxes.oauth import OAuthProvider
from backend.mailboxes.servers import Credentials
from backend.mailboxes.servers import Network
from backend.mailboxes.servers import Server
from tests.support.accounts import make_user
from tests.support.certs import self_signed
from tests.support.dovecot import Dovecot
from tests.support.dovecot import dovecot_available
from tests.support.dovecot import start_dovecot
from tests.support.fake_dns import FakeDNS
from tests.support.fake_dns import start_dns
from tests.support.oauth_server import CLIENT_ID
from tests.support.oauth_server import CLIENT_SECRET
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


@pytest.fixture(autouse=True)
def fresh_process_memory() -> None:
    """Each test starts as a new process would: no Junk folder remembered from another test's
    mailbox that had the same id."""
    junk.forget_all()


@pytest.fixture
def clean_faults(mail: MailServers) -> Iterator[MailServers]:
    yield mail
    for server in (mail.starttls, mail.tls, mail.plain, mail.filing):
        server.faults.clear()


# -- database-backed mailboxes -------------------------------------------------------------------
DNS_ZONE = {
    "acme-recruiting.test": {"TXT": ["v=spf1 include:_spf.example.test -all"]},
    "google._domainkey.acme-recruiting.test": {"TXT": ["v=DKIM1; k=rsa; p=MIIBIjANBgkq"]},
    "_dmarc.acme-recruiting.test": {"TXT": ["v=DMARC1; p=quarantine; rua=mailto:d@acme.test"]},
    "bare.test": {"A": ["192.0.2.1"]},
}


@pytest.fixture(scope="session")
def fake_dns() -> Iterator[FakeDNS]:
    server = start_dns(DNS_ZONE)
    yield server
    server.stop()


@pytest.fixture
def ctx(mail: MailServers, fake_dns: FakeDNS) -> MailContext:
    provider = OAuthProvider(
        "google",
        CLIENT_ID,
        CLIENT_SECRET,
        mail.oauth.authorize_url,
        mail.oauth.token_url,
        ("https://mail.google.com/",),
    )
    return MailContext(
        secrets=SecretBox("test-secret-key"),
        network=mail.network,
        oauth={"google": provider},
        public_url="https://sb.acme-recruiting.test",
        secret_key="test-secret-key",
        dns_nameservers=fake_dns.address,
    )


@pytest.fixture
def account_id(app) -> int:  # type: ignore[no-untyped-def]
    user, _ = make_user(app)
    return int(user.account_id)


def mailbox_input(mail: MailServers, which: Submission | None = None, **changes: object) -> dict:
    smtp = which or mail.starttls
    data: dict[str, object] = {
        "address": RECRUITER,
        "display_name": "Riley Recruiter",
        "smtp": {**mail.smtp(smtp).as_dict(), "password": RECRUITER_PW},
        "imap": {**mail.imap().as_dict(), "password": RECRUITER_PW},
        "signature": "Riley Recruiter\nAcme Talent",
    }
    data.update(changes)
    return data
