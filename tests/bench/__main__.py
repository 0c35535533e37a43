"""`python3 -m tests.bench`: how fast and how heavy the extension is, in numbers (it prints; it does not judge).

Runs in headless Chromium against the local stand-ins (Loop latency fixed, default 120 ms), alternating in the
same run, each subject in its own fresh profile per round:

  ours     the built dist/
  before   optional (--before DIR): another build, e.g. the commit before a redesign, measured the same way
  floor    a minimal plain-JS extension (tests/bench/floor/, never shipped) that reads the same ticket the moment
           the page shows it, reads the policy and the key, makes every Loop call at once and writes text

Per subject and round: the first ticket in the fresh profile; then five ticket tabs opened one after another
(new tab: navigation start -> first status, median of tabs 2-5); memory per extra ticket tab, (PSS of all the
profile's processes with 5 tabs - with 1) / 4; a single-page switch; the extension's own processes with no
ticket tab open (ours: the runtime); and, after closing and relaunching the same (configured, used) profile,
the first ticket opened. Times are the browsers' own clocks (performance.timeOrigin + now()).
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

from harness.bootstrap import ensure_tools, ensure_venv  # noqa: E402 - after the path is set

NOW = "performance.timeOrigin + performance.now()"
# Clicks the inbox list item of a customer, as an agent does (the page carries no test ids).
OPEN = (
    "name => { const t = " + NOW + "; [...document.querySelectorAll('a')]"
    ".find(a => a.textContent.includes(name)).click(); return t; }"
)
TICKETS = ("101", "102", "103", "101", "102")


def wait_for(read, what: str, timeout: float = 60.0) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            got = read()
        except Exception:  # noqa: BLE001 - a frame still loading
            got = None
        if got:
            return float(got)
        time.sleep(0.01)
    raise RuntimeError(f"never showed {what}")


class Subject:
    def __init__(self, name: str, extension_dir: Path, floor: bool = False) -> None:
        self.name, self.dir, self.floor = name, Path(extension_dir), floor

    def ready(self, page, key: str) -> float:
        """Epoch ms at which ``key``'s first returns were on screen (the panel's or the floor's mark)."""
        if self.floor:
            js = (
                "k => document.documentElement.dataset.floorReadyKey === k"
                " && document.documentElement.dataset.floorReadyAt"
            )
            return wait_for(lambda: page.evaluate(js, key), key)
        from harness.chromium import panel_frame

        frame = panel_frame(page, 60)
        js = "k => document.documentElement.dataset.readyKey === k && document.documentElement.dataset.readyAt"
        return wait_for(lambda: frame.evaluate(js, key), key)

    def configure(self, ctx) -> None:
        from harness.loop_standin import FULL_KEY

        worker = ctx.service_workers[0] if ctx.service_workers else ctx.wait_for_event("serviceworker")
        values = {"apiKey": FULL_KEY} if self.floor else {"apiKey": FULL_KEY, "enabled": True, "lookupField": "email"}
        worker.evaluate("v => chrome.storage.local.set(v)", values)


def extension_processes_pss_mb(user_data_dir: Path) -> float:
    total = 0
    for pid in _family(user_data_dir):
        try:
            if b"--extension-process" in Path(f"/proc/{pid}/cmdline").read_bytes():
                total += _pss_kb(pid)
        except OSError:
            continue
    return total / 1024


def _family(user_data_dir: Path) -> set[int]:
    procs = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                procs[int(proc.name)] = (
                    int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]),
                    (proc / "cmdline").read_bytes(),
                )
            except (OSError, IndexError, ValueError):
                continue
    family = {pid for pid, (_, cmd) in procs.items() if f"--user-data-dir={user_data_dir}".encode() in cmd}
    grew = True
    while grew:
        grew = False
        for pid, (ppid, _) in procs.items():
            if ppid in family and pid not in family:
                family.add(pid)
                grew = True
    return family


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def settle_pss(profile: Path, seconds: float = 1.5) -> float:
    time.sleep(seconds)
    return sum(_pss_kb(pid) for pid in _family(profile)) / 1024


def one_round(p, ports, subject: Subject) -> dict:
    from harness.chromium import launch

    out: dict[str, float] = {}
    profile = Path(tempfile.mkdtemp(prefix=f"loop-bench-{subject.name}-"))
    ctx = launch(p, profile, ports, extension_dir=subject.dir)
    try:
        subject.configure(ctx)
        for page in ctx.pages:
            if page.url.startswith("chrome-extension://"):
                page.close()  # the install-time options tab: an admin closes it
        time.sleep(1.5)  # the runtime (ours) finishes starting, as it does in the background after an install
        out["extension processes, no ticket tab (MB)"] = extension_processes_pss_mb(profile)
        tabs, new_tab = [], []
        for n, ticket in enumerate(TICKETS):
            page = ctx.new_page()
            page.goto(f"https://www.klaviyo.com/inbox/tickets/{ticket}")
            took = subject.ready(page, f"/inbox/tickets/{ticket}") - page.evaluate("performance.timeOrigin")
            if n == 0:
                out["first ticket, fresh profile"] = took
                out["_pss1"] = settle_pss(profile)
            else:
                new_tab.append(took)
            tabs.append(page)
        out["new tab (median of tabs 2-5)"] = statistics.median(new_tab)
        out["memory per extra ticket tab (MB)"] = (settle_pss(profile) - out.pop("_pss1")) / 4
        t0 = tabs[0].evaluate(OPEN, "Ava Smith")
        out["switch"] = subject.ready(tabs[0], "/inbox/tickets/103") - t0
        for page in tabs:
            page.close()
    finally:
        ctx.close()
    ctx = launch(p, profile, ports, extension_dir=subject.dir)  # the same profile, used and configured
    try:
        page = ctx.new_page()
        page.goto("https://www.klaviyo.com/inbox/tickets/101")
        out["first ticket after a relaunch"] = subject.ready(page, "/inbox/tickets/101") - page.evaluate(
            "performance.timeOrigin"
        )
    finally:
        ctx.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description="Extension benchmark")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.12, help="Loop stand-in latency in seconds")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument(
        "--before", type=Path, help="another built dist/ to measure beside ours (e.g. the commit before a redesign)"
    )
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
    subjects = [Subject("ours", ROOT / "dist"), Subject("floor", FLOOR, floor=True)]
    if args.before:
        subjects.insert(1, Subject("before", args.before))
    rows: dict[str, list[dict]] = {s.name: [] for s in subjects}
    with sync_playwright() as p:
        for i in range(args.runs):
            order = subjects if i % 2 == 0 else list(reversed(subjects))  # alternate: drift hits all alike
            for subject in order:
                rows[subject.name].append(one_round(p, Ports(klaviyo.port, loop.port), subject))
            print(
                f"round {i + 1}/{args.runs}: "
                + ", ".join(
                    f"{s.name} new tab {rows[s.name][-1]['new tab (median of tabs 2-5)']:.0f} ms" for s in subjects
                ),
                flush=True,
            )
    klaviyo.stop()
    loop.stop()

    def stat(name: str, key: str) -> str:
        values = [r[key] for r in rows[name] if key in r]
        unit = "" if "(MB)" in key else " ms"
        return f"{statistics.median(values):8.1f}{unit} [{min(values):.0f}–{max(values):.0f}]"

    print(f"\nLoop stand-in latency {args.latency * 1000:.0f} ms; {args.runs} rounds; median [min–max]")
    names = [s.name for s in subjects]
    print(f"  {'':<44}" + "".join(f"{n:>26}" for n in names) + f"{'ours - floor':>16}")
    for key in rows["ours"][0]:
        ours = statistics.median(r[key] for r in rows["ours"])
        floor = statistics.median(r[key] for r in rows["floor"])
        print(f"  {key:<44}" + "".join(f"{stat(n, key):>26}" for n in names) + f"{ours - floor:+16.1f}")
    dist = ROOT / "dist"
    size = sum(f.stat().st_size for f in dist.rglob("*") if f.is_file())
    print(f"  dist/ {size / 1e6:.2f} MB, dist.zip {(ROOT / 'dist.zip').stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
