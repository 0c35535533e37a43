"""`python3 -m tests.bench`: how fast the panel is, in numbers (not a test: it prints, it does not judge).

Runs the built dist/ in headless Chromium against the local stand-ins (Loop latency fixed, default 120 ms) and,
in the same run and alternating with it, the floor: a minimal plain-JS extension (tests/bench/floor/, never
shipped) that reads the same ticket the moment the page shows it, makes every Loop call it can need at once
with the same key, and writes text. Medians with min/max over N fresh browser profiles:

  first run    the very first ticket opened in a fresh profile (the extension installed, nothing cached)
  cold         a new tab straight on a ticket, in a profile that has run the panel before (the browser's caches
               warm, the panel not running): what an agent meets opening a ticket from a link
  inbox-first  inbox loaded, a ticket opened 3 s later -> its status visible
  switch       single-page switch to another ticket -> its statuses visible
  physical floor  the page's own panes on screen (the floor's read) + one Loop round trip
  Save         the options page's Save -> "Saved." (before Loop is asked about the key)
plus the cold breakdown (PyScript, Pyodide, Python ready, ticket snapshot, first render), Loop requests per
ticket, the panel's JS heap, the extension renderer's memory, and the size of dist/.

Times come from the browser's own clocks (performance.timeOrigin + now() in the page and in the panel), not
from polling.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLOOR = Path(__file__).resolve().parent / "floor"
sys.path.insert(0, str(ROOT))

from harness.bootstrap import ensure_tools, ensure_venv  # noqa: E402

NOW = "performance.timeOrigin + performance.now()"
# Clicks the inbox list item of a customer, as an agent does (the page carries no test ids).
OPEN = ("name => { const t = " + NOW + "; [...document.querySelectorAll('a')]"
        ".find(a => a.textContent.includes(name)).click(); return t; }")


def ready_at(frame, ticket_key: str, timeout: float = 60.0) -> float:
    """Epoch ms at which the panel first rendered the returns of ``ticket_key`` (set by pyapp.browser)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            got = frame.evaluate("() => [document.documentElement.dataset.readyKey, document.documentElement.dataset.readyAt]")
        except Exception:
            got = [None, None]
        if got[0] == ticket_key and got[1]:
            return float(got[1])
        time.sleep(0.01)
    raise RuntimeError(f"panel never showed {ticket_key}")


def floor_ready_at(page, ticket_key: str, timeout: float = 60.0) -> float:
    """Epoch ms at which the floor extension wrote ``ticket_key``'s answers into the page."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = page.evaluate("() => [document.documentElement.dataset.floorReadyKey, document.documentElement.dataset.floorReadyAt]")
        if got[0] == ticket_key and got[1]:
            return float(got[1])
        time.sleep(0.01)
    raise RuntimeError(f"the floor never showed {ticket_key}")


def inbox_first(ctx, ready) -> float:
    """Helpdesk open, a ticket clicked 3 s later -> its status visible (``ready(page)``: when, in epoch ms)."""
    page = ctx.new_page()
    page.goto("https://www.klaviyo.com/inbox/")
    page.wait_for_timeout(3000)
    t0 = page.evaluate(OPEN, "Ava Smith")
    at = ready(page)
    page.close()
    return at - t0


def floor_run(p, ports) -> dict:
    """The same page, the same Loop calls, the same key: a plain-JS extension doing the least it can."""
    from harness.chromium import launch
    from harness.loop_standin import FULL_KEY

    out = {}
    ctx = launch(p, Path(tempfile.mkdtemp(prefix="loop-bench-floor-")), ports, extension_dir=FLOOR)
    try:
        worker = ctx.service_workers[0] if ctx.service_workers else ctx.wait_for_event("serviceworker")
        worker.evaluate("k => chrome.storage.local.set({apiKey: k})", FULL_KEY)
        for name in ("first run", "cold"):
            page = ctx.new_page()
            page.goto("https://www.klaviyo.com/inbox/tickets/101")
            origin = page.evaluate("performance.timeOrigin")
            out[name] = floor_ready_at(page, "/inbox/tickets/101") - origin
            read_at = float(page.evaluate("document.documentElement.dataset.floorReadAt"))
            if name == "cold":
                rtts = [page.evaluate(f"""async () => {{ const t = {NOW};
                    await fetch('https://api.loopreturns.com/api/v1/warehouse/return/details?order_name=x', {{mode: 'no-cors'}});
                    return {NOW} - t; }}""") for _ in range(3)]
                out["physical floor (page's panes + one Loop round trip)"] = read_at - origin + statistics.median(rtts)
                out["one Loop round trip"] = statistics.median(rtts)
                t0 = page.evaluate(OPEN, "Max Mustermann")
                out["switch"] = floor_ready_at(page, "/inbox/tickets/102") - t0
            page.close()
        out["inbox-first"] = inbox_first(ctx, lambda page: floor_ready_at(page, "/inbox/tickets/103"))
    finally:
        ctx.close()
    return out


def one_run(p, ports, latency: float) -> dict:
    from harness.chromium import extension_id, launch, panel_frame, store_settings
    from harness.loop_standin import FULL_KEY

    out = {}
    profile = Path(tempfile.mkdtemp(prefix="loop-bench-"))
    ctx = launch(p, profile, ports)
    try:
        ext = extension_id(ctx)
        # Save -> "Saved." on the options page, as the admin sees it (Loop answers the check after it).
        options = ctx.new_page()
        options.goto(f"chrome-extension://{ext}/options/options.html")
        options.get_by_label("Loop API key").fill(FULL_KEY)
        t0 = options.evaluate("Date.now()")
        options.get_by_role("button", name="Save").click()
        options.get_by_text("Saved.", exact=True).wait_for()
        out["options: Save -> Saved"] = options.evaluate("Date.now()") - t0
        options.close()
        store_settings(ctx, ext, apiKey=FULL_KEY, enabled=True, lookupField="email").close()
        # the very first ticket in this profile, then cold: a new tab on a ticket once the panel has run here
        page = ctx.new_page()
        page.goto("https://www.klaviyo.com/inbox/tickets/101")
        out["first run"] = ready_at(panel_frame(page), "/inbox/tickets/101") - page.evaluate("performance.timeOrigin")
        page.close()
        page = ctx.new_page()
        page.goto("https://www.klaviyo.com/inbox/tickets/101")
        frame = panel_frame(page)
        origin = page.evaluate("performance.timeOrigin")
        t_ready = ready_at(frame, "/inbox/tickets/101")
        out["cold"] = t_ready - origin
        marks = frame.evaluate("""() => Object.fromEntries(performance.getEntriesByType('mark')
            .map(m => [m.name, performance.timeOrigin + m.startTime]))""")
        nav = frame.evaluate("performance.timeOrigin")
        out["cold: panel page created"] = nav - origin
        if "loop:pyscript-imported" in marks:
            out["cold: PyScript imported"] = marks["loop:pyscript-imported"] - origin
        if "loop:interpreter-ready" in marks:
            out["cold: Pyodide + packages loaded"] = marks["loop:interpreter-ready"] - origin
        out["cold: Python ready (our modules imported)"] = marks["loop:python-ready"] - origin
        if "loop:snapshot" in marks:
            out["cold: ticket snapshot parsed"] = marks["loop:snapshot"] - origin
        out["cold: first status rendered"] = t_ready - origin
        out["panel: longest main-thread task, boot (ms)"] = longest_task(frame)
        # The same, on a ticket whose customer e-mail would stall a naive parser (issue 12's hostile text).
        stall = ctx.new_page()
        stall.goto("https://www.klaviyo.com/inbox/tickets/190")
        stall_frame = panel_frame(stall)
        stall_origin = stall.evaluate("performance.timeOrigin")
        out["cold, stalling ticket text (40 x 'order' + 6000 nbsp)"] = ready_at(stall_frame, "/inbox/tickets/190") - stall_origin
        stall.close()
        # switch (same tab, single-page navigation); the page's own sidebar arrival is watched from the page
        page.evaluate(SIDEBAR_WATCH, "ID 102")
        t0 = page.evaluate(OPEN, "Max Mustermann")
        out["switch"] = ready_at(frame, "/inbox/tickets/102") - t0
        out.update(switch_breakdown(page, frame, t0))
        out["panel: longest main-thread task, after boot incl. switch (ms)"] = longest_task(frame, after=t_ready - nav)
        heap = frame.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0")
        out["panel JS heap (MB)"] = heap / 1e6
        out["extension renderer RSS (MB)"] = extension_rss_mb()
        page.close()
        out["inbox-first"] = inbox_first(ctx, lambda page: ready_at(panel_frame(page), "/inbox/tickets/103"))
    finally:
        ctx.close()
    return out


# Bench-only: when the page's sidebar shows the new ticket (the earliest any panel can read it).
SIDEBAR_WATCH = """id => { window.__sidebarAt = 0; new MutationObserver(() => {
    const aside = document.querySelector('aside');
    if (!window.__sidebarAt && aside && aside.innerText.includes(id)) window.__sidebarAt = performance.timeOrigin + performance.now();
}).observe(document, {subtree: true, childList: true, characterData: true}); }"""


def switch_breakdown(page, frame, t0: float) -> dict:
    """Where a switch's time goes: the page's own sidebar, then each step of ours (the panel's marks)."""
    marks = frame.evaluate("""t0 => performance.getEntriesByType('mark')
        .map(m => [m.name, performance.timeOrigin + m.startTime]).filter(([, t]) => t >= t0)""", t0)
    sidebar = page.evaluate("window.__sidebarAt")
    out = {"switch: page's sidebar shows the ticket": sidebar - t0}
    after = lambda name: next((t for n, t in marks if n == name and t >= sidebar), None)  # noqa: E731
    for label, name in (("page-changed received", "loop:page-changed"), ("snapshot received", "loop:snapshot"),
                        ("ticket parsed", "loop:ticket-parsed"), ("first Loop request sent", "loop:fetch"),
                        ("first Loop answer's headers", "loop:fetch-headers"),
                        ("first Loop answer read", "loop:fetch-answered"), ("first status rendered", "loop:rendered")):
        at = after(name)
        if at is not None:
            out[f"switch: {label}"] = at - t0
    return out


def longest_task(frame, after: float = 0.0) -> float:
    """The longest main-thread task the panel ran (Long Tasks API, buffered), optionally after a time."""
    return frame.evaluate("""after => new Promise(resolve => {
        let longest = 0;
        new PerformanceObserver(list => {
            for (const e of list.getEntries()) if (e.startTime >= after) longest = Math.max(longest, e.duration);
        }).observe({type: 'longtask', buffered: true});
        setTimeout(() => resolve(longest), 300);
    })""", after)


def extension_rss_mb() -> float:
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes()
            if b"--extension-process" in cmd:
                for line in (proc / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description="Panel benchmark")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.12, help="Loop stand-in latency in seconds")
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    ensure_tools()
    ensure_venv()
    import subprocess
    if not args.no_build:
        subprocess.run([sys.executable, str(ROOT / "build.py")], check=True)
    from playwright.sync_api import sync_playwright

    from harness.chromium import Ports
    from harness.klaviyo_standin import KlaviyoStandin
    from harness.loop_standin import LoopStandin

    klaviyo, loop = KlaviyoStandin().start(), LoopStandin().start()
    loop.latency = args.latency
    stall = dict(klaviyo.tickets[0], id="190", subject="A very long e-mail")
    stall["messages"] = [dict(stall["messages"][0], text=("order" + "\u00a0" * 6000) * 40)]
    klaviyo.tickets.append(stall)
    runs, floors = [], []
    requests_per_ticket = []
    with sync_playwright() as p:
        for i in range(args.runs):
            ports = Ports(klaviyo.port, loop.port)
            order = (floor_run, None) if i % 2 else (None, floor_run)  # alternate: drift hits both alike
            for which in order:
                if which is floor_run:
                    floors.append(floor_run(p, ports))
                    continue
                loop.clear_log()
                runs.append(one_run(p, ports, args.latency))
                api = [r for r in loop.requests if r.path.startswith("/api/") and r.query.get("order_name") != ["x"]]
                requests_per_ticket.append(len(api) / 5)  # first run, cold, stalling ticket, switch, inbox-first
            print(f"run {i + 1}/{args.runs}: cold {runs[-1]['cold']:.0f} ms (floor {floors[-1]['cold']:.0f}), "
                  f"switch {runs[-1]['switch']:.0f} ms (floor {floors[-1]['switch']:.0f}), "
                  f"inbox-first {runs[-1]['inbox-first']:.0f} ms (floor {floors[-1]['inbox-first']:.0f})", flush=True)
    klaviyo.stop()
    loop.stop()

    def stat(rows, key):
        values = [r[key] for r in rows if key in r]
        return statistics.median(values), min(values), max(values)

    print(f"\nLoop stand-in latency {args.latency * 1000:.0f} ms; {args.runs} fresh profiles each; median [min–max]")
    print(f"  {'':<40} {'ours':>22} {'plain-JS floor':>22} {'ours − floor':>14}")
    for key in ("first run", "cold", "inbox-first", "switch"):
        (m, lo, hi), (fm, flo, fhi) = stat(runs, key), stat(floors, key)
        print(f"  {key:<40} {m:8.0f} ms [{lo:.0f}–{hi:.0f}] {fm:8.0f} ms [{flo:.0f}–{fhi:.0f}] {m - fm:+10.0f} ms")
    for key in ("physical floor (page's panes + one Loop round trip)", "one Loop round trip"):
        m, lo, hi = stat(floors, key)
        print(f"  {key:<55} {m:8.1f} ms  [{lo:.1f}–{hi:.1f}]")
    print("  ours, in detail:")
    for key in runs[0]:
        if key in ("first run", "cold", "inbox-first", "switch"):
            continue
        m, lo, hi = stat(runs, key)
        unit = "" if "(MB)" in key or "(ms)" in key else " ms"
        print(f"  {key:<55} {m:8.1f}{unit}  [{lo:.1f}–{hi:.1f}]")
    print(f"  {'Loop requests per ticket':<55} {statistics.median(requests_per_ticket):8.2f}")
    dist = ROOT / "dist"
    size = sum(f.stat().st_size for f in dist.rglob("*") if f.is_file())
    print(f"  {'dist/ size (MB)':<55} {size / 1e6:8.2f}   dist.zip {(ROOT / 'dist.zip').stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
