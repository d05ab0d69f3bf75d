"""The web app in real Chromium: a threaded live server, signed-in contexts, and the checks
every page gets (no console errors, CSP included; axe-core; screenshots against baselines).

The app is the real one (create_app, its own SQLite file, the Greenhouse sandbox through the
GREENHOUSE_* settings); Chromium is Debian's (/usr/bin/chromium, or $E2E_CHROMIUM).
Screenshots go to e2e-shots/ for a person to look at; `UPDATE_SNAPSHOTS=1`
writes baselines; a missing one fails the test (nothing would be compared).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import pytest
from flask import g
from flask import request
from werkzeug.serving import make_server

from backend.accounts.signin import set_password
from backend.accounts.users import create_user
from backend.app import create_app
from backend.greenhouse.sandbox.server import start_sandbox
from backend.store.migrations import upgrade

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "e2e-shots"
BASELINES = Path(__file__).resolve().parent / "baselines"
ADMIN = "admin@acme.example"
MEMBER = "member@acme.example"
PASSWORD = "web ui test password"
VIEWPORT = {"width": 1280, "height": 800}


@dataclass
class LiveServer:
    url: str
    app: Any
    server_ms: dict[str, list[float]] = field(default_factory=dict)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="module")
def sandbox():  # type: ignore[no-untyped-def]
    handle = start_sandbox(candidates=5, rate_limit=10_000, rate_window_seconds=30)
    yield handle
    handle.shutdown()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, sandbox: Any) -> Iterator[LiveServer]:
    directory = tmp_path_factory.mktemp("webui")
    database_url = f"sqlite:///{directory / 'web.db'}"
    upgrade(database_url)
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SOURCEBRIDGE_INSTANCE": str(directory),
            "SECRET_KEY": "webui-secret",
            "REDIS_URL": "",
            "TESTING": True,
            "ALLOW_PRIVATE_NETWORKS": True,
            "LOG_LEVEL": "WARNING",
            **{key: str(value) for key, value in sandbox.settings().items()},
        }
    )
    with app.extensions["sourcebridge"].db.session() as session:
        for email, admin in ((ADMIN, True), (MEMBER, False)):
            user, _ = create_user(session, email, admin=admin)
            user.name = "Alex Admin" if admin else "Max Member"
            set_password(session, user, PASSWORD, cheap=True)

    live = LiveServer("", app)

    @app.after_request
    def _time(response):  # type: ignore[no-untyped-def]
        started = g.get("webui_started")
        if started is not None and response.mimetype == "text/html":
            key = f"{request.method} {request.url_rule.rule if request.url_rule else request.path}"
            live.server_ms.setdefault(key, []).append((time.perf_counter() - started) * 1000)
        return response

    @app.before_request
    def _start() -> None:
        g.webui_started = time.perf_counter()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    live.url = f"http://127.0.0.1:{server.socket.getsockname()[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield live
    server.shutdown()
    app.extensions["sourcebridge"].db.dispose()


@pytest.fixture(scope="module")
def browser(playwright: Any, chromium_path: Path) -> Iterator[Any]:
    launched = playwright.chromium.launch(
        executable_path=str(chromium_path),
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    try:
        yield launched
    finally:
        launched.close()


class Guard:
    """Collects console errors (CSP violations included) and failed requests of a page."""

    def __init__(self, page: Any) -> None:
        self.problems: list[str] = []
        page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on(
            "response",
            lambda r: (
                self.problems.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document"
                else None
            ),
        )

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)


def new_context(browser: Any, *, javascript: bool = True, state: Any = None) -> Any:
    return browser.new_context(
        viewport=VIEWPORT,
        reduced_motion="reduce",
        color_scheme="light",
        locale="en-US",
        timezone_id="UTC",
        java_script_enabled=javascript,
        storage_state=state,
    )


def sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture(scope="module")
def admin_state(browser: Any, live: LiveServer) -> Any:
    """Cookies of a signed-in admin, made once per module (a sign-in per test costs seconds)."""
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, live.url, ADMIN)
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def admin_page(browser: Any, admin_state: Any) -> Iterator[tuple[Any, Guard]]:
    context = new_context(browser, state=admin_state)
    page = context.new_page()
    guard = Guard(page)
    yield page, guard
    context.close()


@pytest.fixture
def anonymous_page(browser: Any) -> Iterator[tuple[Any, Guard]]:
    context = new_context(browser)
    page = context.new_page()
    guard = Guard(page)
    yield page, guard
    context.close()


def axe_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(
            n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
            for n in v["nodes"]
        )
        for v in results.response["violations"]
    ]


def assert_accessible(page: Any) -> None:
    found = axe_violations(page)
    assert not found, "axe-core found:\n" + "\n".join(found)


def shoot(page: Any, name: str) -> Path:
    """A full-page screenshot in e2e-shots/ for a person to look at, checked for structure (the
    viewport's width, not one flat colour) and compared loosely with the committed baseline: same
    size, and at most 2% of pixels differ (text rendering may move by a pixel). A missing baseline
    fails: it is recorded on purpose, by a person, with `UPDATE_SNAPSHOTS=1`."""
    from PIL import Image
    from pixelmatch.contrib.PIL import pixelmatch

    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
    shot = Image.open(path).convert("RGBA")
    assert shot.width == VIEWPORT["width"], f"{name}: {shot.width}px wide, not the viewport's"
    low, high = shot.convert("L").getextrema()
    assert low != high, f"{name}: the page rendered as one flat colour"
    baseline = BASELINES / f"{name}.png"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        assert not os.environ.get("CI"), "UPDATE_SNAPSHOTS=1 records baselines; CI compares"
        baseline.write_bytes(path.read_bytes())
        return path
    if not baseline.exists():
        pytest.fail(
            f"{name}: no baseline at {baseline.relative_to(REPO)}. Look at {path}; if it is "
            "right, record it with UPDATE_SNAPSHOTS=1 and commit it."
        )
    base = Image.open(baseline).convert("RGBA")
    assert abs(shot.height - base.height) <= base.height * 0.1 and shot.width == base.width, (
        f"{name}: the page changed size ({shot.size} vs baseline {base.size})"
    )
    if shot.size == base.size:
        # Compared at a quarter of the size: pure-Python pixelmatch on a 1280x5000 page takes
        # a minute, and a loose comparison is the point (layout, not anti-aliasing).
        shot, base = shot.reduce(4), base.reduce(4)
        diff = Image.new("RGBA", shot.size)
        changed = pixelmatch(shot, base, diff, threshold=0.1, includeAA=False)
        share = changed / (shot.width * shot.height)
        if share > 0.02:
            diff.save(SHOTS / f"{name}.diff.png")
        assert share <= 0.02, f"{name}: {share:.1%} of pixels differ from the baseline"
    return path
