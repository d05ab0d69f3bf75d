"""Edge: the HTTP API. flask-smorest, one blueprint per resource (its schemas beside it).

A new resource is a module here with a `blp` Blueprint, added to `BLUEPRINTS`.
"""

from __future__ import annotations

from flask import Flask

from backend.api import health
from backend.api import integrations
from backend.api import lookups
from backend.api import me
from backend.api import webhooks
from backend.api.errors import Api

BLUEPRINTS = (health.blp, me.blp, integrations.blp, lookups.blp, webhooks.blp)


def init_api(app: Flask) -> Api:
    api = Api(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    return api
