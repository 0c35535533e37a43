"""A tiny, inert description of the panel's DOM, built in pure Python and drawn by the panel frame.

How it travels to the frame is ``pyapp.panel.wire``.

Text is always text: a string child becomes a text node, never markup. Attributes pass an allow-list, and the
only URLs that survive are https links and our own ``data:image/png`` QR images, so nothing from the page or
from Loop can become script, an event handler or a ``javascript:`` link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pyapp.loop.fields import https_url_or_none

SAFE_ATTRS = {
    "class",
    "id",
    "role",
    "type",
    "for",
    "placeholder",
    "value",
    "title",
    "tabindex",
    "target",
    "rel",
    "download",
    "alt",
    "hidden",
    "disabled",
    "inputmode",
    "autocomplete",
    "name",
    "width",
    "height",
    "readonly",
    "spellcheck",
    "maxlength",
    "lang",
    "dir",
    "open",
    "rows",
}
URL_ATTRS = {"href", "src"}
SAFE_TAGS = {
    "div",
    "span",
    "p",
    "section",
    "header",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "a",
    "button",
    "input",
    "label",
    "form",
    "img",
    "strong",
    "small",
    "time",
    "dl",
    "dt",
    "dd",
    "details",
    "summary",
    "textarea",
}
DATA_PNG = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]{1,400000}")


@dataclass
class VNode:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[VNode | str] = field(default_factory=list)

    def text(self) -> str:
        return " ".join(c if isinstance(c, str) else c.text() for c in self.children)


def h(tag: str, attrs: dict[str, Any] | None = None, *children: Any) -> VNode:
    """An element. What it does when clicked is named, not attached: ``data-action`` (with ``data-order`` or
    ``data-return``) is looked up in ``pyapp.panel.actions.ACTIONS`` once the frame's one listener sends it."""
    if tag not in SAFE_TAGS:
        raise ValueError(f"tag {tag!r} is not allowed in the panel")
    clean: dict[str, str] = {}
    for name, value in (attrs or {}).items():
        if value is None or value is False:
            continue
        value = "" if value is True else str(value)
        if name in SAFE_ATTRS or name.startswith(("aria-", "data-")):
            clean[name] = value
        elif name in URL_ATTRS:
            url = https_url_or_none(value) or (value if DATA_PNG.fullmatch(value) else None)
            if url:
                clean[name] = url
        else:
            raise ValueError(f"attribute {name!r} is not allowed in the panel")
    if tag == "a" and "href" in clean:
        clean.setdefault("target", "_blank")
        clean["rel"] = "noopener noreferrer"
    kids: list[VNode | str] = []
    for child in children:
        if child is None or child is False:
            continue
        if isinstance(child, (list, tuple)):
            kids.extend(c if isinstance(c, VNode) else str(c) for c in child if c is not None and c is not False)
        else:
            kids.append(child if isinstance(child, VNode) else str(child))
    return VNode(tag, clean, kids)
