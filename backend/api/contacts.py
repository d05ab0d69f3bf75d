"""Contacts: search, read (with enrollments and activity), correct, delete."""

from __future__ import annotations

from typing import Any

from flask import g
from flask import request
from flask.views import MethodView

from backend.api.blueprint import Blueprint
from backend.api.paging import json_body
from backend.api.paging import page
from backend.api.paging import page_args
from backend.infra.services import db_session
from backend.infra.services import services
from backend.sequences.contacts import delete_contact
from backend.sequences.contacts import get_contact
from backend.sequences.contacts import list_contacts
from backend.sequences.contacts import update_contact
from backend.sequences.listing import contact_items
from backend.sequences.views import contact_json
from backend.store.models import Contact

blp = Blueprint("contacts", __name__, url_prefix="/api/v1/contacts", description="Contacts")
SECURITY = [{"bearer": []}]


def _app_url() -> str:
    return services().settings.greenhouse_app_url


def _contact(contact_id: int) -> Contact:
    return get_contact(db_session(), g.user.account_id, contact_id)


@blp.route("")
class Contacts(MethodView):
    @blp.doc(security=SECURITY)
    def get(self) -> dict[str, Any]:
        """The team's contacts, `?query=` matching email, name or company."""
        limit, after = page_args()
        session = db_session()
        rows = list_contacts(
            session, g.user.account_id, query=request.args.get("query"), after_id=after, limit=limit
        )
        return page(contact_items(session, rows, _app_url()), limit)


@blp.route("/<int:contact_id>")
class ContactItem(MethodView):
    @blp.doc(security=SECURITY)
    def get(self, contact_id: int) -> dict[str, Any]:
        return contact_json(db_session(), _contact(contact_id), _app_url())

    @blp.doc(security=SECURITY)
    def patch(self, contact_id: int) -> dict[str, Any]:
        session = db_session()
        contact = _contact(contact_id)
        update_contact(session, contact, json_body())
        return contact_json(session, contact, _app_url())

    @blp.doc(security=SECURITY)
    def delete(self, contact_id: int) -> tuple[str, int]:
        """Delete the person and their history from the team."""
        delete_contact(db_session(), _contact(contact_id))
        return "", 204
