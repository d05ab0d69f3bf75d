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
    users: Mapped[list[User]] = relationship(back_populates="account")


class User(TimestampMixin, Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="member")  # admin | member
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
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    user: Mapped[User] = relationship()


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
    """Greenhouse deliveries already applied (idempotency by `Greenhouse-Event-ID`)."""

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


class Sequence(TimestampMixin, Base):
    __tablename__ = "sequences"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    sync_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    greenhouse_target: Mapped[dict[str, Any] | None]  # overrides the account default
    deleted_at: Mapped[datetime | None]  # PROVISIONAL until the coordinator's schema lands


class Contact(TimestampMixin, Base):
    """A person the team is reaching out to, and their Greenhouse link."""

    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(String(300))
    linkedin_url: Mapped[str | None] = mapped_column(String(400), index=True)
    source: Mapped[str | None] = mapped_column(String(32))  # recruiter | linkedin | sales_navigator
    profile: Mapped[dict[str, Any] | None]
    email_confidence: Mapped[str | None] = mapped_column(String(16))
    gh_candidate_id: Mapped[int | None] = mapped_column(BigInteger)
    gh_application_id: Mapped[int | None] = mapped_column(BigInteger)
    gh_target: Mapped[dict[str, Any] | None]
    sync_status: Mapped[str | None] = mapped_column(String(16))  # pending|synced|failed|skipped
    sync_error: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("account_id", "email"),)


class Enrollment(TimestampMixin, Base):
    """A contact in a sequence; `sync_disabled` is fixed when the contact is added."""

    __tablename__ = "enrollments"
    id: Mapped[int] = mapped_column(primary_key=True)
    sequence_id: Mapped[int] = mapped_column(ForeignKey("sequences.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="active")
    sync_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    replied_at: Mapped[datetime | None]
    sequence: Mapped[Sequence] = relationship()
    __table_args__ = (UniqueConstraint("sequence_id", "contact_id"),)


class SyncJob(TimestampMixin, Base):
    """The outbox: a Greenhouse write recorded before it is attempted (DESIGN.md decision 5)."""

    __tablename__ = "sync_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|done|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any] | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# --- Imports (PROVISIONAL until the coordinator's schema lands) --------------------------------


class Import(TimestampMixin, Base):
    """A Greenhouse job imported into a sequence, once or every interval."""

    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    job_id: Mapped[int] = mapped_column(BigInteger)
    job_name: Mapped[str | None] = mapped_column(String(300))
    sequence_id: Mapped[int] = mapped_column(Integer)
    recurring: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    paused_reason: Mapped[str | None] = mapped_column(Text)
    progress: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    resume: Mapped[dict[str, Any] | None]
    watermark: Mapped[datetime | None]
    last_run_at: Mapped[datetime | None]
    next_run_at: Mapped[datetime | None]
    last_result: Mapped[dict[str, Any] | None]
    deleted_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None]


class ImportItem(Base):
    """One person an import has dealt with, and how (keyed by candidate: nobody twice)."""

    __tablename__ = "import_items"
    import_id: Mapped[int] = mapped_column(
        ForeignKey("imports.id", ondelete="CASCADE"), primary_key=True
    )
    candidate_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    application_id: Mapped[int | None] = mapped_column(BigInteger)
    result: Mapped[str] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(400))
    detail: Mapped[str | None] = mapped_column(Text)
