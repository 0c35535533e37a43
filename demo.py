#!/usr/bin/env python3
"""`python3 demo.py`: build the extension and run it end to end on the local demo.

Starts the Klaviyo-like helpdesk and the Loop stand-in on loopback, launches Chromium with the built dist/
(the real host names are mapped to the stand-ins), stores the demo Loop key through the options page and
opens a ticket. With a display it stays open for you to click around (Ctrl-C to stop); without one it runs
headless, saves a screenshot and prints what the panel showed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from harness.bootstrap import ensure_tools, ensure_venv  # noqa: E402 - after the path is set


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--headless", action="store_true", help="never open a window, even with a display")
    parser.add_argument("--ticket", default="101", help="ticket to open first (101-104)")
    parser.add_argument("--screenshot", default=str(ROOT / "artifacts" / "demo.png"))
    args = parser.parse_args()

    ensure_tools()
    ensure_venv()
    subprocess.run([sys.executable, str(ROOT / "build.py")], check=True)

    from playwright.sync_api import sync_playwright

    from harness.chromium import Ports, extension_id, launch
    from harness.klaviyo_standin import KlaviyoStandin
    from harness.loop_standin import FULL_KEY, LoopStandin

    headed = bool(os.environ.get("DISPLAY")) and not args.headless
    klaviyo, loop = KlaviyoStandin().start(), LoopStandin().start()
    loop.latency = 0.12  # roughly a real API round trip
    with sync_playwright() as p:
        context = launch(
            p, Path(tempfile.mkdtemp(prefix="loop-demo-")), Ports(klaviyo.port, loop.port), headless=not headed
        )
        ext = extension_id(context)
        options = context.new_page()
        options.goto(f"chrome-extension://{ext}/options/options.html")
        options.evaluate("k => chrome.storage.local.set({apiKey: k, enabled: true, lookupField: 'email'})", FULL_KEY)
        page = context.new_page()
        started = time.monotonic()
        page.goto(f"https://www.klaviyo.com/inbox/tickets/{args.ticket}")
        panel = None
        state = None
        while time.monotonic() - started < 60:
            panel = next((f for f in page.frames if f.url.startswith(f"chrome-extension://{ext}/panel/")), None)
            if panel is not None:
                try:
                    state = panel.evaluate("document.documentElement.getAttribute('data-panel-state')")
                except Exception:  # noqa: BLE001 - a frame gone mid-navigation: "not yet", look again
                    state = None
                if state in ("ready", "no-orders", "not-configured", "key-rejected", "unreachable"):
                    break
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        shot = Path(args.screenshot)
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot))
        cards = panel.locator("section.card").all() if panel else []
        seen = []
        for card in cards:
            name = card.get_attribute("data-order")
            badges = card.locator(".badge").all_inner_texts() or ["no returns"]
            seen.append(f"{name} ({', '.join(badges)})")
        print(
            f"\nDemo: Chromium loaded the built extension from dist/ and opened "
            f"https://www.klaviyo.com/inbox/tickets/{args.ticket} (the local helpdesk stand-in); the panel reached "
            f"state '{state}' {elapsed:.1f} s after navigation and shows {', '.join(seen) or 'no order cards'}. "
            f"The Loop stand-in received {len(loop.requests)} request(s). Screenshot: {shot}."
        )
        if headed:
            print("The browser stays open: switch tickets, start a return, copy a link. Ctrl-C to stop.")
            try:
                while context.pages:
                    time.sleep(0.5)
            except KeyboardInterrupt:
                pass
        context.close()
    klaviyo.stop()
    loop.stop()
    return 0 if state == "ready" else 1


if __name__ == "__main__":
    sys.exit(main())
