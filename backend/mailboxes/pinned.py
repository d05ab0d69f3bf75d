"""SMTP and IMAP clients that connect to addresses already vetted (`servers.vetted_addresses`).

The host name is kept for TLS only (SNI and the certificate check, also after STARTTLS): the
libraries would otherwise resolve it again to connect, and a name may answer differently the
second time (DNS rebinding).
"""

from __future__ import annotations

import imaplib
import smtplib
import socket
import ssl
from collections.abc import Sequence

from imapclient import IMAPClient
from imapclient import tls
from imapclient.imap4 import IMAP4WithTimeout


def open_socket(addresses: Sequence[str], port: int, timeout: float | None) -> socket.socket:
    """A TCP connection to the first of `addresses` that answers (as `socket.create_connection`
    tries each address of a name)."""
    error = OSError("no address to connect to")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout=timeout)
        except OSError as exc:
            error = exc
    raise error


class PinnedSMTP(smtplib.SMTP):
    def __init__(self, addresses: Sequence[str], host: str, port: int, helo: str, timeout: float):
        self._addresses = addresses
        super().__init__(host, port, local_hostname=helo, timeout=timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return open_socket(self._addresses, port, timeout)


class PinnedSMTPSSL(smtplib.SMTP_SSL):
    def __init__(
        self,
        addresses: Sequence[str],
        host: str,
        port: int,
        helo: str,
        timeout: float,
        context: ssl.SSLContext,
    ):
        self._addresses = addresses
        super().__init__(host, port, local_hostname=helo, timeout=timeout, context=context)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock = open_socket(self._addresses, port, timeout)
        return self.context.wrap_socket(sock, server_hostname=self._host)


class _PinnedIMAP4(IMAP4WithTimeout):
    def __init__(self, addresses: Sequence[str], host: str, port: int, timeout: float | None):
        self._addresses = addresses
        super().__init__(host, port, timeout)

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        timeout = self._timeout if timeout is None else timeout
        return open_socket(self._addresses, self.port, timeout)


class _PinnedIMAP4TLS(tls.IMAP4_TLS):
    def __init__(
        self,
        addresses: Sequence[str],
        host: str,
        port: int,
        context: ssl.SSLContext | None,
        timeout: float | None,
    ):
        self._addresses = addresses
        super().__init__(host, port, context, timeout)

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        timeout = self._timeout if timeout is None else timeout
        sock = open_socket(self._addresses, self.port, timeout)
        return tls.wrap_socket(sock, self.ssl_context, self.host)


class PinnedIMAPClient(IMAPClient):
    def __init__(
        self,
        addresses: Sequence[str],
        host: str,
        port: int,
        context: ssl.SSLContext | None,  # implicit TLS; None: plain (STARTTLS comes later)
        timeout: float,
    ):
        self._addresses = addresses
        super().__init__(host, port, ssl=context is not None, ssl_context=context, timeout=timeout)

    def _create_IMAP4(self) -> imaplib.IMAP4:  # IMAPClient's one place that opens the connection
        timeout = self._timeout.connect
        if self.ssl:
            return _PinnedIMAP4TLS(self._addresses, self.host, self.port, self.ssl_context, timeout)
        return _PinnedIMAP4(self._addresses, self.host, self.port, timeout)
