"""`python3 -m tests.screenshots`: pictures of the panel in the page, in its main states, for docs/screenshots/.

Runs the built extension on the local stand-ins exactly like the end-to-end tests and saves one 1280x800 PNG
of the whole helpdesk page per state (the size a Chrome Web Store listing takes; build.py copies them into
store-listing/). The admin's set-up goes through the options page, as an admin does.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.bootstrap import ensure_tools, ensure_venv  # noqa: E402 - after the path is set

OUT = ROOT / "docs" / "screenshots"
SIZE = {"width": 1280, "height": 800}


def main() -> int:
    ensure_venv()
    ensure_tools()
    import subprocess

    subprocess.run([sys.executable, str(ROOT / "build.py")], check=True)
    from playwright.sync_api import sync_playwright

    from harness.chromium import Ports, extension_id, launch, panel_frame
    from harness.klaviyo_standin import KlaviyoStandin
    from harness.loop_standin import FULL_KEY, Fault, LoopStandin
    from tests.e2e.layout import into_view, tap

    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    klaviyo, loop = KlaviyoStandin().start(), LoopStandin().start()
    klaviyo.config["sidebarRerenderMs"] = 0
    with sync_playwright() as p:
        ctx = launch(p, Path(tempfile.mkdtemp(prefix="loop-shots-")), Ports(klaviyo.port, loop.port))
        ext = extension_id(ctx)
        settings = ctx.new_page()
        settings.goto(f"chrome-extension://{ext}/options/options.html")

        def store(**values):
            settings.evaluate("v => chrome.storage.local.clear().then(() => chrome.storage.local.set(v))", values)

        def open_ticket(ticket: str, state: str, scroll: str | None = None):
            page = ctx.new_page()
            page.set_viewport_size(SIZE)
            page.goto(f"https://www.klaviyo.com/inbox/tickets/{ticket}")
            frame = panel_frame(page)
            frame.wait_for_selector(f"html[data-panel-state='{state}']", state="attached", timeout=40_000)
            return page, frame

        def shot(page, name: str, scroll_to=None):
            time.sleep(0.4)
            if scroll_to is not None:
                # Scroll the details sidebar so the card in question is in view, as the agent would.
                page.get_by_role("complementary").evaluate("(el, y) => el.scrollTo(0, y)", scroll_to)
                time.sleep(0.3)
            target = OUT / f"{name}.png"
            page.screenshot(path=str(target))
            print("wrote", target.relative_to(ROOT))
            page.close()

        store(apiKey=FULL_KEY, enabled=True, lookupField="email")
        page, _ = open_ticket("101", "ready")
        shot(page, "ticket-ready")
        page, frame = open_ticket("101", "ready")
        card = frame.get_by_role("region", name="#1002", exact=True)
        tap(card.get_by_role("button", name="Initiate return"))
        tap(card.get_by_role("button", name="QR code"))
        card.get_by_role("img").wait_for()
        shot(page, "initiate-return-copy-link-qr", scroll_to=560)
        page, frame = open_ticket("103", "ready")
        card = frame.get_by_role("region", name="#1006", exact=True)
        tap(card.get_by_role("button", name="Initiate return"))
        card.get_by_role("status").filter(has_text="final sale").wait_for()
        shot(page, "ineligible-final-sale", scroll_to=700)
        page, frame = open_ticket("102", "ready")  # an exchange and its notes, opened by the agent
        card = frame.get_by_role("region", name="#1003", exact=True)
        tap(card.get_by_role("button", name="Show notes").first)
        card.get_by_role("list", name="Notes").wait_for()
        shot(page, "exchange-with-notes", scroll_to=640)
        store(apiKey=FULL_KEY, enabled=True, lookupField="email", allowExceptions=True)
        page, frame = open_ticket("103", "ready")
        card = frame.get_by_role("region", name="#1007", exact=True)
        tap(card.get_by_role("button", name="Initiate return"))
        tap(card.get_by_role("button", name="Allow a return anyway"))
        card.get_by_role("group", name="Allow a return anyway").wait_for()
        shot(page, "allow-a-return-anyway-confirm", scroll_to=900)
        page, frame = open_ticket("103", "ready")
        card = frame.get_by_role("region", name="#1007", exact=True)
        tap(card.get_by_role("button", name="Initiate return"))
        tap(card.get_by_role("button", name="Allow a return anyway"))
        tap(card.get_by_role("button", name="Allow return for #1007"))
        card.get_by_role("button", name="Copy link").wait_for()
        shot(page, "allow-a-return-anyway-allowlisted", scroll_to=900)
        store(apiKey=FULL_KEY, enabled=True, lookupField="email", allowReturnChanges=True)
        page, frame = open_ticket("106", "ready")  # the label a customer lost
        card = frame.get_by_role("region", name="#1011", exact=True)
        tap(card.get_by_role("button", name="Send label", exact=True))
        into_view(card.get_by_role("button", name="Copy label link", exact=True))
        shot(page, "send-label")
        page, frame = open_ticket("106", "ready")
        card = frame.get_by_role("region", name="#1012", exact=True)
        tap(card.get_by_role("button", name="Cancel return", exact=True))
        into_view(card.get_by_role("button", name="Cancel return for #1012", exact=True))
        shot(page, "cancel-return-confirm")
        page, frame = open_ticket("106", "ready")
        card = frame.get_by_role("region", name="#1011", exact=True)
        tap(card.get_by_role("button", name="Flag for review", exact=True))
        card.get_by_label("Why? The warehouse reads this in Loop.").fill(
            "Customer says the parcel held one of two items."
        )
        into_view(card.get_by_role("button", name="Flag #1011 for review", exact=True))
        shot(page, "flag-for-review-reason")
        loop.reset()
        store(apiKey=FULL_KEY, enabled=True, lookupField="email")
        page, _ = open_ticket("104", "no-orders")
        shot(page, "no-orders-mentions-lookup")
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
        options = ctx.new_page()
        options.set_viewport_size(SIZE)
        options.goto(f"chrome-extension://{ext}/options/options.html")
        options.get_by_label("Loop API key").fill(FULL_KEY)
        options.get_by_role("button", name="Save").click()
        options.get_by_text("Loop accepted this key:").wait_for(timeout=30_000)
        options.screenshot(path=str(OUT / "options-saved-and-checked.png"))
        print("wrote docs/screenshots/options-saved-and-checked.png")
        ctx.close()
    klaviyo.stop()
    loop.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
