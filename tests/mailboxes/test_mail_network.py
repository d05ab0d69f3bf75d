"""Mail connections go to the address that was vetted, never to a later answer for the same name
(DNS rebinding), and TLS still checks the certificate against the host name."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable

import pytest

from backend.mailboxes import imap_read
from backend.mailboxes.servers import HostRefused
from backend.mailboxes.servers import Network
from backend.mailboxes.servers import Server
from backend.mailboxes.smtp_send import open_connection
from tests.mailboxes.conftest import RECRUITER
from tests.mailboxes.conftest import MailServers
from tests.mailboxes.conftest import Tls
from tests.mailboxes.test_mail_smtp import deliveries
from tests.mailboxes.test_mail_smtp import message
from tests.mailboxes.test_mail_smtp import send

NAME = "mail.acme-recruiting.test"  # the system cannot resolve it, only the tests' resolvers
CERT_NAME = "localhost"  # the tests' certificate is for 127.0.0.1 and localhost


class Rebinding:
    """A resolver that answers with the real server's address first, then with one where
    nothing listens (as a rebinding attacker's name answers a public, then a private address)."""

    def __init__(self) -> None:
        self.questions: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.questions.append(host)
        return ["127.0.0.1" if len(self.questions) == 1 else "127.0.0.2"]


def network(
    resolve: Callable[[str, int], list[str]],
    tls_context: ssl.SSLContext | None,
    allow_private: bool = True,
) -> Network:
    return Network(allow_private, tls_context, smtp_timeout=5, imap_timeout=5, resolve=resolve)


def chain_only(tls: Tls) -> ssl.SSLContext:
    """Trusts the tests' certificate whatever the name (NAME is not on it)."""
    context = ssl.create_default_context(cadata=tls.cert.decode())
    context.check_hostname = False
    return context


@pytest.mark.parametrize("mode", ["starttls", "tls", "plain"])
def test_smtp_connects_to_the_address_it_vetted_not_a_later_answer(
    mail: MailServers, tls: Tls, mode: str
) -> None:
    server = getattr(mail, mode)
    resolver = Rebinding()
    message_id, raw = message()
    smtp = mail.smtp(server)
    at = Server(NAME, smtp.port, smtp.security, smtp.username)
    outcome = send(mail, server, raw, network=network(resolver, chain_only(tls)), at=at)
    assert outcome.kind == "sent", outcome.detail
    assert deliveries(server, message_id) == 1
    assert resolver.questions == [NAME]


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_imap_connects_to_the_address_it_vetted_not_a_later_answer(
    mail: MailServers, tls: Tls, security: str
) -> None:
    resolver = Rebinding()
    server = Server(NAME, mail.imap(security=security).port, security, RECRUITER)  # type: ignore[arg-type]
    with imap_read.connect(server, mail.password(), network(resolver, chain_only(tls))) as client:
        assert client.folder_exists("INBOX")
    assert resolver.questions == [NAME]


@pytest.mark.parametrize("security", ["starttls", "tls"])
@pytest.mark.parametrize("name", [CERT_NAME, NAME])
def test_tls_checks_the_certificate_against_the_host_name_not_the_address(
    mail: MailServers, tls: Tls, security: str, name: str
) -> None:
    """The vetted address 127.0.0.1 is on the certificate: only the name decides."""
    checked = network(lambda host, port: ["127.0.0.1"], tls.client)
    smtp_port = (mail.starttls if security == "starttls" else mail.tls).port
    smtp = Server(name, smtp_port, security, RECRUITER)  # type: ignore[arg-type]
    imap = Server(name, mail.imap(security=security).port, security, RECRUITER)  # type: ignore[arg-type]
    if name == CERT_NAME:
        open_connection(smtp, checked, "acme-recruiting.test").quit()
        with imap_read.connect(imap, mail.password(), checked) as client:
            assert client.folder_exists("INBOX")
        return
    with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
        open_connection(smtp, checked, "acme-recruiting.test")
    with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
        with imap_read.connect(imap, mail.password(), checked):
            pass


def test_a_name_with_any_private_address_is_refused_before_connecting(mail: MailServers) -> None:
    public = network(lambda host, port: ["93.184.216.34", "127.0.0.1"], None, allow_private=False)
    message_id, raw = message()
    outcome = send(mail, mail.starttls, raw, network=public)
    assert outcome.kind == "mailbox_paused" and "private address" in outcome.detail
    assert deliveries(mail.starttls, message_id) == 0
    with pytest.raises(HostRefused, match="private address"):
        with imap_read.connect(mail.imap(), mail.password(), public):
            pass
    with pytest.raises(HostRefused, match="private address"):
        open_connection(mail.smtp(mail.starttls), public, "acme-recruiting.test")


def failing_resolver(errno: int) -> Callable[[str, int], list[str]]:
    def resolve(host: str, port: int) -> list[str]:
        raise socket.gaierror(errno, "from the tests' resolver")

    return resolve


def test_a_temporary_dns_failure_is_retried_and_a_missing_name_needs_the_owner(
    mail: MailServers,
) -> None:
    message_id, raw = message()
    blip = send(mail, mail.starttls, raw, network=network(failing_resolver(socket.EAI_AGAIN), None))
    assert blip.kind == "retry" and "does not resolve just now" in blip.detail
    gone = send(
        mail, mail.starttls, raw, network=network(failing_resolver(socket.EAI_NONAME), None)
    )
    assert gone.kind == "mailbox_paused" and "does not resolve" in gone.detail
    assert deliveries(mail.starttls, message_id) == 0
