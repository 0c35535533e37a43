"""End-to-end fixtures: the built dist/ in a real Chromium, the stand-ins on loopback under their real names.

One browser per test session (a Pyodide boot per tab is the cost we pay per test); each test gets fresh
stand-in state and fresh extension settings.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

from harness.chromium import Ports, extension_id, launch, panel_frame, wait_state
from harness.loop_standin import FULL_KEY
from tests.e2e import evidence

ROOT = Path(__file__).resolve().parents[2]
TICKET_URL = "https://www.klaviyo.com/inbox/tickets/{id}"
FAILED = pytest.StashKey[bool]()
CONSOLE = pytest.StashKey[list]()


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test's evidence (tests/e2e/evidence.py), taken while its tabs are still open."""
    outcome = yield
    report = outcome.get_result()
    item.stash[FAILED] = item.stash.get(FAILED, False) or report.failed
    context = item.funcargs.get("browser") if report.when == "call" and report.failed else None
    if context is not None:
        out = evidence.save(context, item.nodeid, item.stash.get(CONSOLE, []))
        report.sections.append(("evidence", f"trace, screenshots and consoles in {out.relative_to(ROOT)}/"))


KEY_SHAPE = re.compile(r"\blr_[A-Za-z0-9_]{6,}")  # every Loop key the tests use


@pytest.fixture(autouse=True)
def record(request, browser):
    """Every test is traced (one chunk each; kept only when it fails) and its tabs' consoles are kept."""
    lines: list[str] = []
    request.node.stash[CONSOLE] = lines
    watched = []

    def watch(page) -> None:
        def log(message, page=page) -> None:
            lines.append(f"[{page.url[:80]}] {message.type}: {message.text}")

        page.on("console", log)
        watched.append((page, log))

    for page in browser.pages:
        watch(page)
    browser.on("page", watch)
    browser.tracing.start_chunk(title=request.node.nodeid)
    yield
    browser.remove_listener("page", watch)
    for page, log in watched:
        if not page.is_closed():
            page.remove_listener("console", log)
    # SECURITY.md: no key in any console, in every test (the page's, the panel's and our pages' consoles; the
    # runtime's is swept by the hostile-page test). Every key the tests use starts with "lr_".
    leaked = [line for line in lines if KEY_SHAPE.search(line)]
    if leaked:
        request.node.stash[FAILED] = True
    if request.node.stash.get(FAILED, False):
        out = evidence.folder(request.node.nodeid)
        browser.tracing.stop_chunk(path=str(out / "trace.zip"))
        print(f"\n[evidence] {out.relative_to(ROOT)}/trace.zip: .venv/bin/playwright show-trace {out / 'trace.zip'}")
    else:
        browser.tracing.stop_chunk()
    assert not leaked, f"a key reached a console: {leaked[:3]}"


@pytest.fixture(scope="session")
def browser(built_dist, playwright_instance, loop_server, klaviyo_server):
    profile = Path(tempfile.mkdtemp(prefix="loop-e2e-profile-"))
    headless = not os.environ.get("LOOP_HEADED")  # `python3 -m tests e2e --headed`: a window to watch
    context = launch(playwright_instance, profile, Ports(klaviyo_server.port, loop_server.port), headless=headless)
    context.ext_id = extension_id(context)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin="https://www.klaviyo.com")
    # Actions, console and network only: DOM snapshots and a screencast slow every action, which may widen the
    # races some tests are about (a click before the panel notices a URL change: two such tests failed once
    # each with them on); a failure saves its own screenshots (tests/e2e/evidence.py).
    context.tracing.start(snapshots=False, screenshots=False, sources=False)  # chunks per test: `record`
    yield context
    context.close()


class Ext:
    """Helpers that act as the admin (settings) or read what the agent sees (the panel frame)."""

    def __init__(self, context):
        self.context = context
        self.id = context.ext_id
        self._settings_page = None

    @property
    def base(self) -> str:
        return f"chrome-extension://{self.id}"

    def settings_page(self):
        if self._settings_page is None or self._settings_page.is_closed():
            self._settings_page = self.context.new_page()
            self._settings_page.goto(f"{self.base}/options/options.html")
        return self._settings_page

    def store(self, **values) -> None:
        self.settings_page().evaluate("v => chrome.storage.local.set(v)", values)

    def clear(self) -> None:
        self.settings_page().evaluate("() => chrome.storage.local.clear()")

    def restart_runtime(self) -> None:
        """Close the one runtime (the offscreen document): the next panel starts a fresh one. Each test starts
        from a runtime that has cached nothing of another test's answers, as a browser that was just opened."""
        worker = (
            self.context.service_workers[0]
            if self.context.service_workers
            else self.context.wait_for_event("serviceworker")
        )
        worker.evaluate("() => chrome.offscreen.closeDocument().catch(() => {})")

    def open_ticket(self, ticket_id: str = "101"):
        page = self.context.new_page()
        page.goto(TICKET_URL.format(id=ticket_id))
        return page

    def ready_panel(self, ticket_id: str = "101"):
        """Open a ticket and wait for its returns in the panel: what most tests start from."""
        page = self.open_ticket(ticket_id)
        panel = self.panel(page)
        self.wait_state(panel, "ready")
        return page, panel

    def panel(self, page, timeout: float = 30.0):
        return panel_frame(page, timeout)

    def wait_state(self, frame, *states: str, timeout: float = 30.0) -> str:
        return wait_state(frame, *states, timeout_s=timeout)


@pytest.fixture
def ext(browser, loop, klaviyo_server):
    helper = Ext(browser)
    helper.clear()
    helper.store(apiKey=FULL_KEY, enabled=True, lookupField="email")
    helper.restart_runtime()
    klaviyo_server.reset()
    yield helper
    for page in list(browser.pages):
        if not page.url.startswith("about:"):
            page.close()  # settings tabs too: Chrome would focus an old options tab instead of opening one
    klaviyo_server.reset()


LOOKUP_LABELS = {"email": "E-mail address", "zip": "Shipping ZIP / postal code", "phone": "Phone number"}


@pytest.fixture
def admin(ext):
    """The admin's set-up, through the options page; returns a function so a test can pick the lookup."""

    def set_up(lookup: str = "email", key: str = FULL_KEY) -> None:
        ext.clear()
        page = ext.context.new_page()
        page.goto(f"{ext.base}/options/options.html")
        page.get_by_label("Loop API key").fill(key)
        page.get_by_label("Customer lookup").select_option(label=LOOKUP_LABELS[lookup])
        page.get_by_role("button", name="Save").click()
        page.get_by_text("Saved.", exact=True).wait_for(timeout=30_000)
        page.close()

    set_up()
    return set_up
