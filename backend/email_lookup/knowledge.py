"""What the backend already knows about companies' mail: the interface the finder reads, and an
in-memory implementation (tests, the CLI). The database-backed one lives with the store."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Protocol

from backend.email_lookup.domains import clean_domain
from backend.email_lookup.domains import company_key
from backend.email_lookup.domains import is_personal_domain
from backend.email_lookup.patterns import KnownAddress


class DomainKnowledge(Protocol):
    cache_scope: str
    """Names whose knowledge this is (e.g. one team's): the finder keys every cached answer
    built from it by this, so one team's addresses and companies never reach another team."""

    def known_addresses(self, domain: str) -> list[KnownAddress]:
        """Confirmed (replied, verified or in Greenhouse) addresses at a mail domain."""
        ...

    def domains_for_company(self, company: str) -> list[tuple[str, int]]:
        """Mail domains seen for a company, with the number of confirmed addresses at each."""
        ...


class InMemoryKnowledge:
    """Known addresses held in memory, each optionally tagged with the person's company."""

    def __init__(
        self, entries: Iterable[tuple[KnownAddress, str | None]] = (), *, cache_scope: str = ""
    ) -> None:
        self.cache_scope = cache_scope
        self._by_domain: dict[str, list[KnownAddress]] = {}
        self._companies: dict[str, Counter[str]] = {}
        for known, company in entries:
            self.add(known, company)

    def add(self, known: KnownAddress, company: str | None = None) -> None:
        domain = clean_domain(known.address)
        if domain is None or is_personal_domain(domain):
            return  # a personal address teaches nothing about a company's pattern
        bucket = self._by_domain.setdefault(domain, [])
        if any(k.address.lower() == known.address.lower() for k in bucket):
            return
        bucket.append(known)
        key = company_key(company)
        if key:
            self._companies.setdefault(key, Counter())[domain] += 1

    def known_addresses(self, domain: str) -> list[KnownAddress]:
        return list(self._by_domain.get(domain.lower(), ()))

    def domains_for_company(self, company: str) -> list[tuple[str, int]]:
        key = company_key(company)
        return self._companies[key].most_common() if key in self._companies else []
