"""Structural performance guarantees (not timings): what keeps the panel fast stays in place."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.layout import HOST_JS

ROOT = Path(__file__).resolve().parents[2]


def test_panel_boots_on_the_inbox_and_survives_ticket_switches(ext):
    """The panel starts before any ticket is opened, the same frame serves every ticket, and it is a thin
    view: it never loads the bundled Pyodide (the one runtime does)."""
    page = ext.context.new_page()
    page.goto("https://www.klaviyo.com/inbox/")
    panel = ext.panel(page)
    ext.wait_state(panel, "no-ticket")
    panel.evaluate("window.__bootMarker = 42")
    for ticket, customer in (("101", "Jane Doe"), ("102", "Max Mustermann"), ("103", "Ava Smith")):
        page.get_by_role("link", name=customer).click()
        panel.wait_for_selector(f"html[data-ready-key='/inbox/tickets/{ticket}']", state="attached", timeout=15_000)
    assert panel.evaluate("window.__bootMarker") == 42  # never reloaded
    assert panel.evaluate("typeof globalThis.loadPyodide + typeof globalThis.pyodide") == "undefinedundefined"


def test_one_request_per_order_without_the_customer_lookup(ext, loop):
    loop.customer_lookup = False
    page, panel = ext.ready_panel("101")
    details = sorted(r.query["order_name"][0] for r in loop.api_requests("/warehouse/return/details"))
    assert details == ["#1001", "#1002"]
    page.get_by_role("link", name="Max Mustermann: Exchange question").click()
    panel.wait_for_selector("html[data-ready-key='/inbox/tickets/102']", state="attached")
    page.get_by_role("link", name="Jane Doe: Where is my return?").click()
    panel.wait_for_selector("html[data-ready-key='/inbox/tickets/101']", state="attached")
    names = [r.query["order_name"][0] for r in loop.api_requests("/warehouse/return/details")]
    assert sorted(names) == ["#1001", "#1002", "#1003", "#1004"], names  # back on Jane's ticket: from cache


def test_no_synchronous_network_call_in_the_panel():
    """The panel's Python uses the browser's async fetch; nothing ships that does blocking XHR."""
    code = "\n".join(p.read_text() for p in (ROOT / "pyapp").rglob("*.py"))
    code += "\n".join(p.read_text() for p in (ROOT / "extension").rglob("*.js"))
    assert not re.search(r"pyodide_http|open_url|XMLHttpRequest|import requests", code)
    assert "js.fetch(" in (ROOT / "pyapp" / "browser" / "fetch.py").read_text()
    wheels = [p.name for p in (ROOT / "dist" / "vendor" / "wheels").glob("*.whl")]
    assert not any(w.startswith(("pyodide_http", "requests", "urllib3")) for w in wheels)


def test_leaving_the_helpdesk_hides_the_panel_and_coming_back_reuses_it(ext):
    page, panel = ext.ready_panel("101")
    panel.evaluate("window.__bootMarker = 7")
    host_visible = f"() => getComputedStyle(({HOST_JS})()).display !== 'none'"
    page.evaluate("() => { history.pushState({}, '', '/customer-hub/overview'); document.body.append('x'); }")
    page.wait_for_function(f"() => !({host_visible})()", timeout=5000)
    page.evaluate(
        "() => { history.pushState({}, '', '/inbox/tickets/102'); dispatchEvent(new PopStateEvent('popstate')); }"
    )
    page.wait_for_function(host_visible, timeout=5000)
    panel.wait_for_selector("html[data-ready-key='/inbox/tickets/102']", state="attached", timeout=15_000)
    assert panel.evaluate("window.__bootMarker") == 7  # the same Python, no second boot


def test_focus_stays_on_the_button_the_agent_pressed(ext):
    page, panel = ext.ready_panel("101")
    start = panel.get_by_role("button", name="Initiate return").first
    start.focus()
    # Known limit (issue 22 note): Enter within ~0.5 s of the focus that scrolls the sidebar can be refused as
    # "covered" (the browser's visibility reading trails the scroll), 1 run in 3 to 10. The agent here waits.
    page.wait_for_timeout(700)
    focused = panel.evaluate("document.activeElement.id")
    page.keyboard.press("Enter")
    try:
        panel.get_by_role("button", name="Copy link").wait_for(timeout=10_000)
    except Exception as err:
        card_text = panel.evaluate(
            "document.activeElement.closest('section')?.innerText ?? document.activeElement.outerHTML"
        )
        raise AssertionError(f"Enter did not start the return; its card shows: {card_text[:600]}") from err
    assert panel.evaluate("document.activeElement.id") == focused  # re-rendered, focus kept (now on Cancel)


def _offscreen_documents(ext) -> list[str]:
    worker = ext.context.service_workers[0]
    return worker.evaluate(
        "() => chrome.runtime.getContexts({contextTypes: ['OFFSCREEN_DOCUMENT']})"
        ".then(cs => cs.map(c => new URL(c.documentUrl).pathname))"
    )


def test_five_tabs_one_runtime_one_answer(ext, loop):
    """Python runs once per browser: five ticket tabs, one offscreen document; they share one Loop client, so
    the same ticket in five tabs asks Loop once (one cache, one budget for all of them)."""
    pages = [ext.ready_panel("101")[0] for _ in range(5)]
    assert _offscreen_documents(ext) == ["/runtime/runtime.html"]
    assert len(loop.api_requests("/api/v2/returns")) == 1
    assert len(loop.api_requests("/warehouse/return/details")) == 1  # #1002, which the customer lookup missed
    for page in pages:
        page.close()


def test_the_options_page_never_loads_pyodide(ext):
    """The options page's key check runs in the one runtime too; the page itself is plain JavaScript, and
    neither it nor the panel pulls in the bundled Pyodide (only the runtime's worker does)."""
    page = ext.settings_page()
    page.get_by_label("Loop API key").wait_for()
    page.wait_for_timeout(500)
    assert page.evaluate("typeof globalThis.loadPyodide + typeof globalThis.pyodide") == "undefinedundefined"
    # What could load it: only the runtime's worker names the bundled Pyodide in anything that ships.
    shipped = [p for p in (ROOT / "dist").rglob("*") if p.suffix in (".js", ".html") and "vendor" not in p.parts]
    mentions = [p.relative_to(ROOT / "dist").as_posix() for p in shipped if "/vendor/pyodide" in p.read_text()]
    assert mentions == ["runtime/python-worker.js"]
