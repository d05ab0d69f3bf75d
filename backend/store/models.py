"""The data model.

Laid out for the whole product (DESIGN.md, SYNC_RULES.md): accounts (teams) own users, API tokens,
one Greenhouse integration, sequences, contacts, lookups, the Greenhouse candidate index and the
sync outbox. Later features add rows to these tables rather than reshaping them.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import LargeBinary
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so migrations work the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timestamps are aware UTC on the way in and out (SQLite would return naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: store aware UTC times")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime()}


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- Accounts, users, tokens -------------------------------------------------------------------


class Account(TimestampMixin, Base):
    """A team: shares a Greenhouse integration, sequences and contacts."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str | None] = mapped_column(
        String(64)
    )  # IANA; last in the send-time precedence
    postal_address: Mapped[str | None] = mapped_column(Text)  # CAN-SPAM footer of outreach email
    holiday_country: Mapped[str | None] = mapped_column(String(8))  # `holidays` package code
    holidays: Mapped[list[Any]] = mapped_column(JSON, default=list)  # the team's own ISO dates
    users: Mapped[list[User]] = relationship(back_populates="account")


class User(TimestampMixin, Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="member")  # admin | member
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None: no web sign-in yet
    # Sessions issued before this instant are void (a password change signs out everywhere).
    password_changed_at: Mapped[datetime | None]
    account: Mapped[Account] = relationship(back_populates="users")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class ApiToken(TimestampMixin, Base):
    """A bearer token; only its SHA-256 digest is stored (DESIGN.md decision 8)."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in listings, never enough to use
    kind: Mapped[str] = mapped_column(String(16), default="api")  # api | extension (per device)
    label: Mapped[str | None] = mapped_column(String(200))  # e.g. the browser the extension is in
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    user: Mapped[User] = relationship()


class Invite(TimestampMixin, Base):
    """A one-time sign-up link for a team member (or, with no inviter, the first admin)."""

    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(16), default="member")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AuthCode(TimestampMixin, Base):
    """A one-time code the extension exchanges (with its PKCE verifier) for a device token."""

    __tablename__ = "auth_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_challenge: Mapped[str] = mapped_column(String(128))  # S256 of the verifier
    label: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


# --- Greenhouse integration --------------------------------------------------------------------


class GreenhouseIntegration(Base):
    """An account's Greenhouse connection and sync settings (SYNC_RULES.md, account settings)."""

    __tablename__ = "greenhouse_integrations"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    client_id: Mapped[str | None] = mapped_column(String(200))
    client_secret_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    user_id: Mapped[int | None] = mapped_column(BigInteger)  # the acting user (`sub`)
    webhook_secret_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    connected_at: Mapped[datetime | None]
    sync_mode: Mapped[str] = mapped_column(String(16), default="on_add")  # off|on_add|on_reply
    dedupe: Mapped[bool] = mapped_column(Boolean, default=True)
    activity_tracking: Mapped[bool] = mapped_column(Boolean, default=True)
    note_visibility: Mapped[str] = mapped_column(String(16), default="private")
    match_linkedin_url: Mapped[bool] = mapped_column(Boolean, default=True)
    default_target: Mapped[dict[str, Any] | None]  # {job_id, stage_id} | {pool_id, pool_stage_id}
    custom_field_map: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status_field: Mapped[dict[str, Any] | None]  # {kind: custom_field|tags, name_key?}
    stage_on_reply: Mapped[dict[str, Any] | None]
    convert_on_reply: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CandidateIndexState(Base):
    """Progress of the account's Greenhouse candidate index (backfill and incremental refresh)."""

    __tablename__ = "gh_index_state"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16), default="cold")  # cold|backfilling|ready|failed
    candidates_indexed: Mapped[int] = mapped_column(Integer, default=0)
    backfill_started_at: Mapped[datetime | None]
    backfill_finished_at: Mapped[datetime | None]
    refreshed_through: Mapped[datetime | None]  # updated_at watermark of the last refresh
    last_error: Mapped[str | None] = mapped_column(Text)


class IndexedCandidate(Base):
    """One Greenhouse candidate as the duplicate check needs it."""

    __tablename__ = "gh_candidates"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    candidate_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    name_key: Mapped[str | None] = mapped_column(String(400))  # normalised "first last"
    company_key: Mapped[str | None] = mapped_column(String(300))  # normalised company
    updated_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_gh_candidates_name", "account_id", "name_key"),)


class IndexedEmail(Base):
    __tablename__ = "gh_candidate_emails"
    account_id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), primary_key=True)  # lower-cased
    candidate_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    email_type: Mapped[str | None] = mapped_column(String(16))
    __table_args__ = (Index("ix_gh_candidate_emails_candidate", "account_id", "candidate_id"),)


class IndexedLinkedin(Base):
    __tablename__ = "gh_candidate_linkedin"
    account_id: Mapped[int] = mapped_column(primary_key=True)
    linkedin_url: Mapped[str] = mapped_column(String(400), primary_key=True)  # canonical /in/ URL
    candidate_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    __table_args__ = (Index("ix_gh_candidate_linkedin_candidate", "account_id", "candidate_id"),)


class WebhookEvent(Base):
    """Greenhouse deliveries already applied, named `sha256:<account>:<hash of the signed body>`
    (the `Greenhouse-Event-ID` header is not signed, so it cannot name a delivery)."""

    __tablename__ = "gh_webhook_events"
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- Email knowledge ---------------------------------------------------------------------------


class KnownEmail(TimestampMixin, Base):
    """A confirmed (name, address) pair: teaches the email finder a domain's pattern."""

    __tablename__ = "known_emails"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(320))
    domain: Mapped[str] = mapped_column(String(255), index=True)
    first_name: Mapped[str] = mapped_column(String(200))
    last_name: Mapped[str] = mapped_column(String(200))
    company_key: Mapped[str | None] = mapped_column(String(300), index=True)
    source: Mapped[str] = mapped_column(String(16))  # replied | verified | greenhouse
    __table_args__ = (UniqueConstraint("account_id", "address"),)


# --- Lookups, contacts, sequences --------------------------------------------------------------


class Lookup(TimestampMixin, Base):
    """One profile lookup from the extension; "add to sequence" can refer to it by id."""

    __tablename__ = "lookups"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(Text)
    profile: Mapped[dict[str, Any]]
    email: Mapped[dict[str, Any]]
    greenhouse: Mapped[dict[str, Any]]


class Mailbox(TimestampMixin, Base):
    """A recruiter's own mailbox: SMTP submission to send, IMAP to read replies (decision 11)."""

    __tablename__ = "mailboxes"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    address: Mapped[str] = mapped_column(String(320))
    display_name: Mapped[str | None] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(
        String(16), default="password"
    )  # password|google|microsoft
    smtp: Mapped[dict[str, Any]]  # {host, port, security: starttls|tls|none, username}
    imap: Mapped[dict[str, Any]]
    password_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    oauth_refresh_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    oauth_access_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    oauth_expires_at: Mapped[datetime | None]
    timezone: Mapped[str | None] = mapped_column(String(64))
    daily_cap: Mapped[int] = mapped_column(Integer, default=200)
    min_gap_seconds: Mapped[int] = mapped_column(Integer, default=100)
    signature: Mapped[str | None] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(16), default="ok")  # ok | auth_error | paused
    status_reason: Mapped[str | None] = mapped_column(Text)
    paused_until: Mapped[datetime | None]
    sent_folder: Mapped[str | None] = mapped_column(String(200))  # found by SPECIAL-USE \Sent
    # Whether the provider files SMTP submissions in Sent itself (Gmail does); None = not known yet.
    files_sent_copy: Mapped[bool | None] = mapped_column(Boolean)


class MailboxCursor(Base):
    """How far a mailbox folder has been read (IMAP UIDs are valid only within one UIDVALIDITY)."""

    __tablename__ = "mailbox_cursors"
    mailbox_id: Mapped[int] = mapped_column(
        ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True
    )
    folder: Mapped[str] = mapped_column(String(200), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)


class InboundMessage(Base):
    """A message read from a mailbox, with what it was taken to be."""

    __tablename__ = "inbound_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailboxes.id", ondelete="CASCADE"))
    folder: Mapped[str] = mapped_column(String(200))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[str | None] = mapped_column(String(998), index=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(998))
    references: Mapped[str | None] = mapped_column(Text)
    from_addr: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime | None]
    classification: Mapped[str] = mapped_column(String(16))  # reply|auto_reply|bounce_*|...
    matched_enrollment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrollments.id", ondelete="SET NULL")
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    __table_args__ = (UniqueConstraint("mailbox_id", "folder", "uidvalidity", "uid"),)


class MailboxSend(Base):
    """One accepted send, for the rolling daily cap and the minimum gap across all consumers."""

    __tablename__ = "mailbox_sends"
    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailboxes.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime]
    step_execution_id: Mapped[int | None] = mapped_column(
        ForeignKey("step_executions.id", ondelete="SET NULL")
    )
    __table_args__ = (Index("ix_mailbox_sends_mailbox_sent", "mailbox_id", "sent_at"),)


class Sequence(TimestampMixin, Base):
    __tablename__ = "sequences"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    sync_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    greenhouse_target: Mapped[dict[str, Any] | None]  # overrides the account default
    mailbox_id: Mapped[int | None] = mapped_column(ForeignKey("mailboxes.id", ondelete="SET NULL"))
    current_version_id: Mapped[int | None] = mapped_column(Integer)  # sequence_versions.id
    schedule: Mapped[dict[str, Any] | None]  # {timezone, days, windows, holidays}
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | paused
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # stop-rule toggles
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    deleted_at: Mapped[datetime | None]


class SequenceVersion(TimestampMixin, Base):
    """The steps of a sequence, immutable once someone is enrolled on them."""

    __tablename__ = "sequence_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    sequence_id: Mapped[int] = mapped_column(ForeignKey("sequences.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    steps: Mapped[list[Any]]
    __table_args__ = (UniqueConstraint("sequence_id", "number"),)


class Contact(TimestampMixin, Base):
    """A person the team is reaching out to, and their Greenhouse link."""

    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    emails: Mapped[list[Any]] = mapped_column(JSON, default=list)  # every address, work first
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(64))
    location: Mapped[str | None] = mapped_column(String(300))
    timezone: Mapped[str | None] = mapped_column(String(64))  # IANA; first in the precedence
    linkedin_url: Mapped[str | None] = mapped_column(String(400), index=True)
    source: Mapped[str | None] = mapped_column(String(32))  # recruiter|linkedin|sales_navigator|...
    profile: Mapped[dict[str, Any] | None]
    email_confidence: Mapped[str | None] = mapped_column(String(16))
    gh_candidate_id: Mapped[int | None] = mapped_column(BigInteger)
    gh_application_id: Mapped[int | None] = mapped_column(BigInteger)
    gh_target: Mapped[dict[str, Any] | None]  # with kind and job/pool/stage names
    sync_status: Mapped[str | None] = mapped_column(String(16))  # pending|synced|failed|skipped
    sync_error: Mapped[str | None] = mapped_column(Text)
    anonymised_at: Mapped[datetime | None]
    __table_args__ = (UniqueConstraint("account_id", "email"),)


class Enrollment(TimestampMixin, Base):
    """A contact in a sequence. The Greenhouse target and `sync_disabled` are fixed when the
    contact is added; `active_key` is set while not finished, so the unique constraint allows
    one active enrollment per person per team (NULLs never collide)."""

    __tablename__ = "enrollments"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    sequence_id: Mapped[int] = mapped_column(ForeignKey("sequences.id", ondelete="CASCADE"))
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("sequence_versions.id", ondelete="SET NULL")
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    mailbox_id: Mapped[int | None] = mapped_column(ForeignKey("mailboxes.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    outcome: Mapped[str | None] = mapped_column(String(16))
    paused_reason: Mapped[str | None] = mapped_column(Text)
    resume_at: Mapped[datetime | None]
    current_step: Mapped[int] = mapped_column(Integer, default=0)
    next_action_at: Mapped[datetime | None]
    delay_reason: Mapped[str | None] = mapped_column(Text)
    sync_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    gh_target: Mapped[dict[str, Any] | None]
    active_key: Mapped[str | None] = mapped_column(String(320))
    thread_message_id: Mapped[str | None] = mapped_column(String(998))
    thread_subject: Mapped[str | None] = mapped_column(Text)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    replied_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    sequence: Mapped[Sequence] = relationship()
    __table_args__ = (
        UniqueConstraint("sequence_id", "contact_id"),
        UniqueConstraint("account_id", "active_key"),
    )


class StepExecution(Base):
    """One step of one enrollment, sent or done at most once (decision 10). The Message-ID is
    fixed when the row is created, so every retry and the reconciler talk about one message."""

    __tablename__ = "step_executions"
    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"))
    step_index: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))  # email | task
    # email: scheduled|claimed|sending|sent|retry|unknown|canceled|failed; task: due|completed|...
    state: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime]
    mailbox_id: Mapped[int | None] = mapped_column(ForeignKey("mailboxes.id", ondelete="SET NULL"))
    message_id: Mapped[str | None] = mapped_column(String(998), unique=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(998))
    references: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("enrollment_id", "step_index"),
        Index("ix_step_executions_due", "state", "due_at"),
    )


class Event(Base):
    """The append-only log the Greenhouse sync and the activity feed read (DESIGN.md "Events")."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    enrollment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrollments.id", ondelete="SET NULL"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dedupe_key: Mapped[str] = mapped_column(String(400), unique=True)


class EventCursor(Base):
    """How far a consumer (e.g. the Greenhouse sync) has read the events log."""

    __tablename__ = "event_cursors"
    consumer: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_event_id: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Suppression(TimestampMixin, Base):
    """An address or domain the team never emails again (unsubscribed, bounced, blocked)."""

    __tablename__ = "suppressions"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # email | domain
    value: Mapped[str] = mapped_column(String(320))  # lower-cased
    reason: Mapped[str] = mapped_column(String(32))  # unsubscribed | bounced | blocked
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    __table_args__ = (UniqueConstraint("account_id", "value"),)


class SyncJob(TimestampMixin, Base):
    """The outbox: a Greenhouse write recorded before it is attempted (DESIGN.md decision 5)."""

    __tablename__ = "sync_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    enrollment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrollments.id", ondelete="SET NULL")
    )
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    dedupe_key: Mapped[str | None] = mapped_column(String(400), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|done|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    request_summary: Mapped[str | None] = mapped_column(Text)
    greenhouse_ids: Mapped[dict[str, Any] | None]
    result: Mapped[dict[str, Any] | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_code: Mapped[str | None] = mapped_column(String(32))  # sync.failures.Failure
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    __table_args__ = (
        Index("ix_sync_jobs_due", "status", "next_attempt_at"),
        # sync: a contact's rows run in order, and its status is read from them
        Index("ix_sync_jobs_contact", "contact_id", "id"),
    )


class Import(TimestampMixin, Base):
    """A Greenhouse job's people brought into a sequence, once or on a schedule."""

    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    job_id: Mapped[int] = mapped_column(BigInteger)
    job_name: Mapped[str | None] = mapped_column(String(300))
    sequence_id: Mapped[int | None] = mapped_column(ForeignKey("sequences.id", ondelete="SET NULL"))
    recurring: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued|running|done|...
    paused_reason: Mapped[str | None] = mapped_column(Text)
    progress: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    resume: Mapped[dict[str, Any] | None]  # where a crashed run picks up (page cursor)
    watermark: Mapped[datetime | None]  # applications updated after this are new
    last_run_at: Mapped[datetime | None]
    next_run_at: Mapped[datetime | None]
    last_result: Mapped[dict[str, Any] | None]
    deleted_at: Mapped[datetime | None]
    # The imports feature: who is running it and until when (migration 0003_imports_lease).
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None]


class ImportItem(Base):
    """One person an import has handled, so a re-run or a resumed run adds nobody twice."""

    __tablename__ = "import_items"
    import_id: Mapped[int] = mapped_column(
        ForeignKey("imports.id", ondelete="CASCADE"), primary_key=True
    )
    candidate_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    application_id: Mapped[int | None] = mapped_column(BigInteger)
    result: Mapped[str] = mapped_column(
        String(32)
    )  # added|skipped_no_email|already_in_sequence|...
    name: Mapped[str | None] = mapped_column(String(400))
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


# --- Hardening (issue 10) ----------------------------------------------------------------------


class IndexTombstone(Base):
    """A Greenhouse candidate deleted, merged away or anonymised: never indexed again, so a
    replayed or late update cannot bring it back as a false "Duplicate found"."""

    __tablename__ = "gh_candidate_tombstones"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    candidate_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    reason: Mapped[str] = mapped_column(String(32))  # delete_candidate | merge_candidate | ...
    removed_at: Mapped[datetime] = mapped_column(default=utcnow)
