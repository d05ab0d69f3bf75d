"""The API's Blueprint: flask-smorest's, reading JSON bodies the way the app already did.

`reject_unbounded_json` (a `before_request` hook) parses every JSON body under `/api/` to refuse
one nested too deep or holding a lone surrogate, and keeps what it parsed; the views' argument
parser takes that instead of parsing the same bytes again (a page view's snapshot is the biggest
body the API gets).
"""

from __future__ import annotations

from typing import Any

import flask
import flask_smorest
from webargs.flaskparser import FlaskParser

from backend.infra.bodies import parsed_json_body


class BoundedJsonParser(FlaskParser):
    def _raw_load_json(self, req: flask.Request) -> Any:
        parsed = parsed_json_body(req)
        return parsed if parsed is not None else super()._raw_load_json(req)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = BoundedJsonParser()
