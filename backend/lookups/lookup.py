"""A profile lookup: parse the page, find the email, check Greenhouse, remember the answer.

Between the edges and the pure parts (parser, email finder, matching): it reads settings and
the database, and returns the LookupResult of DESIGN.md as plain data. Work for later (a
backfill, an SMTP verification) goes to the `LaterWork` the edge hands in; nothing here queues.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from typing import Protocol

from sqlalchemy import Row
from sqlalchemy import bindparam
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.integration import greenhouse_client
from backend.accounts.integration import integration_row
from backend.accounts.integration import saved_or_environment_connection
from backend.config import EmailVerify
from backend.config import Settings
from backend.email_lookup import Confidence
from backend.email_lookup import FinderSettings
from backend.email_lookup import KnownAddress
from backend.email_lookup import LookupInputError
from backend.email_lookup import build_finder
from backend.gh_index.duplicate_check import GreenhouseStatus
from backend.gh_index.duplicate_check import check_duplicates
from backend.gh_index.duplicate_check import status
from backend.gh_index.index import IndexStatus
from backend.gh_index.index import index_state
from backend.gh_index.index import is_fresh
from backend.gh_index.matching import PersonKeys
from backend.greenhouse.links import candidate_url
from backend.infra.services import Services
from backend.linkedin_parse import NotAProfilePage
from backend.linkedin_parse import ParseError
from backend.linkedin_parse import Profile
from backend.linkedin_parse import parse_profile
from backend.linkedin_parse import profile_from_dict
from backend.linkedin_parse.urls import page_id
from backend.lookups.known_emails import SqlKnowledge
from backend.lookups.known_emails import bounced_addresses
from backend.lookups.known_emails import record_confirmed
from backend.store.models import CandidateIndexState
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import GreenhouseIntegration
from backend.store.models import Lookup
from backend.store.models import User

log = logging.getLogger(__name__)


class LaterWork(Protocol):
    """What a lookup asks an edge to run later (the edge queues it)."""

    def backfill(self, account_id: int) -> None:
        """Fill the account's candidate index (a no-op while one is queued or running)."""

    def verify_email(self, lookup_id: int) -> None:
        """SMTP-verify the stored lookup's email."""


TRUSTED_CONFIDENCE = (Confidence.VERIFIED, Confidence.PROBABLE)

NO_EMAIL = {"address": None, "confidence": Confidence.UNKNOWN, "domain": None, "alternatives": []}


def read_profile(url: str, html: str | None, profile: Mapping[str, Any] | None) -> Profile:
    """The Profile from a snapshot or from structured data (raises the parser's ParseError).

    A structured profile's URL is held to the snapshot's rule (a LinkedIn profile page): it is
    stored and shown back, so `javascript:` or any other page never gets in that way either."""
    if html is None and page_id(url) is None:
        raise NotAProfilePage(f"The URL {url[:200]!r} is not a LinkedIn profile page.")
    parsed = parse_profile(html, url) if html is not None else profile_from_dict(profile or {}, url)
    if not (parsed.full_name or parsed.first_name or parsed.last_name):
        raise NoPersonFound(
            "No person found on this page: it may not have finished loading, or LinkedIn "
            "changed its layout."
        )
    return parsed


class NoPersonFound(ParseError):
    """The page is a profile URL but no name could be read from it."""


def finder_settings(settings: Settings, *, verify: bool) -> FinderSettings:
    """The email finder's part of the settings; `verify` only where SMTP verification is on."""
    return FinderSettings(
        dns_nameservers=settings.dns_nameservers,
        verify_smtp=verify and settings.email_verify == EmailVerify.SMTP,
        smtp_probe_port=settings.smtp_probe_port,
        helo_name=settings.smtp_helo_name,
        allow_private_networks=settings.allow_private_networks,
    )


def find_email(
    session: Session,
    svc: Services,
    account_id: int,
    profile: Profile,
    *,
    verify: bool = False,
    deadline: float | None = None,
) -> dict:
    """The `email` object. A page view never probes SMTP (`verify=False`): that is queued."""
    if not (profile.first_name and profile.last_name and profile.company):
        return {**NO_EMAIL, "reason": "name or current company missing from the profile"}

    def remember(known: KnownAddress) -> None:
        record_confirmed(
            session,
            account_id,
            address=known.address,
            first=known.first,
            last=known.last,
            company=profile.company,
            source="verified",
        )

    finder = build_finder(
        finder_settings(svc.settings, verify=verify),
        svc.cache,
        SqlKnowledge(session, account_id),
        on_verified=remember,
    )
    try:
        result = finder.find(
            profile.first_name,
            profile.last_name,
            company=profile.company,
            full_name=profile.full_name,
            deadline=deadline,
        )
    except LookupInputError as exc:
        return {**NO_EMAIL, "reason": str(exc)}
    return without_bounced(session, account_id, result.to_dict())


def without_bounced(session: Session, account_id: int, email: dict) -> dict:
    """Addresses that hard-bounced for this team (read from a mailbox) are never offered."""
    alternatives = email.get("alternatives", [])
    bounced = bounced_addresses(
        session, account_id, [email.get("address") or "", *(a["address"] for a in alternatives)]
    )
    if not bounced:
        return email
    kept = [a for a in alternatives if a["address"] not in bounced]
    if email.get("address") not in bounced:
        return {**email, "alternatives": kept}
    reason = f"{email['address']} bounced (the address does not exist)"
    if not kept:
        return {
            **email,
            "address": None,
            "confidence": Confidence.INVALID,
            "alternatives": [],
            "reason": reason,
        }
    best, rest = kept[0], kept[1:]
    return {
        **email,
        "address": best["address"],
        "confidence": best["confidence"],
        "alternatives": rest,
        "reason": f"{reason}; next most likely",
    }


def needs_verification(svc: Services, email: dict) -> bool:
    """SMTP verification is on and this answer is still a guess worth checking."""
    return (
        svc.settings.email_verify == EmailVerify.SMTP
        and bool(email.get("address"))
        and email.get("confidence") not in (Confidence.VERIFIED, Confidence.INVALID)
    )


def verify_stored_lookup(session: Session, svc: Services, lookup_id: int) -> dict | None:
    """Re-run a stored lookup's email with SMTP verification and store the better answer."""
    row = session.get(Lookup, lookup_id)
    if row is None:
        return None
    profile = profile_from_dict(row.profile, row.url)
    row.email = find_email(session, svc, row.account_id, profile, verify=True)
    return row.email


# The account's Greenhouse context in one statement, built once (it runs on every page view).
ACCOUNT_CONTEXT = (
    select(
        GreenhouseIntegration.client_id,
        GreenhouseIntegration.client_secret_encrypted,
        GreenhouseIntegration.user_id,
        GreenhouseIntegration.dedupe,
        CandidateIndexState.status,
        CandidateIndexState.refreshed_through,
    )
    .outerjoin(
        CandidateIndexState,
        CandidateIndexState.account_id == GreenhouseIntegration.account_id,
    )
    .where(GreenhouseIntegration.account_id == bindparam("account_id"))
)


def account_context(session: Session, account_id: int) -> Row:
    """The account's connection columns, dedupe setting and index progress (one query)."""
    context = session.connection().execute(ACCOUNT_CONTEXT, {"account_id": account_id}).first()
    if context is None:  # the account's first lookup: its rows are made with the defaults
        integration_row(session, account_id)
        context = session.connection().execute(ACCOUNT_CONTEXT, {"account_id": account_id}).one()
    return context


def greenhouse_check(
    session: Session,
    svc: Services,
    account_id: int,
    profile: Profile,
    email: dict,
    later: LaterWork,
    *,
    deadline: float | None = None,
) -> dict:
    context = account_context(session, account_id)
    connection = saved_or_environment_connection(
        account_id,
        context.client_id,
        context.client_secret_encrypted,
        context.user_id,
        settings=svc.settings,
        secrets=svc.secrets,
    )
    if connection is None:
        return status(GreenhouseStatus.NOT_CONNECTED)
    if not context.dedupe:
        return status(GreenhouseStatus.DISABLED)
    fresh = is_fresh(context)
    if context.status in (None, IndexStatus.COLD, IndexStatus.FAILED):
        index_state(session, account_id)  # made cold when missing
        session.commit()  # the backfill task reads and writes the state row itself
        later.backfill(account_id)  # never waited for: the live check answers meanwhile
        fresh = is_fresh(account_context(session, account_id))
    person = PersonKeys.of(
        [email.get("address"), *(a["address"] for a in email.get("alternatives", []))],
        profile.linkedin_url,
        profile.first_name,
        profile.last_name,
        profile.company,
    )
    return check_duplicates(
        session,
        account_id,
        person,
        finder=greenhouse_client(connection, svc, interactive=True).candidates,
        cache=svc.cache,
        app_url=svc.settings.greenhouse_app_url,
        index_fresh=fresh,
        deadline=deadline,
    )


def contact_view(session: Session, svc: Services, contact: Contact) -> dict[str, Any]:
    enrollments = session.scalars(select(Enrollment).where(Enrollment.contact_id == contact.id))
    url = None
    if contact.gh_candidate_id:
        url = candidate_url(
            svc.settings.greenhouse_app_url, contact.gh_candidate_id, contact.gh_application_id
        )
    return {
        "id": contact.id,
        "email": contact.email,
        "sequences": [
            {"id": e.sequence.id, "name": e.sequence.name, "status": e.status} for e in enrollments
        ],
        "greenhouse": {
            "candidate_id": contact.gh_candidate_id,
            "application_id": contact.gh_application_id,
            "url": url,
            "target": contact.gh_target,
            "sync_status": contact.sync_status,
            "error": contact.sync_error,
        },
    }


CONTACT_BY_URL = (
    select(Contact.id)
    .where(
        Contact.account_id == bindparam("account_id"),
        Contact.linkedin_url == bindparam("linkedin_url"),
    )
    .order_by(Contact.id)
    .limit(1)
)
CONTACT_BY_EMAIL = (
    select(Contact.id)
    .where(Contact.account_id == bindparam("account_id"), Contact.email == bindparam("email"))
    .order_by(Contact.id)
    .limit(1)
)


def find_contact(
    session: Session, account_id: int, email: dict[str, Any], linkedin_url: str | None
) -> Contact | None:
    """The team's contact for this person: by LinkedIn URL, else by a trusted email.

    A guessed address ("possible") is shared by namesakes at one company, so it never decides.
    Most people looked at are nobody's contact yet: the ids are read plainly, and a contact is
    loaded only when there is one.
    """
    connection = session.connection()
    contact_id = None
    if linkedin_url:
        params = {"account_id": account_id, "linkedin_url": linkedin_url}
        contact_id = connection.scalar(CONTACT_BY_URL, params)
    if (
        contact_id is None
        and email.get("address")
        and email.get("confidence") in TRUSTED_CONFIDENCE
    ):
        params = {"account_id": account_id, "email": email["address"]}
        contact_id = connection.scalar(CONTACT_BY_EMAIL, params)
    return session.get(Contact, contact_id) if contact_id is not None else None


STORE_LOOKUP = insert(Lookup).returning(Lookup.id)


def store_lookup(
    session: Session,
    account_id: int,
    user_id: int,
    url: str,
    profile: dict[str, Any],
    email: dict[str, Any],
    greenhouse: dict[str, Any],
) -> int:
    """Remember the answer (a plain INSERT: the row is never read back in its request)."""
    values = {
        "account_id": account_id,
        "user_id": user_id,
        "url": url,
        "profile": profile,
        "email": email,
        "greenhouse": greenhouse,
    }
    return session.connection().scalar(STORE_LOOKUP, values)


def run_lookup(
    session: Session,
    svc: Services,
    user: User,
    *,
    later: LaterWork,
    url: str,
    html: str | None = None,
    profile: Mapping[str, Any] | None = None,
    deadline: float | None = None,
) -> dict[str, Any]:
    """Parse, find the email, check Greenhouse, store the lookup: the LookupResult.

    `deadline` (a `time.monotonic()` value) is the request's time budget: past it no new domain
    guess or live Greenhouse question is started, and the answer says what is missing."""
    parsed = read_profile(url, html, profile)
    account_id = user.account_id
    email = find_email(session, svc, account_id, parsed, deadline=deadline)
    greenhouse = greenhouse_check(session, svc, account_id, parsed, email, later, deadline=deadline)
    contact = find_contact(session, account_id, email, parsed.linkedin_url)
    contact_data = contact_view(session, svc, contact) if contact else None
    profile_data = parsed.to_dict()
    # The answer is whole: its row is the last write, committed at once. SQLite has one writer,
    # and each lookup writes: a write lock held across more work (or a wait for the GIL) makes
    # the other requests' writes sleep in SQLite's busy handler (1 ms, then longer).
    with svc.db.one_writer(session):
        lookup_id = store_lookup(session, account_id, user.id, url, profile_data, email, greenhouse)
        session.commit()
    if needs_verification(svc, email):
        later.verify_email(lookup_id)  # the task reads the stored lookup
    return {
        "id": lookup_id,
        "profile": profile_data,
        "email": email,
        "greenhouse": greenhouse,
        "contact": contact_data,
    }
