"""One Python for the whole browser, the panel a thin view of it (issue 21), as an agent meets it in Chromium
with the built extension: real clicks on accessible names made at once (no settling pause, no focus first),
and what a person sees: the same control, the selection they made, the clipboard, the reply box."""
from __future__ import annotations

import time

import pytest

from tests.e2e.test_agent_flow import admin, card  # noqa: F401 - the admin's set-up through the options page


POSITIONING = ("the frame's told scroll offset (frame-in-page.js) fights the scroll a click into a control below the fold needs: the click lands on the card above (issue 21, positioning not redone yet)")
IN_VIEW = "el => globalThis.loopFrame.inView(el)"  # inside the part of the frame the page shows


def click_at_once(control) -> None:
    """A real mouse click the moment the control is on screen, as an agent clicks: brought into view first if
    it is below the fold (as a person scrolls the sidebar to it), then pressed and released at its centre with
    no pause for the panel to settle."""
    control.wait_for(timeout=10_000)
    if not control.evaluate(IN_VIEW):
        control.focus()  # the sidebar scrolls the panel's control into view (frame-in-page.js)
        deadline = time.monotonic() + 5
        while not control.evaluate(IN_VIEW) and time.monotonic() < deadline:
            time.sleep(0.02)
    control.click(timeout=5_000)


def test_a_control_shown_before_an_update_is_the_same_element_after(admin, ext):
    page, panel = ext.ready_panel("101")
    c = card(panel, "#1002")
    click_at_once(c.get_by_role("button", name="Initiate return"))
    copy = c.get_by_role("button", name="Copy link")
    held = copy.element_handle(timeout=10_000)
    click_at_once(copy)
    c.get_by_role("button", name="Copied").wait_for()
    assert held.evaluate("el => el.isConnected && el.textContent") == "Copied"  # patched, not replaced
    link = c.get_by_label("Return link for the customer").input_value()
    assert page.evaluate("navigator.clipboard.readText()") == link


@pytest.mark.xfail(strict=True, reason=POSITIONING)
def test_qr_code_and_insert_into_reply_act_right_after_copy_link(admin, ext):
    page, panel = ext.ready_panel("101")
    c = card(panel, "#1002")
    click_at_once(c.get_by_role("button", name="Initiate return"))
    click_at_once(c.get_by_role("button", name="Copy link"))
    click_at_once(c.get_by_role("button", name="QR code"))
    click_at_once(c.get_by_role("button", name="Insert into reply"))
    c.get_by_role("img", name="QR code for #1002").wait_for(timeout=10_000)
    link = c.get_by_label("Return link for the customer").input_value()
    reply = page.get_by_role("textbox", name="Reply")
    page.wait_for_function("([el, l]) => el.innerText.includes(l)", arg=[reply.element_handle(), link], timeout=10_000)
    assert page.evaluate("navigator.clipboard.readText()") == link


def test_a_selected_tracking_number_stays_selected_through_updates(ext):
    """The agent selects the tracking number to copy it; the notes arriving and the panel's other updates do not
    take the selection away (nothing unchanged is touched)."""
    page, panel = ext.ready_panel("101")
    c = card(panel, "#1001")
    tracking = c.locator("a.tracking-link")
    tracking.evaluate("""el => { const r = document.createRange(); r.selectNodeContents(el);
        getSelection().removeAllRanges(); getSelection().addRange(r); }""")
    click_at_once(card(panel, "#1008").get_by_role("button", name="Show notes"))  # an update elsewhere
    card(panel, "#1008").get_by_text("No notes on this return.").wait_for(timeout=10_000)
    click_at_once(c.get_by_role("button", name="Hide notes"))  # and one in the same card
    c.get_by_role("button", name="Show notes").wait_for()
    assert panel.evaluate("getSelection().toString()") == "USPS 9400111899223397623910"


def test_a_reloaded_panel_frame_gets_its_state_and_typed_text_back(ext):
    """The state lives in the runtime: a frame that reloads (the app dropped and re-created it) shows the same
    ticket at once, with what the agent had typed, and no second lookup is made."""
    page, panel = ext.ready_panel("101")
    c = card(panel, "#1001")
    click_at_once(c.get_by_role("button", name="Add note"))
    c.get_by_label("Note for the warehouse (saved in Loop)").fill("Box arrived wet")
    panel.evaluate("location.reload()")
    panel = ext.panel(page)
    ext.wait_state(panel, "ready", timeout=10)
    field = card(panel, "#1001").get_by_label("Note for the warehouse (saved in Loop)")
    assert field.input_value() == "Box arrived wet"


def test_a_closed_runtime_reconnects_and_replays_nothing(ext, loop):
    page, panel = ext.ready_panel("101")
    before = len(loop.api_requests())
    ext.restart_runtime()  # the offscreen document is gone (closed, crashed)
    ext.wait_state(panel, "reconnecting", "ready", timeout=10)
    ext.wait_state(panel, "ready", timeout=30)  # a new runtime, the ticket read again
    assert "#1001" in panel.locator("main").inner_text()
    assert not [r for r in loop.requests[before:] if r.method != "GET"]  # no write replayed
