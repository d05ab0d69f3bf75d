"""Request bodies: gzip-encoded uploads (the extension compresses snapshots) inflated with a cap.

A WSGI middleware so every view sees a plain body; a failure is recorded in the environ and turned
into a 400/413 in the one error format by `reject_bad_body`.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

from flask import Request
from flask import request
from flask_smorest import abort

from backend import defaults
from backend.infra.json_limits import JsonRejected
from backend.infra.json_limits import load_bounded_json

BODY_ERROR = "sourcebridge.body_error"
PARSED_JSON = "sourcebridge.parsed_json"
READ_PIECE = 64 * 1024  # bytes read at a time from a chunked body


class GzipBodyMiddleware:
    def __init__(self, app: Callable[..., Iterable[bytes]], *, limit: Callable[[], int]) -> None:
        self.app = app
        self.limit = limit  # read per request: the app's MAX_CONTENT_LENGTH

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):  # type: ignore[no-untyped-def]
        encoding = environ.get("HTTP_CONTENT_ENCODING", "").strip().lower()
        if encoding in ("gzip", "x-gzip"):
            self._inflate(environ)
        elif encoding and encoding != "identity":
            environ[BODY_ERROR] = (
                415,
                f"Content-Encoding {encoding!r} is not supported; use gzip.",
            )
        return self.app(environ, start_response)

    def _inflate(self, environ: dict[str, Any]) -> None:
        limit = self.limit()
        raw = read_raw_body(environ, limit)
        if raw is None:
            environ[BODY_ERROR] = (413, f"Request body is larger than {limit} bytes.")
            return
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            body = inflater.decompress(raw, limit + 1)
            if len(body) > limit or inflater.unconsumed_tail:
                environ[BODY_ERROR] = (413, f"Inflated body is larger than {limit} bytes.")
                return
            if not inflater.eof:
                raise zlib.error("truncated stream")
        except zlib.error:
            environ[BODY_ERROR] = (400, "Body is marked gzip but does not inflate.")
            return
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)  # now a plain body of known length
        del environ["HTTP_CONTENT_ENCODING"]


def read_raw_body(environ: dict[str, Any], limit: int) -> bytes | None:
    """The body as sent, or None when it is larger than `limit` bytes. A chunked body has no
    Content-Length: it is read to its end (the server dechunks it), never past `limit` + 1."""
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH")
    if length:
        size = int(length)
        return None if size > limit else stream.read(size)
    if "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return b""
    raw = bytearray()
    while len(raw) <= limit:
        piece = stream.read(min(READ_PIECE, limit + 1 - len(raw)))
        if not piece:
            return bytes(raw)
        raw += piece
    return None


def reject_bad_body() -> None:
    """`before_request` hook: answer the middleware's verdict on a body it could not take."""
    problem = request.environ.get(BODY_ERROR)
    if problem:
        status, message = problem
        abort(status, message=message)


def reject_unbounded_json() -> None:
    """`before_request` hook (after authentication): a JSON body under `/api/` nested too deep or
    holding a lone surrogate is a 422 naming the field, before any view parses it. Malformed
    JSON is left to the view's parser (its 400)."""
    if not request.path.startswith("/api/") or not request.is_json:
        return
    raw = request.get_data(cache=True)
    if not raw:
        return
    try:
        value = load_bounded_json(raw, max_depth=defaults.MAX_JSON_DEPTH)
    except JsonRejected as exc:
        abort(422, message=f"Invalid input: {exc.field}", errors={exc.field: [exc.reason]})
    except ValueError:
        return
    request.environ[PARSED_JSON] = value


def parsed_json_body(req: Request) -> Any | None:
    """The JSON body `reject_unbounded_json` already parsed (None when it did not: the parser
    then reads the body itself and answers malformed JSON in its own words)."""
    return req.environ.get(PARSED_JSON)
