"""What the mailbox functions need from the process: secrets, the network rule, OAuth, DNS.

Built by an edge from the settings (plain data), so the feature never reads Flask or the queue.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from dataclasses import field

import dns.resolver

from backend import defaults
from backend.config import Settings
from backend.email_lookup.dns_check import make_resolver
from backend.infra.secrets_box import SecretBox
from backend.mailboxes.oauth import OAuthProvider
from backend.mailboxes.oauth import providers_from_settings
from backend.mailboxes.servers import Network
from backend.mailboxes.servers import verifying_context


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
        settings: Settings,
        secrets: SecretBox,
        *,
        tls_context: ssl.SSLContext | None = None,
    ) -> MailContext:
        if tls_context is None and settings.mail_ca_file:
            # a private CA for self-hosted mail servers (and the tests' own certificate)
            tls_context = verifying_context(settings.mail_ca_file)
        return cls(
            secrets=secrets,
            network=Network(
                allow_private=settings.allow_private_networks,
                tls_context=tls_context,
            ),
            oauth=providers_from_settings(settings),
            public_url=settings.public_url,
            secret_key=settings.secret_key,
            dns_nameservers=settings.dns_nameservers,
        )

    def resolver(self) -> dns.resolver.Resolver:
        return make_resolver(self.dns_nameservers, defaults.DNS_TIMEOUT.total_seconds())
