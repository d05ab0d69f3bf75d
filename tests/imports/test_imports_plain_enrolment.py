"""The plain enrolment the edges use until the sequences feature's is wired in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.imports.people import Person
from backend.imports.plain_enrolment import enrol_plainly
from backend.imports.plain_enrolment import in_sequence_plainly
from backend.store.models import Contact
from backend.store.models import Enrollment
from backend.store.models import Sequence
from backend.store.models import utcnow

pytestmark = pytest.mark.db


def person(candidate_id: int, *emails: str) -> Person:
    return Person(candidate_id, candidate_id + 1, False, "Ada", "Lovelace", "Acme", "CTO", emails)


def test_a_person_becomes_a_contact_with_the_greenhouse_ids_and_a_pending_enrollment(db, team):
    with db.session() as session:
        result = enrol_plainly(session, team.sequence_id, person(7, "ada@acme.example", "a@b.c"))
        contact = session.scalars(select(Contact)).one()
        enrollment = session.scalars(select(Enrollment)).one()

    assert result.outcome == "added"
    assert (contact.email, contact.emails) == ("ada@acme.example", ["ada@acme.example", "a@b.c"])
    assert (contact.gh_candidate_id, contact.gh_application_id) == (7, 8)
    assert (enrollment.status, enrollment.active_key) == ("pending", "ada@acme.example")


def test_someone_active_in_another_sequence_of_the_team_is_not_enrolled_again(db, team):
    with db.session() as session:
        other = Sequence(account_id=team.account_id, name="Other")
        session.add(other)
        session.flush()
        enrol_plainly(session, other.id, person(7, "ada@acme.example"))

        again = enrol_plainly(session, team.sequence_id, person(7, "ADA@acme.example"))
        found = in_sequence_plainly(session, other.id, [person(7, "Ada@Acme.example")])

    assert again.outcome == "already_in_sequence" and "sequence" in again.detail
    assert found == {7}


def test_a_deleted_sequence_enrols_nobody(db, team):
    with db.session() as session:
        session.get(Sequence, team.sequence_id).deleted_at = utcnow()
        result = enrol_plainly(session, team.sequence_id, person(9, "x@y.example"))
    assert result.outcome == "failed"
