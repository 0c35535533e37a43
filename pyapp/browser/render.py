"""Puts the panel's VNode tree into ``#app`` and turns the agent's clicks into actions.

Rendering creates elements and text nodes only (``pyapp.panel.vdom`` has already filtered tags, attributes and
URLs). What the agent typed and where the focus was survive every render. One delegated listener per event
type (made once, not one per control per render) acts on the agent's own input only (``isTrusted``): it finds
``closest("[data-action]")`` and hands the action and its ``data-order`` to ``Panel.act``. An action in
``GUARDED`` acts only once ``is_clear(el)`` confirms the control is visible and unobscured; otherwise
``on_covered()`` is told instead.
"""
from __future__ import annotations

from typing import Awaitable, Callable

import js
from pyodide.ffi import create_proxy, to_js

from pyapp.browser.chrome import present
from pyapp.panel.vdom import VNode


class Renderer:
    def __init__(self, root, act: Callable[[str, str, dict[str, str]], Awaitable[bool]],
                 spawn: Callable[[Awaitable], None], guarded: frozenset[str], is_clear: Callable[[object], Awaitable[bool]] | None = None,
                 on_covered: Callable[[], None] = lambda: None) -> None:
        self.root = root
        self.act = act
        self.spawn = spawn  # the panel's task supervision: a failing action is reported at once
        self.guarded_actions = guarded
        self.is_clear = is_clear
        self.on_covered = on_covered
        self._proxies = [create_proxy(self._on_click), create_proxy(self._on_submit)]
        root.addEventListener("click", self._proxies[0])
        root.addEventListener("submit", self._proxies[1])

    def render(self, tree: VNode) -> None:
        doc = js.document
        typed = {}
        for el in self.root.querySelectorAll("input[id], textarea[id]"):
            if not el.readOnly and el.value:
                typed[el.id] = el.value
        active = doc.activeElement
        focus_id = active.id if present(active) and active.id and self.root.contains(active) else None
        self.root.replaceChildren(self._build(tree))
        if present(getattr(js.globalThis, "loopVisibility", None)):
            js.loopVisibility.watch(to_js([el for el in self.root.querySelectorAll("[data-action]")
                                           if str(el.getAttribute("data-action")) in self.guarded_actions]))
        self.root.setAttribute("aria-busy", "false")
        for el_id, value in typed.items():
            el = doc.getElementById(el_id)
            if present(el) and not el.readOnly:
                el.value = value
        if focus_id:
            el = doc.getElementById(focus_id)
            if present(el):
                el.focus()

    def _build(self, vnode: VNode):
        doc = js.document
        el = doc.createElement(vnode.tag)
        for name, value in vnode.attrs.items():
            el.setAttribute(name, value)
        for child in vnode.children:
            el.append(doc.createTextNode(child) if isinstance(child, str) else self._build(child))
        return el

    def _on_click(self, evt) -> None:
        if not evt.isTrusted:
            return  # only the agent's own input, never a synthetic event
        el = evt.target.closest("[data-action]") if present(evt.target) and hasattr(evt.target, "closest") else None
        if not present(el) or str(el.tagName).lower() == "form" or not self.root.contains(el):
            return  # a click inside a form acts through its submit; a plain link follows its href
        self._run(el, {})

    def _on_submit(self, evt) -> None:
        form = evt.target
        evt.preventDefault()  # the panel never navigates
        if not evt.isTrusted or not present(form) or not form.hasAttribute("data-action"):
            return
        values = {str(f.name): str(f.value) for f in form.elements if f.name}
        self._run(form, values)

    def _run(self, el, values: dict[str, str]) -> None:
        action = str(el.getAttribute("data-action"))
        order = el.getAttribute("data-order")  # null when the control names no order (a missing property raises)
        order = str(order) if present(order) else ""
        if action in self.guarded_actions and self.is_clear is not None:
            self.spawn(self._guarded(el, action, order, values))
        else:
            self.spawn(self.act(action, order, values))

    async def _guarded(self, el, action: str, order: str, values: dict[str, str]) -> None:
        if not await self.is_clear(el):
            self.on_covered()
            return
        await self.act(action, order, values)
