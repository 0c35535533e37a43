"""SECURITY.md's checks against the built extension: a hostile page, spoofing and injection, API faults.

A canary key is planted and the Loop stand-in accepts it; every check then looks for it where it must not be.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import expect

from harness.loop_standin import Fault
from tests.e2e.evidence import RuntimeConsole
from tests.e2e.layout import HOST_JS, IN_VIEW, into_view, tap
from tests.e2e.test_agent_flow import card

CANARY = "lr_canary_7d41e0c2b9f3a5"

# A page script that hunts for the key everywhere a page can look, records every message, event and
# mutation, tries to reach our extension pages by their static URL and spoofs our messages.
HOSTILE = r"""
(() => {
  const log = { found: [], messages: [], events: [], mutations: 0, fetches: {}, frames: {}, clicks: 0 };
  window.__hostile = log;
  const canary = %(canary)s;
  const look = (where, value) => {
    try { if (String(value).includes(canary)) log.found.push(where); } catch (e) {}
  };
  addEventListener("message", (e) => { log.messages.push(String(e.origin)); look("message", JSON.stringify(e.data)); }, true);
  const origDispatch = EventTarget.prototype.dispatchEvent;
  EventTarget.prototype.dispatchEvent = function (ev) {
    log.events.push(ev.type); look("event", JSON.stringify(ev.detail ?? null)); return origDispatch.call(this, ev);
  };
  new MutationObserver((ms) => {
    for (const m of ms) {
      log.mutations++;
      look("mutation-attr", m.target.getAttribute?.(m.attributeName));
      for (const n of m.addedNodes) look("mutation-node", n.outerHTML ?? n.textContent);
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  function sweep() {
    const all = document.querySelectorAll("*");
    for (const el of all) {
      for (const a of el.attributes) look("attr", a.value);
      if (el.shadowRoot) look("open-shadow", el.shadowRoot.innerHTML);
    }
    look("html", document.documentElement.outerHTML);
    for (const k of Object.getOwnPropertyNames(window)) {
      try { const v = window[k]; if (typeof v === "string") look("window." + k, v); } catch (e) {}
    }
    for (let i = 0; i < localStorage.length; i++) look("localStorage", localStorage.getItem(localStorage.key(i)));
    for (let i = 0; i < sessionStorage.length; i++) look("sessionStorage", sessionStorage.getItem(sessionStorage.key(i)));
    look("cookie", document.cookie);
    for (const e of performance.getEntries()) look("performance", e.name);
  }
  window.__hostileSweep = sweep;
  window.__hostileAttack = async (extId) => {
    for (const path of ["options/options.html", "panel/panel.html", "manifest.json"]) {
      try { const r = await fetch(`chrome-extension://${extId}/${path}`); log.fetches[path] = r.status; }
      catch (e) { log.fetches[path] = "refused"; }
      await new Promise((resolve) => {
        const f = document.createElement("iframe");
        f.src = `chrome-extension://${extId}/${path}#spoof`;
        f.onload = () => { try { log.frames[path] = f.contentDocument ? "readable" : "loaded-opaque"; } catch (e) { log.frames[path] = "opaque"; } resolve(); };
        f.onerror = () => { log.frames[path] = "error"; resolve(); };
        document.body.append(f);
        setTimeout(resolve, 3000);
      });
    }
    for (const msg of [{ kind: "page-changed", nonce: "guess" }, { kind: "snapshot" }, { kind: "insert-reply", text: "x" }])
      window.postMessage(msg, "*");
    sweep();
    return log;
  };
})();
"""


@pytest.fixture
def hostile(ext, loop, klaviyo_server):
    loop.keys[CANARY] = {"returns", "orders", "draft_returns"}
    ext.store(apiKey=CANARY)
    klaviyo_server.page_script = HOSTILE % {"canary": json.dumps(CANARY)}
    yield ext
    klaviyo_server.page_script = None


def test_hostile_page_finds_no_key_and_cannot_reach_our_pages(hostile, loop):
    console: list[str] = []
    hostile.context.on("console", lambda m: console.append(m.text))
    for worker in hostile.context.service_workers:
        worker.on("console", lambda m: console.append(m.text))
    options = hostile.context.new_page()  # the admin checks the key: the options page's console is watched too
    options.goto(f"{hostile.base}/options/options.html")
    options.get_by_role("button", name="Test connection").click()
    options.locator("#result").get_by_text("Returns ✓").wait_for(timeout=30_000)
    runtime = RuntimeConsole(hostile.context, options)  # up now: it checked the key
    for worker in hostile.context.service_workers:
        worker.evaluate("console.log('service-worker-console-probe')")
    page = hostile.open_ticket("101")
    panel = hostile.panel(page)
    hostile.wait_state(panel, "ready")
    c = panel.locator("section.card[data-order='#1002']")
    tap(c.get_by_role("button", name="Initiate return"))
    c.get_by_role("button", name="Copy link").wait_for()
    before = len(loop.api_requests())
    log = page.evaluate("id => window.__hostileAttack(id)", hostile.id)
    page.wait_for_timeout(1500)
    assert log["found"] == [], log["found"]
    assert log["fetches"]["options/options.html"] == "refused" and log["fetches"]["manifest.json"] == "refused"
    assert log["fetches"]["panel/panel.html"] == "refused"  # use_dynamic_url: the static URL is not reachable
    # Framed by their static URL, our pages are refused: the frames hold Chromium's error page, not ours.
    framed = [f.url for f in page.frames if f.parent_frame is not None and f.url != panel.url]
    assert len(framed) == 3 and all(u.startswith("chrome-error://") for u in framed), framed
    assert len(loop.api_requests()) == before  # spoofed messages caused no call
    for r in loop.api_requests():
        assert r.headers.get("x-authorization") == CANARY
        assert CANARY not in r.path + json.dumps(r.query) and CANARY.encode() not in r.body
    assert "service-worker-console-probe" in console  # the service worker's console is really being read
    runtime.probe()
    page.wait_for_timeout(500)
    assert "runtime-document-probe" in runtime.lines and "runtime-worker-probe" in runtime.lines, runtime.lines
    assert not any(CANARY in line for line in console + runtime.lines)


def test_page_removing_our_panel_gets_bounded_remounts(hostile, klaviyo_server):
    page = hostile.open_ticket("101")
    hostile.panel(page)
    removed = page.evaluate("""async () => {
        let n = 0;
        for (let i = 0; i < 15; i++) {
          const host = [...document.documentElement.children].find(e => e.localName === 'div');
          if (host) { host.remove(); n++; }
          document.body.append(document.createElement('p'));  // a DOM change, so the content script looks again
          await new Promise(r => setTimeout(r, 120));
        }
        return n;
    }""")
    assert 1 <= removed <= 5  # MAX_MOUNTS in the content script
    assert page.evaluate("document.title").endswith("Klaviyo")  # the page is still alive and responsive


INJECTED_TICKET = {
    "id": "666",
    "subject": "<img src=x onerror=window.__pwned=1>",
    "channel": "Email",
    "customer": {"name": "<script>window.__pwned=1</script>", "email": "jane@example.com"},
    "orders": [
        {"name": '#1001"><img src=x onerror=window.__pwned=1>', "total": "$1", "status": "x"},
        {"name": "../../admin", "total": "$1", "status": "x"},
        {"name": "%2F", "total": "$1", "status": "x"},
        {"name": "#" + "9" * 10_000, "total": "$1", "status": "x"},
        {"name": "#1002", "total": "$1", "status": "x"},
    ],
    "messages": [{"from": "x", "text": "javascript:alert(1) and <b>#1003</b> " + "A" * 10_000}],
}


def test_injected_names_are_rejected_and_loop_html_is_inert_text(ext, loop, klaviyo_server):
    klaviyo_server.tickets = [INJECTED_TICKET]
    evil = '<img src=x onerror="window.__pwned=1">'
    for r in loop.returns:
        r["line_items"][0]["title"] = evil
        r["line_items"][0]["return_reason"] = "<script>window.__pwned=1</script>"
        r["carrier"] = "<b>Evil</b>"
        r["status_page_url"] = "javascript:window.__pwned=1"
    page, panel = ext.ready_panel("666")
    # Only the well-formed sidebar name became an order (Jane's #1001 appears separately, as her history).
    assert panel.locator("section.card[data-source='ticket'] h3").all_inner_texts() == ["#1002"]
    paths = [r.path + json.dumps(r.query) for r in loop.api_requests()]
    assert all("admin" not in p and "%2F" not in p and "<" not in p for p in paths)
    text = panel.locator("main").inner_text()
    assert evil in text  # shown, as text
    assert panel.locator("main img").count() == 0 and panel.locator("main script").count() == 0
    assert panel.locator("a[href^='javascript:']").count() == 0
    assert not panel.evaluate("Boolean(window.__pwned)") and not page.evaluate("Boolean(window.__pwned)")


def _every_string(node, value, keep=("order_name", "customer", "created_at", "updated_at", "label_updated_at")):
    """Loop's answer with markup in every string field (nested ones too), but the fields the lookup matches on."""
    if isinstance(node, dict):
        return {k: (v if k in keep else _every_string(v, value, keep)) for k, v in node.items()}
    if isinstance(node, list):
        return [_every_string(v, value, keep) for v in node]
    return value if isinstance(node, str) else node


def test_markup_in_every_loop_string_and_hostile_links_are_inert(ext, loop):
    """Every string Loop sends, as markup; URL fields as javascript:, data: and a look-alike host: shown as
    text, never as markup; no javascript: or data: link; a link to a host that is not Loop's says its host."""
    evil = "<img src=x onerror=window.__pwned=1><script>window.__pwned=1</script>"
    urls = {"status_page_url": "javascript:window.__pwned=1", "label_url": "data:text/html,<script>alert(1)</script>"}
    loop.returns = [_every_string(r, evil) | urls for r in loop.returns]
    loop.returns[0]["status_page_url"] = "https://api.loopreturns.com.evil.example/#/return/1"
    page, panel = ext.ready_panel("101")
    main = panel.locator("main")
    expect(main).to_contain_text(evil, use_inner_text=True)  # shown, as text
    assert main.locator("img, script").count() == 0
    hrefs = main.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith("https://") for h in hrefs), hrefs
    look_alike = main.get_by_role("link", name="api.loopreturns.com.evil.example")
    assert look_alike.count() == 1  # the agent sees where that link goes
    assert not panel.evaluate("Boolean(window.__pwned)") and not page.evaluate("Boolean(window.__pwned)")


def test_retry_after_is_honoured_end_to_end(ext, loop):
    """Loop's Retry-After: 2 on the customer lookup: Chromium's next request leaves no sooner."""
    loop.faults.append(
        Fault("status", path="/api/v2/returns", status=429, headers={"Retry-After": "2"}, times=1, body={})
    )
    page = ext.open_ticket("101")
    ext.wait_state(ext.panel(page), "ready", timeout=20)
    first, second = [r.at for r in loop.api_requests("/api/v2/returns")][:2]
    assert second - first >= 1.95


def test_a_trickling_answer_is_cut_at_the_deadline_by_the_shipped_transport(ext, loop):
    """One byte every half second never completes: the panel's fetch gives up at its deadline (8 s) and says
    so, and the panel answers the agent meanwhile."""
    loop.faults.append(Fault("trickle", path="/api/v2/returns", seconds=30))
    page = ext.open_ticket("101")
    panel = ext.panel(page)
    ext.wait_state(panel, "loading")
    started = time.monotonic()
    tap(panel.get_by_role("button", name="Collapse the Loop Returns panel"))
    ext.wait_state(panel, "collapsed", timeout=2)
    tap(panel.get_by_role("button", name="Expand the Loop Returns panel"))
    ext.wait_state(panel, "unreachable", timeout=15)
    assert time.monotonic() - started < 12
    assert "did not answer in time" in panel.get_by_role("alert").inner_text()


def test_the_content_script_cannot_read_the_key(ext):
    """Storage is closed to content scripts (setAccessLevel TRUSTED_CONTEXTS, Chrome 140+): asked from the
    content script's own isolated world, storage.local refuses."""
    page, _ = ext.ready_panel("101")
    cdp = ext.context.new_cdp_session(page)
    contexts: list[dict] = []
    cdp.on("Runtime.executionContextCreated", lambda e: contexts.append(e["context"]))
    cdp.send("Runtime.enable")
    ours = [c for c in contexts if c.get("auxData", {}).get("type") == "isolated" and ext.id in c.get("origin", "")]
    assert ours, [c.get("name") for c in contexts]
    result = cdp.send(
        "Runtime.evaluate",
        {
            "expression": "chrome.storage.local.get('apiKey').then(v => 'read:' + JSON.stringify(v), e => 'refused:' + e.message)",
            "contextId": ours[0]["id"],
            "awaitPromise": True,
            "returnByValue": True,
        },
    )
    outcome = result["result"]["value"]
    assert outcome.startswith("refused:") and "lr_" not in outcome, outcome


FAULTS = [
    # (fault, expected panel state, words in the message, max requests for the ticket)
    (
        Fault("status", status=401, body={"error": {"code": "401", "message": "Unauthorized."}}),
        "key-rejected",
        "rejected",
        2,
    ),
    (Fault("status", status=403, body={"errors": [{"message": "Forbidden"}]}), "key-rejected", "rejected", 2),
    (Fault("status", status=429, body={}), "rate-limited", "busy", 3 + 2 * 3),
    (Fault("status", status=500), "unreachable", "cannot be reached", 3 + 2 * 3),
    (Fault("status", status=502, body=b"<html>Bad gateway</html>"), "unreachable", "cannot be reached", 9),
    (Fault("status", status=503), "unreachable", "cannot be reached", 9),
    # An unreadable answer to the (undocumented) customer lookup falls back to the documented per-order
    # lookup once: 1 + one per order (2), none retried.
    (Fault("malformed"), "unreachable", "cannot read", 3),
    (Fault("html200"), "unreachable", "cannot read", 3),
    (Fault("error200"), "unreachable", "cannot read", 3),
    (Fault("wrong_schema"), "unreachable", "cannot read", 3),
    (Fault("huge"), "unreachable", "cannot read", 3),
    (Fault("redirect"), "unreachable", "cannot be reached", 1),
]


@pytest.mark.parametrize(
    "fault,state,words,max_requests",
    FAULTS,
    ids=[f"{f.kind}-{f.status}" if f.kind == "status" else f.kind for f, *_ in FAULTS],
)
def test_api_faults_give_one_clear_message(ext, loop, fault, state, words, max_requests):
    loop.faults.append(fault)
    page = ext.open_ticket("101")
    panel = ext.panel(page)
    ext.wait_state(panel, state, timeout=40)
    alert = panel.get_by_role("alert").inner_text()
    assert words in alert
    for raw in ("Unauthorized.", "<html", "padding", "Server Error", "UNEXPECTED", "Traceback", "undefined"):
        assert raw not in panel.locator("main").inner_text()
    assert 1 <= len(loop.api_requests()) <= max_requests, [(r.path, r.query) for r in loop.api_requests()]


def test_hanging_loop_keeps_the_panel_responsive_and_times_out(ext, loop):
    loop.faults.append(Fault("hang", seconds=12))
    page = ext.open_ticket("101")
    panel = ext.panel(page)
    ext.wait_state(panel, "loading")
    started = time.monotonic()
    tap(panel.get_by_role("button", name="Collapse the Loop Returns panel"))  # handled while Loop hangs
    ext.wait_state(panel, "collapsed", timeout=2)
    assert time.monotonic() - started < 2
    tap(panel.get_by_role("button", name="Expand the Loop Returns panel"))
    ext.wait_state(panel, "unreachable", timeout=15)
    assert "did not answer in time" in panel.get_by_role("alert").inner_text()


def test_offline_fails_fast_and_recovers_on_retry(ext, loop):
    page, panel = ext.ready_panel("101")
    loop.faults.append(Fault("reset"))
    page.get_by_role("link", name="Max Mustermann: Exchange question").click()
    started = time.monotonic()
    ext.wait_state(panel, "unreachable", timeout=15)
    assert time.monotonic() - started < 6
    loop.faults.clear()
    tap(panel.get_by_role("button", name="Retry"))
    ext.wait_state(panel, "ready")
    expect(panel.locator("section.card[data-order='#1003']")).to_be_visible()


def test_browser_restart_with_the_key_stored(built_dist, playwright_instance, loop, klaviyo_server, tmp_path):
    from harness.chromium import Ports, extension_id, launch, open_ticket_panel, store_settings
    from harness.loop_standin import FULL_KEY

    ports = Ports(klaviyo_server.port, loop.port)
    context = launch(playwright_instance, tmp_path / "profile", ports)
    store_settings(context, extension_id(context), apiKey=FULL_KEY)
    context.close()
    context = launch(playwright_instance, tmp_path / "profile", ports)
    try:
        open_ticket_panel(context, "https://www.klaviyo.com/inbox/tickets/101")  # the stored key still works
    finally:
        context.close()


def test_content_script_answers_only_the_panel_holding_its_nonce(ext):
    """Another copy of our panel page (opened by an extension context) asks for the ticket with a wrong nonce."""
    page = ext.open_ticket("101")
    ext.wait_state(ext.panel(page), "ready")
    rogue = ext.context.new_page()
    rogue.goto(f"{ext.base}/panel/panel.html#not-the-nonce")
    answers = rogue.evaluate("""async () => {
        const out = [];
        for (const tab of await chrome.tabs.query({})) {  // no "tabs" permission: ask every tab
          try {
            out.push(await chrome.tabs.sendMessage(tab.id, {kind: "snapshot", nonce: "not-the-nonce"}, {frameId: 0}) ?? null);
          } catch (e) { out.push("no receiver"); }
        }
        return out;
    }""")
    assert len(answers) >= 2 and "no receiver" in answers  # the tabs were really asked
    assert all(a in (None, "no receiver") for a in answers), answers


def test_the_runtime_takes_ports_only_from_our_pages_at_their_own_addresses(ext, loop):
    """The runtime's port checks (runtime.js ``accepted``): settings only from the service worker, a panel only
    from panel.html inside a tab's frame. The options page and a top-level copy of panel.html (both our own
    pages, the most a compromised extension page could be) push a wrong key as "settings" and ask for Retry as a
    "panel": the ticket's panel keeps its key and state, and Loop hears nothing from either."""
    page = ext.open_ticket("101")
    panel = ext.panel(page)
    ext.wait_state(panel, "ready")
    page.wait_for_timeout(500)
    before = len(loop.api_requests())
    spoof = """() => {
        const s = chrome.runtime.connect({name: "settings"});
        s.postMessage({kind: "settings", local: {apiKey: "lr_wrong_key", enabled: true}, managed: {}});
        const p = chrome.runtime.connect({name: "panel"});
        p.postMessage({kind: "act", action: "retry", order: "", values: {}});
        p.postMessage({kind: "act", action: "initiate-return", order: "#1002", values: {}});
    }"""
    options = ext.context.new_page()
    options.goto(f"{ext.base}/options/options.html")
    options.evaluate(spoof)
    rogue = ext.context.new_page()
    rogue.goto(f"{ext.base}/panel/panel.html")
    rogue.evaluate(spoof)
    page.wait_for_timeout(2000)
    assert panel.locator("html").get_attribute("data-panel-state") == "ready"
    assert not [r for r in loop.api_requests() if r.headers.get("x-authorization") == "lr_wrong_key"]
    assert len(loop.api_requests()) == before and not loop.drafts and not loop.links
    options.close()
    rogue.close()


def test_service_worker_stopped_mid_lookup_does_not_matter(ext, loop):
    """The panel calls Loop itself; stopping the extension's service worker during a slow lookup changes nothing."""
    loop.faults.append(Fault("delay", path="/api/v2/returns", seconds=2, times=1))
    page = ext.open_ticket("101")
    panel = ext.panel(page)
    ext.wait_state(panel, "loading")
    cdp = ext.context.new_cdp_session(page)
    cdp.send("ServiceWorker.enable")
    cdp.send("ServiceWorker.stopAllWorkers")
    ext.wait_state(panel, "ready")
    assert panel.get_by_role("alert").count() == 0


def test_after_an_extension_update_the_page_says_reload(
    built_dist, playwright_instance, loop, klaviyo_server, tmp_path
):
    """On an update/reload the old content script is orphaned and its frame dead: in its place the agent reads
    "Loop Returns was updated — reload the page", and nothing is thrown at the page. (Recovery after the reload
    cannot be exercised here: Chromium 156 disables a command-line-loaded extension when it reloads itself,
    reason "unsupportedDeveloperExtension"; a store or policy install reloads normally and the next page load
    mounts the new panel, as every other test shows.) Own browser: the reload disables the extension."""
    from harness.chromium import Ports, extension_id, launch, panel_frame, store_settings
    from harness.loop_standin import FULL_KEY

    context = launch(playwright_instance, tmp_path / "profile", Ports(klaviyo_server.port, loop.port))
    try:
        settings = store_settings(context, extension_id(context), apiKey=FULL_KEY)
        errors: list[str] = []
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto("https://www.klaviyo.com/inbox/tickets/101")
        panel_frame(page).wait_for_selector("html[data-panel-state='ready']", state="attached", timeout=40_000)
        settings.evaluate("() => { setTimeout(() => chrome.runtime.reload(), 50); }")
        page.wait_for_timeout(2500)
        page.get_by_role("link", name="Max Mustermann").click()  # the orphan notices on the next page change
        cdp = context.new_cdp_session(page)

        def spoken() -> str:  # what a screen reader gets: the accessibility tree reaches into the closed root
            nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
            return " ".join(str(n.get("name", {}).get("value", "")) for n in nodes)

        deadline = time.monotonic() + 5
        while "Loop Returns was updated" not in spoken() and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        assert "Loop Returns was updated — reload the page" in spoken()
        assert not any(f.url.endswith("/panel/panel.html") or "/panel/panel.html#" in f.url for f in page.frames)
        assert not [e for e in errors if "context invalidated" in e.lower()], errors
    finally:
        context.close()


def _marks(panel, name: str) -> list[float]:
    return panel.evaluate(f"performance.getEntriesByName('{name}').map(m => performance.timeOrigin + m.startTime)")


def test_a_switch_frees_loop_at_once_whatever_was_in_flight(ext, loop, klaviyo_server):
    """Ticket 103's five lookups hang (8 s): the agent switches to 101. The abandoned lookups are cancelled
    (fetches aborted, slots freed), so 101's first request leaves within 100 ms of the snapshot that showed
    its orders, not after 103's deadlines."""
    klaviyo_server.tickets[2]["orders"] += [
        {"name": n, "date": "Oct 1, 2026", "total": "$1", "status": "Fulfilled"} for n in ("#1009", "#1010")
    ]
    loop.customer_lookup = False
    loop.faults.append(Fault("delay", path="details", seconds=8, times=5))
    page = ext.open_ticket("103")
    panel = ext.panel(page)
    ext.wait_state(panel, "loading")
    page.wait_for_timeout(500)  # all of 103's lookups are in flight
    page.get_by_role("link", name="Jane Doe").click()
    ext.wait_state(panel, "ready", timeout=15)
    first = min(r.at for r in loop.api_requests("details") if r.query["order_name"][0] in ("#1001", "#1002")) * 1000
    snapshot = max(m for m in _marks(panel, "loop:snapshot") if m <= first + 1)
    assert first - snapshot < 100, first - snapshot


def test_a_page_that_keeps_swapping_order_names_gets_paused_not_the_shops_budget(ext, loop, klaviyo_server):
    """The shop's 300 requests a minute are shared by every agent: one page cannot spend them. Past 60
    automatic requests in a minute the panel pauses and says so; the agent's Retry still works."""
    klaviyo_server.page_script = """setInterval(() => {
        const list = [...document.querySelectorAll('aside div')].find(d => d.children.length && d.textContent.includes('#100'));
        if (list) list.firstElementChild.firstElementChild.textContent = '#' + (2000 + Math.floor(Math.random() * 7000));
    }, 60);"""
    loop.customer_lookup = False
    page = ext.open_ticket("101")
    panel = ext.panel(page)
    ext.wait_state(panel, "rate-limited", timeout=40)
    expect(panel.get_by_role("alert")).to_contain_text("Pausing lookups", use_inner_text=True)
    assert len(loop.api_requests("details")) <= 60


# Tricks a page can play to lead the agent's real clicks into the panel. Each is put on the page, the agent
# clicks Initiate return, and the panel must refuse and say why; once the page stops, the same click works.
# A decoy is laid exactly over the panel with pointer-events:none, so the real click still lands in the frame.
DECOY = """box => { const d = document.createElement('div'); d.id = 'trick';
  d.style.cssText = `position:fixed;left:${box.x}px;top:${box.y}px;width:${box.width}px;height:${box.height}px;` +
    'background:#fff;pointer-events:none;z-index:2147483647;font:20px sans-serif';
  d.textContent = 'Click the blue button to refresh'; document.body.append(d); }"""
TRICKS = {
    "decoy laid over the panel": (DECOY, "() => document.getElementById('trick').remove()"),
    "html faded": (
        "() => { document.documentElement.style.opacity = '0.05'; }",
        "() => { document.documentElement.style.opacity = ''; }",
    ),
    "html blurred": (
        "() => { document.documentElement.style.filter = 'blur(8px)'; }",
        "() => { document.documentElement.style.filter = ''; }",
    ),
    "html scaled down": (
        "() => { document.documentElement.style.transform = 'scale(0.6)'; }",
        "() => { document.documentElement.style.transform = ''; }",
    ),
    "html blended": (
        "() => { document.documentElement.style.mixBlendMode = 'difference'; }",
        "() => { document.documentElement.style.mixBlendMode = ''; }",
    ),
    # Everything of the panel clipped away but the button: what the agent sees is no longer what they click.
    "html clipped": (
        "box => { document.documentElement.style.clipPath = `inset(${box.y + box.height - 60}px 0 0 0)`; }",
        "() => { document.documentElement.style.clipPath = ''; }",
    ),
    "top-layer popover over the panel": (
        """box => { const p = document.createElement('div'); p.id = 'trick'; p.popover = 'manual';
           p.style.cssText = `inset:auto;left:${box.x}px;top:${box.y}px;width:${box.width}px;height:60px;` +
             'margin:0;pointer-events:none'; p.textContent = 'Loading…'; document.body.append(p); p.showPopover(); }""",
        "() => document.getElementById('trick').remove()",
    ),
}


def _scroll_to_card(page, panel, order: str):
    """As the agent does: scroll the details sidebar until the order's card is in view."""
    c = panel.get_by_role("region", name=order, exact=True)
    offset = c.bounding_box()["y"] - 300
    page.get_by_role("complementary").evaluate("(el, dy) => el.scrollBy(0, dy)", offset)
    page.wait_for_timeout(700)  # scrolling under the header counts as covered for a moment
    return c


@pytest.mark.parametrize("trick", list(TRICKS))
def test_a_page_that_covers_or_disguises_the_panel_gets_no_action(ext, loop, trick):
    page, panel = ext.ready_panel("101")
    c = _scroll_to_card(page, panel, "#1002")
    apply, undo = TRICKS[trick]
    page.evaluate(apply, c.get_by_role("button", name="Initiate return").bounding_box())
    page.wait_for_timeout(300)
    before = len(loop.api_requests())
    try:
        c.get_by_role("button", name="Initiate return").click(force=True, timeout=3_000)  # the agent's real click
    except Exception:  # noqa: BLE001 - scaled away out of the viewport: there is nothing a person could click
        assert trick == "html scaled down"
    alert = panel.get_by_role("alert").filter(has_text="The panel is covered")
    alert.wait_for(timeout=5_000)
    expect(alert).to_contain_text("ignored the click", use_inner_text=True)
    page.wait_for_timeout(300)
    assert len(loop.api_requests()) == before and not loop.drafts and not loop.links
    page.evaluate(undo)
    # The browser's last "covered" report can come a few hundred ms after the page stops; a click within half a
    # second of one is refused on purpose. An agent clicks again a moment later.
    page.wait_for_timeout(1500)
    tap(c.get_by_role("button", name="Initiate return"))
    c.get_by_role("button", name="Copy link").wait_for(timeout=10_000)


def test_a_decoy_left_for_seconds_and_lifted_just_before_the_click_gains_nothing(ext, loop):
    """A page can lift its decoy the moment the pointer reaches the panel: the quiet half second counts from
    when the cover was lifted, not from when it was first seen."""
    page, panel = ext.ready_panel("101")
    c = _scroll_to_card(page, panel, "#1002")
    apply, undo = TRICKS["decoy laid over the panel"]
    page.evaluate(apply, c.get_by_role("button", name="Initiate return").bounding_box())
    page.wait_for_timeout(2000)
    before = len(loop.api_requests())
    page.evaluate(undo)
    c.get_by_role("button", name="Initiate return").click(force=True, timeout=3_000)  # at once, as the page hoped
    panel.get_by_role("alert").filter(has_text="The panel is covered").wait_for(timeout=5_000)
    page.wait_for_timeout(300)
    assert len(loop.api_requests()) == before and not loop.drafts
    page.wait_for_timeout(1200)
    tap(c.get_by_role("button", name="Initiate return"))
    c.get_by_role("button", name="Copy link").wait_for(timeout=10_000)


def test_a_page_that_rewrites_the_hosts_style_gets_it_put_back(ext, loop):
    from tests.e2e.layout import tap

    page, panel = ext.ready_panel("101")
    c = _scroll_to_card(page, panel, "#1002")
    page.evaluate(f"() => {{ const h = ({HOST_JS})(); h.setAttribute('style', 'opacity:0.01;transform:scale(0.2)'); }}")
    page.wait_for_timeout(200)
    style = page.evaluate(f"() => {{ const s = getComputedStyle(({HOST_JS})()); return [s.opacity, s.transform]; }}")
    assert style == ["1", "none"]
    page.wait_for_timeout(600)  # the half second after anything covered the panel
    tap(c.get_by_role("button", name="Initiate return"))
    c.get_by_role("button", name="Copy link").wait_for(timeout=10_000)


def test_a_link_is_never_inserted_for_a_customer_the_page_no_longer_shows(ext, klaviyo_server):
    """Same URL, same ticket id, but the app now shows another customer's profile: the link made for Jane is
    not inserted (the content script checks the profile in the same step as the insert, and the panel forgets
    everything made for Jane when it reads the page), and the panel says why."""
    klaviyo_server.config["sidebarRerenderMs"] = 0  # the app's own re-render would put Jane back
    page, panel = ext.ready_panel("101")
    c = card(panel, "#1002")
    tap(c.get_by_role("button", name="Initiate return"))
    c.get_by_role("button", name="Copy link").wait_for(timeout=10_000)
    link = c.get_by_label("Return link for the customer").input_value()
    insert = c.get_by_role("button", name="Insert into reply")
    into_view(insert)
    page.evaluate("""() => { const h = [...document.querySelectorAll('h3')].find(e => e.textContent === 'Customer');
        h.parentElement.querySelector('.em_9a0f').textContent = 'ava@example.com'; }""")
    try:
        insert.click(timeout=2_000)  # the content script refuses it, unless the panel already dropped the link
    except Exception:  # noqa: BLE001 - Playwright's timeout: the button left with the dropped link
        assert insert.count() == 0
    # The content script refused it, or the panel read the page first: it forgot Jane's ticket and says so.
    panel.get_by_text(re.compile("no longer shows the customer|now shows another customer")).wait_for(timeout=10_000)
    reply = page.get_by_role("textbox", name="Reply")
    assert link not in reply.inner_text()


def test_an_address_the_customer_typed_does_not_vouch_for_the_customer_at_the_insert(ext, klaviyo_server):
    """The page swaps the customer at the very moment of the agent's click on Insert into reply (when its window
    loses focus to the panel), to a profile titled with the customer's name rather than "Customer", while Jane's
    address stands in a message the customer typed. The content script looks for the address in the details
    sidebar, never anywhere on the page: nothing is inserted, and the panel says why."""
    klaviyo_server.config["sidebarRerenderMs"] = 0
    page, panel = ext.ready_panel("101")
    c = card(panel, "#1002")
    tap(c.get_by_role("button", name="Initiate return"))
    c.get_by_role("button", name="Copy link").wait_for(timeout=10_000)
    link = c.get_by_label("Return link for the customer").input_value()
    page.evaluate("""() => { const thread = document.querySelector('.th_5e0b');
        for (let i = 0; i < 150; i++) {  // a long conversation, as real ones are: the page takes longer to read
          const a = thread.lastElementChild.cloneNode(true);
          thread.append(a);
        }
        const p = document.createElement('p');
        p.textContent = 'Please send it to jane@example.com, thanks';
        thread.lastElementChild.append(p); }""")
    insert = c.get_by_role("button", name="Insert into reply")
    into_view(insert)
    page.get_by_role("heading", level=1).first.click()  # the page's window has the focus again
    page.evaluate("""() => addEventListener('blur', () => {
        const h = [...document.querySelectorAll('h3')].find(e => e.textContent === 'Customer');
        h.textContent = 'Ava Stone';
        h.parentElement.querySelector('.em_9a0f').textContent = 'ava@example.com'; }, { once: true })""")
    insert.click(timeout=5_000)
    panel.get_by_text(re.compile("no longer shows the customer|now shows another customer")).wait_for(timeout=10_000)
    assert page.evaluate("() => document.querySelector('h3 + .em_9a0f, .em_9a0f').textContent") == "ava@example.com"
    assert link not in page.get_by_role("textbox", name="Reply").inner_text()


def test_a_profile_titled_with_the_customers_name_takes_the_insert(ext, klaviyo_server):
    """The other side of the test above: a sidebar whose profile is headed by the customer's name, not
    "Customer", still shows her, and the link goes into the reply box."""
    klaviyo_server.config["sidebarRerenderMs"] = 0
    page = ext.open_ticket("101")
    page.get_by_role("heading", name="Customer").wait_for(timeout=15_000)
    page.evaluate("""() => { [...document.querySelectorAll('h3')].find(e => e.textContent === 'Customer')
        .textContent = 'Jane Cooper'; }""")
    panel = ext.panel(page)
    ext.wait_state(panel, "ready")
    c = card(panel, "#1002")
    tap(c.get_by_role("button", name="Initiate return"))
    tap(c.get_by_role("button", name="Insert into reply"))
    link = c.get_by_label("Return link for the customer").input_value()
    reply = page.get_by_role("textbox", name="Reply")
    deadline = time.monotonic() + 5
    while link not in reply.inner_text() and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    expect(reply).to_contain_text(link, use_inner_text=True)


def test_a_page_that_cannot_be_read_leaves_no_live_cards(ext):
    """A reading that fails (here a URL over the 4096 characters a reading may carry) clears the previous
    ticket's cards instead of leaving its controls live."""
    page, panel = ext.ready_panel("101")
    page.evaluate("history.pushState({}, '', location.pathname + '?q=' + 'x'.repeat(5000))")
    page.evaluate("document.body.append(document.createElement('div'))")  # a change, so the page is read again
    panel.get_by_text("This page could not be read").wait_for(timeout=10_000)
    assert panel.get_by_role("button", name="Initiate return").count() == 0


def _moved_then_clicked(page, button, move) -> None:
    """The panel is moved (``move()``: the page's script, or the agent's wheel), and the agent's click lands where
    the control now is, as soon as it is drawn there: the pointer was aimed before the move."""
    y0 = button.bounding_box()["y"]
    move()
    deadline = time.monotonic() + 2
    box = None
    while time.monotonic() < deadline:
        box = button.bounding_box()  # None for a moment while the panel redraws its cards
        if box is not None and abs(box["y"] - y0) >= 20:
            break
        page.wait_for_timeout(10)
    assert box is not None and abs(box["y"] - y0) >= 20, f"the page's move did not reach the panel: {box}"
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


MOVES = {
    # The sidebar scrolled by the page's script, not by the agent's wheel or keys.
    "sidebar scrolled by the page": "() => document.querySelector('aside').scrollBy(0, 70)",
    # A banner the page slips in above the order list: everything under it, the panel included, moves down.
    "banner inserted above the panel": """() => { const b = document.createElement('div'); b.id = 'banner';
        b.style.cssText = 'height:90px;background:#fde'; b.textContent = 'New message';
        document.querySelector('aside').prepend(b); }""",
}


@pytest.mark.parametrize("move", list(MOVES))
def test_a_click_on_a_control_the_page_just_moved_is_refused_with_its_own_sentence(ext, loop, move):
    """Issue 22: a page that moves the cards under the agent's pointer within half a second of the click gets
    the refusal, said as a move; the agent's next click on the settled panel works."""
    page, panel = ext.ready_panel("101")
    c = _scroll_to_card(page, panel, "#1002")
    button = c.get_by_role("button", name="Initiate return")
    before = len(loop.api_requests())
    _moved_then_clicked(page, button, lambda: page.evaluate(MOVES[move]))
    alert = c.get_by_role("alert").filter(has_text="had just moved")
    expect(alert).to_be_visible(timeout=5_000)
    page.wait_for_timeout(300)
    assert len(loop.api_requests()) == before and not loop.drafts
    page.wait_for_timeout(600)  # settled: an agent who reads the sentence clicks again
    tap(button)
    expect(c.get_by_role("button", name="Copy link")).to_be_visible(timeout=10_000)


def test_the_agents_own_wheel_scroll_then_an_immediate_click_acts(ext, loop):
    """The twin of the test above: the same move made by the agent's own wheel is theirs, and the click right
    after it acts (issue 21: a click right after the panel moved under the agent's own hand is not lost)."""
    page, panel = ext.ready_panel("101")
    c = _scroll_to_card(page, panel, "#1002")
    button = c.get_by_role("button", name="Initiate return")
    side = page.get_by_role("complementary").bounding_box()
    page.mouse.move(side["x"] + side["width"] / 2, side["y"] + side["height"] / 2)
    _moved_then_clicked(page, button, lambda: page.mouse.wheel(0, 70))
    expect(c.get_by_role("button", name="Copy link")).to_be_visible(timeout=10_000)
    expect(c.get_by_role("alert")).to_have_count(0)


WRAPPERS = {
    "faded": "opacity:0.05",
    "masked": "mask-image:linear-gradient(transparent 85%, #000 85%)",
    "clipped": "clip-path:inset(0 0 85% 0)",
    "blurred": "filter:blur(6px)",
    "plain": "outline:0",
}


@pytest.mark.parametrize("dress", list(WRAPPERS))
def test_a_page_that_moves_the_panel_into_a_wrapper_gets_it_taken_back(ext, loop, dress):
    """Issue 22: the page moves our host into a dressed wrapper of its own. Moving a frame reloads it, so the click
    the page hoped for lands on nothing; the panel takes its host back to where it put it (a fresh frame,
    unwrapped) and keeps its room in the sidebar, and the agent's next click on the settled panel works."""
    page, panel = ext.ready_panel("101")
    c = _scroll_to_card(page, panel, "#1002")
    box = c.get_by_role("button", name="Initiate return").bounding_box()
    page.evaluate(
        f"""style => {{ const host = ({HOST_JS})(); const w = document.createElement('div'); w.id = 'wrap';
            w.style.cssText = style; document.body.append(w);
            w.append(host); }}""",
        WRAPPERS[dress],
    )
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # at once, as the page hoped
    page.wait_for_timeout(500)
    assert not loop.drafts and not loop.links
    expect(page.locator("#wrap > *")).to_have_count(0)  # our host is not in the page's wrapper (left in place)
    panel = ext.panel(page)
    ext.wait_state(panel, "ready")
    c = card(panel, "#1002")
    tap(c.get_by_role("button", name="Initiate return"))
    expect(c.get_by_role("button", name="Copy link")).to_be_visible(timeout=10_000)


def test_a_control_the_page_keeps_clipped_after_it_was_scrolled_in_gets_no_action(ext, loop):
    """Issue 22: the agent clicks the visible half of a control cut by the sidebar's edge. The panel brings it
    into view before it acts; a page that scrolls it straight back out (so it is never seen whole) gets the
    refusal. Once the page stops, the agent's click works."""
    page, panel = ext.ready_panel("101")
    c = _scroll_to_card(page, panel, "#1002")
    button = c.get_by_role("button", name="Initiate return")
    aside = page.get_by_role("complementary")
    side, box = aside.bounding_box(), button.bounding_box()
    aside.evaluate("(el, dy) => el.scrollBy(0, dy)", box["y"] + box["height"] / 2 - (side["y"] + side["height"]))
    page.wait_for_timeout(700)  # the page's own scroll is a move: let it settle, as an agent's eye would
    assert not button.evaluate(IN_VIEW), "the control should be cut by the sidebar's edge"
    aside.evaluate(
        "el => { const at = el.scrollTop; el.__pin = () => { el.scrollTop = at; };"
        " el.addEventListener('scroll', el.__pin); }"
    )
    box = button.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 4)  # its visible top half
    expect(c.get_by_role("alert").filter(has_text="The panel is covered")).to_be_visible(timeout=5_000)
    page.wait_for_timeout(300)
    assert not loop.drafts and not loop.links
    aside.evaluate("el => el.removeEventListener('scroll', el.__pin)")
    page.wait_for_timeout(600)
    tap(button)
    expect(c.get_by_role("button", name="Copy link")).to_be_visible(timeout=10_000)


def test_the_panels_frame_and_its_nonce_are_out_of_the_pages_reach(ext):
    """SECURITY.md: the panel's iframe sits in a closed shadow root, so the page cannot read its URL (the nonce
    that the content script trusts, and the per-session origin). An open root would let the page read both."""
    page, _panel = ext.ready_panel("101")
    seen = page.evaluate(
        f"""() => {{ const host = ({HOST_JS})();
            const urls = [...document.querySelectorAll('iframe')].map((f) => f.src);
            return {{ root: host.shadowRoot === null, inside: host.querySelector('iframe') === null,
                      frames: urls.filter((u) => u.includes('panel.html')).length }}; }}"""
    )
    assert seen == {"root": True, "inside": True, "frames": 0}


def test_the_panel_hears_the_page_only_from_its_own_tabs_content_script(ext):
    """SECURITY.md (every receiver checks its sender): the panel frame takes "the page dresses you up" and "this
    is where you are" only from the content script of its own tab's top frame. Our options page, holding the
    right nonce (the most a compromised extension page could have), is not heard."""
    page, panel = ext.ready_panel("101")
    nonce = panel.url.split("#", 1)[1]
    where = "() => getComputedStyle(document.getElementById('app')).transform"
    before = panel.evaluate(where)
    options = ext.context.new_page()
    options.goto(f"{ext.base}/options/options.html")
    options.evaluate(
        """nonce => {
            chrome.runtime.sendMessage({kind: "host-state", clean: false, nonce}).catch(() => {});
            chrome.runtime.sendMessage({kind: "viewport", mode: "page", shift: 400, visTop: 0, visBottom: 10, nonce})
              .catch(() => {});
        }""",
        nonce,
    )
    page.wait_for_timeout(1000)
    expect(panel.get_by_role("alert").filter(has_text="The panel is covered")).to_have_count(0)
    assert panel.evaluate(where) == before
    options.close()


def test_only_a_panel_may_restart_the_runtime(ext, loop):
    """SECURITY.md (every receiver checks its sender): the service worker closes and restarts the one runtime only
    for a panel frame's Retry after a failed start. Asked by our options page, it does nothing: the ticket's panel
    keeps what it has, and Loop hears nothing new (a restart drops every tab's answers and asks again)."""
    page, panel = ext.ready_panel("101")
    page.wait_for_timeout(500)
    before = len(loop.api_requests())
    options = ext.context.new_page()
    options.goto(f"{ext.base}/options/options.html")
    options.evaluate("() => chrome.runtime.sendMessage({kind: 'restart-runtime'}).catch(() => {})")
    page.wait_for_timeout(6000)  # a restarted runtime boots in about 2 to 5 s and looks the ticket up again
    expect(panel.locator("html")).to_have_attribute("data-panel-state", "ready")
    assert len(loop.api_requests()) == before
    options.close()
