"""The panel hears only its own content script: this extension, its own tab, the top frame, its nonce."""

from __future__ import annotations

import pytest

from pyapp.contract.messages import HostState, PageChanged, Sender, accept, from_our_content_script, parse

OURS = dict(extension_id="ours", tab_id=7)
GOOD = Sender("ours", 7, 0)


@pytest.mark.parametrize(
    "sender,why",
    [
        (Sender("other-extension", 7, 0), "another extension"),
        (Sender("ours", 8, 0), "another tab"),
        (Sender("ours", 7, 3), "a subframe of the page (an ad, a widget)"),
        (Sender("ours", None, None), "an extension page, not a content script"),
        (Sender(None, 7, 0), "a web page (externally_connectable)"),
    ],
)
def test_hostile_senders_are_not_heard(sender, why):
    assert not from_our_content_script(sender, **OURS), why
    assert accept({"kind": "page-changed", "nonce": "n"}, sender, **OURS, nonce="n") is None


def test_the_panel_without_a_tab_hears_no_one():
    assert not from_our_content_script(GOOD, extension_id="ours", tab_id=None)


def test_the_right_sender_still_needs_the_nonce_and_a_known_kind():
    assert isinstance(accept({"kind": "page-changed", "nonce": "n"}, GOOD, **OURS, nonce="n"), PageChanged)
    assert isinstance(accept({"kind": "host-state", "nonce": "n", "clean": False}, GOOD, **OURS, nonce="n"), HostState)
    for payload in (
        {"kind": "page-changed", "nonce": "guess"},
        {"kind": "page-changed"},
        {"kind": "insert-reply", "nonce": "n"},
        {"kind": "page-changed", "nonce": "n", "extra": 1},
        ["page-changed"],
        None,
    ):
        assert accept(payload, GOOD, **OURS, nonce="n") is None, payload
    assert accept({"kind": "page-changed", "nonce": ""}, GOOD, **OURS, nonce="") is None  # no nonce, no channel


def test_malformed_messages_are_dropped_not_raised():
    assert parse({"kind": "host-state", "nonce": "n", "clean": "yes please"}) is None
    assert parse({"kind": "page-changed", "nonce": "n" * 65}) is None
