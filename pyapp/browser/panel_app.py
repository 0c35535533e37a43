"""The panel page's program: settings in (policy first), the ticket in (snapshot, follower), the panel on screen.

It wires the pure panel (``pyapp.panel``) to Chrome (``pyapp.browser.chrome``), fetch (``.fetch``) and the DOM
(``.render``). Messages are accepted by the contract's sender rules (``pyapp.contract.messages.accept``): this
extension, this tab, the top frame, this panel's nonce. Network calls use ``fetch`` asynchronously: the
panel's thread is never blocked by Loop.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import js
from pyodide.ffi import create_proxy

from pyapp.browser import chrome
from pyapp.browser.chrome import PANEL_COLLAPSED, ContentScript, present, to_js_object
from pyapp.browser.jsutil import mark
from pyapp.browser.fetch import FetchTransport
from pyapp.browser.render import Renderer
from pyapp.contract.messages import HostState, PageChanged, accept, parse_snapshot
from pyapp.contract.settings import NAMES as SETTING_NAMES
from pyapp.contract.settings import Settings, apply_changes, merge
from pyapp.loop.client import ClientConfig, LoopClient
from pyapp.panel.actions import GUARDED
from pyapp.panel.controller import Panel, Services
from pyapp.panel.i18n import translator
from pyapp.panel.state import Screen, first_status_shown
from pyapp.ticket.follower import TicketFollower
from pyapp.ticket.parser import parse_ticket

POLICY_WAIT_S = 4.0  # how long the first policy read may take before the panel says it is waiting for it


def local_now() -> datetime:
    """The agent's local time, in the browser's own time zone (days left and ages are the agent's days)."""
    return datetime.now(timezone(timedelta(minutes=-int(js.Date.new().getTimezoneOffset()))))


class PanelApp:
    def __init__(self) -> None:
        self.content = ContentScript(str(js.location.hash or "").lstrip("#")[:64])
        self.local: dict = {}
        self.managed: dict = {}
        self.managed_known = False
        t = translator(chrome.message, chrome.ui_language())
        services = Services(make_client=self.make_client, copy_text=chrome.copy_text,
                            insert_reply=self.content.insert_reply, open_options=chrome.open_options,
                            set_collapsed=chrome.set_collapsed, load_package=chrome.load_package,
                            retry_policy=self.retry_policy, now=local_now)
        self.panel = Panel(t, services, self.schedule_render)
        self.renderer = Renderer(js.document.getElementById("app"), self.panel.act, self.panel.spawn, GUARDED,
                                 self.is_clear, self.panel.refuse_covered)
        self.follower = TicketFollower()
        self._look_again = None
        self._render_pending = False
        self._snapshot_running = False
        self._snapshot_again = False
        self._listeners = []

    def make_client(self, settings: Settings, on_retry) -> LoopClient:
        return LoopClient(FetchTransport(), settings.api_key, ClientConfig(), on_retry=on_retry)

    async def is_clear(self, el) -> bool:
        """The control is unobscured inside the frame, and the page has not clipped or masked the panel from
        outside, which the frame cannot see (the content script checks <html> and the host)."""
        return await chrome.control_is_clear(el) and await self.content.host_is_clean()

    # -- rendering --

    def schedule_render(self) -> None:
        # The event loop, not requestAnimationFrame: a frame that is not rendered (the panel hidden on the inbox
        # page, still booting there) gets no animation frames, and the DOM must be up to date when it is shown.
        if not self._render_pending:
            self._render_pending = True
            asyncio.get_event_loop().call_soon(self._render_now)

    def _render_now(self) -> None:
        self._render_pending = False
        try:
            self.renderer.render(self.panel.view())
        except Exception as exc:  # noqa: BLE001 - a rendering bug must not leave the panel silent
            chrome.log_task_error(None, {"exception": exc})
            return
        state = self.panel.screen()
        root = js.document.documentElement
        root.setAttribute("data-panel-state", str(state))
        ticket = self.panel.state.ticket
        answered = state in (Screen.READY, Screen.NO_ORDERS) or first_status_shown(self.panel.state)
        if answered and ticket is not None and root.getAttribute("data-ready-key") != ticket.key:
            # When each ticket's first answer reached the screen, on the epoch clock the benchmark reads.
            mark("loop:rendered")
            root.setAttribute("data-ready-at", str(js.performance.timeOrigin + js.performance.now()))
            root.setAttribute("data-ready-key", ticket.key)

    # -- settings --

    async def load_settings(self) -> None:
        """Local settings and the enterprise policy, the policy first: it may switch the integration off or
        replace the key, so no Loop call is made before it is known. Its read (started by boot.js, before
        Python) can take seconds after a browser start; past POLICY_WAIT_S the panel makes no call and says it
        is waiting for the administrator's settings, never falling back to the local key."""
        local = await js.chrome.storage.local.get(to_js_object([*SETTING_NAMES, PANEL_COLLAPSED]))
        self.local = chrome.py(local) or {}
        self.panel.state.collapsed = self.local.pop(PANEL_COLLAPSED, False) is True
        managed = asyncio.ensure_future(self.load_managed())
        done, _ = await asyncio.wait([managed], timeout=POLICY_WAIT_S)
        if not done:
            self.panel.waiting_for_policy()  # the read goes on; load_managed applies it when it answers

    async def load_managed(self) -> None:
        try:
            source = getattr(js.globalThis, "loopManaged", None)
            self.managed = chrome.py(await (source if present(source) else js.chrome.storage.managed.get())) or {}
        except Exception:  # noqa: BLE001 - no policy schema support / no policy
            self.managed = {}
        self.managed_known = True
        self.apply_settings()

    def retry_policy(self) -> None:
        """The agent's Retry while waiting for the policy: ask the browser again."""
        js.globalThis.loopManaged = js.chrome.storage.managed.get()
        asyncio.ensure_future(self.load_managed())

    def apply_settings(self) -> None:
        if not self.managed_known:
            return  # nothing is decided, and no call made, before the policy has been read
        settings = merge(self.local, self.managed)
        old = self.panel.state.settings
        self.panel.apply_settings(settings)
        if (old is None or old.order_headings != settings.order_headings) and self.content.tab_id is not None:
            self.send_headings()

    def send_headings(self) -> None:
        """The admin's extra order-list headings: the content script anchors the panel under that list too."""
        settings = self.panel.state.settings
        if settings is not None and settings.order_headings:
            self.content.send_headings(settings.order_headings)

    def on_storage_changed(self, changes, area) -> None:
        if area == "managed":
            self.managed_known = True  # a policy change is the policy, read
        target = self.local if area == "local" else self.managed if area == "managed" else None
        if target is not None:
            apply_changes(target, chrome.py(changes) or {})
            self.apply_settings()

    # -- the ticket --

    async def snapshot(self) -> None:
        if self._snapshot_running:
            self._snapshot_again = True
            return
        self._snapshot_running = True
        try:
            while True:
                self._snapshot_again = False
                snap = parse_snapshot(await self.content.snapshot())
                if snap is not None:
                    mark("loop:snapshot")
                    settings = self.panel.state.settings
                    ticket = parse_ticket(snap.url, snap.tree, settings.order_headings if settings else (),
                                          profile_headings=settings.profile_headings if settings else ())
                    reading = self.follower.read(ticket)
                    mark("loop:ticket-parsed")
                    self._schedule_look_again(reading.look_again_at)
                    asyncio.ensure_future(self.panel.show_ticket(reading, snap.replyBox))
                if not self._snapshot_again:
                    break
        finally:
            self._snapshot_running = False

    def _schedule_look_again(self, at: float | None) -> None:
        """Half-switched page that then stops changing: read it again when the follower's wait is over."""
        if self._look_again is not None:
            self._look_again.cancel()
            self._look_again = None
        if at is not None:
            loop = asyncio.get_event_loop()
            delay = max(0.0, at - self.follower.now()) + 0.05
            self._look_again = loop.call_later(delay, lambda: asyncio.ensure_future(self.snapshot()))

    def on_message(self, message, sender, send_response):
        try:
            payload = chrome.py(message)
        except Exception:  # noqa: BLE001
            return
        msg = accept(payload, chrome.sender_of(sender), extension_id=str(js.chrome.runtime.id),
                     tab_id=self.content.tab_id, nonce=self.content.nonce)
        if isinstance(msg, PageChanged):
            mark("loop:page-changed")
            asyncio.ensure_future(self.snapshot())
        elif isinstance(msg, HostState):
            self.panel.page_dresses_it_up(not msg.clean)

    async def run(self) -> None:
        js.performance.mark("loop:python-ready")
        js.document.documentElement.setAttribute("data-python", "ready")
        js.dispatchEvent(js.Event.new("loop:python-ready"))
        for target, fn in ((js.chrome.storage.onChanged, self.on_storage_changed),
                           (js.chrome.runtime.onMessage, self.on_message)):
            proxy = create_proxy(fn)
            self._listeners.append(proxy)
            target.addListener(proxy)
        # Independent round trips to the browser: ask for both at once on the start-up path.
        tab, _ = await asyncio.gather(js.chrome.tabs.getCurrent(), self.load_settings())
        self.content.tab_id = tab.id if present(tab) else None
        if self.content.tab_id is not None:
            self.send_headings()
            await self.snapshot()


_app: PanelApp | None = None


def start() -> None:
    """Entry point of the panel page (extension/panel/main.py)."""
    global _app
    asyncio.get_event_loop().set_exception_handler(chrome.log_task_error)
    _app = PanelApp()
    asyncio.ensure_future(_app.run())
