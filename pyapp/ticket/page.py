"""The page as the content script sends it: a compact tree (``["tag", {attrs}, child, ...]``), built defensively.

``json.loads`` is C code, and one pass builds the tree and notes the few places the analysis looks at
(short-text heading candidates, labelled regions), so a 400 kB page costs the panel milliseconds. Wrong types
are dropped; nodes, depth and text runs are capped, and every walk is iterative and linear.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

MAX_NODES = 40_000
MAX_DEPTH = 200  # deeper markup keeps its text in the deepest allowed node; keeps every walk shallow
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
MAX_RUN = 5_000  # characters of one text run searched for order names: a message, not a novel
# Attributes the parser reads; the content script sends only these (extension/content/page-tree.js).
TREE_ATTRS = ("role", "aria-label", "aria-current", "aria-selected", "href", "contenteditable", "data-testid")
SKIP_CONTENT = {"script", "style", "template", "noscript", "svg", "textarea", "iframe", "select", "option"}


class Node:
    __slots__ = ("attrs", "children", "parent", "tag")

    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def segments(self) -> Iterator[str]:
        """Each text run, whitespace collapsed, in document order: the visible pieces a person reads."""
        stack: list[Node | str] = [self]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                text = " ".join(item.split())
                if text:
                    yield text
            else:
                stack.extend(reversed(item.children))

    def text(self) -> str:
        return " ".join(self.segments())

    def iter(self) -> Iterator[Node]:
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed([c for c in node.children if isinstance(c, Node)]))

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class Page:
    """The page tree plus the places the analysis looks at, noted while the tree is built."""

    def __init__(self) -> None:
        self.root = Node("#root", {}, None)
        self.headings: list[tuple[str, Node]] = []  # (own words, lower-cased, node) of elements with short text
        self.regions: list[Node] = []  # labelled, landmark or editable elements: conversation, profile, editors

    @classmethod
    def from_json(cls, text: str) -> Page:
        """The content script's tree, defensively: wrong types are dropped, depth and size are capped."""
        page = cls()
        try:
            data = json.loads(text) if isinstance(text, str) else None
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, list):
            page._build(data)
        return page

    def _build(self, data: list) -> None:
        count = 0
        # Each element is appended to its parent when met, so every node's children keep document order; its
        # own children are read when it comes off the stack.
        stack: list[tuple[Node, list, int]] = [(self.root, [data], 0)]
        while stack:
            parent, items, depth = stack.pop()
            for item in items:
                if isinstance(item, str):
                    if item.strip():
                        parent.children.append(item[:MAX_RUN])
                    continue
                if not (isinstance(item, list) and item and isinstance(item[0], str)) or count >= MAX_NODES:
                    continue
                tag = item[0].lower()[:32]
                if tag in SKIP_CONTENT:
                    continue
                if depth >= MAX_DEPTH:  # deeper markup: its text stays in the deepest allowed node
                    parent.children.extend(_texts(item[2:]))
                    continue
                count += 1
                raw = item[1] if len(item) > 1 and isinstance(item[1], dict) else {}
                attrs = {k: v[:500] for k, v in raw.items() if k in TREE_ATTRS and isinstance(v, str)}
                node = Node(tag, attrs, parent)
                parent.children.append(node)
                children = item[2:]
                if (
                    attrs.get("role")
                    or attrs.get("aria-label")
                    or attrs.get("data-testid")
                    or tag in ("main", "aside")
                    or "contenteditable" in attrs
                ):
                    self.regions.append(node)
                own = [c for c in children if isinstance(c, str)]
                if own and sum(map(len, own)) < 160:  # a heading candidate: its own words, not its children's
                    self.headings.append((" ".join(" ".join(own).split()).lower(), node))
                stack.append((node, children, depth + 1))


def _texts(items: list) -> list[str]:
    out: list[str] = []
    stack = list(reversed(items))
    while stack and len(out) < 100:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item[:MAX_RUN])
        elif isinstance(item, list):
            stack.extend(reversed(item[2:]))
    return out


def is_heading(node: Node) -> bool:
    return node.tag in HEADING_TAGS or node.attrs.get("role") == "heading"


def section_under(heading: Node) -> Node | None:
    """The nearest ancestor of a heading that holds more than the heading itself: its section (the order list,
    the customer's profile), looked for no more than four levels up."""
    limit = len(heading.text()) + 2
    for n, section in enumerate(heading.ancestors()):
        if n >= 4:
            break
        total = 0
        for segment in section.segments():
            total += len(segment) + 1
            if total > limit:
                return section
    return None
