"""The production build, loaded unmodified in Chromium, boots its Python panel on the helpdesk page."""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import expect

from harness.chromium import Ports, extension_id, launch, net_log_hosts, panel_frame, store_settings
from harness.loop_standin import FULL_KEY

STANDIN_HOSTS = {"www.klaviyo.com", "api.loopreturns.com"}
# Chromium's own background services; --host-resolver-rules maps every other name to NOTFOUND, so these
# attempts cannot leave the machine. Anything else in the log would be a finding.
CHROMIUM_SERVICE_DOMAINS = (".google.com", ".googleapis.com", ".gvt1.com", ".gstatic.com", ".googleusercontent.com")


def test_panel_python_renders_the_ticket_orders_and_nothing_leaves_loopback(
    built_dist, playwright_instance, loop, klaviyo_server
):
    """Order names from the sidebar appear in the panel, put there by the runtime's Python; every request is
    recorded."""
    workdir = Path(tempfile.mkdtemp(prefix="loop-e2e-netlog-"))
    net_log = workdir / "netlog.json"
    context = launch(playwright_instance, workdir / "profile", Ports(klaviyo_server.port, loop.port), net_log=net_log)
    seen_urls: list[str] = []
    errors: list[str] = []
    context.on("request", lambda r: seen_urls.append(r.url))
    try:
        store_settings(context, extension_id(context), apiKey=FULL_KEY, enabled=True)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto("https://www.klaviyo.com/inbox/tickets/101")
        panel = panel_frame(page)
        panel.wait_for_selector("[data-order='#1001'] h3", timeout=30_000)
        names = panel.locator("section.card h3")
        expect(names.nth(0)).to_have_text("#1001", use_inner_text=True)
        expect(names.nth(1)).to_have_text("#1002", use_inner_text=True)
        assert errors == []  # the page's and the panel's consoles: a boot that "works" with a traceback is a bug
    finally:
        context.close()
    hosts = net_log_hosts(net_log)
    assert hosts >= STANDIN_HOSTS  # the log really recorded the page and the API
    others = hosts - STANDIN_HOSTS
    assert all(h.endswith(CHROMIUM_SERVICE_DOMAINS) for h in others), others
    remote = [u for u in seen_urls if u.startswith(("http://", "https://"))]
    assert remote and all(u.split("/")[2] in STANDIN_HOSTS for u in remote), remote
    assert any(r.path == "/api/v2/returns" for r in loop.api_requests())
