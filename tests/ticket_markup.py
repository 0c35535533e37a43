"""HTML -> the content script's page tree, for tests and tools: the same shape the browser sends, so the same
``ticket_parser`` code reads it. Not imported by the panel (``html.parser`` stays off its start-up path)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from pyapp.ticket.page import MAX_DEPTH, MAX_NODES, SKIP_CONTENT, TREE_ATTRS, Page

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: list = ["#root", {}]
        self.stack: list[list] = [self.root]
        self.skip = 0
        self.count = 0

    def handle_starttag(self, tag, attrs):
        if self.skip or tag in SKIP_CONTENT:
            self.skip += tag in SKIP_CONTENT
            return
        if self.count >= MAX_NODES or len(self.stack) > MAX_DEPTH:
            return  # as the content script does: no more elements; their text lands in the deepest one
        self.count += 1
        node = [tag, {k: v or "" for k, v in attrs if k in TREE_ATTRS}]
        self.stack[-1].append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        if self.skip:
            self.skip -= tag in SKIP_CONTENT
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.stack[-1].append(data)


def tree_json_from_html(html: str) -> str:
    builder = _Builder()
    try:
        builder.feed(html if isinstance(html, str) else "")
        builder.close()
    except Exception:  # noqa: BLE001 - hostile markup: keep what was built
        pass
    return json.dumps(builder.root)


def page_from_html(html: str) -> Page:
    return Page.from_json(tree_json_from_html(html))
