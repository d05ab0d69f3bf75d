"""A DNS server on loopback that answers from a zone given as data (dnslib).

    zone = {
        "acme.test": {"MX": [(10, "mx1.acme.test")]},
        "mx1.acme.test": {"A": ["127.0.0.2"]},
        "null.test": {"MX": [(0, ".")]},      # null MX (RFC 7505)
        "aonly.test": {"A": ["127.0.0.3"]},   # no MX: implicit MX
    }
    dns = start_dns(zone)         # dns.address == "127.0.0.1:<port>" (for DNS_NAMESERVERS)
    ...
    dns.stop()

Names absent from the zone are NXDOMAIN; a name present without the asked type answers NOERROR
with no records. `dns.zone` can be changed while the server runs; `dns.queries` logs
(name, type) of every question.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from dnslib import AAAA
from dnslib import CNAME
from dnslib import MX
from dnslib import QTYPE
from dnslib import RCODE
from dnslib import RR
from dnslib import TXT
from dnslib import A
from dnslib.server import BaseResolver
from dnslib.server import DNSLogger
from dnslib.server import DNSServer

Zone = dict[str, dict[str, list[Any]]]


class _ZoneResolver(BaseResolver):
    def __init__(self, zone: Zone, queries: list[tuple[str, str]], ttl: int) -> None:
        self.zone = zone
        self.queries = queries
        self.ttl = ttl

    def resolve(self, request: Any, handler: Any) -> Any:
        reply = request.reply()
        qname = str(request.q.qname).rstrip(".").lower()
        qtype = QTYPE[request.q.qtype]
        self.queries.append((qname, qtype))
        records = self.zone.get(qname)
        if records is None:
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        for value in records.get(qtype, []):
            reply.add_answer(
                RR(request.q.qname, request.q.qtype, rdata=_rdata(qtype, value), ttl=self.ttl)
            )
        return reply


def _rdata(qtype: str, value: Any) -> Any:
    if qtype == "MX":
        pref, host = value
        return MX(host if host != "." else ".", pref)
    if qtype == "A":
        return A(value)
    if qtype == "AAAA":
        return AAAA(value)
    if qtype == "CNAME":
        return CNAME(value)
    if qtype == "TXT":
        return TXT(value)
    raise ValueError(f"record type {qtype} not supported by the fake")


@dataclass
class FakeDNS:
    host: str
    port: int
    zone: Zone
    queries: list[tuple[str, str]] = field(default_factory=list)
    _server: Any = None

    @property
    def address(self) -> str:
        """`host:port`, the value for DNS_NAMESERVERS."""
        return f"{self.host}:{self.port}"

    def stop(self) -> None:
        self._server.server.shutdown()
        self._server.server.server_close()


def start_dns(zone: Zone, *, host: str = "127.0.0.1", ttl: int = 300) -> FakeDNS:
    """Serve `zone` over UDP on host:<ephemeral port> in a background thread."""
    zone = {k.rstrip(".").lower(): v for k, v in zone.items()}
    fake = FakeDNS(host, 0, zone)
    resolver = _ZoneResolver(fake.zone, fake.queries, ttl)
    server = DNSServer(resolver, port=0, address=host, logger=DNSLogger(logf=lambda s: None))
    # Our own thread with a short poll interval: stop() then takes milliseconds, not 0.5 s.
    thread = threading.Thread(
        target=server.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    fake.port = server.server.server_address[1]
    fake._server = server
    return fake


@dataclass
class SilentUDP:
    """A UDP port that reads questions and never answers (a DNS timeout on demand)."""

    host: str
    port: int
    _sock: socket.socket
    _thread: threading.Thread

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def stop(self) -> None:
        self._sock.close()
        self._thread.join(timeout=2)


def start_silent_udp(host: str = "127.0.0.1") -> SilentUDP:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((host, 0))
    sock.settimeout(0.2)

    def swallow() -> None:
        for _ in range(10_000):  # bounded: ~30 min at most, ends when the socket closes
            try:
                sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=swallow, daemon=True)
    thread.start()
    return SilentUDP(host, sock.getsockname()[1], sock, thread)


def mx_zone(domains: list[str], ip: str = "127.0.0.9") -> Zone:
    """A zone where each domain's mail goes to `mx.<domain>` at `ip` (lookups that only need
    the mail domain to exist)."""
    zone: Zone = {}
    for domain in domains:
        zone[domain] = {"MX": [(10, f"mx.{domain}")]}
        zone[f"mx.{domain}"] = {"A": [ip]}
    return zone
