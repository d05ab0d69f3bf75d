"""Plain facts for the rules, read from the stored rows (the only place rules meet the ORM)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.linkedin_parse import ProfileInvalid
from backend.linkedin_parse import normalize_linkedin_url
from backend.linkedin_parse import profile_from_dict
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import GreenhouseIntegration
from backend.store.models import IndexedLinkedin
from backend.store.models import SyncJob
from backend.sync import rules
from backend.sync.rules import ContactFacts
from backend.sync.rules import EnrollmentFacts
from backend.sync.rules import StatusField
from backend.sync.rules import SyncSettings
from backend.sync.targets import Target
from backend.sync.targets import TargetInvalid


def _target(value: Any) -> Target | None:
    try:
        return Target.parse(value)
    except TargetInvalid:
        return None  # a stored target that no longer parses syncs nowhere rather than crash


def settings_of(row: GreenhouseIntegration | None, *, connected: bool) -> SyncSettings:
    if row is None:
        return SyncSettings(connected=connected)
    return SyncSettings(
        connected=connected,
        connected_at=row.connected_at,
        sync_mode=row.sync_mode if row.sync_mode in rules.SYNC_MODES else "off",
        dedupe=bool(row.dedupe),
        activity_tracking=bool(row.activity_tracking),
        note_visibility=row.note_visibility
        if row.note_visibility in rules.NOTE_VISIBILITIES
        else "private",
        match_linkedin_url=bool(row.match_linkedin_url),
        default_target=_target(row.default_target),
        custom_field_map=dict(row.custom_field_map or {}),
        status_field=StatusField.parse(row.status_field),
        stage_on_reply=_target(row.stage_on_reply),
        convert_on_reply=bool(row.convert_on_reply),
    )


def enrollment_facts(enrollment: Enrollment | None, settings: SyncSettings) -> EnrollmentFacts:
    """The enrollment's fixed target; one added before targets were fixed on enrollments falls
    back to its sequence's override, then the team default."""
    if enrollment is None:
        return EnrollmentFacts(enrollment_id=None, target=settings.default_target)
    sequence = enrollment.sequence
    target = _target(enrollment.gh_target)
    if target is None and enrollment.gh_target is None:
        target = _target(sequence.greenhouse_target if sequence else None)
        target = target or settings.default_target
    return EnrollmentFacts(
        enrollment_id=enrollment.id,
        sync_disabled=bool(enrollment.sync_disabled),
        target=target,
        sequence_name=sequence.name if sequence else None,
    )


def contact_emails(contact: Contact) -> tuple[str, ...]:
    emails = [e for e in (contact.emails or []) if isinstance(e, str) and e]
    if contact.email and contact.email not in emails:
        emails.insert(0, contact.email)
    return tuple(dict.fromkeys(emails))


def has_record_coming(session: Session, contact: Contact) -> bool:
    """The sync has taken this contact on: a find-or-create is recorded for them (done, waiting
    or failed: actions recorded meanwhile fail "for want of a record" and come back with its
    Retry). Greenhouse ids set when the person was added (the dedupe check's match) do not
    count: that record is attached to at the first sync, which still happens by the rules."""
    return (
        session.scalar(
            select(SyncJob.id)
            .where(SyncJob.contact_id == contact.id, SyncJob.kind == "ensure_person")
            .limit(1)
        )
        is not None
    )


def contact_facts(session: Session, contact: Contact) -> ContactFacts:
    profile = None
    if contact.profile:
        try:
            profile = profile_from_dict(contact.profile)
        except ProfileInvalid:
            profile = None  # no roles to send rather than no sync
    return ContactFacts(
        contact_id=contact.id,
        first_name=contact.first_name,
        last_name=contact.last_name,
        emails=contact_emails(contact),
        company=contact.company,
        title=contact.title,
        linkedin_url=contact.linkedin_url,
        phone=contact.phone,
        location=contact.location,
        source=contact.source,
        profile=profile,
        linked=has_record_coming(session, contact),
    )


def linkedin_candidates(session: Session, account_id: int, url: str) -> list[int]:
    """Candidate ids the team's Greenhouse index holds for this LinkedIn profile URL."""
    canonical = normalize_linkedin_url(url)
    if canonical is None:
        return []
    return list(
        session.scalars(
            select(IndexedLinkedin.candidate_id).where(
                IndexedLinkedin.account_id == account_id,
                IndexedLinkedin.linkedin_url == canonical,
            )
        )
    )
