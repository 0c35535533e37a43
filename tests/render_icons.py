"""`python3 -m tests.render_icons`: render docs/icons/loop-returns.svg into the committed PNG icons.

The build stays offline and browser-free: it ships the committed PNGs (extension/icons/icon-<size>.png) and a
build test checks they exist at their declared sizes. Re-run this after changing the SVG.
"""

from __future__ import annotations

import base64
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.bootstrap import ensure_venv  # noqa: E402 - after the path is set

SIZES = (16, 32, 48, 128)


def main() -> int:
    ensure_venv()
    from playwright.sync_api import sync_playwright

    from harness.chromium import find_chromium

    svg = (ROOT / "docs" / "icons" / "loop-returns.svg").read_bytes()
    src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
        for size in SIZES:
            page = browser.new_page(viewport={"width": size, "height": size}, device_scale_factor=1)
            page.set_content(
                f'<body style="margin:0;background:transparent">'
                f'<img src="{src}" width="{size}" height="{size}" style="display:block"></body>'
            )
            page.wait_for_function("document.images[0].complete")
            out = ROOT / "extension" / "icons" / f"icon-{size}.png"
            page.screenshot(path=str(out), omit_background=True)
            print("wrote", out.relative_to(ROOT))
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
