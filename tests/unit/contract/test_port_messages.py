"""What a panel frame or the options page may tell the runtime, validated before anything acts: unknown kinds,
extra fields, oversized or oddly typed values are dropped whole."""

from __future__ import annotations

from pyapp.contract.messages import Act, Answer, CheckKey, Hello, Typed, parse_options, parse_panel


def test_a_panel_frame_speaks_only_the_panel_kinds():
    assert parse_panel({"kind": "act", "action": "copy-link", "order": "#1002", "values": {}}) == Act(
        kind="act", action="copy-link", order="#1002"
    )
    assert parse_panel({"kind": "hello", "lang": "nl"}) == Hello(kind="hello", lang="nl")
    assert parse_panel({"kind": "typed", "id": "note-37603915", "value": "wet box"}) == Typed(
        kind="typed", id="note-37603915", value="wet box"
    )
    assert parse_panel({"kind": "answer", "id": 4, "value": True}) == Answer(kind="answer", id=4, value=True)
    assert parse_panel({"kind": "check-key", "id": 1, "key": "k"}) is None  # the options page's, not a panel's
    assert parse_options({"kind": "check-key", "id": 1, "key": "k"}) == CheckKey(kind="check-key", id=1, key="k")
    assert parse_options({"kind": "act", "action": "retry"}) is None


def test_odd_or_hostile_messages_are_dropped_whole():
    bad = [
        None,
        "act",
        [],
        {"kind": "act"},  # not a message, or one without its action
        {"kind": "act", "action": "copy-link", "extra": 1},  # strict inward: no unknown field
        {"kind": "act", "action": "Copy Link();"},  # an action is a plain name
        {"kind": "act", "action": "search", "values": {"order": "x" * 5001}},  # a value past the cap
        {"kind": "act", "action": "search", "values": {str(i): "" for i in range(9)}},  # too many fields
        {"kind": "typed", "id": "x y", "value": "a"},
        {"kind": "typed", "id": "a", "value": "v" * 5001},
        {"kind": "hello", "lang": "de"},
        {"kind": "answer", "id": "4"},
        {"kind": "view", "tree": []},
    ]
    assert all(parse_panel(m) is None for m in bad)
