"""`python3 -m tests.capture_fixtures`: re-capture the ticket fixtures that come from the helpdesk stand-in.

Each is `document.body.outerHTML` of the stand-in in Chromium at a moment a parser must get right: a draft in
the rich-text reply box with search results open, a ticket without orders, and two moments of a ticket switch
(the old sidebar still on screen). The unit tests read them through ``tests.ticket_markup``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.bootstrap import ensure_venv  # noqa: E402 - after the path is set

OUT = ROOT / "tests" / "fixtures" / "tickets"


def main() -> int:
    ensure_venv()
    from playwright.sync_api import sync_playwright

    from harness.chromium import find_chromium
    from harness.klaviyo_standin import KlaviyoStandin

    klaviyo = KlaviyoStandin().start()
    klaviyo.config["sidebarRerenderMs"] = 0  # no "last seen" tick between two captures
    args = [
        "--no-sandbox",
        f"--host-resolver-rules=MAP www.klaviyo.com 127.0.0.1:{klaviyo.port}",
        "--ignore-certificate-errors",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=args)
        page = browser.new_page(viewport={"width": 1440, "height": 900})

        def save(name: str) -> None:
            (OUT / name).write_text(page.evaluate("document.body.outerHTML"))
            print("wrote", (OUT / name).relative_to(ROOT))

        page.goto("https://www.klaviyo.com/inbox/tickets/101")
        page.wait_for_timeout(700)
        page.get_by_role("textbox", name="Reply").click()
        page.keyboard.type("Draft: see order #9999 and #1004")
        page.get_by_label("Search tickets").fill("order")
        save("standin_ticket_with_draft.html")
        page.goto("https://www.klaviyo.com/inbox/tickets/105")
        page.wait_for_timeout(700)
        save("standin_no_orders.html")
        page.goto("https://www.klaviyo.com/inbox/tickets/101")
        page.wait_for_timeout(700)
        page.get_by_role("link", name="Max Mustermann").click()
        page.wait_for_timeout(30)
        save("standin_mid_switch.html")
        page.wait_for_timeout(250)
        save("standin_mid_switch_conversation_loaded.html")
        browser.close()
    klaviyo.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
