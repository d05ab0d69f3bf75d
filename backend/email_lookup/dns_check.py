"""Where a domain's mail goes: MX with null-MX and implicit-MX (A/AAAA) fallback, and the
addresses of a mail host. Answers are cached; a timeout is "unknown", never "invalid"."""

from __future__ import annotations

import functools
import ipaddress
import logging
from dataclasses import dataclass
from typing import Any

import dns.exception
import dns.name
import dns.nameserver
import dns.resolver

from backend import defaults

log = logging.getLogger(__name__)

# accepts_mail values
MAIL_OK = "ok"
MAIL_NULL_MX = "null_mx"  # RFC 7505: "0 ." says the domain takes no mail
MAIL_NXDOMAIN = "nxdomain"
MAIL_NO_HOST = "no_host"  # name exists, but no MX and no A/AAAA
MAIL_UNKNOWN = "unknown"  # timeout / server failure: no verdict

NO_MAIL = (MAIL_NULL_MX, MAIL_NXDOMAIN, MAIL_NO_HOST)


@dataclass(frozen=True, slots=True)
class MailHosts:
    domain: str
    status: str
    hosts: tuple[tuple[int, str], ...] = ()  # (preference, hostname), best first
    implicit: bool = False  # no MX: the domain's own A/AAAA (RFC 5321 §5.1)
    detail: str = ""

    @property
    def provider(self) -> str:
        return provider_of([h for _, h in self.hosts])


# The provider is read from the MX host's suffix (as Reacher does).
_PROVIDERS = (
    (".google.com", "google"),
    (".googlemail.com", "google"),
    (".olc.protection.outlook.com", "outlook_consumer"),
    (".protection.outlook.com", "m365"),
    (".yahoodns.net", "yahoo"),
    (".pphosted.com", "proofpoint"),
    ("ppe-hosted.com", "proofpoint"),
    (".mimecast.com", "mimecast"),
    (".barracudanetworks.com", "barracuda"),
    (".antispamcloud.com", "antispamcloud"),
)


def provider_of(hosts: list[str]) -> str:
    for host in hosts:
        h = "." + host.lower().rstrip(".")
        for suffix, name in _PROVIDERS:
            if h.endswith(suffix):
                return name
    return "other"


def parse_nameservers(text: str | None) -> list[tuple[str, int]]:
    """`DNS_NAMESERVERS`: comma/space separated `host`, `host:port` or `[v6]:port`."""
    out: list[tuple[str, int]] = []
    for item in (text or "").replace(",", " ").split():
        host, port = item, 53
        if item.startswith("["):
            host, _, rest = item[1:].partition("]")
            port = int(rest[1:]) if rest.startswith(":") else 53
        elif item.count(":") == 1:
            host, p = item.split(":")
            port = int(p)
        ipaddress.ip_address(host)  # a nameserver must be an IP address
        out.append((host, port))
    return out


@functools.lru_cache(maxsize=8)
def make_resolver(nameservers: str | None, timeout: float) -> dns.resolver.Resolver:
    """A dnspython resolver: the system's, or the given servers (tests: a loopback fake).

    Made once per configuration: the system one reads /etc/resolv.conf, and a finder is built
    for every lookup."""
    servers = parse_nameservers(nameservers)
    resolver = dns.resolver.Resolver(configure=not servers)
    if servers:
        resolver.nameservers = [dns.nameserver.Do53Nameserver(h, p) for h, p in servers]
    resolver.lifetime = timeout
    resolver.timeout = timeout
    return resolver


def is_public_ip(ip: str) -> bool:
    """False for private, loopback, link-local, multicast, reserved and unspecified addresses."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return addr.is_global and not addr.is_multicast


class DomainResolver:
    """Cached mail-routing questions over one dnspython resolver."""

    def __init__(
        self,
        resolver: dns.resolver.Resolver,
        cache: Any = None,
        *,
        timeout: float = defaults.DNS_TIMEOUT.total_seconds(),
    ) -> None:
        self.resolver = resolver
        self.cache = cache
        self.timeout = timeout
        self.queries = 0  # DNS questions actually sent (tests and benchmarks read it)

    # -- cache helpers ---------------------------------------------------------------------
    def _get(self, key: str) -> Any:
        return self.cache.get(key) if self.cache is not None else None

    def _set(self, key: str, value: Any, ttl: float) -> None:
        if self.cache is not None:
            self.cache.set(key, value, timeout=int(ttl))

    @staticmethod
    def _clamp(ttl: float) -> float:
        lo, hi = defaults.DNS_MIN_TTL.total_seconds(), defaults.DNS_MAX_TTL.total_seconds()
        return max(lo, min(hi, ttl))

    def _query(self, name: str, rdtype: str) -> dns.resolver.Answer:
        self.queries += 1
        return self.resolver.resolve(name, rdtype, lifetime=self.timeout, search=False)

    # -- questions ---------------------------------------------------------------------------
    def mail_hosts(self, domain: str) -> MailHosts:
        key = f"email:dns:mx:{domain}"
        cached = self._get(key)
        if cached is not None:
            return cached
        result, ttl = self._mail_hosts(domain)
        if result.status != MAIL_UNKNOWN:  # a timeout is asked again next time
            self._set(key, result, ttl)
        return result

    def _mail_hosts(self, domain: str) -> tuple[MailHosts, float]:
        negative = defaults.DNS_NEGATIVE_TTL.total_seconds()
        try:
            answer = self._query(domain, "MX")
        except dns.resolver.NXDOMAIN:
            return MailHosts(domain, MAIL_NXDOMAIN, detail="domain does not exist"), negative
        except dns.resolver.NoAnswer:
            return self._implicit_mx(domain)
        except (dns.exception.Timeout, dns.resolver.NoNameservers) as exc:
            return MailHosts(domain, MAIL_UNKNOWN, detail=f"DNS failed: {type(exc).__name__}"), 0
        except dns.exception.DNSException as exc:
            return MailHosts(domain, MAIL_UNKNOWN, detail=f"DNS failed: {type(exc).__name__}"), 0
        records = sorted(
            ((r.preference, r.exchange.to_text(omit_final_dot=True).lower()) for r in answer),
            key=lambda t: (t[0], t[1]),
        )
        ttl = self._clamp(answer.rrset.ttl if answer.rrset is not None else 0)
        hosts = tuple((pref, host) for pref, host in records if host not in ("", "."))
        if not hosts:
            return MailHosts(domain, MAIL_NULL_MX, detail="null MX: no mail accepted"), negative
        return MailHosts(domain, MAIL_OK, hosts), ttl

    def _implicit_mx(self, domain: str) -> tuple[MailHosts, float]:
        addresses, status = self._addresses(domain)
        if status == MAIL_UNKNOWN:
            return MailHosts(domain, MAIL_UNKNOWN, detail="DNS failed"), 0
        if not addresses:
            detail = "no MX and no address record"
            return MailHosts(
                domain, MAIL_NO_HOST, detail=detail
            ), defaults.DNS_NEGATIVE_TTL.total_seconds()
        return MailHosts(
            domain, MAIL_OK, ((0, domain),), implicit=True
        ), defaults.DNS_MIN_TTL.total_seconds()

    def _addresses(self, host: str) -> tuple[list[str], str]:
        out: list[str] = []
        failures = 0
        for rdtype in ("A", "AAAA"):
            try:
                out += [r.to_text() for r in self._query(host, rdtype)]
            except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
                continue
            except dns.exception.DNSException:
                failures += 1
        return out, (MAIL_UNKNOWN if failures and not out else MAIL_OK)

    def host_addresses(self, host: str) -> list[str]:
        """IP addresses of a mail host (A then AAAA); [] when none or DNS failed."""
        key = f"email:dns:addr:{host}"
        cached = self._get(key)
        if cached is not None:
            return cached
        addresses, status = self._addresses(host)
        if status != MAIL_UNKNOWN:
            self._set(key, addresses, defaults.DNS_MIN_TTL.total_seconds())
        return addresses
