"""The Greenhouse actions the sync rules decide and the executor performs (plain, JSON-able data).

Each action carries the `dedupe_key` that makes its outbox row unique: the same event (or the
same role, the same status for the same enrollment) never gives two rows, so never two writes.
"""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields
from typing import Any
from typing import ClassVar

from backend.sync.targets import Target


@dataclass(frozen=True)
class Person:
    """What a new Greenhouse record is filled with (SYNC_RULES "Fill it")."""

    first_name: str
    last_name: str
    emails: tuple[str, ...]  # work first
    company: str | None = None
    title: str | None = None
    phone: str | None = None
    linkedin_url: str | None = None


@dataclass(frozen=True)
class Action:
    kind: ClassVar[str] = ""
    dedupe_key: str

    def to_payload(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("dedupe_key")
        return data

    @property
    def needs_record(self) -> bool:
        """True when the contact must already have a Greenhouse record (all but EnsurePerson)."""
        return True


@dataclass(frozen=True)
class EnsurePerson(Action):
    """Find the person (every email, then the LinkedIn URL when allowed) or create them; give
    them a prospect application on the target; fill mapped custom fields at this first sync."""

    kind: ClassVar[str] = "ensure_person"
    person: Person = field(default_factory=lambda: Person("", "", ()))
    target: Target | None = None
    custom_fields: tuple[tuple[str, str], ...] = ()
    match_linkedin_url: bool = True
    warn_if_exists: bool = True  # dedupe on: "Exists in Greenhouse"

    @property
    def needs_record(self) -> bool:
        return False


@dataclass(frozen=True)
class AddEmployment(Action):
    kind: ClassVar[str] = "add_employment"
    company_name: str = ""
    title: str = ""
    start_date: str | None = None  # YYYY-MM-DD
    end_date: str | None = None  # None: current


@dataclass(frozen=True)
class LogEmail(Action):
    """An EMAIL note: a record of an email sent to, or received from, the person."""

    kind: ClassVar[str] = "log_email"
    direction: str = "sent"  # sent | reply
    subject: str = ""
    body: str = ""
    email_from: str = ""
    email_to: tuple[str, ...] = ()
    visibility: str = "private"


@dataclass(frozen=True)
class AddNote(Action):
    kind: ClassVar[str] = "add_note"
    body: str = ""
    visibility: str = "private"


@dataclass(frozen=True)
class SetStatus(Action):
    """The status field: a candidate custom field (`name_key`) or exclusive status tags."""

    kind: ClassVar[str] = "set_status"
    value: str = ""
    field_kind: str = "tags"  # custom_field | tags
    name_key: str | None = None


@dataclass(frozen=True)
class MoveStage(Action):
    """On reply: a pool stage (PATCH the prospect) or a job stage (move; a prospect can only
    reach an interview stage by being converted)."""

    kind: ClassVar[str] = "move_stage"
    target: Target | None = None


@dataclass(frozen=True)
class ConvertToCandidate(Action):
    """Turn the prospect into a candidate on a job (its first stage unless `stage_id`)."""

    kind: ClassVar[str] = "convert"
    job_id: int | None = None  # None: the job the prospect is considered for
    stage_id: int | None = None


@dataclass(frozen=True)
class ApplyCustomFields(Action):
    """Write the mapped custom fields (the explicit re-sync)."""

    kind: ClassVar[str] = "apply_custom_fields"
    custom_fields: tuple[tuple[str, str], ...] = ()


KINDS: dict[str, type[Action]] = {
    cls.kind: cls
    for cls in (
        EnsurePerson,
        AddEmployment,
        LogEmail,
        AddNote,
        SetStatus,
        MoveStage,
        ConvertToCandidate,
        ApplyCustomFields,
    )
}


def action_from_payload(kind: str, dedupe_key: str, payload: dict[str, Any]) -> Action:
    """Rebuild an action from its outbox row."""
    cls = KINDS[kind]
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name == "dedupe_key" or f.name not in payload:
            continue
        value = payload[f.name]
        if f.name == "person":
            value = Person(**{**value, "emails": tuple(value.get("emails") or ())})
        elif f.name == "target":
            value = Target.parse(value) if value else None
        elif f.name == "custom_fields":
            value = tuple((str(k), v) for k, v in value)
        elif f.name == "email_to":
            value = tuple(value)
        values[f.name] = value
    return cls(dedupe_key=dedupe_key, **values)
