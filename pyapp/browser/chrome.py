"""Chrome's APIs as the panel uses them: the tab's content script, the clipboard, storage, i18n and packages.

Trust: page data arrives only by asking this tab's top-frame content script (``chrome.tabs.sendMessage`` with
``frameId: 0``) and proving the nonce the panel was given in its URL; the page cannot forge that channel. The
key is read from extension storage by ``pyapp.browser.panel_app`` and goes nowhere but the Loop client.
"""
from __future__ import annotations

import js

from pyapp.browser.jsutil import ignore, present, py, to_js_object  # noqa: F401 - re-exported for the adapter
from pyapp.contract.messages import (HostCheck, InsertReply, Layout, Message, Sender, SnapshotRequest,
                                     parse_insert_answer)

PANEL_COLLAPSED = "panelCollapsed"  # not a setting: how the agent left the panel, kept in storage.local


def sender_of(sender) -> Sender:
    tab = sender.tab if present(sender) and present(getattr(sender, "tab", None)) else None
    return Sender(extension_id=str(sender.id) if present(sender) and present(sender.id) else None,
                  tab_id=tab.id if tab is not None else None,
                  frame_id=sender.frameId if present(sender) and present(sender.frameId) else None)


class ContentScript:
    """This tab's top-frame content script, spoken to with the panel's nonce."""

    def __init__(self, nonce: str) -> None:
        self.nonce = nonce
        self.tab_id: int | None = None

    async def ask(self, message: Message):
        """Its answer as Python data; None when it is not there (yet, or any more)."""
        try:
            answer = await js.chrome.tabs.sendMessage(self.tab_id, to_js_object(message.model_dump()),
                                                      to_js_object({"frameId": 0}))
            return py(answer)
        except Exception:  # noqa: BLE001 - content script not there (yet), or gone with the page
            return None

    def tell(self, message: Message) -> None:
        js.chrome.tabs.sendMessage(self.tab_id, to_js_object(message.model_dump()),
                                   to_js_object({"frameId": 0})).catch(ignore)

    async def snapshot(self):
        return await self.ask(SnapshotRequest(nonce=self.nonce))

    async def host_is_clean(self) -> bool:
        answer = await self.ask(HostCheck(nonce=self.nonce))
        return isinstance(answer, dict) and answer.get("clean") is True  # no answer is not a yes

    async def insert_reply(self, text: str, ticket: str) -> str:
        parsed = parse_insert_answer(await self.ask(InsertReply(nonce=self.nonce, text=text, ticket=ticket)))
        if parsed is None:
            return "no-answer"
        return "ok" if parsed.ok else (parsed.reason or "failed")

    def send_headings(self, headings: tuple[str, ...]) -> None:
        self.tell(Layout(nonce=self.nonce, headings=list(headings)))


async def copy_text(text: str) -> bool:
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


async def control_is_clear(el) -> bool:
    """The control is visible and unobscured inside the frame (visibility.js)."""
    try:
        return bool(await js.loopVisibility.clear(el))
    except Exception:  # noqa: BLE001 - no answer is not a yes
        return False


async def load_package(name: str) -> None:
    import pyodide_js  # the bundled lock names the package; it is installed from /vendor/wheels

    await pyodide_js.loadPackage(name)


def set_collapsed(collapsed: bool) -> None:
    # Remembered for the next ticket and tab; the frame's height follows the content (frame-in-page.js).
    js.chrome.storage.local.set(to_js_object({PANEL_COLLAPSED: collapsed}))


def open_options() -> None:
    js.chrome.runtime.openOptionsPage()


def message(key: str) -> str:
    return str(js.chrome.i18n.getMessage(key) or "")


def ui_language() -> str:
    try:
        return "nl" if str(js.chrome.i18n.getUILanguage() or "").lower().startswith("nl") else "en"
    except Exception:  # noqa: BLE001
        return "en"


def log_task_error(loop, context) -> None:
    """A failed background task is a bug: log its type and traceback (never values) for the developer."""
    import traceback
    exc = context.get("exception")
    text = "".join(traceback.format_exception(exc)) if exc else str(context.get("message"))
    js.console.error("[loop-returns panel] " + text[-4000:])
