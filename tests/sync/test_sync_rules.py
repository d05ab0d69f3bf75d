"""The pure sync rules, one test per row of SYNC_RULES.md (settings → actions; no I/O)."""

from __future__ import annotations

import ast
import inspect
from dataclasses import replace
from datetime import UTC
from datetime import datetime

import pytest

from backend.linkedin_parse import profile_from_dict
from backend.sync import rules
from backend.sync.actions import AddEmployment
from backend.sync.actions import AddNote
from backend.sync.actions import ApplyCustomFields
from backend.sync.actions import ConvertToCandidate
from backend.sync.actions import EnsurePerson
from backend.sync.actions import LogEmail
from backend.sync.actions import MoveStage
from backend.sync.actions import SetStatus
from backend.sync.actions import action_from_payload
from backend.sync.rules import ContactFacts
from backend.sync.rules import EnrollmentFacts
from backend.sync.rules import Event
from backend.sync.rules import StatusField
from backend.sync.rules import SyncSettings
from backend.sync.rules import decide
from backend.sync.targets import Target
from backend.sync.targets import TargetInvalid

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
JOB = Target(kind="job", job_id=41, stage_id=None, job_name="Data Engineer")
POOL = Target(kind="pool", pool_id=7, pool_stage_id=70, pool_name="Eng", stage_name="New")
POOL_REPLIED = Target(kind="pool", pool_id=7, pool_stage_id=72, stage_name="Replied")
JOB_SCREEN = Target(kind="job", job_id=41, stage_id=412, stage_name="Recruiter Screen")

ROLES = [
    {"title": "Staff Engineer", "company": "Globex", "start": "2023-02", "current": True},
    {"title": "Senior Engineer", "company": "Initech", "start": "2020-01", "end": "2023-01"},
    {"title": "Engineer", "company": "Hooli", "start": "2018-03", "end": "2019-12"},
    {"title": "Junior Engineer", "company": "Contoso", "start": "2016-06", "end": "2018-02"},
    {"title": "Intern", "company": "Fabrikam", "start": "2015-06", "end": "2015-09"},
    {"title": "Tutor", "company": "Umbrella", "start": "2013-01", "end": "2015-01"},
]


def profile(source: str = "recruiter"):  # type: ignore[no-untyped-def]
    return profile_from_dict(
        {
            "source": source,
            "full_name": "Pat Doe",
            "headline": "Builds data platforms",
            "linkedin_url": "https://www.linkedin.com/in/pat-doe",
            "positions": ROLES,
        }
    )


def contact(**changes) -> ContactFacts:  # type: ignore[no-untyped-def]
    base = ContactFacts(
        contact_id=5,
        first_name="Pat",
        last_name="Doe",
        emails=("pat@globex.example", "pat@mail.example"),
        company="Globex",
        title="Staff Engineer",
        linkedin_url="https://www.linkedin.com/in/pat-doe",
        source="recruiter",
        profile=profile(),
    )
    return replace(base, **changes)


def event(type_: str, event_id: int = 100, at: datetime = T0, **data) -> Event:  # type: ignore[no-untyped-def]
    return Event(id=event_id, type=type_, at=at, data=data)


SENT = {
    "subject": "Hello",
    "body": "Hi Pat",
    "from": "rec@team.example",
    "to": ["pat@globex.example"],
}
REPLY = {
    "subject": "Re: Hello",
    "body": "Sure",
    "from": "pat@globex.example",
    "to": ["rec@team.example"],
}
ENROLL = EnrollmentFacts(enrollment_id=9, target=JOB, sequence_name="Senior Backend")
ON_ADD = SyncSettings(sync_mode="on_add", connected_at=T0.replace(month=1))


def kinds(actions) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.kind for a in actions]


# --- connection and sync mode ------------------------------------------------
def test_not_connected_nothing_syncs() -> None:
    assert decide(replace(ON_ADD, connected=False), ENROLL, contact(), event("enrolled")) == []


def test_sync_mode_off_nothing_syncs_for_any_event() -> None:
    off = replace(ON_ADD, sync_mode="off")
    for type_, data in [
        ("enrolled", {}),
        ("email_sent", SENT),
        ("reply_received", {"first": True}),
    ]:
        assert decide(off, ENROLL, contact(linked=True), event(type_, **data)) == []


def test_on_add_syncs_the_person_when_added_to_a_sequence() -> None:
    actions = decide(ON_ADD, ENROLL, contact(), event("enrolled"))
    ensure = actions[0]
    assert isinstance(ensure, EnsurePerson)
    assert ensure.target == JOB
    assert ensure.person.emails == ("pat@globex.example", "pat@mail.example")
    assert ensure.person.linkedin_url == "https://www.linkedin.com/in/pat-doe"


def test_on_reply_does_nothing_when_added_or_emailed() -> None:
    on_reply = replace(ON_ADD, sync_mode="on_reply")
    assert decide(on_reply, ENROLL, contact(), event("enrolled")) == []
    assert decide(on_reply, ENROLL, contact(), event("email_sent", **SENT)) == []


def test_on_reply_first_reply_creates_the_record_then_logs_earlier_emails_and_the_reply() -> None:
    on_reply = replace(ON_ADD, sync_mode="on_reply")
    earlier = (event("email_sent", 90, **SENT), event("email_sent", 95, **SENT))
    actions = decide(
        on_reply, ENROLL, contact(), event("reply_received", 100, first=True, **REPLY),
        earlier_sent=earlier,
    )  # fmt: skip
    assert kinds(actions) == ["ensure_person"] + ["add_employment"] * 5 + ["log_email"] * 3
    assert [a.dedupe_key for a in actions if isinstance(a, LogEmail)] == [
        "note:event:90",
        "note:event:95",
        "note:event:100",
    ]
    assert [a.direction for a in actions if isinstance(a, LogEmail)] == ["sent", "sent", "reply"]


def test_later_replies_are_not_synced() -> None:
    assert decide(ON_ADD, ENROLL, contact(linked=True), event("reply_received", first=False)) == []


# --- sequence settings ------------------------------------------------
def test_disable_sync_on_the_enrollment_stops_every_action() -> None:
    disabled = replace(ENROLL, sync_disabled=True)
    for type_, data in [
        ("enrolled", {}),
        ("email_sent", SENT),
        ("reply_received", {"first": True}),
    ]:
        assert decide(ON_ADD, disabled, contact(linked=True), event(type_, **data)) == []


def test_the_enrollment_target_fixed_when_added_is_the_one_used() -> None:
    settings = replace(ON_ADD, default_target=POOL)  # the default changed since: not used
    ensure = decide(settings, ENROLL, contact(), event("enrolled"))[0]
    assert ensure.target == JOB


# --- dedupe and LinkedIn URL matching ------------------------------------------------
def test_dedupe_setting_decides_whether_an_existing_record_is_flagged() -> None:
    on = decide(ON_ADD, ENROLL, contact(), event("enrolled"))[0]
    off = decide(replace(ON_ADD, dedupe=False), ENROLL, contact(), event("enrolled"))[0]
    assert on.warn_if_exists is True and off.warn_if_exists is False


def test_match_on_linkedin_url_is_passed_to_the_find_step() -> None:
    on = decide(ON_ADD, ENROLL, contact(), event("enrolled"))[0]
    off = decide(replace(ON_ADD, match_linkedin_url=False), ENROLL, contact(), event("enrolled"))[0]
    assert on.match_linkedin_url is True and off.match_linkedin_url is False


# --- employments ------------------------------------------------
def test_recruiter_contacts_get_their_five_most_recent_roles() -> None:
    actions = [a for a in decide(ON_ADD, ENROLL, contact(), event("enrolled"))
               if isinstance(a, AddEmployment)]  # fmt: skip
    assert [(a.company_name, a.title) for a in actions] == [
        ("Globex", "Staff Engineer"),
        ("Initech", "Senior Engineer"),
        ("Hooli", "Engineer"),
        ("Contoso", "Junior Engineer"),
        ("Fabrikam", "Intern"),
    ]
    assert actions[0].start_date == "2023-02-01" and actions[0].end_date is None
    assert actions[1].end_date == "2023-01-01"


@pytest.mark.parametrize("source", ["linkedin", "sales_navigator", "import", "api"])
def test_other_sources_never_send_employments(source: str) -> None:
    facts = contact(source=source, profile=profile("linkedin"))
    assert "add_employment" not in kinds(decide(ON_ADD, ENROLL, facts, event("enrolled")))


def test_a_linked_contact_added_again_gets_no_second_first_sync() -> None:
    actions = decide(ON_ADD, ENROLL, contact(linked=True), event("enrolled"))
    assert kinds(actions) == ["ensure_person"]  # the target's application if it has none
    assert actions[0].custom_fields == ()


# --- activity tracking and note visibility ------------------------------------------------
def test_sent_email_becomes_an_email_note_with_the_team_visibility() -> None:
    settings = replace(ON_ADD, note_visibility="admin_only")
    [note] = decide(settings, ENROLL, contact(linked=True), event("email_sent", 7, **SENT))
    assert isinstance(note, LogEmail)
    assert (note.subject, note.body, note.email_from, note.email_to) == (
        "Hello", "Hi Pat", "rec@team.example", ("pat@globex.example",),
    )  # fmt: skip
    assert note.visibility == "admin_only" and note.dedupe_key == "note:event:7"


def test_note_visibility_is_private_by_default() -> None:
    [note] = decide(ON_ADD, ENROLL, contact(linked=True), event("email_sent", **SENT))
    assert note.visibility == "private"


def test_activity_tracking_off_logs_no_email_reply_or_task() -> None:
    quiet = replace(ON_ADD, activity_tracking=False)
    facts = contact(linked=True)
    assert decide(quiet, ENROLL, facts, event("email_sent", **SENT)) == []
    assert decide(quiet, ENROLL, facts, event("reply_received", first=True, **REPLY)) == []
    assert decide(quiet, ENROLL, facts, event("task_completed", task_type="call")) == []


def test_emails_sent_before_the_integration_was_connected_are_not_backfilled() -> None:
    later = replace(ON_ADD, connected_at=T0.replace(day=2))
    assert decide(later, ENROLL, contact(linked=True), event("email_sent", **SENT)) == []


def test_first_reply_becomes_an_email_note_from_the_person() -> None:
    actions = decide(
        ON_ADD, ENROLL, contact(linked=True), event("reply_received", first=True, **REPLY)
    )
    [note] = [a for a in actions if isinstance(a, LogEmail)]
    assert note.direction == "reply" and note.email_from == "pat@globex.example"


def test_completed_manual_task_becomes_a_note_naming_task_and_sequence() -> None:
    [note] = decide(ON_ADD, ENROLL, contact(linked=True), event("task_completed", task_type="call"))
    assert isinstance(note, AddNote)
    assert note.body == "Completed task: Call — Senior Backend sequence"


# --- custom field mapping ------------------------------------------------
def test_mapped_custom_fields_are_applied_at_first_sync() -> None:
    settings = replace(ON_ADD, custom_field_map={"headline": "linkedin_headline", "phone": "x"})
    ensure = decide(settings, ENROLL, contact(), event("enrolled"))[0]
    assert ensure.custom_fields == (("linkedin_headline", "Builds data platforms"),)


def test_resync_reapplies_the_current_mapping_to_a_synced_contact_only() -> None:
    settings = replace(ON_ADD, custom_field_map={"title": "current_title"})
    [action] = rules.resync(settings, contact(linked=True), "r1")
    assert isinstance(action, ApplyCustomFields)
    assert action.custom_fields == (("current_title", "Staff Engineer"),)
    assert rules.resync(settings, contact(linked=False), "r1") == []


# --- status field ------------------------------------------------
@pytest.mark.parametrize(
    ("type_", "data", "value"),
    [
        ("email_sent", SENT, "Messaged"),
        ("reply_received", {"first": True, **REPLY}, "Replied"),
        ("bounced", {}, "Bounced"),
        ("unsubscribed", {}, "Unsubscribed"),
        ("finished", {"outcome": "completed"}, "Finished"),
    ],
)
def test_status_field_follows_the_contact(type_: str, data: dict, value: str) -> None:
    settings = replace(ON_ADD, status_field=StatusField("custom_field", "outreach_status"))
    actions = decide(settings, ENROLL, contact(linked=True), event(type_, **data))
    [status] = [a for a in actions if isinstance(a, SetStatus)]
    assert (status.value, status.field_kind, status.name_key) == (
        value,
        "custom_field",
        "outreach_status",
    )


def test_status_as_tags_and_no_status_without_a_field() -> None:
    tags = replace(ON_ADD, status_field=StatusField("tags"))
    [status] = decide(tags, ENROLL, contact(linked=True), event("bounced"))
    assert status.field_kind == "tags" and status.value == "Bounced"
    assert decide(ON_ADD, ENROLL, contact(linked=True), event("bounced")) == []


def test_finished_after_a_reply_keeps_the_replied_status() -> None:
    settings = replace(ON_ADD, status_field=StatusField("tags"))
    assert (
        decide(settings, ENROLL, contact(linked=True), event("finished", outcome="replied")) == []
    )


# --- stage on reply and convert ------------------------------------------------
def test_reply_moves_the_prospect_to_the_pool_stage() -> None:
    settings = replace(ON_ADD, stage_on_reply=POOL_REPLIED)
    actions = decide(settings, ENROLL, contact(linked=True), event("reply_received", first=True))
    [move] = [a for a in actions if isinstance(a, MoveStage)]
    assert move.target == POOL_REPLIED


def test_reply_moves_to_a_job_stage() -> None:
    settings = replace(ON_ADD, stage_on_reply=JOB_SCREEN)
    actions = decide(settings, ENROLL, contact(linked=True), event("reply_received", first=True))
    assert [a.target for a in actions if isinstance(a, MoveStage)] == [JOB_SCREEN]


def test_convert_on_reply_converts_the_prospect_onto_the_job_stage() -> None:
    settings = replace(ON_ADD, stage_on_reply=JOB_SCREEN, convert_on_reply=True)
    actions = decide(settings, ENROLL, contact(linked=True), event("reply_received", first=True))
    [convert] = [a for a in actions if isinstance(a, ConvertToCandidate)]
    assert (convert.job_id, convert.stage_id) == (41, 412)
    assert not [a for a in actions if isinstance(a, MoveStage)]


def test_no_stage_setting_no_move() -> None:
    actions = decide(ON_ADD, ENROLL, contact(linked=True), event("reply_received", first=True))
    assert "move_stage" not in kinds(actions) and "convert" not in kinds(actions)


# --- once per event ------------------------------------------------
def test_deciding_twice_about_one_event_gives_the_same_dedupe_keys() -> None:
    settings = replace(ON_ADD, status_field=StatusField("tags"), stage_on_reply=POOL_REPLIED)
    reply = event("reply_received", 33, first=True, **REPLY)
    first = decide(settings, ENROLL, contact(linked=True), reply)
    again = decide(settings, ENROLL, contact(linked=True), reply)
    assert [a.dedupe_key for a in first] == [a.dedupe_key for a in again]
    assert len({a.dedupe_key for a in first}) == len(first)


def test_actions_survive_the_outbox_round_trip() -> None:
    settings = replace(ON_ADD, custom_field_map={"headline": "linkedin_headline"})
    for action in decide(settings, ENROLL, contact(), event("enrolled")):
        assert action_from_payload(action.kind, action.dedupe_key, action.to_payload()) == action


# --- targets ------------------------------------------------
def test_targets_parse_both_shapes_and_name_the_bad_field() -> None:
    assert Target.parse({"job_id": 4, "stage_id": "5"}) == Target(kind="job", job_id=4, stage_id=5)
    assert Target.parse({"pool_id": 1, "pool_stage_id": 2}).kind == "pool"
    with pytest.raises(TargetInvalid) as bad:
        Target.parse({"pool_id": 1})
    assert bad.value.field == "pool_stage_id"
    with pytest.raises(TargetInvalid):
        Target.parse({"job_id": True})


def test_rules_import_no_database_http_or_flask() -> None:
    tree = ast.parse(inspect.getsource(rules))
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    banned = ("flask", "sqlalchemy", "requests", "httpx", "redis", "huey", "backend.store")
    assert not [m for m in imported if m.startswith(banned)]
