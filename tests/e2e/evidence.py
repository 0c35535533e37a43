"""What a failed end-to-end test leaves behind for whoever reads it: a Playwright trace, screenshots, consoles.

Under ``test-results/<test>/``: ``trace.zip`` (open it with ``.venv/bin/playwright show-trace``), a screenshot of
each open tab, and ``console.txt`` with the console of the pages and their frames (the panel's among them) and
of the runtime (the offscreen document and its worker). The failure's report says where.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"


def folder(nodeid: str) -> Path:
    out = RESULTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", nodeid.split("/")[-1]).strip("-")[:120]
    out.mkdir(parents=True, exist_ok=True)
    return out


def save(context, nodeid: str, page_console: list[str]) -> Path:
    """Screenshots and consoles of a failed test; anything that cannot be read is said in the file, never raised."""
    out = folder(nodeid)
    lines = list(page_console)
    for n, page in enumerate(p for p in context.pages if not p.is_closed()):
        try:
            page.screenshot(path=str(out / f"tab-{n}.png"))
        except Exception as err:  # noqa: BLE001 - evidence is best effort: the failure itself must be reported
            lines.append(f"[screenshot of tab {n} failed: {err}]")
    try:
        pages = [p for p in context.pages if not p.is_closed()]
        if pages:
            runtime = RuntimeConsole(context, pages[0])
            lines += [f"[runtime] {line}" for line in runtime.read()]
    except Exception as err:  # noqa: BLE001 - the runtime may be gone (that may be the failure)
        lines.append(f"[runtime console not readable: {err}]")
    (out / "console.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


class RuntimeConsole:
    """The console of the runtime (the offscreen document and the worker it starts), read over the DevTools
    protocol: Playwright lists neither as a page. Messages logged before attaching are replayed by Runtime.enable."""

    def __init__(self, context, page) -> None:
        self.lines: list[str] = []
        self.worker = None
        self.cdp = context.new_cdp_session(page)
        self.cdp.on("Target.receivedMessageFromTarget", self._from_document)
        self.doc = None
        for t in self.cdp.send("Target.getTargets")["targetInfos"]:
            if t["url"].endswith("/runtime/runtime.html"):
                self.doc = self.cdp.send("Target.attachToTarget", {"targetId": t["targetId"], "flatten": False})[
                    "sessionId"
                ]
        assert self.doc, "no runtime document to read"
        self._to_document({"id": 1, "method": "Runtime.enable"})
        self._to_document(
            {
                "id": 2,
                "method": "Target.setAutoAttach",
                "params": {"autoAttach": True, "waitForDebuggerOnStart": False, "flatten": False},
            }
        )

    def _to_document(self, message: dict) -> None:
        self.cdp.send("Target.sendMessageToTarget", {"sessionId": self.doc, "message": json.dumps(message)})

    def _to_worker(self, message: dict) -> None:
        self._to_document(
            {
                "id": 3,
                "method": "Target.sendMessageToTarget",
                "params": {"sessionId": self.worker, "message": json.dumps(message)},
            }
        )

    def _read(self, message: dict) -> None:
        if message.get("method") == "Runtime.consoleAPICalled":
            args = message["params"]["args"]
            self.lines.append(" ".join(str(a.get("value", a.get("description", ""))) for a in args))

    def _from_document(self, event) -> None:
        message = json.loads(event["message"])
        if message.get("method") == "Target.attachedToTarget" and self.worker is None:
            self.worker = message["params"]["sessionId"]
            self._to_worker({"id": 1, "method": "Runtime.enable"})
        elif message.get("method") == "Target.receivedMessageFromTarget":
            self._read(json.loads(message["params"]["message"]))
        else:
            self._read(message)

    def read(self) -> list[str]:
        """What the runtime logged so far (replayed on attaching), once the protocol's events have arrived."""
        for _ in range(5):
            self.cdp.send("Target.getTargets")  # each call lets Playwright deliver the events queued so far
            time.sleep(0.05)
        return list(self.lines)

    def probe(self) -> None:
        """A line logged in each, so a test can see that both are really being read."""
        self._to_document(
            {"id": 4, "method": "Runtime.evaluate", "params": {"expression": "console.log('runtime-document-probe')"}}
        )
        if self.worker:
            self._to_worker(
                {"id": 4, "method": "Runtime.evaluate", "params": {"expression": "console.log('runtime-worker-probe')"}}
            )
