"""An enrollment's life on a real database: add, claim, send, follow up, stop."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy import text

from backend.mailboxes.outcome import SendOutcome
from backend.sequences import apply_inbound
from backend.sequences import claim_due_sends
from backend.sequences import executions_to_reconcile
from backend.sequences import lifecycle
from backend.sequences import read_events
from backend.sequences import record_send_result
from backend.sequences import settle_unsent
from backend.sequences import unsubscribe
from backend.sequences.contacts import with_address
from backend.sequences.enrolment import add_person
from backend.sequences.enrolment import person_from_fields
from backend.sequences.errors import Refused
from backend.store.models import Enrollment
from backend.store.models import Event
from backend.store.models import StepExecution
from backend.store.models import Suppression
from tests.sequences.conftest import SENT
from tests.sequences.conftest import add_sequence
from tests.sequences.conftest import add_team
from tests.sequences.conftest import at
from tests.sequences.conftest import inbound

NOW = at(2026, 6, 8, 10)
ADA = {
    "email": "Ada@Analytical.example",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "company": "Analytical Engines",
}


def enrol(db, team, sequence_id, data=ADA, now=NOW, **kwargs):  # type: ignore[no-untyped-def]
    with db.session() as session:
        result = add_person(
            session,
            account_id=team.account_id,
            sequence_id=sequence_id,
            person=person_from_fields(data),
            added_by=team.user_id,
            now=now,
            **kwargs,
        )
        return result.enrollment.id, result.warnings


def event_types(db, enrollment_id):  # type: ignore[no-untyped-def]
    with db.session() as session:
        return [
            e.type
            for e in session.scalars(
                select(Event).where(Event.enrollment_id == enrollment_id).order_by(Event.id)
            )
        ]


def test_a_person_added_while_the_window_is_open_gets_the_first_email_at_once(db, team) -> None:
    sequence_id = add_sequence(db, team)
    enrollment_id, warnings = enrol(db, team, sequence_id)
    assert warnings == []
    with db.session() as session:
        claimed = claim_due_sends(session, NOW, "worker-1")
    assert len(claimed) == 1
    email = claimed[0].email
    assert email.to_addr == "ada@analytical.example"
    assert email.subject == "Hello Ada"
    assert email.text_body == "Hi Ada, about Analytical Engines.\nGrace"
    assert email.message_id.endswith("@team.example>")
    with db.session() as session:
        execution = session.get(StepExecution, claimed[0].execution_id)
        assert execution.state == "sending"  # committed before any network call
        assert (execution.subject, execution.body) == (email.subject, email.text_body)


def test_a_sent_email_schedules_the_follow_up_in_the_same_thread(db, team) -> None:
    sequence_id = add_sequence(db, team)
    enrollment_id, _ = enrol(db, team, sequence_id)
    with db.session() as session:
        first = claim_due_sends(session, NOW, "w")[0]
        record_send_result(session, first.execution_id, SENT, NOW)
    with db.session() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment.current_step == 1
        assert enrollment.next_action_at == NOW + timedelta(days=2)
        assert claim_due_sends(session, NOW + timedelta(days=1), "w") == []
        follow_up = claim_due_sends(session, NOW + timedelta(days=2, minutes=1), "w")[0]
    assert follow_up.email.subject == "Re: Hello Ada"
    assert follow_up.email.in_reply_to == first.email.message_id
    assert follow_up.email.references == (first.email.message_id,)
    with db.session() as session:
        record_send_result(
            session, follow_up.execution_id, SENT, NOW + timedelta(days=2, minutes=1)
        )
    with db.session() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert (enrollment.status, enrollment.outcome) == ("finished", "completed")
        assert enrollment.active_key is None
    assert event_types(db, enrollment_id) == ["enrolled", "email_sent", "email_sent", "finished"]


def test_a_reply_in_the_thread_stops_every_active_enrollment_of_the_person(db, team) -> None:
    sequence_id = add_sequence(db, team)
    enrollment_id, _ = enrol(db, team, sequence_id)
    with db.session() as session:
        sent = claim_due_sends(session, NOW, "w")[0]
        record_send_result(session, sent.execution_id, SENT, NOW)
    with db.session() as session:
        apply_inbound(
            session,
            team.account_id,
            inbound(
                "reply",
                from_addr="ada.personal@gmail.example",
                in_reply_to=sent.email.message_id,
            ),
            NOW + timedelta(hours=1),
        )
    with db.session() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert (enrollment.status, enrollment.outcome) == ("finished", "replied")
        follow_up = session.scalars(
            select(StepExecution).where(
                StepExecution.enrollment_id == enrollment_id, StepExecution.step_index == 1
            )
        ).one()
        assert follow_up.state == "canceled"
        reply = session.scalars(select(Event).where(Event.type == "reply_received")).one()
        assert reply.data["first"] is True
        assert reply.data["body"] == "Sounds good"
        assert claim_due_sends(session, NOW + timedelta(days=3), "w") == []


def test_a_reply_out_of_thread_from_the_same_address_stops_too(db, team) -> None:
    sequence_id = add_sequence(db, team)
    enrollment_id, _ = enrol(db, team, sequence_id)
    with db.session() as session:
        apply_inbound(
            session, team.account_id, inbound("reply", from_addr="ADA@analytical.example"), NOW
        )
    with db.session() as session:
        assert session.get(Enrollment, enrollment_id).outcome == "replied"


def test_a_contact_is_found_by_address_through_the_team_and_email_index(db, team) -> None:
    enrol(db, team, add_sequence(db, team))  # stored lower-cased, as every address is
    lookup = with_address(team.account_id, " ADA@analytical.example ")
    with db.session() as session:
        assert [c.email for c in session.scalars(lookup)] == ["ada@analytical.example"]
        if session.bind.dialect.name != "sqlite":
            return  # the plan below is SQLite's wording
        query = lookup.compile(session.bind, compile_kwargs={"literal_binds": True})
        plan = " ".join(row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {query}")))
    assert "USING INDEX" in plan and "email=?" in plan, plan  # not a lower(email) scan


def test_one_active_enrollment_per_person_per_team(db, team) -> None:
    first = add_sequence(db, team)
    second = add_sequence(db, team)
    enrol(db, team, first)
    with pytest.raises(Refused) as caught:
        enrol(db, team, second, data={**ADA, "email": "ada@analytical.example"})
    assert caught.value.status == 409


def test_a_suppressed_address_is_refused_with_the_reason(db, team) -> None:
    sequence_id = add_sequence(db, team)
    with db.session() as session:
        unsubscribe(session, team.account_id, "ada@analytical.example", NOW)
    with pytest.raises(Refused) as caught:
        enrol(db, team, sequence_id)
    assert caught.value.status == 422
    assert "unsubscribed" in caught.value.message


def test_unsubscribe_finishes_and_suppresses_team_wide(db, team) -> None:
    sequence_id = add_sequence(db, team)
    enrollment_id, _ = enrol(db, team, sequence_id)
    with db.session() as session:
        apply_inbound(
            session,
            team.account_id,
            inbound("unsubscribe", from_addr="ada@analytical.example"),
            NOW,
        )
    with db.session() as session:
        assert session.get(Enrollment, enrollment_id).outcome == "unsubscribed"
        assert session.scalars(select(Suppression.reason)).all() == ["unsubscribed"]
    assert "unsubscribed" in event_types(db, enrollment_id)


@pytest.mark.parametrize(
    ("kind", "decided", "expected"),
    [
        (  # a reply the rules say pauses: paused, not finished as replied
            "reply",
            lifecycle.InboundDecision(
                pause_until=NOW + timedelta(days=2), event="auto_reply_received"
            ),
            ("paused", None, [], NOW + timedelta(days=2)),
        ),
        (  # an unsubscribe the rules say only removes: no suppression
            "unsubscribe",
            lifecycle.InboundDecision(finish_outcome="removed", event="finished"),
            ("finished", "removed", [], None),
        ),
        (  # a soft bounce the rules say waits five days: the follow-up waits that long
            "bounce_soft",
            lifecycle.InboundDecision(retry_after=timedelta(days=5)),
            ("active", None, [], NOW + timedelta(days=5)),
        ),
        (  # a soft bounce the rules say is hard: finished and suppressed as bounced
            "bounce_soft",
            lifecycle.InboundDecision(
                finish_outcome="bounced", suppress="bounced", event="bounced"
            ),
            ("finished", "bounced", ["bounced"], None),
        ),
    ],
    ids=["reply-paused", "unsubscribe-removed", "soft-bounce-waits", "soft-bounce-as-hard"],
)
def test_an_inbound_message_does_what_decide_inbound_decided(
    db, team, monkeypatch, kind, decided, expected
) -> None:
    enrollment_id, _ = enrol(db, team, add_sequence(db, team))
    with db.session() as session:
        sent = claim_due_sends(session, NOW, "w")[0]
        record_send_result(session, sent.execution_id, SENT, NOW)
    monkeypatch.setattr(lifecycle, "decide_inbound", lambda *args, **kwargs: decided)
    address = "ada@analytical.example"
    message = inbound(
        kind, from_addr=address, bounced_address=address, in_reply_to=sent.email.message_id
    )
    with db.session() as session:
        apply_inbound(session, team.account_id, message, NOW)
    with db.session() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        suppressed = session.scalars(select(Suppression.reason)).all()
        found = (enrollment.status, enrollment.outcome, suppressed, enrollment.next_action_at)
    assert found == expected


def test_a_hard_bounce_finishes_and_suppresses(db, team) -> None:
    sequence_id = add_sequence(db, team)
    enrollment_id, _ = enrol(db, team, sequence_id)
    with db.session() as session:
        sent = claim_due_sends(session, NOW, "w")[0]
        record_send_result(session, sent.execution_id, SENT, NOW)
        apply_inbound(
            session,
            team.account_id,
            inbound(
                "bounce_hard",
                from_addr="mailer-daemon@mx.example",
                bounced_address="ada@analytical.example",
                in_reply_to=sent.email.message_id,
            ),
            NOW,
        )
    with db.session() as session:
        assert session.get(Enrollment, enrollment_id).outcome == "bounced"
        assert session.scalars(select(Suppression.reason)).all() == ["bounced"]


def test_out_of_office_pauses_until_the_return_date_then_resumes(db, team) -> None:
    sequence_id = add_sequence(db, team)
    enrollment_id, _ = enrol(db, team, sequence_id)
    with db.session() as session:
        sent = claim_due_sends(session, NOW, "w")[0]
        record_send_result(session, sent.execution_id, SENT, NOW)
        apply_inbound(
            session,
            team.account_id,
            inbound(
                "auto_reply",
                from_addr="ada@analytical.example",
                return_date=(NOW + timedelta(days=10)).date(),
            ),
            NOW,
        )
    with db.session() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment.status == "paused" and enrollment.paused_reason == "out of office"
        assert claim_due_sends(session, NOW + timedelta(days=3), "w") == []
        resumed = claim_due_sends(session, NOW + timedelta(days=10, hours=1), "w")
        assert len(resumed) == 1
        assert session.get(Enrollment, enrollment_id).status == "active"
    assert "auto_reply_received" in event_types(db, enrollment_id)
    assert "resumed" in event_types(db, enrollment_id)


def test_a_missing_value_pauses_with_the_reason(db, team) -> None:
    sequence_id = add_sequence(db, team)
    enrollment_id, warnings = enrol(db, team, sequence_id, data={"email": "x@corp.example"})
    assert warnings == ["paused: no first name"]
    with db.session() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert (enrollment.status, enrollment.paused_reason) == ("paused", "no first name")


def test_an_ambiguous_send_is_settled_by_the_reconciler(db, team) -> None:
    sequence_id = add_sequence(db, team)
    enrol(db, team, sequence_id)
    with db.session() as session:
        sent = claim_due_sends(session, NOW, "w")[0]
        record_send_result(
            session, sent.execution_id, SendOutcome("unknown", "lost after DATA"), NOW
        )
    with db.session() as session:
        assert executions_to_reconcile(session, NOW) == [
            (sent.execution_id, team.mailbox_id, sent.email.message_id)
        ]
        # not in Sent yet, too early to send again
        assert settle_unsent(session, sent.execution_id, NOW + timedelta(minutes=1)) is False
        assert settle_unsent(session, sent.execution_id, NOW + timedelta(minutes=20)) is True
    with db.session() as session:
        again = claim_due_sends(session, NOW + timedelta(minutes=21), "w")
    assert [c.email.message_id for c in again] == [sent.email.message_id]  # same Message-ID


def test_a_worker_that_dies_mid_send_leaves_it_for_the_reconciler_not_a_resend(db, team) -> None:
    sequence_id = add_sequence(db, team)
    enrol(db, team, sequence_id)
    with db.session() as session:
        sent = claim_due_sends(session, NOW, "w")[0]
    later = NOW + timedelta(minutes=6)  # lease over
    with db.session() as session:
        assert claim_due_sends(session, later, "w2") == []
        assert [r[0] for r in executions_to_reconcile(session, later)] == [sent.execution_id]
        record_send_result(session, sent.execution_id, SENT, later)
        assert session.get(StepExecution, sent.execution_id).state == "sent"


def test_a_retry_keeps_the_message_id_and_frees_the_cap_slot(db, team) -> None:
    sequence_id = add_sequence(db, team)
    enrol(db, team, sequence_id)
    with db.session() as session:
        first = claim_due_sends(session, NOW, "w")[0]
        record_send_result(
            session,
            first.execution_id,
            SendOutcome("retry", "421 try later", NOW + timedelta(minutes=5)),
            NOW,
        )
    with db.session() as session:
        assert claim_due_sends(session, NOW + timedelta(minutes=1), "w") == []
        again = claim_due_sends(session, NOW + timedelta(minutes=5), "w")
    assert again[0].email.message_id == first.email.message_id


def test_events_are_read_once_per_consumer_and_again_after_a_failed_attempt(db, team) -> None:
    sequence_id = add_sequence(db, team)
    enrol(db, team, sequence_id)
    enrol(db, team, sequence_id, data={**ADA, "email": "b@corp.example"})
    try:
        with db.session() as session:
            batch = read_events(session, "sync", 10)
            assert len(batch) == 2
            raise RuntimeError("the consumer failed while acting")
    except RuntimeError:
        pass
    with db.session() as session:
        assert [e.id for e in read_events(session, "sync", 1)] == [batch[0].id]
    with db.session() as session:
        assert [e.id for e in read_events(session, "sync", 10)] == [batch[1].id]
        assert [e.id for e in read_events(session, "feed", 10)] == [e.id for e in batch]
    with db.session() as session:
        assert read_events(session, "sync", 10) == []


def test_a_company_reply_stops_colleagues_only_where_the_sequence_asks(db, team) -> None:
    strict = add_sequence(db, team, settings={"stop_on_company_reply": True})
    lenient = add_sequence(db, team)
    ada, _ = enrol(db, team, strict)
    bob, _ = enrol(db, team, strict, data={**ADA, "email": "bob@analytical.example"})
    cy, _ = enrol(db, team, lenient, data={**ADA, "email": "cy@analytical.example"})
    gmail, _ = enrol(db, team, strict, data={**ADA, "email": "dee@gmail.com"})
    with db.session() as session:
        apply_inbound(
            session, team.account_id, inbound("reply", from_addr="ada@analytical.example"), NOW
        )
        apply_inbound(
            session,
            team.account_id,
            inbound("reply", from_addr="eve@gmail.com", message_id="<other@x>"),
            NOW,
        )
    with db.session() as session:
        outcomes = {i: session.get(Enrollment, i).outcome for i in (ada, bob, cy, gmail)}
    assert outcomes == {ada: "replied", bob: "removed", cy: None, gmail: None}


def test_mail_from_someone_not_in_a_sequence_stops_nobody_at_their_company(db, team) -> None:
    strict = add_sequence(db, team, settings={"stop_on_company_reply": True})
    ada, _ = enrol(db, team, strict)
    with db.session() as session:  # a client at the same company writes to the recruiter
        apply_inbound(
            session, team.account_id, inbound("reply", from_addr="cto@analytical.example"), NOW
        )
        apply_inbound(  # a domain made of LIKE wildcards matches nobody either
            session,
            team.account_id,
            inbound("reply", from_addr="x@%", message_id="<wild@x>"),
            NOW,
        )
    with db.session() as session:
        assert session.get(Enrollment, ada).outcome is None


def test_a_cap_delay_says_why_and_when(db) -> None:
    team = add_team(db, "Capped", daily_cap=1)
    sequence_id = add_sequence(db, team)
    enrol(db, team, sequence_id)
    second, _ = enrol(db, team, sequence_id, data={**ADA, "email": "b@corp.example"})
    with db.session() as session:
        claimed = claim_due_sends(session, NOW, "w")
        assert len(claimed) == 1
    with db.session() as session:
        waiting = session.get(Enrollment, second)
        assert waiting.delay_reason == "daily cap of 1 reached"
        assert waiting.next_action_at == NOW + timedelta(hours=24)


def test_a_reply_from_another_known_address_of_the_person_stops_them(db, team) -> None:
    sequence_id = add_sequence(db, team)
    with db.session() as session:
        added = add_person(
            session,
            account_id=team.account_id,
            sequence_id=sequence_id,
            person=person_from_fields(ADA),
            added_by=None,
            now=NOW,
        )
        added.contact.emails = ["ada@analytical.example", "ada_l@home.example"]
        enrollment_id = added.enrollment.id
    with db.session() as session:
        apply_inbound(
            session, team.account_id, inbound("reply", from_addr="Ada_L@home.example"), NOW
        )
    with db.session() as session:
        assert session.get(Enrollment, enrollment_id).outcome == "replied"
