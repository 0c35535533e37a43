"""The view as it travels to a panel frame: ``["tag", {attrs}, child, ...]``, text as plain strings.

The frame (``extension/panel/panel.js``) builds elements and text nodes from it and patches what it shows;
nothing in it is ever parsed as markup. What the agent typed into a control (reported as they type) is put
back into that control's value here, so a frame that is reloaded, or a render that arrives while they type,
never loses it.
"""

from __future__ import annotations

from typing import Any

from pyapp.panel.vdom import VNode

Wire = list[Any]


def serialize(tree: VNode, typed: dict[str, str]) -> tuple[Wire, set[str]]:
    """The wire form of ``tree``, and the ids of its controls (so what was typed into a gone one is dropped)."""
    ids: set[str] = set()

    def walk(node: VNode) -> Wire:
        attrs = dict(node.attrs)
        children: list[Any] = node.children
        control = attrs.get("id", "")
        if control:
            ids.add(control)
        if control in typed and "readonly" not in attrs:
            if node.tag == "input":
                attrs["value"] = typed[control]
            elif node.tag == "textarea":
                children = [typed[control]]
        return [node.tag, attrs, *(c if isinstance(c, str) else walk(c) for c in children)]

    return walk(tree), ids
