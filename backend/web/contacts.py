"""Contacts: search, and a profile with Open in Greenhouse, the job/pool and stage, enrollments
(with the next send and why it waits) and the activity timeline. Read through the sequences
feature's own views (`contact_json`), the ones the JSON API returns."""

from __future__ import annotations

from flask import render_template
from flask import request
from flask_login import current_user

from backend import defaults
from backend.infra.services import db_session
from backend.infra.services import services
from backend.sequences.contacts import get_contact
from backend.sequences.contacts import list_contacts
from backend.sequences.listing import contact_items
from backend.sequences.listing import sequence_names
from backend.sequences.views import contact_json
from backend.web.blueprint import bp
from backend.web.blueprint import positive_id
from backend.web.sequences import STATUS_WORDS

EVENT_WORDS = {
    "enrolled": "Added to the sequence",
    "email_sent": "Email sent",
    "reply_received": "Replied",
    "auto_reply_received": "Automatic reply",
    "bounced": "Email bounced",
    "unsubscribed": "Unsubscribed",
    "task_due": "Task due",
    "task_completed": "Task completed",
    "task_skipped": "Task skipped",
    "paused": "Paused",
    "resumed": "Resumed",
    "finished": "Finished",
}
SYNC_WORDS = {
    "pending": "Waiting to sync",
    "synced": "Synced",
    "failed": "Sync failed",
    "skipped": "Not synced",
    "disabled": "Sync Disabled",
}


@bp.route("/contacts")
def contacts():  # type: ignore[no-untyped-def]
    query = request.args.get("query", "").strip()[:200]
    after = positive_id(request.args.get("after")) or 0
    session = db_session()
    rows = list_contacts(
        session,
        current_user.account_id,
        query=query,
        after_id=after,
        limit=defaults.WEB_PAGE_SIZE + 1,
    )
    more = len(rows) > defaults.WEB_PAGE_SIZE  # one row more than a page: there is a next page
    rows = rows[: defaults.WEB_PAGE_SIZE]
    app_url = services().settings.greenhouse_app_url
    items = contact_items(session, rows, app_url)
    return render_template(
        "contacts/list.html",
        items=items,
        query=query,
        sync_words=SYNC_WORDS,
        next_after=rows[-1].id if more else None,
    )


@bp.route("/contacts/<int:contact_id>")
def contact(contact_id: int):  # type: ignore[no-untyped-def]
    session = db_session()
    row = get_contact(session, current_user.account_id, contact_id)
    data = contact_json(session, row, services().settings.greenhouse_app_url)
    ids = {e["sequence_id"] for e in data["enrollments"]}
    names = sequence_names(session, ids)
    return render_template(
        "contacts/profile.html",
        contact=data,
        sequence_names=names,
        status_words=STATUS_WORDS,
        event_words=EVENT_WORDS,
        sync_words=SYNC_WORDS,
    )
