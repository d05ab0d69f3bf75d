"""The sandbox's HTTP face: a threaded WSGI server speaking Harvest v3 on one base URL.

`{base}/token` mints tokens (OAuth client credentials), `{base}/v3/...` serves the API, and
`{base}/_sandbox/faults` (POST JSON) and `{base}/_sandbox/counters` (GET) control and observe
a sandbox running in another process. `start_sandbox()` runs it in a background thread.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map
from werkzeug.routing import Rule
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from backend import defaults
from backend.greenhouse.sandbox.state import LIST_RESOURCES
from backend.greenhouse.sandbox.state import ApiError
from backend.greenhouse.sandbox.state import Principal
from backend.greenhouse.sandbox.state import SandboxState

DROP = object()
"""Handler result meaning: close the connection without answering."""

ROUTES = [
    ("/v3/<any(" + ",".join(LIST_RESOURCES) + "):resource>", "GET", "list"),
    ("/v3/candidates", "POST", "create_candidate"),
    ("/v3/candidates/<int:id>", "PATCH", "patch_candidate"),
    ("/v3/applications", "POST", "create_application"),
    ("/v3/applications/<int:id>", "PATCH", "patch_application"),
    ("/v3/applications/<int:id>/move", "POST", "move"),
    ("/v3/applications/<int:id>/convert_to_candidate", "POST", "convert"),
    ("/v3/applications/<int:id>/reject", "POST", "reject"),
    ("/v3/applications/<int:id>/hire", "POST", "hire"),
    ("/v3/candidates/<int:id>/merge", "POST", "merge"),
    ("/v3/candidates/<int:id>/anonymize", "PATCH", "anonymize"),
    ("/v3/notes", "POST", "create_note"),
    ("/v3/candidate_employments", "POST", "create_employment"),
    ("/v3/candidate_employments/<int:id>", "DELETE", "delete_employment"),
    ("/v3/candidate_tags", "POST", "create_tag"),
    ("/v3/applied_candidate_tags", "POST", "apply_tag"),
    ("/v3/applied_candidate_tags/<int:id>", "DELETE", "remove_tag"),
]
SCOPES = {
    "create_candidate": "harvest:candidates:create",
    "patch_candidate": "harvest:candidates:update",
    "create_application": "harvest:applications:create",
    "patch_application": "harvest:applications:update",
    "move": "harvest:applications:move",
    "convert": "harvest:applications:convert_to_candidate",
    # The reference names no scopes for these four; these follow the documented pattern.
    "reject": "harvest:applications:reject",
    "hire": "harvest:applications:hire",
    "merge": "harvest:candidates:merge",
    "anonymize": "harvest:candidates:anonymize",
    "create_note": "harvest:notes:create",
    "create_employment": "harvest:candidate_employments:create",
    "delete_employment": "harvest:candidate_employments:destroy",
    "create_tag": "harvest:candidate_tags:create",
    "apply_tag": "harvest:applied_candidate_tags:create",
    "remove_tag": "harvest:applied_candidate_tags:destroy",
}
FAULT_FIELDS = ("error_rate", "drop_rate", "latency", "storm_retry_after", "fail_writes")


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    data = b"" if body is None else json.dumps(body).encode()
    response = Response(data, status=status, headers=headers or {})
    if body is not None:
        response.content_type = "application/json"
    return response


class SandboxApp:
    """The WSGI application over one `SandboxState`."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.url_map = Map([Rule(path, methods=[m], endpoint=e) for path, m, e in ROUTES])

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        result = self.handle(Request(environ))
        if result is DROP:
            # Close the socket under the server: its write of the status line then fails
            # with a broken pipe, which the server treats as a dropped connection.
            start_response("500 Internal Server Error", [])
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            return []
        return result(environ, start_response)

    def handle(self, request: Request) -> Response | object:
        path = request.path
        if path == "/token":
            return self.token(request)
        if path.startswith("/_sandbox/"):
            return self.control(request)
        if path.startswith("/people/"):
            return self.person(path.removeprefix("/people/"))
        if not path.startswith("/v3/"):
            return json_response(404, {"message": "Resource not found"})
        state = self.state
        with state.lock:
            state.counters["requests"] += 1
            faults = replace(state.faults)
        if faults.latency:
            time.sleep(faults.latency)
        if faults.storm_until > time.time():
            with state.lock:
                state.counters["rate_limited"] += 1
            retry = {"Retry-After": str(faults.storm_retry_after)}
            return json_response(429, {"message": "Too Many Requests"}, retry)
        headers: dict[str, str] = {}
        try:
            principal = state.authenticate(request.headers.get("Authorization"))
            headers = state.take_rate_slot(principal.client_id)
            return self.dispatch(request, principal, faults, headers)
        except ApiError as exc:
            return json_response(exc.status, exc.body, {**headers, **exc.headers})

    def dispatch(
        self, request: Request, who: Principal, faults: Any, headers: dict[str, str]
    ) -> Response | object:
        state = self.state
        try:
            endpoint, args = self.url_map.bind_to_environ(request.environ).match()
        except HTTPException as exc:
            status = 405 if exc.code == 405 else 404
            body = {"message": "Method Not Allowed" if status == 405 else "Resource not found"}
            return json_response(status, body, headers)
        scope = f"harvest:{args.get('resource')}:list" if endpoint == "list" else SCOPES[endpoint]
        if not state.granted(scope):
            raise ApiError(403, {"message": "Forbidden", "errors": [f"Missing scope {scope}"]})
        if endpoint == "list" and not who.user["site_admin"]:
            errors = ["The acting user is not a site admin; list endpoints require a site admin."]
            raise ApiError(403, {"message": "Forbidden", "errors": errors})
        is_write = request.method != "GET"
        with state.lock:
            roll = state.fault_rng.random()
            applied_first = state.fault_rng.random() < 0.5
            forced = is_write and state.faults.fail_writes > 0
            if forced:
                state.faults.fail_writes -= 1
        if forced:
            return self._fault("error", headers)
        fault = None
        if roll < faults.drop_rate:
            fault = "drop"
        elif roll < faults.drop_rate + faults.error_rate:
            fault = "error"
        if fault and not (is_write and applied_first):
            return self._fault(fault, headers)
        if endpoint == "list":
            rows, cursor = state.list_rows(args["resource"], request.args.to_dict(flat=True))
            if cursor:
                next_url = f"{request.host_url}v3/{args['resource']}?cursor={cursor}"
                headers["Link"] = f'<{next_url}>; rel="next"'
            status, body = 200, rows
        else:
            status, body = self.write(endpoint, args, self._body(request), who)
        if fault:
            return self._fault(fault, headers)
        return json_response(status, body, headers)

    def _fault(self, kind: str, headers: dict[str, str]) -> Response | object:
        with self.state.lock:
            self.state.counters[f"fault_{kind}"] += 1
        if kind == "drop":
            return DROP
        status = self.state.fault_rng.choice((500, 502, 503))
        return json_response(status, {"message": "Internal Server Error"}, headers)

    @staticmethod
    def _body(request: Request) -> Any:
        if not request.get_data():
            return {}
        try:
            return json.loads(request.get_data())
        except ValueError as exc:
            raise ApiError(
                400, {"message": "Bad Request", "errors": ["Body is not JSON."]}
            ) from exc

    def write(
        self, endpoint: str, args: dict[str, Any], body: Any, who: Principal
    ) -> tuple[int, Any]:
        state = self.state
        row_id = args.get("id")
        if endpoint == "create_candidate":
            return 201, state.create_candidate(body, who.user)
        if endpoint == "patch_candidate":
            return 200, state.patch_candidate(row_id, body)
        if endpoint == "create_application":
            return 201, state.create_application(body)
        if endpoint == "patch_application":
            return 200, state.patch_application(row_id, body)
        if endpoint == "move":
            state.move_application(row_id, body)
            return 204, None
        if endpoint == "convert":
            return 200, state.convert_prospect(row_id, body)
        if endpoint == "reject":
            state.reject_application(row_id, body)
            return 204, None
        if endpoint == "hire":
            state.hire_application(row_id, body)
            return 204, None
        if endpoint == "merge":
            return 200, state.merge_candidates(row_id, body)
        if endpoint == "anonymize":
            return 200, state.anonymize_candidate(row_id, body)
        if endpoint == "create_note":
            return 201, state.create_note(body, who.user)
        if endpoint == "create_employment":
            return 201, state.create_employment(body)
        if endpoint == "delete_employment":
            state.delete("candidate_employments", row_id)
            return 204, None
        if endpoint == "create_tag":
            return 201, state.create_tag(body)
        if endpoint == "apply_tag":
            return 201, state.apply_tag(body)
        state.delete("applied_candidate_tags", row_id)
        return 204, None

    def token(self, request: Request) -> Response:
        if request.method != "POST":
            return json_response(405, {"error": "invalid_request"})
        auth = request.authorization
        user = auth.username if auth and auth.type == "basic" else None
        secret = auth.password if auth and auth.type == "basic" else None
        try:
            body = self.state.issue_token(user, secret, request.form.to_dict(flat=True))
        except ApiError as exc:
            return json_response(exc.status, exc.body, {"Cache-Control": "no-store"})
        return json_response(200, body, {"Cache-Control": "no-store"})

    def person(self, candidate_id: str) -> Response:
        """What a record link (`{APP_URL}/people/{id}`) opens: the candidate, as JSON."""
        row = (
            self.state.tables["candidates"].get(int(candidate_id))
            if candidate_id.isdigit()
            else None
        )
        if row is None:
            return json_response(404, {"message": "Resource not found"})
        return json_response(200, row)

    def control(self, request: Request) -> Response:
        """Faults and counters for a sandbox in another process (loopback demo server)."""
        if request.path == "/_sandbox/counters":
            return json_response(200, self.state.snapshot())
        if request.path == "/_sandbox/faults" and request.method == "POST":
            settings = self._body(request)
            set_faults(self.state, **settings)
            return json_response(200, {"faults": vars(self.state.faults)})
        if request.path == "/_sandbox/expire_tokens" and request.method == "POST":
            self.state.expire_tokens()
            return json_response(204, None)
        return json_response(404, {"message": "Resource not found"})


def set_faults(
    state: SandboxState,
    *,
    error_rate: float | None = None,
    drop_rate: float | None = None,
    latency: float | None = None,
    storm_seconds: float | None = None,
    storm_retry_after: int | None = None,
    fail_writes: int | None = None,
) -> None:
    """Change the injected faults; unnamed ones keep their value (`storm_seconds` from now)."""
    with state.lock:
        values = {"error_rate": error_rate, "drop_rate": drop_rate, "latency": latency}
        values["storm_retry_after"] = storm_retry_after
        values["fail_writes"] = fail_writes
        for name, value in values.items():
            if value is not None:
                setattr(state.faults, name, value)
        if storm_seconds is not None:
            state.faults.storm_until = time.time() + storm_seconds


class QuietHandler(WSGIRequestHandler):
    """No per-request log lines (tests and benchmarks make thousands of requests)."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class SandboxHandle:
    """A running sandbox: where it is, what it accepts, its controls; `shutdown()` stops it."""

    def __init__(
        self, server: Any, thread: threading.Thread | None, state: SandboxState, host: str
    ) -> None:
        self._server = server
        self._thread = thread
        self.state = state
        self.base_url = f"http://{host}:{server.server_port}"
        self.port = server.server_port
        self.client_id = state.client_id
        self.client_secret = state.client_secret
        self.admin_user_id = state.admin_user_id
        self.plain_user_id = state.plain_user_id
        self.service_user_id = state.service_user_id

    def settings(self, user_id: int | None = None) -> dict[str, Any]:
        """`GREENHOUSE_*` settings that point a client at this sandbox (as `user_id` or admin)."""
        return {
            "GREENHOUSE_CLIENT_ID": self.client_id,
            "GREENHOUSE_CLIENT_SECRET": self.client_secret,
            "GREENHOUSE_USER_ID": str(user_id or self.admin_user_id),
            "GREENHOUSE_API_URL": self.base_url,
            "GREENHOUSE_AUTH_URL": self.base_url,
            "GREENHOUSE_APP_URL": self.base_url,
        }

    def set_faults(self, **faults: Any) -> None:
        """error_rate, drop_rate (fractions), latency (s), storm_seconds, storm_retry_after."""
        set_faults(self.state, **faults)

    def clear_faults(self) -> None:
        set_faults(self.state, error_rate=0, drop_rate=0, latency=0, storm_seconds=0, fail_writes=0)

    def counters(self) -> dict[str, Any]:
        """requests, rate_limited (429s sent), created_per_email, duplicates, fault_* …"""
        return self.state.snapshot()

    def expire_tokens(self) -> None:
        self.state.expire_tokens()

    def signed_webhooks(self, secret: str) -> list[tuple[dict[str, str], bytes]]:
        """The webhook deliveries the sandbox owes (rejections, hires, merges, anonymisations,
        deletions) as Greenhouse sends them: `{"action", "payload"}` bodies signed
        `Signature: sha256 <HMAC-SHA256 hex>` with a `Greenhouse-Event-ID`; drains the queue."""
        with self.state.lock:
            owed, self.state.deliveries = self.state.deliveries, []
        out = []
        for action, payload in owed:
            body = json.dumps({"action": action, "payload": payload}).encode()
            digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            headers = {
                "Content-Type": "application/json",
                "Signature": f"sha256 {digest}",
                "Greenhouse-Event-ID": str(uuid.uuid4()),
            }
            out.append((headers, body))
        return out

    def delete_candidate(self, candidate_id: int) -> None:
        """Delete a person as a recruiter would in Greenhouse's UI (queues `delete_candidate`)."""
        self.state.delete_candidate(candidate_id)

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def shutdown(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SandboxHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def make_sandbox(
    port: int = 0,
    *,
    host: str = "127.0.0.1",
    quiet: bool = True,
    background: bool = True,
    seed: int = defaults.SANDBOX_SEED,
    candidates: int = defaults.SANDBOX_CANDIDATES,
    rate_limit: int = defaults.SANDBOX_RATE_LIMIT,
    rate_window_seconds: float = defaults.SANDBOX_RATE_WINDOW.total_seconds(),
    client_id: str = defaults.SANDBOX_CLIENT_ID,
    client_secret: str = defaults.SANDBOX_CLIENT_SECRET,
    token_ttl_seconds: float = defaults.SANDBOX_TOKEN_TTL.total_seconds(),
    scopes: set[str] | None = None,
) -> SandboxHandle:
    state = SandboxState(
        seed=seed,
        candidates=candidates,
        client_id=client_id,
        client_secret=client_secret,
        rate_limit=rate_limit,
        rate_window_seconds=rate_window_seconds,
        token_ttl_seconds=token_ttl_seconds,
        scopes=scopes,
    )
    handler = QuietHandler if quiet else WSGIRequestHandler
    server = make_server(host, port, SandboxApp(state), threaded=True, request_handler=handler)
    server.daemon_threads = True
    thread = None
    if background:
        thread = threading.Thread(
            target=server.serve_forever, args=(0.1,), name="gh-sandbox", daemon=True
        )
        thread.start()
    return SandboxHandle(server, thread, state, host)


def start_sandbox(port: int = 0, **options: Any) -> SandboxHandle:
    """Run a sandbox on 127.0.0.1 in a background thread (port 0: a free port).

    Options: seed, candidates, rate_limit, rate_window_seconds, client_id, client_secret,
    token_ttl_seconds, scopes (None = all granted)."""
    return make_sandbox(port, **options)
