"""Edge: the HTTP API. flask-smorest, one blueprint per resource (its schemas beside it).

A new resource is a module here with a `blp` (`backend.api.blueprint.Blueprint`), added to
`BLUEPRINTS`.
"""

from __future__ import annotations

from flask import Flask

from backend.api import contacts
from backend.api import enrollments
from backend.api import extension
from backend.api import greenhouse_pickers
from backend.api import health
from backend.api import imports
from backend.api import integrations
from backend.api import lookups
from backend.api import mailboxes
from backend.api import me
from backend.api import sequences
from backend.api import suppressions
from backend.api import sync_log
from backend.api import tasks
from backend.api import unsubscribe
from backend.api import webhooks
from backend.api.errors import Api

BLUEPRINTS = (
    health.blp,
    me.blp,
    integrations.blp,
    lookups.blp,
    webhooks.blp,
    sync_log.blp,
    greenhouse_pickers.blp,
    sequences.blp,
    contacts.blp,
    enrollments.blp,
    tasks.blp,
    suppressions.blp,
    imports.blp,
    extension.blp,
    mailboxes.blp,
    unsubscribe.blp,
)


def init_api(app: Flask) -> Api:
    api = Api(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    return api
