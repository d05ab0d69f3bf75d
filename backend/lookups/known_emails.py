"""What the database knows about companies' mail, for the email finder (its `DomainKnowledge`).

Two sources: addresses the team confirmed (a reply, an SMTP "accepted", or found in Greenhouse),
and the work emails of the Greenhouse candidate index.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import defaults
from backend.email_lookup.domains import company_key
from backend.email_lookup.domains import is_personal_domain
from backend.email_lookup.patterns import KnownAddress
from backend.gh_index.index import known_work_emails
from backend.gh_index.matching import normalize_email
from backend.store.models import Contact
from backend.store.models import KnownEmail

BOUNCED = "bounced"  # a known_emails source: the address does not exist (hard bounce 5.1.x)


class SqlKnowledge:
    """`DomainKnowledge` over one account's confirmed addresses and Greenhouse index."""

    def __init__(self, session: Session, account_id: int) -> None:
        self.session = session
        self.account_id = account_id
        self.cache_scope = f"team{account_id}"

    def known_addresses(self, domain: str) -> list[KnownAddress]:
        domain = domain.lower()
        rows = self.session.execute(
            select(KnownEmail.first_name, KnownEmail.last_name, KnownEmail.address)
            .where(
                KnownEmail.account_id == self.account_id,
                KnownEmail.domain == domain,
                KnownEmail.source != BOUNCED,
            )
            .limit(defaults.EMAIL_KNOWN_ADDRESSES_MAX)
        ).all()
        pairs = [*rows, *known_work_emails(self.session, self.account_id, domain=domain)]
        unique = {address: KnownAddress(first, last, address) for first, last, address in pairs}
        return list(unique.values())

    def domains_for_company(self, company: str) -> list[tuple[str, int]]:
        key = company_key(company)
        if not key:
            return []
        counts: Counter[str] = Counter()
        confirmed = self.session.execute(
            select(KnownEmail.domain, func.count())
            .where(
                KnownEmail.account_id == self.account_id,
                KnownEmail.company_key == key,
                KnownEmail.source != BOUNCED,
            )
            .group_by(KnownEmail.domain)
        )
        for domain, count in confirmed:
            counts[domain] += count
        for _, _, address in known_work_emails(self.session, self.account_id, company=key):
            counts[address.rpartition("@")[2]] += 1
        return [(d, n) for d, n in counts.most_common() if not is_personal_domain(d)]


def record_confirmed(
    session: Session,
    account_id: int,
    *,
    address: str,
    first: str,
    last: str,
    company: str | None,
    source: str,
) -> bool:
    """Remember a confirmed address (teaches the domain pattern); False if known or personal."""
    address = normalize_email(address) or ""
    domain = address.rpartition("@")[2]
    if not address or not first or not last or is_personal_domain(domain):
        return False
    exists = session.scalar(
        select(KnownEmail.id).where(
            KnownEmail.account_id == account_id, KnownEmail.address == address
        )
    )
    if exists:
        return False
    session.add(
        KnownEmail(
            account_id=account_id,
            address=address,
            domain=domain,
            first_name=first[:200],
            last_name=last[:200],
            company_key=company_key(company),
            source=source,
        )
    )
    session.flush()
    return True


def learn_from_reply(session: Session, account_id: int, address: str) -> bool:
    """A contact wrote from `address`: it exists, and teaches its domain's pattern (the name
    comes from the team's contact with that address). False when nothing was learned."""
    address = normalize_email(address) or ""
    contact = session.scalar(
        select(Contact).where(Contact.account_id == account_id, Contact.email == address)
    )
    if contact is None or not contact.first_name or not contact.last_name:
        return False
    bounced = session.scalar(
        select(KnownEmail).where(
            KnownEmail.account_id == account_id,
            KnownEmail.address == address,
            KnownEmail.source == BOUNCED,
        )
    )
    if bounced is not None:  # it bounced once, but a reply proves it works now
        session.delete(bounced)
        session.flush()
    return record_confirmed(
        session,
        account_id,
        address=address,
        first=contact.first_name,
        last=contact.last_name,
        company=contact.company,
        source="replied",
    )


def record_bounced(session: Session, account_id: int, address: str) -> bool:
    """`address` hard-bounced as unknown: the finder never offers it again for this team."""
    address = normalize_email(address) or ""
    if not address:
        return False
    row = session.scalar(
        select(KnownEmail).where(KnownEmail.account_id == account_id, KnownEmail.address == address)
    )
    if row is not None:
        if row.source == BOUNCED:
            return False
        row.source = BOUNCED  # an address confirmed once can stop existing (people leave)
    else:
        session.add(
            KnownEmail(
                account_id=account_id,
                address=address,
                domain=address.rpartition("@")[2],
                first_name="",
                last_name="",
                company_key=None,
                source=BOUNCED,
            )
        )
    session.flush()
    return True


# Built once: on every page view, building the statement cost more than running it.
BOUNCED_AMONG = select(KnownEmail.address).where(
    KnownEmail.account_id == bindparam("account_id"),
    KnownEmail.source == BOUNCED,
    KnownEmail.address.in_(bindparam("addresses", expanding=True)),
)


def bounced_addresses(session: Session, account_id: int, addresses: list[str]) -> set[str]:
    wanted = [a.lower() for a in addresses if a]
    if not wanted:
        return set()
    params = {"account_id": account_id, "addresses": wanted}
    return set(session.connection().scalars(BOUNCED_AMONG, params))
