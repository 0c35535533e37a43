"""`python3 -m tests.screenshots`: pictures of the panel in its main states, for docs/screenshots/.

Runs the built extension on the local stand-ins exactly like the end-to-end tests and saves one PNG per state.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.bootstrap import ensure_venv  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    ensure_venv()
    import subprocess
    subprocess.run([sys.executable, str(ROOT / "build.py")], check=True)
    from playwright.sync_api import sync_playwright

    from harness.chromium import Ports, extension_id, launch, open_ticket_panel
    from harness.klaviyo_standin import KlaviyoStandin
    from harness.loop_standin import FULL_KEY, Fault, LoopStandin

    OUT.mkdir(parents=True, exist_ok=True)
    klaviyo, loop = KlaviyoStandin().start(), LoopStandin().start()
    with sync_playwright() as p:
        ctx = launch(p, Path(tempfile.mkdtemp(prefix="loop-shots-")), Ports(klaviyo.port, loop.port))
        ext = extension_id(ctx)
        settings = ctx.new_page()
        settings.goto(f"chrome-extension://{ext}/options/options.html")

        def store(**values):
            settings.evaluate("v => chrome.storage.local.clear().then(() => chrome.storage.local.set(v))", values)

        def open_ticket(ticket: str, state: str):
            return open_ticket_panel(ctx, f"https://www.klaviyo.com/inbox/tickets/{ticket}", state)

        def shot(page, name: str, full: bool = False):
            time.sleep(0.3)
            target = OUT / f"{name}.png"
            if full:
                page.screenshot(path=str(target))
            else:
                page.locator("loop-returns-panel").screenshot(path=str(target))
            print("wrote", target.relative_to(ROOT))
            page.close()

        store(apiKey=FULL_KEY, enabled=True, lookupField="email")
        page, _ = open_ticket("101", "ready")
        shot(page, "ticket-ready", full=True)
        page, frame = open_ticket("101", "ready")
        card = frame.locator("section.card[data-order='#1002']")
        card.get_by_role("button", name="Start a return").click()
        card.get_by_role("button", name="Create return link").click()
        card.get_by_role("button", name="QR code").click()
        card.get_by_role("img").wait_for()
        frame.evaluate("document.querySelector(\"section.card[data-order='#1002']\").scrollIntoView()")
        shot(page, "return-link-and-qr")
        page, frame = open_ticket("103", "ready")
        card = frame.locator("section.card[data-order='#1006']")
        card.get_by_role("button", name="Start a return").click()
        card.get_by_role("button", name="Create return link").click()
        card.locator(".why").wait_for()
        shot(page, "ineligible-final-sale")
        page, _ = open_ticket("104", "no-orders")
        shot(page, "mentions-and-lookup")
        loop.faults.append(Fault("status", status=503))
        page, _ = open_ticket("102", "unreachable")
        shot(page, "loop-unreachable")
        loop.faults.clear()
        store(apiKey="lr_wrong_key")
        page, _ = open_ticket("101", "key-rejected")
        shot(page, "key-rejected")
        store()
        page, _ = open_ticket("101", "not-configured")
        shot(page, "not-configured")
        store(apiKey=FULL_KEY)
        options = ctx.new_page()
        options.goto(f"chrome-extension://{ext}/options/options.html")
        options.get_by_label("Loop API key").fill(FULL_KEY)
        options.get_by_role("button", name="Test connection").click()
        options.locator("#result").get_by_text("Returns ✓").wait_for(timeout=30_000)
        options.screenshot(path=str(OUT / "options-test-connection.png"))
        print("wrote docs/screenshots/options-test-connection.png")
        ctx.close()
    klaviyo.stop()
    loop.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
