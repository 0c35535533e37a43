"""The runtime's program: Python once for the whole browser; every tab's panel is a thin view of it.

It runs in a worker that the extension's offscreen document starts (``extension/runtime/``). The document
passes messages between it and the extension's pages over ``chrome.runtime`` ports: a panel frame per ticket tab
(``extension/panel/panel.js``), the options page, and the service worker, which pushes the settings (the key
among them; this worker cannot read storage). Messages are validated (``pyapp.contract.messages``) before anything
acts, and a panel's tab is the browser's word (the port's sender), never the page's.

One Loop client per key serves every tab: one answer cache, one 429 cool-down, one automatic-lookup budget, so a
page that remounts its panel gets no fresh budget. A tab's panel state (``pyapp.panel``) outlives its frame for
``TAB_KEPT_S``: a sidebar the app re-renders reloads the frame, which gets its view back at once.
"""

from __future__ import annotations

import asyncio
from typing import Any

import js
from pyodide.ffi import create_proxy

from pyapp.browser.chrome import log_error, log_task_error
from pyapp.browser.fetch import FetchTransport
from pyapp.browser.jsutil import mark, py, to_js_object
from pyapp.browser.tab_view import TabView, post
from pyapp.contract import messages as protocol
from pyapp.contract.settings import Settings, merge
from pyapp.loop.client import ClientConfig, LoopClient
from pyapp.loop.models import Return
from pyapp.panel.sentences import scope_check_answer


class Runtime:
    def __init__(self) -> None:
        self.local: dict[str, Any] = {}
        self.managed: dict[str, Any] = {}
        self.settings: Settings | None = None
        self.policy_unreadable = False  # the service worker could not read storage.managed: no call is made
        self.clients: dict[str, LoopClient] = {}
        self.tabs: dict[int, TabView] = {}
        self.ports: dict[int, TabView | None] = {}  # None: the options page
        self._handler = create_proxy(self.on_message)
        self._checks: set[asyncio.Task] = set()  # the options page's key checks in flight

    def start(self) -> None:
        js.self.onmessage = self._handler
        queued = js.self.loopRuntimeQueue  # what the document sent while Python was starting, in order
        while queued.length:
            self.on_data_guarded(queued.shift())
        mark("loop:python-ready")

    # -- the document's messages --

    def on_message(self, event) -> None:
        self.on_data_guarded(event.data)

    def on_data_guarded(self, raw: Any) -> None:
        """One message that trips a bug is logged and dropped: left to reach the worker's top level, it would read
        as "Python failed to start" on every tab's panel."""
        try:
            self.on_data(py(raw))
        except Exception as exc:  # noqa: BLE001 - any bug, logged without values; the runtime serves on
            log_error(exc)

    def on_data(self, data: Any) -> None:
        if not isinstance(data, dict):
            return
        kind = data.get("kind")
        if kind == "settings":
            self.apply_settings(data.get("local"), data.get("managed"))
        elif kind == "connect" and isinstance(data.get("port"), int):
            self.connect(data["port"], data.get("role"), data.get("tab"))
        elif kind == "disconnect" and isinstance(data.get("port"), int):
            view = self.ports.pop(data["port"], None)
            if view is not None:
                view.detach(data["port"])
        elif kind == "message" and isinstance(data.get("port"), int):
            self.receive(data["port"], data.get("msg"))

    def connect(self, port: int, role: Any, tab: Any) -> None:
        if role == "panel" and isinstance(tab, int):
            view = self.tabs.get(tab)
            if view is None:
                view = self.tabs[tab] = TabView(self, tab)
            self.ports[port] = view
            view.attach(port)
        elif role == "options":
            self.ports[port] = None

    def receive(self, port: int, payload: Any) -> None:
        if port not in self.ports:
            return
        view = self.ports[port]
        if view is None:
            message = protocol.parse_options(payload)
            if isinstance(message, protocol.CheckKey):
                task = asyncio.ensure_future(self.check_key(port, message))
                self._checks.add(task)  # kept until done: a task nobody holds may be collected mid-check
                task.add_done_callback(self._checks.discard)
            return
        message = protocol.parse_panel(payload)
        if message is not None:
            view.receive(message)
        elif isinstance(payload, dict) and payload.get("kind") == "snapshot":
            view.page_unreadable()  # a page read that failed (too big, a URL too long, malformed)

    async def check_key(self, port: int, message: protocol.CheckKey) -> None:
        """The options page's Test connection (and the check after Save): read-only calls with the typed key."""
        result = await LoopClient(FetchTransport(), message.key, ClientConfig()).check_key()
        post(port, {"kind": "answer", "id": message.id, "value": scope_check_answer(result)})

    # -- settings: pushed by the service worker --

    def apply_settings(self, local: Any, managed: Any) -> None:
        self.local = local if isinstance(local, dict) else {}
        if not isinstance(managed, dict):
            # The policy could not be read: not "no policy". No call with a local key until it is (Retry asks).
            self.settings, self.policy_unreadable = None, True
            self.clients.clear()
            for view in self.tabs.values():
                view.panel.policy_unknown()
            return
        self.managed, self.policy_unreadable = managed, False
        settings = merge(self.local, self.managed)
        old, self.settings = self.settings, settings
        keys = {s.api_key.get_secret_value() for s in (settings,) if s.api_key}
        for key in [k for k in self.clients if k not in keys]:
            del self.clients[key]  # a key no longer set: its answers are not kept
        for view in self.tabs.values():
            if view.port is None:
                view.settings_changed = True  # no frame: no lookup for nobody; applied when one attaches
                continue
            view.panel.apply_settings(settings)
            if (old is None or old.order_headings != settings.order_headings) and settings.order_headings:
                view.tell("headings", headings=list(settings.order_headings))

    def ask_settings(self) -> None:
        js.postMessage(to_js_object({"kind": "want-settings"}))

    def client_for(self, settings: Settings, on_retry) -> LoopClient:
        """The one client for this key, shared by every tab (its cache, cool-down and budget with it)."""
        assert settings.api_key is not None
        key = settings.api_key.get_secret_value()
        client = self.clients.get(key)
        if client is None:
            client = self.clients[key] = LoopClient(
                FetchTransport(), settings.api_key, ClientConfig(), on_retry=lambda status: self._retrying(key, status)
            )
        return client

    def _retrying(self, key: str, status: int) -> None:
        client = self.clients.get(key)
        for view in self.tabs.values():
            if client is not None and view.panel.client is client:
                view.panel._on_retry(status)

    def return_changed(self, source: TabView, ret: Return) -> None:
        """A return changed in Loop from one tab: every other tab on the same key that shows it redraws it."""
        client = source.panel.client
        for view in self.tabs.values():
            if view is not source and client is not None and view.panel.client is client:
                view.panel.return_changed(ret)

    def free(self, tab_id: int) -> None:
        view = self.tabs.get(tab_id)
        if view is not None and view.port is None:
            del self.tabs[tab_id]
            view.panel._cancel_load()


_runtime: Runtime | None = None


def start() -> None:
    """Entry point of the runtime worker (extension/runtime/python-worker.js)."""
    global _runtime
    asyncio.get_event_loop().set_exception_handler(log_task_error)
    _runtime = Runtime()
    _runtime.start()
