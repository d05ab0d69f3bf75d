"""A local OAuth 2.0 authorisation server for XOAUTH2 tests (RFC 6749 token endpoint).

    oauth = start_oauth_server()
    code = oauth.issue_code("alice@example.test")      # what the consent screen would redirect with
    POST {oauth.token_url}  grant_type=authorization_code&code=...&client_id=...&client_secret=...
    POST {oauth.token_url}  grant_type=refresh_token&refresh_token=...
    oauth.revoke(refresh_token)     # the next refresh answers 400 invalid_grant
    oauth.email_for(access_token)   # who a bearer token belongs to (None when unknown or expired)
    GET  {oauth.tokeninfo_url}<access token>   # what Dovecot's oauth2 passdb asks

Access tokens live `access_ttl` seconds, so tests can watch a refresh happen before expiry.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass
from dataclasses import field
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs
from urllib.parse import urlsplit

CLIENT_ID = "test-oauth-client"
CLIENT_SECRET = "test-oauth-secret"


@dataclass
class OAuthState:
    access_ttl: int = 3600
    codes: dict[str, str] = field(default_factory=dict)  # code -> email
    refresh: dict[str, str] = field(default_factory=dict)  # refresh token -> email
    access: dict[str, tuple[str, float]] = field(default_factory=dict)  # token -> (email, expiry)
    requests: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def mint(self, email: str) -> dict[str, object]:
        token = "at-" + secrets.token_urlsafe(16)
        self.access[token] = (email, time.time() + self.access_ttl)
        return {"access_token": token, "token_type": "Bearer", "expires_in": self.access_ttl}

    def email_for(self, token: str) -> str | None:
        email, expiry = self.access.get(token, ("", 0.0))
        return email if email and expiry > time.time() else None


class _Handler(BaseHTTPRequestHandler):
    state: OAuthState

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _json(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        url = urlsplit(self.path)
        if url.path != "/tokeninfo":
            return self._json(404, {"error": "not_found"})
        token = parse_qs(url.query).get("access_token", [""])[0]
        email = self.state.email_for(token)
        if email is None:
            return self._json(401, {"error": "invalid_token", "active": "false"})
        return self._json(200, {"email": email, "active": "true"})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        state = self.state
        with state.lock:
            state.requests.append(form)
            if urlsplit(self.path).path != "/token":
                return self._json(404, {"error": "not_found"})
            if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                return self._json(401, {"error": "invalid_client"})
            grant = form.get("grant_type")
            if grant == "authorization_code":
                email = state.codes.pop(form.get("code", ""), None)
                if email is None:
                    return self._json(400, {"error": "invalid_grant"})
                refresh = "rt-" + secrets.token_urlsafe(16)
                state.refresh[refresh] = email
                return self._json(200, {**state.mint(email), "refresh_token": refresh})
            if grant == "refresh_token":
                email = state.refresh.get(form.get("refresh_token", ""))
                if email is None:
                    body = {
                        "error": "invalid_grant",
                        "error_description": "Token has been revoked.",
                    }
                    return self._json(400, body)
                return self._json(200, state.mint(email))
            return self._json(400, {"error": "unsupported_grant_type"})


@dataclass
class OAuthServer:
    url: str
    state: OAuthState
    _server: ThreadingHTTPServer

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    @property
    def authorize_url(self) -> str:
        return f"{self.url}/authorize"

    @property
    def tokeninfo_url(self) -> str:
        return f"{self.url}/tokeninfo?access_token="

    def issue_code(self, email: str) -> str:
        code = "code-" + secrets.token_urlsafe(8)
        self.state.codes[code] = email
        return code

    def revoke(self, refresh_token: str) -> None:
        self.state.refresh.pop(refresh_token, None)
        for token, (_, _) in list(self.state.access.items()):
            self.state.access.pop(token)

    def email_for(self, token: str) -> str | None:
        return self.state.email_for(token)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def start_oauth_server(access_ttl: int = 3600) -> OAuthServer:
    state = OAuthState(access_ttl=access_ttl)
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return OAuthServer(f"http://127.0.0.1:{server.server_address[1]}", state, server)
