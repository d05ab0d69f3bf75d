"""`POST /api/v1/lookups`: a LinkedIn profile in, email + Greenhouse duplicate status out."""

from __future__ import annotations

import time
from typing import Any

from flask import Response
from flask import g
from flask import jsonify
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates_schema

from backend.api.blueprint import Blueprint
from backend.infra.services import db_session
from backend.infra.services import services
from backend.jobs.lookups import QueuedLaterWork
from backend.linkedin_parse import NotAProfilePage
from backend.linkedin_parse import ParseError
from backend.linkedin_parse import ProfileInvalid
from backend.linkedin_parse import SnapshotTooLarge
from backend.lookups.lookup import contact_view
from backend.lookups.lookup import find_contact
from backend.lookups.lookup import run_lookup
from backend.store.models import Lookup

blp = Blueprint("lookups", __name__, url_prefix="/api/v1/lookups", description="Profile lookups")


class LookupInSchema(Schema):
    url = fields.String(required=True, validate=validate.Length(min=1, max=2048))
    html = fields.String(metadata={"description": "The trimmed profile snapshot"})
    profile = fields.Dict(metadata={"description": "A structured Profile instead of a snapshot"})

    @validates_schema
    def html_or_profile(self, data: dict[str, Any], **_: Any) -> None:
        if ("html" in data) == ("profile" in data):
            raise ValidationError("Send exactly one of 'html' or 'profile'.", "html")


class AlternativeSchema(Schema):
    address = fields.String()
    confidence = fields.String()
    score = fields.Float()


class EmailSchema(Schema):
    address = fields.String(allow_none=True)
    confidence = fields.String()
    domain = fields.String(allow_none=True)
    alternatives = fields.List(fields.Nested(AlternativeSchema))
    catch_all = fields.Boolean(allow_none=True)
    role = fields.Boolean()
    reason = fields.String()


class MatchSchema(Schema):
    candidate_id = fields.Integer()
    url = fields.String()
    name = fields.String()
    matched_on = fields.List(fields.String())


class GreenhouseStatusSchema(Schema):
    status = fields.String()
    label = fields.String()
    matches = fields.List(fields.Nested(MatchSchema))


class LookupOutSchema(Schema):
    id = fields.Integer()
    profile = fields.Dict()
    email = fields.Nested(EmailSchema)
    greenhouse = fields.Nested(GreenhouseStatusSchema)
    contact = fields.Dict(allow_none=True)


@blp.route("")
class Lookups(MethodView):
    # The page view's hot path: the input schema is made once (webargs would make one per
    # request from a class), and the answer, already plain data of LookupOutSchema's shape,
    # is sent as it is (the schema documents it; a dump would copy it field by field).
    @blp.arguments(LookupInSchema())
    @blp.response(200, LookupOutSchema)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body: dict[str, Any]) -> Response:
        """Look up the person on a LinkedIn profile page."""
        html = body.get("html")  # its size is the parser's check (SnapshotTooLarge below)
        try:
            svc = services()
            result = run_lookup(
                db_session(),
                svc,
                g.user,
                later=QueuedLaterWork(svc),
                url=body["url"],
                html=html,
                profile=body.get("profile"),
                deadline=time.monotonic() + svc.settings.lookup_budget_seconds,
            )
        except NotAProfilePage as exc:
            abort(422, message=str(exc), errors={"url": [str(exc)]})
        except SnapshotTooLarge as exc:
            abort(413, message=str(exc))
        except ProfileInvalid as exc:
            field = f"profile.{exc.field}" if getattr(exc, "field", None) else "profile"
            abort(422, message=str(exc), errors={field: [str(exc)]})
        except ParseError as exc:
            abort(422, message=str(exc), errors={"html": [str(exc)]})
        return jsonify(result)


@blp.route("/<int:lookup_id>")
class LookupItem(MethodView):
    @blp.response(200, LookupOutSchema)
    @blp.doc(security=[{"bearer": []}])
    def get(self, lookup_id: int) -> dict[str, Any]:
        """A stored lookup of the caller's team."""
        session = db_session()
        row = session.get(Lookup, lookup_id)
        if row is None or row.account_id != g.user.account_id:
            abort(404, message=f"No lookup {lookup_id}.")
        contact = find_contact(session, row.account_id, row.email, row.profile.get("linkedin_url"))
        return {
            "id": row.id,
            "profile": row.profile,
            "email": row.email,
            "greenhouse": row.greenhouse,
            "contact": contact_view(session, services(), contact) if contact else None,
        }
