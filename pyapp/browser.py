"""The one module that touches the browser (``js``, ``pyodide``): it wires real Chrome APIs into the pure
modules and puts the panel on screen.

Trust decisions made here:
- Page data arrives only by asking this tab's top-frame content script (``chrome.tabs.sendMessage`` with
  ``frameId: 0``) and proving the nonce we were given in our URL; the page cannot forge that channel. The
  "page changed" hint is accepted only from this extension, this tab, the top frame, with that nonce.
- The key is read from extension storage here and handed to the Loop client; it goes nowhere else.
- Rendering creates elements and text nodes only (``pyapp.view`` has already filtered attributes and URLs).
- Network calls use ``fetch`` asynchronously: the panel's thread is never blocked by Loop.
"""
from __future__ import annotations

import asyncio
import json

import js
from pyodide.ffi import create_proxy, to_js

from pyapp.i18n import translator
from pyapp.loop_client import ClientConfig, LoopClient
from pyapp.messages import HostState, PageChanged, parse, parse_insert_answer, parse_snapshot
from pyapp.panel import Panel, Services
from pyapp.settings import FIELDS as SETTING_FIELDS
from pyapp.settings import Settings, merge
from pyapp.ticket_follower import TicketFollower
from pyapp.ticket_parser import parse_ticket
from pyapp.transport import Request, Response, TransportError
from pyapp.view import VNode


PANEL_COLLAPSED = "panelCollapsed"  # not a setting: how the agent left the panel, kept in storage.local
POLICY_WAIT_S = 4.0  # how long the first policy read may take before the panel says it is waiting for it


def _ignore(*_args) -> None:
    """A promise rejection nobody needs to act on (the content script is gone with the page)."""


def _present(value) -> bool:
    """JavaScript's null arrives as a JsNull object and undefined as None: both mean "not there"."""
    return value is not None and type(value).__name__ not in ("JsNull", "JsUndefined")


def _js(value):
    return to_js(value, dict_converter=js.Object.fromEntries)


class FetchTransport:
    """Loop over the browser's fetch: non-blocking, one deadline for the whole exchange, size-capped."""

    async def send(self, request: Request) -> Response:
        controller = js.AbortController.new()
        init = {"method": request.method, "headers": request.headers, "redirect": "manual",
                "credentials": "omit", "cache": "no-store", "referrerPolicy": "no-referrer",
                "signal": controller.signal}
        if request.body is not None:
            init["body"] = request.body.decode("utf-8")
        try:
            return await asyncio.wait_for(self._exchange(request, init), request.timeout)
        except asyncio.TimeoutError:
            raise TransportError("timeout") from None
        finally:
            controller.abort()

    async def _exchange(self, request: Request, init: dict) -> Response:
        try:
            resp = await js.fetch(request.url, _js(init))
        except Exception:  # noqa: BLE001 - a JS TypeError: offline, refused, DNS, CORS
            raise TransportError("connection") from None
        if resp.type == "opaqueredirect":
            return Response(302, {}, b"")
        headers = {}
        for pair in js.Array.from_(resp.headers.entries()):
            headers[str(pair[0]).lower()] = str(pair[1])
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > request.max_bytes:
            raise TransportError("too_large")
        chunks, size = [], 0
        if _present(resp.body):
            reader = resp.body.getReader()
            try:
                while True:
                    part = await reader.read()
                    if part.done:
                        break
                    data = part.value.to_bytes()
                    size += len(data)
                    if size > request.max_bytes:
                        raise TransportError("too_large")
                    chunks.append(data)
            except TransportError:
                raise
            except Exception:  # noqa: BLE001 - the stream broke mid-body
                raise TransportError("connection") from None
            finally:
                try:
                    reader.releaseLock()
                except Exception:  # noqa: BLE001
                    pass
        return Response(int(resp.status), headers, b"".join(chunks))


class Renderer:
    """Puts a VNode tree into #app; keeps what the agent typed and where the focus was across renders.

    Only the agent's own input acts (``isTrusted``), and a control marked ``data-guarded`` (an action that
    reaches Loop, the clipboard or the reply box) acts only once ``is_clear(el)`` confirms it is visible and
    unobscured; otherwise ``on_covered()`` is told instead.
    """

    def __init__(self, root, is_clear=None, on_covered=lambda: None) -> None:
        self.root = root
        self.proxies: list = []
        self.guarded: list = []
        self.is_clear = is_clear
        self.on_covered = on_covered

    def render(self, tree: VNode) -> None:
        doc = js.document
        typed = {}
        for el in self.root.querySelectorAll("input[id]"):
            if not el.readOnly and el.value:
                typed[el.id] = el.value
        active = doc.activeElement
        focus_id = active.id if _present(active) and active.id and self.root.contains(active) else None
        old_proxies, self.proxies = self.proxies, []
        self.guarded = []
        node = self._build(tree)
        self.root.replaceChildren(node)
        if _present(getattr(js.globalThis, "loopVisibility", None)):
            js.loopVisibility.watch(to_js(self.guarded))
        self.root.setAttribute("aria-busy", "false")
        for el_id, value in typed.items():
            el = doc.getElementById(el_id)
            if _present(el) and not el.readOnly:
                el.value = value
        if focus_id:
            el = doc.getElementById(focus_id)
            if _present(el):
                el.focus()
        for proxy in old_proxies:
            proxy.destroy()

    def _build(self, vnode: VNode):
        doc = js.document
        el = doc.createElement(vnode.tag)
        for name, value in vnode.attrs.items():
            el.setAttribute(name, value)
        for child in vnode.children:
            el.append(doc.createTextNode(child) if isinstance(child, str) else self._build(child))
        guarded = "data-guarded" in vnode.attrs
        if guarded:
            self.guarded.append(el)
        for event, handler in vnode.events.items():
            el.addEventListener(event, self._listener(event, handler, el if guarded else None))
        return el

    def _listener(self, event: str, handler, guard_el=None):
        def on_event(evt):
            if not evt.isTrusted:
                return  # only the agent's own input, never a synthetic event
            if event == "submit":
                evt.preventDefault()
                values = {}
                for field in evt.target.elements:
                    if field.name:
                        values[str(field.name)] = str(field.value)
                call = lambda: handler(values)  # noqa: E731
            else:
                call = handler
            if guard_el is not None and self.is_clear is not None:
                asyncio.ensure_future(self._guarded(guard_el, call))
                return
            result = call()
            if asyncio.iscoroutine(result):
                asyncio.ensure_future(result)
        proxy = create_proxy(on_event)
        self.proxies.append(proxy)
        return proxy

    async def _guarded(self, el, call) -> None:
        if not await self.is_clear(el):
            self.on_covered()
            return
        result = call()
        if asyncio.iscoroutine(result):
            await result


class PanelApp:
    def __init__(self) -> None:
        self.nonce = str(js.location.hash or "").lstrip("#")[:64]
        self.tab_id = None
        self.local: dict = {}
        self.managed: dict = {}
        self.renderer = Renderer(js.document.getElementById("app"), self.is_clear, lambda: self.panel.refuse_covered())
        t = translator(lambda key: str(js.chrome.i18n.getMessage(key) or ""), _ui_language())
        services = Services(make_client=self.make_client, copy_text=self.copy_text,
                            insert_reply=self.insert_reply, open_options=self.open_options,
                            set_collapsed=self.set_collapsed, load_package=self.load_package,
                            retry_policy=self.retry_policy)
        self.panel = Panel(t, services, self.schedule_render)
        self.follower = TicketFollower()
        self.managed_known = False
        self._look_again = None
        self._render_pending = False
        self._snapshot_running = False
        self._snapshot_again = False
        self._listeners = []

    # -- services --

    def make_client(self, settings: Settings, on_retry) -> LoopClient:
        # 8 s: past that an agent has moved on; the panel says Loop did not answer and offers Retry.
        return LoopClient(FetchTransport(), settings.api_key, ClientConfig(timeout=8.0), on_retry=on_retry)

    async def copy_text(self, text: str) -> bool:
        try:
            await js.navigator.clipboard.writeText(text)
            return True
        except Exception:  # noqa: BLE001 - no focus or no permission: try the classic way
            area = js.document.createElement("textarea")
            area.value = text
            area.setAttribute("readonly", "")
            area.style.position = "fixed"
            area.style.opacity = "0"
            js.document.body.append(area)
            area.select()
            ok = bool(js.document.execCommand("copy"))
            area.remove()
            return ok

    async def insert_reply(self, text: str, ticket: str) -> str:
        message = {"kind": "insert-reply", "nonce": self.nonce, "text": text, "ticket": ticket}
        try:
            answer = await js.chrome.tabs.sendMessage(self.tab_id, _js(message), _js({"frameId": 0}))
            parsed = parse_insert_answer(answer.to_py() if _present(answer) else None)
        except Exception:  # noqa: BLE001 - content script gone (page navigated away)
            return "no-answer"
        if parsed is None:
            return "no-answer"
        return "ok" if parsed.ok else (parsed.reason or "failed")

    async def is_clear(self, el) -> bool:
        """The control is visible and unobscured inside the frame (visibility.js), and the page has not clipped
        or masked the panel from outside, which the frame cannot see (the content script checks <html>)."""
        try:
            if not await js.loopVisibility.clear(el):
                return False
            answer = await js.chrome.tabs.sendMessage(self.tab_id, _js({"kind": "host-check", "nonce": self.nonce}),
                                                      _js({"frameId": 0}))
            return bool(_present(answer) and getattr(answer, "clean", False) is True)
        except Exception:  # noqa: BLE001 - no answer is not a yes
            return False

    async def load_package(self, name: str) -> None:
        import pyodide_js  # the bundled lock names the package; it is installed from /vendor/wheels

        await pyodide_js.loadPackage(name)

    def set_collapsed(self, collapsed: bool) -> None:
        # Remembered for the next ticket and tab; the frame's height follows the content (frame-in-page.js).
        js.chrome.storage.local.set(_js({PANEL_COLLAPSED: collapsed}))

    def open_options(self) -> None:
        js.chrome.runtime.openOptionsPage()

    # -- rendering --

    def schedule_render(self) -> None:
        # The event loop, not requestAnimationFrame: a frame that is not rendered (the panel hidden on the inbox
        # page, still booting there) gets no animation frames, and the DOM must be up to date when it is shown.
        if not self._render_pending:
            self._render_pending = True
            asyncio.get_event_loop().call_soon(self._render_now)

    def _render_now(self, _ts=None) -> None:
        self._render_pending = False
        try:
            self.renderer.render(self.panel.view())
        except Exception as exc:  # noqa: BLE001 - a rendering bug must not leave the panel silent
            _log_task_error(None, {"exception": exc})
            return
        state = self.panel.state_name()
        root = js.document.documentElement
        root.setAttribute("data-panel-state", state)
        ticket = self.panel.state.ticket
        answered = state in ("ready", "no-orders") or self.panel.first_status_shown()
        if answered and ticket is not None and root.getAttribute("data-ready-key") != ticket.key:
            # When each ticket's first answer reached the screen, on the epoch clock the benchmark reads.
            root.setAttribute("data-ready-at", str(js.performance.timeOrigin + js.performance.now()))
            root.setAttribute("data-ready-key", ticket.key)

    # -- settings --

    async def load_settings(self) -> None:
        """Local settings and the enterprise policy, the policy first: it may switch the integration off or
        replace the key, so no Loop call is made before it is known. Its read (started by boot.js, before
        Python) can take seconds after a browser start; past POLICY_WAIT_S the panel makes no call and says it
        is waiting for the administrator's settings, never falling back to the local key."""
        local = await js.chrome.storage.local.get(_js([*SETTING_FIELDS, PANEL_COLLAPSED]))
        self.local = local.to_py() if _present(local) else {}
        self.panel.state.collapsed = self.local.pop(PANEL_COLLAPSED, False) is True
        managed = asyncio.ensure_future(self.load_managed())
        done, _ = await asyncio.wait([managed], timeout=POLICY_WAIT_S)
        if not done:
            self.panel.waiting_for_policy()  # the read goes on; load_managed applies it when it answers

    async def load_managed(self) -> None:
        try:
            source = getattr(js.globalThis, "loopManaged", None)
            managed = await (source if _present(source) else js.chrome.storage.managed.get())
            self.managed = managed.to_py() if _present(managed) else {}
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
        headings_changed = self.panel.state.settings is None or \
            self.panel.state.settings.order_headings != settings.order_headings
        self.panel.apply_settings(settings)
        if headings_changed:
            self.send_headings()

    def send_headings(self) -> None:
        """The admin's extra order-list headings: the content script anchors the panel under that list too."""
        settings = self.panel.state.settings
        if settings is not None and settings.order_headings and self.tab_id is not None:
            message = {"kind": "layout", "nonce": self.nonce, "headings": list(settings.order_headings)}
            js.chrome.tabs.sendMessage(self.tab_id, _js(message), _js({"frameId": 0})).catch(_ignore)

    def on_storage_changed(self, changes, area) -> None:
        changed = changes.to_py()
        if area == "managed":
            self.managed_known = True  # a policy change is the policy, read
        target = self.local if area == "local" else self.managed if area == "managed" else None
        if target is None:
            return
        for key, change in changed.items():
            if key not in SETTING_FIELDS:
                continue
            if "newValue" in change:
                target[key] = change["newValue"]
            else:
                target.pop(key, None)
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
                try:
                    reply = await js.chrome.tabs.sendMessage(self.tab_id, _js({"kind": "snapshot", "nonce": self.nonce}),
                                                             _js({"frameId": 0}))
                    data = reply.to_py() if _present(reply) else None
                except Exception:  # noqa: BLE001 - content script not there (yet)
                    data = None
                snap = parse_snapshot(data)
                if snap is not None:
                    js.performance.mark("loop:snapshot")
                    settings = self.panel.state.settings
                    ticket = parse_ticket(snap.url, snap.tree, settings.order_headings if settings else ())
                    reading = self.follower.read(ticket)
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
        if not _present(sender) or sender.id != js.chrome.runtime.id or not _present(sender.tab):
            return
        if sender.tab.id != self.tab_id or sender.frameId != 0:
            return
        try:
            payload = message.to_py() if hasattr(message, "to_py") else None
        except Exception:  # noqa: BLE001
            return
        msg = parse(payload)
        if isinstance(msg, PageChanged) and msg.nonce == self.nonce:
            asyncio.ensure_future(self.snapshot())
        elif isinstance(msg, HostState) and msg.nonce == self.nonce:
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
        self.tab_id = tab.id if _present(tab) else None
        if self.tab_id is not None:
            self.send_headings()
            await self.snapshot()


_app: PanelApp | None = None


def _ui_language() -> str:
    try:
        return "nl" if str(js.chrome.i18n.getUILanguage() or "").lower().startswith("nl") else "en"
    except Exception:  # noqa: BLE001
        return "en"


def _log_task_error(loop, context) -> None:
    """A failed background task is a bug: log its type and traceback (never values) for the developer."""
    import traceback
    exc = context.get("exception")
    text = "".join(traceback.format_exception(exc)) if exc else str(context.get("message"))
    js.console.error("[loop-returns panel] " + text[-4000:])


def start_options() -> None:
    """Entry point of the options page's Python: offers ``loopCheckKey(key) -> Promise<json>`` to options.js."""
    asyncio.get_event_loop().set_exception_handler(_log_task_error)

    async def check(key: str) -> str:
        result = await LoopClient(FetchTransport(), key, ClientConfig()).check_key()
        return json.dumps({"returns": result.returns, "orders": result.orders, "draft_returns": result.draft_returns,
                           "problem": result.problem, "works": result.key_works})

    def check_key(key):
        return asyncio.ensure_future(check(str(key)))

    js.globalThis.loopCheckKey = create_proxy(check_key)
    js.dispatchEvent(js.Event.new("loop:options-python-ready"))


def start() -> None:
    """Entry point of the panel page (extension/panel/main.py)."""
    global _app
    asyncio.get_event_loop().set_exception_handler(_log_task_error)
    _app = PanelApp()
    asyncio.ensure_future(_app.run())


__all__ = ["start", "FetchTransport"]
