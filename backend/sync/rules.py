"""The sync rules (SYNC_RULES.md): settings + enrollment + contact + one event → Greenhouse actions.

Pure: plain dataclasses in, a list of `Action`s out; no database, no HTTP. The outbox turns each
action into a row keyed by its `dedupe_key`, so deciding twice about one event writes nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any

from backend.linkedin_parse import Position
from backend.linkedin_parse import recent_roles
from backend.linkedin_parse.model import Profile
from backend.sync.actions import Action
from backend.sync.actions import AddEmployment
from backend.sync.actions import AddNote
from backend.sync.actions import ApplyCustomFields
from backend.sync.actions import ConvertToCandidate
from backend.sync.actions import EnsurePerson
from backend.sync.actions import LogEmail
from backend.sync.actions import MoveStage
from backend.sync.actions import Person
from backend.sync.actions import SetStatus
from backend.sync.targets import Target

SYNC_MODES = ("off", "on_add", "on_reply")
NOTE_VISIBILITIES = ("private", "admin_only", "public")
EMPLOYMENTS_FROM_RECRUITER = 5
"""SYNC_RULES "Employment history": the five most recent roles, LinkedIn Recruiter only."""
STATUS_VALUES = ("Messaged", "Replied", "Bounced", "Unsubscribed", "Finished")
STATUS_OF_EVENT = {"bounced": "Bounced", "unsubscribed": "Unsubscribed", "finished": "Finished"}
OUTCOMES_WITH_OWN_STATUS = ("replied", "bounced", "unsubscribed")
"""A `finished` event with one of these outcomes keeps the status its own event set."""
CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "company",
    "title",
    "linkedin_url",
    "phone",
    "location",
    "headline",
    "source",
)
"""Contact fields a team can map to Greenhouse candidate custom fields."""


@dataclass(frozen=True)
class StatusField:
    kind: str  # custom_field | tags
    name_key: str | None = None

    @classmethod
    def parse(cls, data: Any) -> StatusField | None:
        if not isinstance(data, Mapping) or data.get("kind") not in ("custom_field", "tags"):
            return None
        return cls(kind=data["kind"], name_key=data.get("name_key"))


@dataclass(frozen=True)
class SyncSettings:
    """The team's integration settings (DESIGN.md "Integration settings")."""

    connected: bool = True
    connected_at: datetime | None = None
    sync_mode: str = "on_add"
    dedupe: bool = True
    activity_tracking: bool = True
    note_visibility: str = "private"
    match_linkedin_url: bool = True
    default_target: Target | None = None
    custom_field_map: Mapping[str, str] = field(default_factory=dict)
    status_field: StatusField | None = None
    stage_on_reply: Target | None = None
    convert_on_reply: bool = False


@dataclass(frozen=True)
class EnrollmentFacts:
    enrollment_id: int | None
    sync_disabled: bool = False
    target: Target | None = None  # fixed when the person was added (sequence override or default)
    sequence_name: str | None = None


@dataclass(frozen=True)
class ContactFacts:
    contact_id: int
    first_name: str | None
    last_name: str | None
    emails: tuple[str, ...]  # work first
    company: str | None = None
    title: str | None = None
    linkedin_url: str | None = None
    phone: str | None = None
    location: str | None = None
    source: str | None = None  # recruiter | linkedin | sales_navigator | import | api
    profile: Profile | None = None
    linked: bool = False  # has a Greenhouse record, or one is on its way

    def value_of(self, name: str) -> str | None:
        if name == "email":
            return self.emails[0] if self.emails else None
        if name == "headline":
            return self.profile.headline if self.profile else None
        if name == "location":
            return self.location or (self.profile.location if self.profile else None)
        value = getattr(self, name, None)
        return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Event:
    id: int
    type: str
    at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)


def decide(
    settings: SyncSettings,
    enrollment: EnrollmentFacts,
    contact: ContactFacts,
    event: Event,
    *,
    earlier_sent: tuple[Event, ...] = (),
) -> list[Action]:
    """The Greenhouse actions one sequence event calls for.

    `earlier_sent` are the enrollment's `email_sent` events before this one: with "sync only when
    they reply", the first reply creates the record and then logs the emails sent before it.
    """
    if not settings.connected or settings.sync_mode == "off" or enrollment.sync_disabled:
        return []
    linked = contact.linked
    actions: list[Action] = []
    if event.type == "enrolled":
        if settings.sync_mode == "on_add":
            # Already linked (an earlier sequence): attach to the record, add this target's
            # application if it has none; the rest of a first sync is not repeated.
            actions += first_sync(settings, enrollment, contact)
        return actions
    if event.type == "email_sent":
        if not linked:
            return []  # no record yet ("only when they reply"): logged once the reply creates it
        actions += _sent_note(settings, contact, event)
        actions += _status(settings, enrollment, contact, "Messaged")
        return actions
    if event.type == "reply_received":
        if not event.data.get("first"):
            return []  # only the first reply goes to Greenhouse
        if not linked:
            if settings.sync_mode != "on_reply":
                return []  # "when added" mode and no record: nothing to attach the reply to
            actions += first_sync(settings, enrollment, contact)
            for sent in earlier_sent:
                actions += _sent_note(settings, contact, sent)
        if settings.activity_tracking:
            actions.append(
                LogEmail(
                    dedupe_key=f"note:event:{event.id}",
                    direction="reply",
                    subject=_text(event.data.get("subject")),
                    body=_text(event.data.get("body")),
                    email_from=_text(event.data.get("from")) or _first(contact.emails),
                    email_to=_addresses(event.data.get("to")),
                    visibility=settings.note_visibility,
                )
            )
        actions += _status(settings, enrollment, contact, "Replied")
        actions += _on_reply_moves(settings, enrollment, contact)
        return actions
    if event.type == "task_completed":
        if linked and settings.activity_tracking:
            actions.append(
                AddNote(
                    dedupe_key=f"note:event:{event.id}",
                    body=task_note(event.data, enrollment.sequence_name),
                    visibility=settings.note_visibility,
                )
            )
        return actions
    if event.type in STATUS_OF_EVENT and linked:
        if event.type == "finished" and event.data.get("outcome") in OUTCOMES_WITH_OWN_STATUS:
            return []
        return _status(settings, enrollment, contact, STATUS_OF_EVENT[event.type])
    return []


def first_sync(
    settings: SyncSettings, enrollment: EnrollmentFacts, contact: ContactFacts
) -> list[Action]:
    """Find or create the person on the enrollment's target, then the Recruiter employments
    (a contact already linked only gets the target's application)."""
    person = Person(
        first_name=contact.first_name or "",
        last_name=contact.last_name or "",
        emails=contact.emails,
        company=contact.company,
        title=contact.title,
        phone=contact.phone,
        linkedin_url=contact.linkedin_url,
    )
    actions: list[Action] = [
        EnsurePerson(
            dedupe_key=f"person:{contact.contact_id}:{enrollment.enrollment_id}",
            person=person,
            target=enrollment.target,
            custom_fields=() if contact.linked else mapped_fields(settings, contact),
            match_linkedin_url=settings.match_linkedin_url,
            warn_if_exists=settings.dedupe,
        )
    ]
    if not contact.linked:
        actions += employments(contact)
    return actions


def employments(contact: ContactFacts) -> list[Action]:
    """The five most recent roles, only for people added from LinkedIn Recruiter."""
    if contact.source != "recruiter" or contact.profile is None:
        return []
    out: list[Action] = []
    for role in recent_roles(contact.profile, EMPLOYMENTS_FROM_RECRUITER):
        if not role.company or not role.title:
            continue  # Greenhouse requires both
        out.append(
            AddEmployment(
                dedupe_key=f"employment:{contact.contact_id}:{_role_key(role)}",
                company_name=role.company,
                title=role.title,
                start_date=_date(role.start),
                end_date=None if role.current else _date(role.end),
            )
        )
    return out


def mapped_fields(settings: SyncSettings, contact: ContactFacts) -> tuple[tuple[str, str], ...]:
    """(name_key, value) for every mapped contact field that has a value."""
    pairs = []
    for contact_field, name_key in sorted(settings.custom_field_map.items()):
        value = contact.value_of(contact_field)
        if value is not None and name_key:
            pairs.append((name_key, value))
    return tuple(pairs)


def resync(settings: SyncSettings, contact: ContactFacts, request_id: str) -> list[Action]:
    """The explicit re-sync: apply the current custom field mapping to a synced contact."""
    fields = mapped_fields(settings, contact)
    if not settings.connected or not contact.linked or not fields:
        return []
    key = f"resync:{contact.contact_id}:{request_id}"
    return [ApplyCustomFields(dedupe_key=key, custom_fields=fields)]


def task_note(data: Mapping[str, Any], sequence_name: str | None) -> str:
    """ "Completed task: Call — Senior Backend sequence" (and the recruiter's note, if any)."""
    task_type = _text(data.get("task_type")) or "task"
    label = {"call": "Call", "linkedin": "LinkedIn", "custom": "Task"}.get(task_type, task_type)
    sequence = _text(data.get("sequence_name")) or sequence_name
    text = f"Completed task: {label}" + (f" — {sequence} sequence" if sequence else "")
    step = data.get("step_index")
    if isinstance(step, int) and not isinstance(step, bool):
        text += f", step {step + 1}"  # two calls in one sequence are two notes, not one
    extra = _text(data.get("note")) or _text(data.get("instructions"))
    return f"{text}\n\n{extra}" if extra else text


def _sent_note(settings: SyncSettings, contact: ContactFacts, event: Event) -> list[Action]:
    if not settings.activity_tracking:
        return []
    if settings.connected_at is not None and event.at < settings.connected_at:
        return []  # sent before the integration was connected: not backfilled
    return [
        LogEmail(
            dedupe_key=f"note:event:{event.id}",
            direction="sent",
            subject=_text(event.data.get("subject")),
            body=_text(event.data.get("body")),
            email_from=_text(event.data.get("from")),
            email_to=_addresses(event.data.get("to")) or contact.emails[:1],
            visibility=settings.note_visibility,
        )
    ]


def _status(
    settings: SyncSettings, enrollment: EnrollmentFacts, contact: ContactFacts, value: str
) -> list[Action]:
    status = settings.status_field
    if status is None or (status.kind == "custom_field" and not status.name_key):
        return []
    scope = enrollment.enrollment_id if enrollment.enrollment_id is not None else "-"
    return [
        SetStatus(
            dedupe_key=f"status:{contact.contact_id}:{scope}:{value}",
            value=value,
            field_kind=status.kind,
            name_key=status.name_key,
        )
    ]


def _on_reply_moves(
    settings: SyncSettings, enrollment: EnrollmentFacts, contact: ContactFacts
) -> list[Action]:
    key = f"{contact.contact_id}:{enrollment.enrollment_id}"
    stage = settings.stage_on_reply
    if settings.convert_on_reply:
        if stage is not None and stage.kind == "job":
            return [
                ConvertToCandidate(
                    dedupe_key=f"convert:{key}", job_id=stage.job_id, stage_id=stage.stage_id
                )
            ]
        moves: list[Action] = []
        if stage is not None:
            moves.append(MoveStage(dedupe_key=f"stage:{key}", target=stage))
        target = enrollment.target
        job_id = target.job_id if target is not None and target.kind == "job" else None
        moves.append(ConvertToCandidate(dedupe_key=f"convert:{key}", job_id=job_id))
        return moves
    if stage is None:
        return []
    return [MoveStage(dedupe_key=f"stage:{key}", target=stage)]


def _role_key(role: Position) -> str:
    return "|".join(str(v or "").strip().lower() for v in (role.company, role.title, role.start))


def _date(value: str | None) -> str | None:
    """LinkedIn's "YYYY-MM" / "YYYY" as Greenhouse's YYYY-MM-DD (first of the month / year)."""
    if not value:
        return None
    year, _, month = value.partition("-")
    return f"{year}-{month or '01'}-01"


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _first(values: tuple[str, ...]) -> str:
    return values[0] if values else ""


def _addresses(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part for part in value.split(",")]
    if not isinstance(value, list | tuple):
        return ()
    return tuple(v.strip() for v in value if isinstance(v, str) and v.strip())
