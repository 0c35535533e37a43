"""The agent-flow smoke test for QA, pointed at a real Klaviyo Helpdesk and a real Loop account.

`python3 -m tests smoke` (add `--allow-writes` to let it start a return). From the environment:

- ``LOOP_SMOKE_PROFILE``: a Chromium profile directory in which someone has signed in to Klaviyo;
- ``LOOP_API_KEY``: the Loop API key, set through the options page as an admin does;
- ``LOOP_SMOKE_TICKET``: the URL of the ticket to open;
- ``LOOP_SMOKE_ORDER`` (with ``--allow-writes``): the order on that ticket to start a return for;
- ``LOOP_SMOKE_RESOLVE`` (optional): Chromium host-resolver rules, to reach stand-ins or a proxy under the real
  host names (certificate errors are then ignored).

Without them the test is skipped with one line. Any POST to Loop is a write (Initiate return's draft and deep
link included): without ``--allow-writes`` the test only reads (the panel's lookups and the key check are
GETs). tests/e2e/test_smoke_path.py runs this very file against the local stand-ins through these switches.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from harness.chromium import launch, panel_frame, wait_state
from tests.e2e.layout import tap

NEEDED = ("LOOP_SMOKE_PROFILE", "LOOP_API_KEY", "LOOP_SMOKE_TICKET")


def test_the_agent_flow_on_a_real_helpdesk(request):
    missing = [name for name in NEEDED if not os.environ.get(name)]
    if missing:
        pytest.skip(f"live smoke: set {', '.join(missing)} (see tests/smoke/test_live.py)")
    writes = request.config.getoption("--allow-writes")
    order = os.environ.get("LOOP_SMOKE_ORDER", "")
    if writes and not order:
        pytest.skip("live smoke with --allow-writes: set LOOP_SMOKE_ORDER, the order to start a return for")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        context = launch(p, Path(os.environ["LOOP_SMOKE_PROFILE"]), os.environ.get("LOOP_SMOKE_RESOLVE") or None)
        try:
            worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
            base = worker.url.rsplit("/background/", 1)[0]
            options = context.new_page()  # the admin's step: the key through the options page
            options.goto(f"{base}/options/options.html")
            options.get_by_label("Loop API key").fill(os.environ["LOOP_API_KEY"])
            options.get_by_role("button", name="Save").click()
            options.get_by_text("Saved.", exact=True).wait_for(timeout=30_000)
            options.close()

            page = context.new_page()  # the agent's: open the ticket, read what the panel says
            page.goto(os.environ["LOOP_SMOKE_TICKET"])
            panel = panel_frame(page, timeout_s=60)
            state = wait_state(panel, "ready", "no-orders", timeout_s=60)
            print(f"\nlive smoke: the panel shows {state!r}: {panel.locator('main').inner_text()[:300]!r}")
            if not writes:
                return
            card = panel.get_by_role("region", name=order, exact=True)
            tap(card.get_by_role("button", name="Initiate return"))
            tap(card.get_by_role("button", name="Copy link"))
            link = card.get_by_label("Return link for the customer").input_value()
            assert re.fullmatch(r"https://\S+", link), link
            expect(card.get_by_role("button", name="Copied")).to_be_visible()
            print(f"live smoke: Initiate return for {order} made a link ({link[:40]}…)")
        finally:
            context.close()
