"""How to reach a mailbox's SMTP and IMAP servers, and the rule on which hosts may be reached.

Mail hosts follow the same private-network rule as every other outbound connection (the email
finder's SMTP verifier): no private, loopback or link-local address unless ALLOW_PRIVATE_NETWORKS,
and `security: none` (credentials in clear) only then too.

A host name is resolved once: the addresses that passed the rule are the ones connected to
(`pinned`), so a name cannot answer with a public address when checked and a private one when
connected (DNS rebinding).
"""

from __future__ import annotations

import functools
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Literal

from backend import defaults
from backend.email_lookup.dns_check import is_public_ip

Security = Literal["starttls", "tls", "none"]
SECURITIES = ("starttls", "tls", "none")


class HostRefused(Exception):
    """The configured host may not be reached (private address, or no TLS where TLS is due)."""


class HostUnresolved(OSError):
    """The host's name could not be resolved just now (the resolver's temporary failure): a
    connection failure like any other, tried again later, never a setting for the owner to fix."""


@dataclass(frozen=True, slots=True)
class Server:
    host: str
    port: int
    security: Security
    username: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Server:
        return cls(
            host=str(data["host"]),
            port=int(data["port"]),
            security=data.get("security", "starttls"),
            username=str(data.get("username") or ""),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "port": self.port,
            "security": self.security,
            "username": self.username,
        }


@dataclass(frozen=True, slots=True)
class Credentials:
    """A password, or an OAuth access token for XOAUTH2. Never logged (repr hides both)."""

    password: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)


def system_addresses(host: str, port: int) -> list[str]:
    """The host's addresses, in the order the system would try them."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class Network:
    allow_private: bool = False
    tls_context: ssl.SSLContext | None = None  # tests inject one that trusts their certificate
    smtp_timeout: float = defaults.MAIL_SMTP_TIMEOUT.total_seconds()
    imap_timeout: float = defaults.MAIL_IMAP_TIMEOUT.total_seconds()
    # host, port -> addresses; tests inject answers the system resolver would not give
    resolve: Callable[[str, int], list[str]] = field(default=system_addresses, repr=False)

    def context(self) -> ssl.SSLContext:
        return self.tls_context or verifying_context()


@functools.cache
def verifying_context(cafile: str | None = None) -> ssl.SSLContext:
    """A certificate-checking TLS context, made once per process and CA file: making one loads
    the CA store (about 30 ms of CPU), and every SMTP and IMAP connection needs one."""
    return ssl.create_default_context(cafile=cafile)


def vetted_addresses(server: Server, network: Network) -> tuple[str, ...]:
    """Resolve the server's host once and return the addresses to connect to; HostRefused when
    the rule forbids it. Connect to these, never to the name again."""
    if server.security not in SECURITIES:
        raise HostRefused(f"unknown security {server.security!r}")
    if server.security == "none" and not network.allow_private:
        raise HostRefused("a connection without TLS is only allowed on private test networks")
    try:
        addresses = tuple(network.resolve(server.host, server.port))
    except socket.gaierror as exc:
        if exc.errno == socket.EAI_AGAIN:  # "Temporary failure in name resolution"
            raise HostUnresolved(f"{server.host} does not resolve just now ({exc})") from exc
        raise HostRefused(f"{server.host} does not resolve ({exc})") from exc
    except (OSError, UnicodeError) as exc:
        raise HostRefused(f"{server.host} does not resolve ({exc})") from exc
    if not addresses:
        raise HostRefused(f"{server.host} does not resolve")
    if not network.allow_private and not all(is_public_ip(a) for a in addresses):
        raise HostRefused(f"{server.host} is on a private address")
    return addresses


def xoauth2_string(username: str, access_token: str) -> str:
    """The XOAUTH2 initial response before base64 (Google and Microsoft document the same)."""
    return f"user={username}\x01auth=Bearer {access_token}\x01\x01"
