"""Headers, CSRF scope, templates free of inline script/style/handlers, pinned vendored files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backend.web.security import CONTENT_SECURITY_POLICY

WEB = Path(__file__).resolve().parents[2] / "backend" / "web"
TEMPLATES = sorted((WEB / "templates").rglob("*.html"))

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
HX_ON = re.compile(r"\shx-on[:-]", re.I)  # htmx's inline handlers need eval: not allowed


def test_there_are_templates_to_check():
    assert len(TEMPLATES) >= 10


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(WEB)))
def test_no_template_has_inline_script_style_or_handlers(path):
    text = path.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>: put code in static/app.js"
    assert not INLINE_STYLE.search(text), "inline style: put it in static/app.css"
    assert not HANDLER.search(text), "on* handler attribute: the CSP blocks it"
    assert not HX_ON.search(text), "hx-on needs eval, which the CSP and htmx config forbid"


def test_the_csp_allows_our_own_files_only():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", ["/login", "/account", "/settings/integrations", "/nope"])
def test_every_page_carries_the_csp_and_nosniff(admin, path):
    response = admin.get(path)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_static_files_are_served_with_nosniff(client):
    response = client.get("/assets/vendor/htmx-2.0.11/htmx.min.js")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype in ("text/javascript", "application/javascript")
    response.close()  # send_file's open file, else a ResourceWarning (an error in this suite)


def test_the_json_api_needs_no_csrf_token_but_a_bearer_token(client, auth):
    response = client.put(
        "/api/v1/integrations/greenhouse", json={"settings": {"dedupe": False}}, headers=auth
    )
    assert response.status_code == 200
    assert client.put("/api/v1/integrations/greenhouse", json={}).status_code == 401


def test_the_api_never_signs_in_with_the_session_cookie(admin):
    assert admin.client.get("/api/v1/me").status_code == 401


def test_session_cookie_is_httponly_lax_and_secure_behind_https(make_app, app_config):
    app = make_app({**app_config, "PUBLIC_URL": "https://sourcebridge.example"})
    client = app.test_client()
    response = client.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_pages_are_not_cached(admin):
    assert admin.get("/account").headers["Cache-Control"] == "no-store"


def test_vendored_files_are_the_pinned_versions_with_their_licences():
    htmx = (WEB / "static/vendor/htmx-2.0.11/htmx.min.js").read_text()
    assert 'version:"2.0.11"' in htmx
    pico = (WEB / "static/vendor/pico-2.1.1/pico.min.css").read_text()
    assert "Pico CSS ✨ v2.1.1" in pico
    assert (WEB / "static/vendor/htmx-2.0.11/LICENSE").read_text().startswith("Zero-Clause BSD")
    assert "MIT" in (WEB / "static/vendor/pico-2.1.1/LICENSE.md").read_text()


def test_htmx_is_configured_to_stay_inside_the_csp(anonymous):
    html = anonymous.get("/login").get_data(as_text=True)
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html).group(1)
    assert '"includeIndicatorStyles": false' in config
    assert '"allowEval": false' in config
    assert '"selfRequestsOnly": true' in config


def test_every_web_post_route_refuses_a_form_without_its_csrf_token(app, admin):
    posts = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("web.") and "POST" in (rule.methods or ())
    ]
    assert len(posts) >= 15
    for rule in posts:
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "x")
        response = admin.client.post(path, data={"anything": "1"})
        assert response.status_code == 400, f"{rule.rule} answered {response.status_code}"


def test_every_page_a_member_opens_is_html_with_the_csp(app, member):
    for path in ("/account", "/sequences", "/contacts", "/tasks", "/mailboxes", "/sequences/new"):
        response = member.get(path)
        assert response.status_code == 200, path
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
