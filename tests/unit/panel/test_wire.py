"""The view as it travels to a panel frame: elements and text as plain lists and strings, and what the agent
typed put back into its control, so a reloaded frame or a render that lands while they type loses nothing."""

from __future__ import annotations

import json

from pyapp.panel.vdom import h
from pyapp.panel.wire import serialize


def test_the_tree_is_lists_and_strings_and_text_stays_text():
    tree = h("div", {"class": "card", "id": "c"}, h("p", {}, "<img src=x onerror=alert(1)>"), "tail")
    wire, ids = serialize(tree, {})
    assert wire == ["div", {"class": "card", "id": "c"}, ["p", {}, "<img src=x onerror=alert(1)>"], "tail"]
    assert ids == {"c"} and json.loads(json.dumps(wire)) == wire  # JSON all the way: no markup, no objects


def test_what_was_typed_comes_back_into_its_control_and_only_there():
    tree = h(
        "form",
        {},
        h("input", {"id": "lookup-1002", "name": "lookup", "value": ""}),
        h("textarea", {"id": "note-7", "name": "note"}, ""),
        h("input", {"id": "link", "readonly": True, "value": "https://x.loopreturns.com/a"}),
    )
    wire, ids = serialize(tree, {"lookup-1002": "10001", "note-7": "Box was wet", "link": "typed over", "gone": "x"})
    assert wire[2][1]["value"] == "10001" and wire[3][2:] == ["Box was wet"]
    assert wire[4][1]["value"] == "https://x.loopreturns.com/a"  # read-only: the agent cannot have typed there
    assert "gone" not in ids  # the runtime drops what was typed into a control no longer shown
