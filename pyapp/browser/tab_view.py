"""One tab's panel inside the runtime: its state, the page readings that reach it, and the view it sends.

The panel frame of that tab (``extension/panel/panel.js``) shows the view and reports the agent's input; when the
frame is reloaded (the app re-rendered its sidebar) or comes back, it gets the view again at once, with what the
agent had typed. What the panel asks of the browser (the clipboard, the reply box, a new reading of the page)
goes to the frame as a request, and an unanswered request is a "no".
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import js

from pyapp.browser.chrome import PANEL_COLLAPSED
from pyapp.browser.jsutil import mark, to_js_object
from pyapp.contract import messages as protocol
from pyapp.contract.messages import parse_insert_answer
from pyapp.panel.controller import Panel, Services
from pyapp.panel.i18n import translator
from pyapp.panel.state import Screen, first_status_shown
from pyapp.panel.wire import serialize
from pyapp.ticket.follower import TicketFollower
from pyapp.ticket.parser import parse_ticket

if TYPE_CHECKING:
    from pyapp.browser.runtime_app import Runtime

TAB_KEPT_S = 120.0  # how long a tab's state waits for its panel frame to come back before it is freed
POLICY_WAIT_S = 4.0  # how long the first settings may take before the panel says it waits for the policy
ANSWER_WAIT_S = 10.0  # a panel that does not answer a request (copy, insert) in this time has not done it


def local_now() -> datetime:
    """The agent's local time, in the browser's own time zone (days left and ages are the agent's days)."""
    return datetime.now(timezone(timedelta(minutes=-int(js.Date.new().getTimezoneOffset()))))


def post(port: int, msg: dict[str, Any]) -> None:
    js.postMessage(to_js_object({"kind": "send", "port": port, "msg": msg}))


async def load_package(name: str) -> None:
    import pyodide_js  # the bundled lock names the package; it is installed from /vendor/wheels

    await pyodide_js.loadPackage(name)


class TabView:
    """One tab's panel: its state lives here; its frame (when it has one) shows it and reports the agent's input."""

    def __init__(self, runtime: Runtime, tab_id: int) -> None:
        self.runtime, self.tab_id = runtime, tab_id
        self.port: int | None = None
        self.typed: dict[str, str] = {}  # what the agent typed, by control id: a reloaded frame gets it back
        self.follower = TicketFollower()
        self._requests: dict[int, asyncio.Future] = {}
        self._next_request = 1
        self._render_pending = False
        self._look_again: asyncio.TimerHandle | None = None
        self._free: asyncio.TimerHandle | None = None
        self._ready_key: str | None = None
        self.settings_changed = False  # the settings changed while no frame showed this tab
        services = Services(
            make_client=runtime.client_for,
            copy_text=self.copy_text,
            insert_reply=self.insert_reply,
            open_options=lambda: self.tell("options"),
            set_collapsed=lambda collapsed: self.tell("collapsed", value=collapsed),
            retry_policy=runtime.ask_settings,
            load_package=load_package,
            now=local_now,
            return_changed=lambda ret: runtime.return_changed(self, ret),
        )
        self.panel = Panel(translator(lambda key: "", "en"), services, self.schedule_render)
        self.panel.state.collapsed = runtime.local.get(PANEL_COLLAPSED) is True
        if runtime.settings is not None:
            self.panel.apply_settings(runtime.settings)
        elif runtime.policy_unreadable:
            self.panel.policy_unknown()
        else:
            asyncio.get_event_loop().call_later(POLICY_WAIT_S, self._policy_slow)

    def _policy_slow(self) -> None:
        if self.panel.state.settings is None:
            self.panel.waiting_for_policy()

    # -- the frame comes and goes --

    def attach(self, port: int) -> None:
        self.port = port
        if self._free is not None:
            self._free.cancel()
            self._free = None
        if self.settings_changed and self.runtime.settings is not None:
            self.settings_changed = False
            self.panel.apply_settings(self.runtime.settings)
        self._ready_key = None  # a new frame: its first answer on screen is reported again
        self.schedule_render()
        settings = self.panel.state.settings
        if settings is not None and settings.order_headings:
            self.tell("headings", headings=list(settings.order_headings))

    def detach(self, port: int) -> None:
        if self.port != port:
            return
        self.port = None
        for future in self._requests.values():
            if not future.done():
                future.set_result(None)  # nobody will answer: not done
        self._requests.clear()
        self._free = asyncio.get_event_loop().call_later(TAB_KEPT_S, self.runtime.free, self.tab_id)

    # -- what the frame reports --

    def receive(self, message: protocol.Message) -> None:
        panel = self.panel
        if isinstance(message, protocol.Hello):
            panel.t = translator(lambda key: "", message.lang)
            self.schedule_render()
        elif isinstance(message, protocol.PageSnapshot):
            self.show_snapshot(message)
        elif isinstance(message, protocol.Act):
            panel.spawn(panel.act(message.action, message.order, dict(message.values)))
        elif isinstance(message, protocol.Covered):
            panel.refuse_covered(message.action, message.order, moved=message.moved)
        elif isinstance(message, protocol.FrameHostState):
            panel.page_dresses_it_up(not message.clean)
        elif isinstance(message, protocol.Typed):
            self.typed[message.id] = message.value
            while len(self.typed) > protocol.MAX_TYPED:
                self.typed.pop(next(iter(self.typed)))
        elif isinstance(message, protocol.Answer):
            future = self._requests.pop(message.id, None)
            if future is not None and not future.done():
                future.set_result(message.value)

    def page_unreadable(self) -> None:
        """The page could not be read: the previous ticket's cards go (their controls must not stay live for a
        page that may now show another customer); the panel says it cannot read the page."""
        self.panel.page_unreadable()

    def show_snapshot(self, snap: protocol.PageSnapshot) -> None:
        settings = self.panel.state.settings
        ticket = parse_ticket(
            snap.url,
            snap.tree,
            settings.order_headings if settings else (),
            profile_headings=settings.profile_headings if settings else (),
        )
        reading = self.follower.read(ticket)
        mark("loop:ticket-parsed")
        if self._look_again is not None:
            self._look_again.cancel()
            self._look_again = None
        if reading.look_again_at is not None:
            # A half-switched page that then stops changing: ask the frame to read it again when the wait is over.
            delay = max(0.0, reading.look_again_at - self.follower.now()) + 0.05
            self._look_again = asyncio.get_event_loop().call_later(delay, lambda: self.tell("snapshot"))
        self.panel.spawn(self.panel.show_ticket(reading, snap.replyBox))

    # -- what the panel asks of the frame --

    def tell(self, op: str, **values: Any) -> None:
        if self.port is not None:
            post(self.port, {"kind": "do", "op": op, **values})

    async def ask(self, op: str, **values: Any) -> Any:
        if self.port is None:
            return None
        rid, self._next_request = self._next_request, self._next_request + 1
        future = asyncio.get_event_loop().create_future()
        self._requests[rid] = future
        post(self.port, {"kind": "do", "op": op, "id": rid, **values})
        try:
            return await asyncio.wait_for(future, ANSWER_WAIT_S)
        except TimeoutError:
            return None
        finally:
            self._requests.pop(rid, None)

    async def copy_text(self, text: str) -> bool:
        return await self.ask("copy", text=text) is True

    async def insert_reply(self, text: str, ticket: str, customer: str | None) -> str:
        parsed = parse_insert_answer(await self.ask("insert", text=text, ticket=ticket, customer=customer))
        if parsed is None:
            return "no-answer"
        return "ok" if parsed.ok else (parsed.reason or "failed")

    # -- drawing --

    def schedule_render(self) -> None:
        if not self._render_pending:
            self._render_pending = True
            asyncio.get_event_loop().call_soon(self._render)

    def _render(self) -> None:
        self._render_pending = False
        if self.port is None:
            return  # drawn when a frame attaches
        tree, ids = serialize(self.panel.view(), self.typed)
        for gone in [i for i in self.typed if i not in ids]:
            del self.typed[gone]  # its control left the screen: what was typed there was sent or dropped
        state = self.panel.screen()
        ticket = self.panel.state.ticket
        answered = state in (Screen.READY, Screen.NO_ORDERS) or first_status_shown(self.panel.state)
        ready = ticket.key if answered and ticket is not None else None
        post(self.port, {"kind": "view", "tree": tree, "state": str(state), "ready": ready})
