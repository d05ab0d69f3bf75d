"""Liveness and readiness probes (no authentication)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema
from marshmallow import fields

from backend.api.blueprint import Blueprint
from backend.infra.services import services


class HealthSchema(Schema):
    status = fields.String()
    checks = fields.Dict(keys=fields.String(), values=fields.String())


blp = Blueprint("health", __name__, description="Liveness and readiness")


@blp.route("/healthz")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    def get(self) -> dict[str, object]:
        """The process is up."""
        return {"status": "ok"}


@blp.route("/readyz")
class Ready(MethodView):
    @blp.response(200, HealthSchema)
    def get(self) -> dict[str, object]:
        """The database (and Redis, when configured) answer."""
        checks: dict[str, str] = {}
        svc = services()
        try:
            svc.db.ping()
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            abort(503, message=f"database unavailable: {type(exc).__name__}")
        if svc.settings.redis_url:
            try:
                svc.extras["redis"].ping()
                checks["redis"] = "ok"
            except Exception as exc:  # noqa: BLE001
                abort(503, message=f"redis unavailable: {type(exc).__name__}")
        return {"status": "ok", "checks": checks}
