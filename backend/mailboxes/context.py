"""What the mailbox functions need from the process: secrets, the network rule, OAuth, DNS.

Built by an edge from the settings (plain data), so the feature never reads Flask or the queue.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import dns.resolver

from backend import defaults
from backend.email_lookup.dns_check import make_resolver
from backend.infra.secrets_box import SecretBox
from backend.mailboxes.oauth import OAuthProvider
from backend.mailboxes.oauth import providers_from_settings
from backend.mailboxes.servers import Network


@dataclass(frozen=True)
class MailContext:
    secrets: SecretBox = field(repr=False)
    network: Network
    oauth: dict[str, OAuthProvider]
    public_url: str
    secret_key: str = field(repr=False)
    dns_nameservers: str | None = None

    @classmethod
    def from_settings(
        cls,
        settings: dict[str, Any],
        secrets: SecretBox,
        *,
        tls_context: ssl.SSLContext | None = None,
    ) -> MailContext:
        if tls_context is None and settings.get("MAIL_CA_FILE"):
            # a private CA for self-hosted mail servers (and the tests' own certificate)
            tls_context = ssl.create_default_context(cafile=str(settings["MAIL_CA_FILE"]))
        return cls(
            secrets=secrets,
            network=Network(
                allow_private=bool(settings.get("ALLOW_PRIVATE_NETWORKS")),
                tls_context=tls_context,
            ),
            oauth=providers_from_settings(settings),
            public_url=str(settings.get("PUBLIC_URL") or "http://127.0.0.1:5000"),
            secret_key=str(settings["SECRET_KEY"]),
            dns_nameservers=settings.get("DNS_NAMESERVERS"),
        )

    def resolver(self) -> dns.resolver.Resolver:
        return make_resolver(self.dns_nameservers, defaults.DNS_TIMEOUT.total_seconds())
