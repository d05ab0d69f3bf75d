"""Connect to Sourcebridge, end to end: options page → web app sign-in → Connect → device token."""

from __future__ import annotations

import time

import pytest
import requests

from tests.support.cli import run_cli

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EMAIL = "connect@acme.example"
PASSWORD = "connect e2e password"


@pytest.fixture(scope="module")
def web_user(backend) -> str:  # type: ignore[no-untyped-def]
    args = ("users", "create", "--email", EMAIL, "--password-stdin")
    done = run_cli(*args, env=backend.env, input=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    return EMAIL


def test_connect_signs_the_extension_in_through_the_web_app(ext, backend, web_user):
    ext.configure("", "")
    options = ext.context.new_page()
    ext.pages.append(options)
    options.goto(f"chrome-extension://{ext.extension_id}/options/options.html")
    options.fill("input[name=backendUrl]", backend.url)
    with ext.context.expect_page() as opened:
        options.get_by_role("button", name="Connect to Sourcebridge").click()
    tab = opened.value
    ext.pages.append(tab)
    tab.wait_for_load_state()
    assert tab.url.startswith(f"{backend.url}/login?next=")  # not signed in yet: sign in first
    tab.get_by_label("Email").fill(web_user)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.get_by_role("heading", name="Connect the Sourcebridge extension").wait_for()
    assert web_user in tab.content()
    tab.get_by_role("button", name="Connect").click()

    options.locator("#status[data-kind=ok]").wait_for(timeout=15_000)
    assert options.locator("#status").text_content() == f"Connected as {web_user}."
    deadline = time.monotonic() + 10
    while not tab.is_closed():  # the worker closes the tab it opened
        assert time.monotonic() < deadline, "the connect tab was not closed"
        options.wait_for_timeout(50)

    saved = options.evaluate("chrome.storage.local.get(['backendUrl', 'apiToken'])")
    assert saved["backendUrl"] == backend.url
    assert saved["apiToken"].startswith("sb_")
    assert saved["apiToken"] not in options.content()
    me = requests.get(
        f"{backend.url}/api/v1/me",
        headers={"Authorization": f"Bearer {saved['apiToken']}"},
        timeout=5,
    )
    assert me.status_code == 200 and me.json()["email"] == web_user

    # The account page lists the device; Revoke cuts the extension off.
    account = ext.context.new_page()
    ext.pages.append(account)
    account.goto(f"{backend.url}/account")
    account.get_by_role("heading", name="Connected extensions").wait_for()
    revoke = account.get_by_role("button", name="Revoke Chrome on Linux")
    revoke.click()
    account.get_by_text("Extension disconnected").wait_for()
    # Workers cache a token for TOKEN_CACHE_SECONDS (5 s), so revocation takes effect within that.
    deadline = time.monotonic() + 10
    while True:
        after = requests.get(
            f"{backend.url}/api/v1/me",
            headers={"Authorization": f"Bearer {saved['apiToken']}"},
            timeout=5,
        )
        if after.status_code == 401 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert after.status_code == 401


def test_options_warn_before_saving_a_plain_http_backend_on_the_network(ext):
    ext.configure("", "")
    options = ext.context.new_page()
    ext.pages.append(options)
    options.goto(f"chrome-extension://{ext.extension_id}/options/options.html")
    options.fill("input[name=backendUrl]", "http://sourcebridge.acme.example")
    warning = options.locator("#insecure-warning")
    assert warning.is_visible()
    options.get_by_role("button", name="Save").click()
    options.locator("#status[data-kind=error]").wait_for()
    assert "unencrypted" in options.locator("#status").text_content()
    saved = options.evaluate("chrome.storage.local.get(['backendUrl'])")
    assert saved == {"backendUrl": ""}, "nothing was saved"
    options.fill("input[name=backendUrl]", "http://127.0.0.1:5000")
    assert not warning.is_visible()
