"""Structural performance guarantees (not timings): what keeps the panel fast stays in place."""
from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.layout import HOST_JS

ROOT = Path(__file__).resolve().parents[2]


def test_panel_boots_on_the_inbox_and_survives_ticket_switches(ext):
    """The panel's Python starts before any ticket is opened, and the same instance serves every ticket."""
    page = ext.context.new_page()
    page.goto("https://www.klaviyo.com/inbox/")
    panel = ext.panel(page)
    ext.wait_state(panel, "no-ticket")
    panel.evaluate("window.__bootMarker = 42")
    for ticket, customer in (("101", "Jane Doe"), ("102", "Max Mustermann"), ("103", "Ava Smith")):
        page.get_by_role("link", name=customer).click()
        panel.wait_for_selector(f"html[data-ready-key='/inbox/tickets/{ticket}']", state="attached", timeout=15_000)
    assert panel.evaluate("window.__bootMarker") == 42  # never reloaded
    assert panel.evaluate("performance.getEntriesByName('loop:python-ready').length") == 1


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
    page.evaluate("() => { history.pushState({}, '', '/inbox/tickets/102'); dispatchEvent(new PopStateEvent('popstate')); }")
    page.wait_for_function(host_visible, timeout=5000)
    panel.wait_for_selector("html[data-ready-key='/inbox/tickets/102']", state="attached", timeout=15_000)
    assert panel.evaluate("window.__bootMarker") == 7  # the same Python, no second boot


def test_focus_stays_on_the_button_the_agent_pressed(ext):
    page, panel = ext.ready_panel("101")
    start = panel.get_by_role("button", name="Initiate return").first
    start.focus()
    focused = panel.evaluate("document.activeElement.id")
    page.keyboard.press("Enter")
    panel.get_by_role("button", name="Copy link").wait_for()
    assert panel.evaluate("document.activeElement.id") == focused  # re-rendered, focus kept (now on Cancel)


def test_the_customer_lookup_leaves_before_the_panel_is_imported_and_only_once(ext, loop):
    """Cold start: the early start (pyapp.browser.early) sends the ticket's customer lookup before pydantic and
    the panel are imported, and the panel's client takes that answer instead of asking again."""
    page, panel = ext.ready_panel("101")
    marks = panel.evaluate("""() => Object.fromEntries(['loop:fetch', 'loop:python-ready']
        .map(n => [n, performance.getEntriesByName(n)[0]?.startTime ?? null]))""")
    assert marks["loop:fetch"] is not None and marks["loop:fetch"] < marks["loop:python-ready"], marks
    assert len(loop.api_requests("/api/v2/returns")) == 1
    assert panel.get_by_text("Linen Shirt").first.is_visible()


def test_the_early_start_imports_nothing_that_needs_pydantic():
    """Its whole point is to run before pydantic is imported: follow its imports through pyapp."""
    import ast
    seen, todo = set(), ["pyapp.browser.early"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = ROOT / (name.replace(".", "/") + ".py")
        if not path.exists():
            path = ROOT / name.replace(".", "/") / "__init__.py"
        for node in ast.walk(ast.parse(path.read_text())):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            for mod in mods:
                assert not mod.startswith("pydantic"), f"{name} imports {mod}"
                if mod.startswith("pyapp."):
                    todo.append(mod)
    assert "pyapp.ticket.parser" in seen and "pyapp.loop.wire" in seen
