"""`/api/v1/mailboxes`: connect a recruiter's mailbox (passwords write-only), list, change, test.

Any team member sees the team's mailboxes (sequences pick one); only the mailbox's owner or an
admin changes or deletes it.
"""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from backend.api.blueprint import Blueprint
from backend.api.paging import page
from backend.api.paging import page_args
from backend.infra.services import db_session
from backend.infra.services import services
from backend.mailboxes.context import MailContext
from backend.mailboxes.service import MailboxInputError
from backend.mailboxes.service import MailboxNotFound
from backend.mailboxes.service import check_mailbox
from backend.mailboxes.service import create_mailbox
from backend.mailboxes.service import delete_mailbox
from backend.mailboxes.service import get_mailbox
from backend.mailboxes.service import list_mailboxes
from backend.mailboxes.service import mailbox_view
from backend.mailboxes.service import may_manage
from backend.mailboxes.service import update_mailbox
from backend.store.models import Mailbox

blp = Blueprint(
    "mailboxes", __name__, url_prefix="/api/v1/mailboxes", description="Recruiters' mailboxes"
)

SECURITY = ["starttls", "tls", "none"]


class ServerInSchema(Schema):
    host = fields.String(required=True, validate=validate.Length(min=1, max=253))
    port = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=65535))
    security = fields.String(load_default="starttls", validate=validate.OneOf(SECURITY))
    username = fields.String(required=True, validate=validate.Length(min=1, max=320))
    password = fields.String(load_only=True, validate=validate.Length(min=1, max=1000))


class ServerPatchSchema(ServerInSchema):
    class Meta:
        partial = True


class ServerOutSchema(Schema):
    host = fields.String()
    port = fields.Integer()
    security = fields.String()
    username = fields.String()


class MailboxSettingsSchema(Schema):
    display_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    timezone = fields.String(allow_none=True, validate=validate.Length(max=64))
    daily_cap = fields.Integer(strict=True, validate=validate.Range(min=0, max=100_000))
    min_gap_seconds = fields.Integer(strict=True, validate=validate.Range(min=0, max=100_000))
    signature = fields.String(allow_none=True, validate=validate.Length(max=5000))
    reply_to = fields.Email(allow_none=True)


class MailboxInSchema(MailboxSettingsSchema):
    address = fields.Email(required=True)
    smtp = fields.Nested(ServerInSchema, required=True)
    imap = fields.Nested(ServerInSchema, required=True)


class MailboxPatchSchema(MailboxSettingsSchema):
    address = fields.Email()
    smtp = fields.Nested(ServerPatchSchema)
    imap = fields.Nested(ServerPatchSchema)


class MailboxOutSchema(MailboxSettingsSchema):
    id = fields.Integer()
    user_id = fields.Integer(allow_none=True)
    address = fields.String()
    provider = fields.String()
    smtp = fields.Nested(ServerOutSchema)
    imap = fields.Nested(ServerOutSchema)
    has_password = fields.Boolean()
    status = fields.String(metadata={"description": "ok | auth_error | paused"})
    status_reason = fields.String(allow_none=True)
    paused_until = fields.String(allow_none=True)
    sent_folder = fields.String(allow_none=True)
    created_at = fields.String(allow_none=True)


class MailboxPageSchema(Schema):
    items = fields.List(fields.Nested(MailboxOutSchema))
    next_cursor = fields.String(allow_none=True)


class CheckSchema(Schema):
    ok = fields.Boolean()
    message = fields.String()


class DnsSchema(Schema):
    spf = fields.Nested(CheckSchema)
    dkim = fields.Nested(CheckSchema)
    dmarc = fields.Nested(CheckSchema)


class MailboxTestSchema(Schema):
    smtp = fields.Nested(CheckSchema)
    imap = fields.Nested(CheckSchema)
    dns = fields.Nested(DnsSchema)


def mail_context() -> MailContext:
    svc = services()
    return MailContext.from_settings(svc.settings, svc.secrets)


def _mailbox(mailbox_id: int) -> Mailbox:
    try:
        return get_mailbox(db_session(), g.user.account_id, mailbox_id)
    except MailboxNotFound:
        abort(404, message=f"Mailbox {mailbox_id} not found.")
        raise  # unreachable: abort raises


def _owned(mailbox_id: int) -> Mailbox:
    mailbox = _mailbox(mailbox_id)
    if not may_manage(mailbox, g.user.id, is_admin=g.user.is_admin):
        abort(403, message="Only the mailbox's owner or an admin can change it.")
    return mailbox


@blp.route("")
class Mailboxes(MethodView):
    @blp.response(200, MailboxPageSchema)
    @blp.doc(security=[{"bearer": []}])
    def get(self) -> dict[str, Any]:
        """The team's mailboxes, oldest first (`?limit=&cursor=`)."""
        limit, after = page_args()
        rows = [m for m in list_mailboxes(db_session(), g.user.account_id) if m.id > after]
        return page([mailbox_view(m) for m in rows[:limit]], limit)

    @blp.arguments(MailboxInSchema)
    @blp.response(201, MailboxOutSchema)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Connect a mailbox with a password or app password (write-only, encrypted at rest)."""
        try:
            mailbox = create_mailbox(
                db_session(), g.user.account_id, g.user.id, body, mail_context()
            )
        except MailboxInputError as exc:
            abort(422, message="Invalid mailbox.", errors=exc.errors)
        return mailbox_view(mailbox)


@blp.route("/<int:mailbox_id>")
class MailboxItem(MethodView):
    @blp.response(200, MailboxOutSchema)
    @blp.doc(security=[{"bearer": []}])
    def get(self, mailbox_id: int) -> dict[str, Any]:
        return mailbox_view(_mailbox(mailbox_id))

    @blp.arguments(MailboxPatchSchema)
    @blp.response(200, MailboxOutSchema)
    @blp.doc(security=[{"bearer": []}])
    def patch(self, body: dict[str, Any], mailbox_id: int) -> dict[str, Any]:
        """Change settings or servers; a new password replaces the old one."""
        mailbox = _owned(mailbox_id)
        try:
            update_mailbox(db_session(), g.user.account_id, mailbox.id, body, mail_context())
        except MailboxInputError as exc:
            abort(422, message="Invalid mailbox.", errors=exc.errors)
        return mailbox_view(mailbox)

    @blp.response(204)
    @blp.doc(security=[{"bearer": []}])
    def delete(self, mailbox_id: int) -> None:
        mailbox = _owned(mailbox_id)
        delete_mailbox(db_session(), g.user.account_id, mailbox.id)


@blp.route("/<int:mailbox_id>/test")
class MailboxTest(MethodView):
    @blp.response(200, MailboxTestSchema)
    @blp.doc(security=[{"bearer": []}])
    def post(self, mailbox_id: int) -> dict[str, Any]:
        """Log in to both servers; the sending domain's SPF, DKIM and DMARC in words."""
        mailbox = _mailbox(mailbox_id)
        return check_mailbox(db_session(), g.user.account_id, mailbox.id, mail_context())
