"""Launch a real Chromium with the built extension, the stand-ins mapped under their real host names.

The unmodified production build in dist/ talks to https://www.klaviyo.com and https://api.loopreturns.com;
--host-resolver-rules sends both to loopback stand-ins and every other host name to NOTFOUND, so no request
can leave this machine, and --log-net-log records every request the browser makes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"


def find_chromium() -> str:
    """$CHROMIUM, then Debian's /usr/bin/chromium, then a Playwright-managed Chromium."""
    candidates = [
        os.environ.get("CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ]
    for c in candidates:
        if c and Path(c).exists():
            return c
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            path = p.chromium.executable_path
        if Path(path).exists():
            return path
    except Exception:  # noqa: BLE001 - any failure to ask Playwright means the same: no Chromium from it
        pass
    raise SystemExit("Chromium not found: install it (Debian: apt-get install -y chromium) or set $CHROMIUM.")


@dataclass
class Ports:
    klaviyo: int
    loop: int


def chromium_args(
    ports: Ports | str | None, extension_dir: Path = DIST, net_log: Path | None = None, lang: str | None = None
) -> list[str]:
    """``ports``: the local stand-ins' (the real host names mapped to them, nothing else reachable); or
    host-resolver rules as text (the live smoke pointed at stand-ins or a proxy); or None: the real internet."""
    if isinstance(ports, Ports):
        rules = (
            f"MAP www.klaviyo.com 127.0.0.1:{ports.klaviyo}, MAP api.loopreturns.com 127.0.0.1:{ports.loop}, "
            "MAP * ~NOTFOUND"
        )
    else:
        rules = ports
    args = [
        f"--disable-extensions-except={extension_dir}",
        f"--load-extension={extension_dir}",
        *([f"--host-resolver-rules={rules}", "--ignore-certificate-errors"] if rules else []),
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--disable-quic",
        "--disable-gpu",
        # No --disable-features of ours: Playwright's own list applies, ThirdPartyStoragePartitioning included.
        # Partitioned storage mattered while PyScript kept IndexedDB in the panel frame; the panel is now a thin
        # view that keeps no web storage (chrome.storage is never partitioned), so rewriting the list gains nothing.
    ]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    if net_log:
        args += [f"--log-net-log={net_log}", "--net-log-capture-mode=Default"]
    if lang:
        args.append(f"--lang={lang}")
    return args


def launch(
    playwright,
    user_data_dir: Path,
    ports: Ports | str | None,
    *,
    headless: bool = True,
    net_log: Path | None = None,
    lang: str | None = None,
    extension_dir: Path = DIST,
):
    """A persistent Playwright context (extensions need one) running the built extension.

    On a fresh profile the extension's first-install options tab is let open and load before this returns,
    so callers opening their own tabs do not race with it.
    """
    manifest = json.loads((Path(extension_dir) / "manifest.json").read_text())
    fresh = not (Path(user_data_dir) / "Default").exists() and "options_ui" in manifest
    context = playwright.chromium.launch_persistent_context(
        str(user_data_dir),
        executable_path=find_chromium(),
        headless=headless,
        args=chromium_args(ports, extension_dir, net_log, lang),
        ignore_default_args=["--disable-extensions"],
        viewport={"width": 1440, "height": 900},
        locale=lang,
    )
    if fresh:
        import time

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            tab = next((pg for pg in context.pages if "/options/options.html" in pg.url), None)
            if tab is not None:
                tab.wait_for_load_state()
                break
            time.sleep(0.05)
    return context


def unpacked_extension_id(extension_dir: Path = DIST) -> str:
    """The id Chromium gives an unpacked extension without a manifest key: derived from its absolute path,
    known before launch (the enterprise-policy test writes it into the policy file)."""
    import hashlib

    digest = hashlib.sha256(str(Path(extension_dir).resolve()).encode()).hexdigest()[:32]
    return "".join(chr(ord("a") + int(c, 16)) for c in digest)


def extension_id(context, timeout_s: float = 15.0) -> str:
    """The id of the loaded extension, read from its service worker's URL."""
    workers = context.service_workers
    worker = workers[0] if workers else context.wait_for_event("serviceworker", timeout=timeout_s * 1000)
    return worker.url.split("/")[2]


def panel_frame(page, timeout_s: float = 30.0):
    """The Loop Returns panel's frame on a helpdesk page (its URL path is fixed; its origin may be per-session)."""
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        frame = next((f for f in page.frames if "/panel/panel.html" in f.url), None)
        if frame is not None:
            return frame
        page.wait_for_timeout(50)
    raise AssertionError("the Loop Returns panel did not appear on the page")


def wait_state(frame, *states: str, timeout_s: float = 30.0) -> str:
    """Wait until the panel shows one of ``states`` (its root's ``data-panel-state``); returns it."""
    import time

    deadline = time.monotonic() + timeout_s
    state = None
    while time.monotonic() < deadline:
        try:
            state = frame.evaluate("document.documentElement.getAttribute('data-panel-state')")
        except Exception:  # noqa: BLE001 - the frame is still loading
            state = None
        if state in states:
            return state
        time.sleep(0.1)
    raise AssertionError(f"panel state stayed {state!r}, expected one of {states}")


def open_ticket_panel(context, url: str, state: str = "ready", timeout_s: float = 40.0):
    """Open ``url`` in a new tab and wait until the panel shows ``state``; returns (page, panel frame)."""
    page = context.new_page()
    try:
        page.goto(url)
    except Exception as err:
        # Chrome can turn a freshly opened tab into the extension's install-time options page (seen in a
        # restarted profile): that is the browser's doing, so the ticket opens in a tab of its own.
        if "interrupted by another navigation" not in str(err):
            raise
        page = context.new_page()
        page.goto(url)
    frame = panel_frame(page, timeout_s)
    frame.wait_for_selector(f"html[data-panel-state='{state}']", state="attached", timeout=timeout_s * 1000)
    return page, frame


def store_settings(context, ext_id: str, **values):
    """Write extension settings the way the options page does (chrome.storage.local); returns that tab."""
    page = context.new_page()
    page.goto(f"chrome-extension://{ext_id}/options/options.html")
    page.evaluate("v => chrome.storage.local.set(v)", values)
    return page


def net_log_hosts(net_log: Path) -> set[str]:
    """Every host the browser tried to reach, from the net log (tolerates a log cut short at exit)."""
    text = net_log.read_text(encoding="utf-8", errors="replace") if net_log.exists() else ""
    return set(re.findall(r'"(?:url|original_url)":"(?:https?|wss?)://([^/:"]+)', text))
