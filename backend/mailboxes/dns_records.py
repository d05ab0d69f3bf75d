"""The sending domain's SPF, DKIM and DMARC records, each reported in words (dnspython).

A missing record does not stop a mailbox from sending, but Gmail and Microsoft junk or refuse
unauthenticated mail from bulk senders (reference/sequences.md §3), so "Test" says what is there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import dns.exception
import dns.resolver

from backend import defaults


@dataclass(frozen=True, slots=True)
class Check:
    ok: bool
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "message": self.message}


def _txt(resolver: dns.resolver.Resolver, name: str) -> list[str] | None:
    """TXT strings at `name`; [] when there are none; None when DNS could not answer."""
    try:
        answer = resolver.resolve(name, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.exception.DNSException, OSError):
        return None
    return [b"".join(r.strings).decode("utf-8", "replace") for r in answer]


def spf(resolver: dns.resolver.Resolver, domain: str) -> Check:
    records = _txt(resolver, domain)
    if records is None:
        return Check(False, f"Could not look up the SPF record of {domain} (DNS did not answer).")
    found = [r for r in records if r.lower().startswith("v=spf1")]
    if not found:
        return Check(False, f"{domain} has no SPF record: receivers cannot tell who may send.")
    if len(found) > 1:
        return Check(
            False, f"{domain} has {len(found)} SPF records; receivers treat that as an error."
        )
    policy = {"-all": "refuse", "~all": "mark as suspicious", "?all": "accept"}
    ending = next((v for k, v in policy.items() if found[0].rstrip().endswith(k)), None)
    tail = f"; receivers {ending} mail from other servers" if ending else ""
    return Check(True, f"SPF record found: {found[0][:200]}{tail}.")


def dkim(resolver: dns.resolver.Resolver, domain: str) -> Check:
    found: list[str] = []
    failed = 0
    for selector in defaults.DKIM_SELECTORS:
        records = _txt(resolver, f"{selector}._domainkey.{domain}")
        if records is None:
            failed += 1
        elif any("p=" in r for r in records):
            found.append(selector)
    if found:
        return Check(True, f"DKIM key found for selector {', '.join(found)}.")
    if failed == len(defaults.DKIM_SELECTORS):
        return Check(False, f"Could not look up DKIM keys of {domain} (DNS did not answer).")
    tried = ", ".join(defaults.DKIM_SELECTORS)
    return Check(
        False,
        f"No DKIM key under the common selectors ({tried}); if your provider signs with "
        "another selector this is fine, otherwise turn DKIM signing on.",
    )


def dmarc(resolver: dns.resolver.Resolver, domain: str) -> Check:
    records = _txt(resolver, f"_dmarc.{domain}")
    if records is None:
        return Check(False, f"Could not look up the DMARC record of {domain} (DNS did not answer).")
    found = [r for r in records if r.lower().startswith("v=dmarc1")]
    if not found:
        return Check(
            False, f"{domain} has no DMARC record: Gmail and Yahoo require one from bulk senders."
        )
    match = re.search(r"(?i)\bp\s*=\s*(\w+)", found[0])
    policy = match.group(1).lower() if match else "none"
    words = {
        "reject": "receivers refuse mail that fails authentication",
        "quarantine": "receivers junk mail that fails authentication",
        "none": "monitoring only",
    }
    return Check(True, f"DMARC policy {policy}: {words.get(policy, 'unknown policy')}.")


def check_domain(resolver: dns.resolver.Resolver, domain: str) -> dict[str, dict[str, object]]:
    return {
        "spf": spf(resolver, domain).as_dict(),
        "dkim": dkim(resolver, domain).as_dict(),
        "dmarc": dmarc(resolver, domain).as_dict(),
    }
