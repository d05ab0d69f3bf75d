"""The application factory: the only place a Flask app is made."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask import g
from flask import request
from flask_cors import CORS
from werkzeug.routing import IntegerConverter

from backend import defaults
from backend.api import init_api
from backend.api.auth import require_token
from backend.config import load_settings
from backend.infra.bodies import GzipBodyMiddleware
from backend.infra.bodies import reject_bad_body
from backend.infra.bodies import reject_unbounded_json
from backend.infra.services import build_services
from backend.infra.services import close_db_session
from backend.infra.services import commit_db_session
from backend.logs import configure_logging
from backend.logs import new_request_id
from backend.web import init_web


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` bounded to what a BIGINT primary key can hold."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", defaults.MAX_DATABASE_ID)
        super().__init__(url_map, *args, **kwargs)


OPENAPI = {
    "API_TITLE": "Sourcebridge",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the Sourcebridge API app (settings: `config` > env > `.env`)."""
    settings = load_settings(config)
    configure_logging(settings.log_level)

    app = Flask(__name__, instance_path=str(settings.instance_dir))
    # Ids in paths are database integers: one above 2**63 matches no route (404), not a 500.
    app.url_map.converters["int"] = DatabaseIdConverter
    app.config.update(settings.flask_config())
    app.config.update(OPENAPI)
    app.json.sort_keys = False  # keep the documented key order

    app.extensions["sourcebridge"] = build_services(settings)

    if settings.cors_origins:
        CORS(app, origins=list(settings.cors_origins), resources={r"/api/*": {}})

    app.wsgi_app = GzipBodyMiddleware(
        app.wsgi_app, limit=lambda: int(app.config["MAX_CONTENT_LENGTH"])
    )

    @app.before_request
    def _request_id() -> None:
        g.request_id = new_request_id(request.headers.get("X-Request-ID"))

    app.before_request(reject_bad_body)
    app.before_request(require_token)
    app.before_request(reject_unbounded_json)

    @app.after_request
    def _echo_request_id(response):  # type: ignore[no-untyped-def]
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        # No response is ever sniffed into something else (HTML from JSON that echoes input).
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    app.after_request(commit_db_session)
    app.teardown_appcontext(close_db_session)
    init_api(app)
    init_web(app)
    return app
