"""Sequences: create, list (with indicators and counts), change, pause, resume, delete; and
adding people (one, or a CSV upload)."""

from __future__ import annotations

from typing import Any

from flask import g
from flask import request
from flask.views import MethodView

from backend.api.blueprint import Blueprint
from backend.api.greenhouse_match import greenhouse_match_for
from backend.api.paging import fail
from backend.api.paging import int_arg
from backend.api.paging import json_body
from backend.api.paging import page
from backend.api.paging import page_args
from backend.infra.services import db_session
from backend.infra.services import services
from backend.sequences.authoring import create_sequence
from backend.sequences.authoring import delete_sequence
from backend.sequences.authoring import get_sequence
from backend.sequences.authoring import pause_sequence
from backend.sequences.authoring import preview
from backend.sequences.authoring import resume_sequence
from backend.sequences.authoring import update_sequence
from backend.sequences.enrolment import add_person
from backend.sequences.enrolment import import_rows
from backend.sequences.enrolment import person_from_fields
from backend.sequences.enrolment import person_from_lookup
from backend.sequences.enrolment import read_csv_rows
from backend.sequences.listing import sequence_items
from backend.sequences.listing import team_sequences
from backend.sequences.views import contact_json
from backend.sequences.views import enrollment_json
from backend.sequences.views import sequence_json
from backend.store.models import Contact
from backend.store.models import Sequence
from backend.store.models import utcnow

blp = Blueprint("sequences", __name__, url_prefix="/api/v1/sequences", description="Sequences")
SECURITY = [{"bearer": []}]


def _sequence(sequence_id: int) -> Sequence:
    return get_sequence(db_session(), g.user.account_id, sequence_id)


@blp.route("")
class Sequences(MethodView):
    @blp.doc(security=SECURITY)
    def get(self) -> dict[str, Any]:
        """The team's sequences, with Sync Disabled / Custom Sync indicators and counts."""
        limit, after = page_args()
        session = db_session()
        rows = team_sequences(session, g.user.account_id, after_id=after, limit=limit)
        return page(sequence_items(session, rows), limit)

    @blp.doc(security=SECURITY)
    def post(self) -> tuple[dict[str, Any], int]:
        """Create a sequence: name, mailbox, steps, schedule, sync settings."""
        session = db_session()
        sequence = create_sequence(session, g.user.account_id, g.user.id, json_body(), utcnow())
        return sequence_json(session, sequence), 201


@blp.route("/<int:sequence_id>")
class SequenceItem(MethodView):
    @blp.doc(security=SECURITY)
    def get(self, sequence_id: int) -> dict[str, Any]:
        return sequence_json(db_session(), _sequence(sequence_id))

    @blp.doc(security=SECURITY)
    def patch(self, sequence_id: int) -> dict[str, Any]:
        """Change it; new steps make a new version when people are on the current one."""
        session = db_session()
        sequence = _sequence(sequence_id)
        update_sequence(session, sequence, json_body(), utcnow())
        return sequence_json(session, sequence)

    @blp.doc(security=SECURITY)
    def delete(self, sequence_id: int) -> tuple[str, int]:
        """Delete it; its people are removed (their history stays)."""
        delete_sequence(db_session(), _sequence(sequence_id), utcnow())
        return "", 204


@blp.route("/<int:sequence_id>/pause", methods=["POST"])
@blp.doc(security=SECURITY)
def pause(sequence_id: int) -> dict[str, Any]:
    session = db_session()
    sequence = _sequence(sequence_id)
    pause_sequence(session, sequence, utcnow())
    return sequence_json(session, sequence)


@blp.route("/<int:sequence_id>/resume", methods=["POST"])
@blp.doc(security=SECURITY)
def resume(sequence_id: int) -> dict[str, Any]:
    session = db_session()
    sequence = _sequence(sequence_id)
    resume_sequence(session, sequence, utcnow())
    return sequence_json(session, sequence)


@blp.route("/<int:sequence_id>/contacts", methods=["POST"])
@blp.doc(security=SECURITY)
def add_contact(sequence_id: int) -> tuple[dict[str, Any], int]:
    """Add a person: `{"lookup_id"}` or `{"email", "first_name", "last_name", ...}`."""
    session = db_session()
    svc = services()
    body = json_body()
    sequence = _sequence(sequence_id)
    if body.get("lookup_id") is not None:
        if not isinstance(body["lookup_id"], int) or isinstance(body["lookup_id"], bool):
            fail(422, "a lookup id", "lookup_id")
        person = person_from_lookup(
            session, g.user.account_id, body["lookup_id"], body.get("email")
        )
    else:
        person = person_from_fields(body)
    added = add_person(
        session,
        account_id=g.user.account_id,
        sequence_id=sequence.id,
        person=person,
        added_by=g.user.id,
        now=utcnow(),
        greenhouse_match=greenhouse_match_for(session, svc, g.user.account_id),
    )
    app_url = svc.settings.greenhouse_app_url
    return {
        "contact": contact_json(session, added.contact, app_url),
        "enrollment": enrollment_json(added.enrollment),
        "warnings": added.warnings,
    }, 201


@blp.route("/<int:sequence_id>/contacts/import", methods=["POST"])
@blp.doc(security=SECURITY)
def import_contacts(sequence_id: int) -> tuple[dict[str, Any], int]:
    """A CSV upload (`email,first_name,last_name,company,title,linkedin_url`), as the form field
    `file` or as a `text/csv` body; each row is added on its own, with its result."""
    session = db_session()
    svc = services()
    sequence = _sequence(sequence_id)
    upload = request.files.get("file")
    data = upload.read() if upload is not None else request.get_data()
    if not data:
        fail(422, "send a CSV file (form field 'file' or a text/csv body)", "file")
    result = import_rows(
        session,
        account_id=g.user.account_id,
        sequence_id=sequence.id,
        rows=read_csv_rows(data),
        added_by=g.user.id,
        now=utcnow(),
        greenhouse_match=greenhouse_match_for(session, svc, g.user.account_id, live=False),
    )
    return result, 202


@blp.route("/<int:sequence_id>/preview", methods=["GET"])
@blp.doc(security=SECURITY)
def preview_steps(sequence_id: int) -> dict[str, Any]:
    """`?contact_id=`: each step as that contact would get it (or what is missing)."""
    session = db_session()
    sequence = _sequence(sequence_id)
    contact_id = int_arg("contact_id")
    if contact_id is None:
        fail(422, "which contact to preview for", "contact_id")
    contact = session.get(Contact, contact_id)
    if contact is None or contact.account_id != g.user.account_id:
        fail(404, f"No contact {contact_id}.")
    return {"contact_id": contact_id, "steps": preview(session, sequence, contact)}
