"""Act on a return from the ticket (issue 23), in Chromium with the built extension on the busy local helpdesk:
the admin turns Cancel and Flag on through the options page; the agent clicks by accessible name, at once; what
counts is what a person sees (the clipboard, the reply box, the card) and what Loop received (the stand-in's
log: the POSTs and their bodies)."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from harness.loop_standin import FULL_KEY
from tests.e2e.layout import tap
from tests.e2e.test_agent_flow import card

LABEL_1011 = "https://labels.loopreturns.com/37604011.pdf"


@pytest.fixture
def changes_on(ext):
    """The admin's set-up through the options page, with "Let agents cancel and flag returns" ticked."""
    ext.clear()
    page = ext.context.new_page()
    page.goto(f"{ext.base}/options/options.html")
    page.get_by_label("Loop API key").fill(FULL_KEY)
    page.get_by_label("Let agents cancel and flag returns").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.", exact=True).wait_for(timeout=30_000)
    page.close()


def posts(loop, tail: str) -> list:
    return [r for r in loop.api_requests(tail) if r.method == "POST" and r.path.endswith(tail)]


def wait_until(check, seconds: float = 10.0) -> None:
    """For what no locator shows (the clipboard): the panel's text is waited for with expect()."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not seen in time"
        time.sleep(0.1)


def test_send_label_puts_the_lost_label_on_the_clipboard_and_into_the_reply(ext, loop):
    page, panel = ext.ready_panel("106")
    c = card(panel, "#1011")
    assert c.get_by_role("button", name="Cancel return", exact=True).count() == 0  # off by default
    tap(c.get_by_role("button", name="Send label", exact=True))
    tap(c.get_by_role("button", name="Copy label link", exact=True))
    wait_until(lambda: page.evaluate("navigator.clipboard.readText()") == LABEL_1011)
    tap(c.get_by_role("button", name="Insert label", exact=True))
    expect(page.get_by_role("textbox", name="Reply")).to_contain_text(LABEL_1011, use_inner_text=True, timeout=10_000)
    expect(c.get_by_label("Label link for the customer")).to_have_value(LABEL_1011)
    assert not [r for r in loop.api_requests() if r.method == "POST"]  # sharing a label writes nothing


def test_create_label_confirms_waits_for_loop_and_then_offers_send_label(ext, loop):
    loop.label_delay = 2.5
    page, panel = ext.ready_panel("106")
    assert card(panel, "#1013").get_by_role("button", name="Create label", exact=True).count() == 0  # drop-off
    c = card(panel, "#1012")
    tap(c.get_by_role("button", name="Create label", exact=True))
    c.get_by_text("Loop will create a return label for #1012. The shop pays for the label.").wait_for()
    assert not posts(loop, "/labels")
    tap(c.get_by_role("button", name="Create label for #1012", exact=True))
    c.get_by_text("Loop made the label.").wait_for(timeout=15_000)
    assert [r.path for r in posts(loop, "/labels")] == ["/api/v1/returns/37604012/labels"]
    tap(c.get_by_role("button", name="Send label", exact=True))
    tap(c.get_by_role("button", name="Copy label link", exact=True))
    wait_until(
        lambda: page.evaluate("navigator.clipboard.readText()") == "https://labels.loopreturns.com/37604012-1.pdf"
    )
    assert len(posts(loop, "/labels")) == 1


def test_cancel_return_after_one_confirmation_reads_cancelled_here_and_in_another_tab(changes_on, ext, loop):
    page, panel = ext.ready_panel("106")
    other, other_panel = ext.ready_panel("106")  # the same ticket open in a second tab
    page.bring_to_front()
    c = card(panel, "#1012")
    tap(c.get_by_role("button", name="Cancel return", exact=True))
    c.get_by_text(
        "Loop will cancel the return for #1012. The customer can then start a new return with the same items."
    ).wait_for()
    assert c.get_by_role("button", name="Cancel", exact=True).count() == 0  # the flow's Cancel is not this
    assert not posts(loop, "/cancel")
    tap(c.get_by_role("button", name="Cancel return for #1012", exact=True))
    c.get_by_text("Loop cancelled the return for #1012").wait_for(timeout=10_000)
    assert [r.path for r in posts(loop, "/cancel")] == ["/api/v1/warehouse/return/37604012/cancel"]
    expect(c.locator(".badge").first).to_have_text("Cancelled", use_inner_text=True)
    c.get_by_role("button", name="Initiate return", exact=True).wait_for()
    expect(card(other_panel, "#1012").locator(".badge").first).to_have_text(
        "Cancelled", use_inner_text=True, timeout=10_000
    )
    assert len(posts(loop, "/cancel")) == 1
    other.close()


def test_flag_for_review_sends_the_flag_and_the_reason_as_a_note_naming_the_ticket(changes_on, ext, loop):
    _page, panel = ext.ready_panel("106")
    c = card(panel, "#1011")
    tap(c.get_by_role("button", name="Flag for review", exact=True))
    reason = c.get_by_label("Why? The warehouse reads this in Loop.")
    reason.fill("Customer says the parcel held only one of two items.")
    tap(c.get_by_role("button", name="Flag #1011 for review", exact=True))
    c.get_by_text("Flagged for review in Loop, with your reason").wait_for(timeout=10_000)
    assert [r.path for r in posts(loop, "/flag")] == ["/api/v1/warehouse/return/37604011/flag"]
    assert [r.json() for r in posts(loop, "/note")] == [
        {"content": "Flagged from Klaviyo ticket 106: Customer says the parcel held only one of two items."}
    ]
    expect(c.locator(".badge").first).to_have_text("Needs review", use_inner_text=True)
    assert c.get_by_role("button", name="Flag for review", exact=True).count() == 0


def test_loops_refusal_is_said_in_words_and_nothing_is_sent_twice(changes_on, ext, loop):
    """Loop expired the return after the card was drawn: it answers HTTP 200 {"content": "Return is expired…"}."""
    _page, panel = ext.ready_panel("106")
    next(r for r in loop.returns if r["id"] == "37604012")["state"] = "expired"
    c = card(panel, "#1012")
    tap(c.get_by_role("button", name="Cancel return", exact=True))
    tap(c.get_by_role("button", name="Cancel return for #1012", exact=True))
    c.get_by_text("Loop did not change this return: it has expired.").wait_for(timeout=10_000)
    assert len(posts(loop, "/cancel")) == 1
