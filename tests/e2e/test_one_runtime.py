"""One Python for the whole browser, the panel a thin view of it (issue 21), as an agent meets it in Chromium
with the built extension: real clicks on accessible names made at once (no settling pause, no focus first),
and what a person sees: the same control, the selection they made, the clipboard, the reply box."""

from __future__ import annotations

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.layout import tap
from tests.e2e.test_agent_flow import card

# A real click the moment the control is on screen (tests/e2e/layout.py): no settling pause.
click_at_once = tap


SCROLL_STATE = "el => [el.scrollTop, el.scrollHeight, el.clientHeight]"


def test_a_control_shown_before_an_update_is_the_same_element_after(admin, ext):
    page, panel = ext.ready_panel("101")
    c = card(panel, "#1002")
    click_at_once(c.get_by_role("button", name="Initiate return"))
    copy = c.get_by_role("button", name="Copy link")
    held = copy.element_handle(timeout=10_000)
    click_at_once(copy)
    c.get_by_role("button", name="Copied").wait_for()
    assert held.evaluate("el => el.isConnected && el.textContent") == "Copied"  # patched, not replaced
    expect(c.get_by_label("Return link for the customer")).to_have_value(
        page.evaluate("navigator.clipboard.readText()")
    )


def test_qr_code_and_insert_into_reply_act_right_after_copy_link(admin, ext):
    page, panel = ext.ready_panel("101")
    c = card(panel, "#1002")
    click_at_once(c.get_by_role("button", name="Initiate return"))
    click_at_once(c.get_by_role("button", name="Copy link"))
    click_at_once(c.get_by_role("button", name="QR code"))
    click_at_once(c.get_by_role("button", name="Insert into reply"))
    c.get_by_role("img", name="QR code of the return link for order #1002").wait_for(timeout=10_000)
    link = c.get_by_label("Return link for the customer").input_value()
    reply = page.get_by_role("textbox", name="Reply")
    page.wait_for_function("([el, l]) => el.innerText.includes(l)", arg=[reply.element_handle(), link], timeout=10_000)
    assert page.evaluate("navigator.clipboard.readText()") == link


def test_a_selected_tracking_number_stays_selected_through_updates(ext):
    """The agent selects the tracking number to copy it; the notes arriving and the panel's other updates do not
    take the selection away (nothing unchanged is touched)."""
    _page, panel = ext.ready_panel("101")
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
    expect(field).to_have_value("Box arrived wet")


def test_a_closed_runtime_reconnects_and_replays_nothing(ext, loop):
    _page, panel = ext.ready_panel("101")
    before = len(loop.api_requests())
    ext.restart_runtime()  # the offscreen document is gone (closed, crashed)
    ext.wait_state(panel, "reconnecting", "ready", timeout=10)
    ext.wait_state(panel, "ready", timeout=30)  # a new runtime, the ticket read again
    expect(panel.locator("main")).to_contain_text("#1001", use_inner_text=True)
    assert not [r for r in loop.requests[before:] if r.method != "GET"]  # no write replayed


def sidebar_wheel_to(page, control, y: float = 300) -> None:
    """The agent scrolls the sidebar with the mouse wheel (over the order list, not the panel) until the control is
    about ``y`` px from the top of the window."""
    page.get_by_text("#1002", exact=True).first.hover()
    page.mouse.wheel(0, control.bounding_box()["y"] - y)


def test_a_click_200_ms_after_a_sidebar_scroll_acts(admin, ext):
    page, panel = ext.ready_panel("101")
    c = card(panel, "#1002")
    button = c.get_by_role("button", name="Initiate return")
    sidebar_wheel_to(page, button)
    page.wait_for_timeout(200)
    box = button.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    c.get_by_role("button", name="Copy link").wait_for(timeout=10_000)


def test_a_click_right_after_the_panel_grows_acts(admin, ext):
    """Show notes on #1001: the notes come back and push #1002's card down; the agent clicks its Initiate return
    the moment it stands where it now is."""
    page, panel = ext.ready_panel("101")
    first = card(panel, "#1001")
    sidebar_wheel_to(page, first.get_by_role("button", name="Hide notes"), 150)
    page.wait_for_timeout(600)
    click_at_once(first.get_by_role("button", name="Hide notes"))
    click_at_once(first.get_by_role("button", name="Show notes"))
    first.get_by_role("button", name="Hide notes").wait_for(timeout=10_000)
    c = card(panel, "#1002")
    click_at_once(c.get_by_role("button", name="Initiate return"))
    c.get_by_role("button", name="Copy link").wait_for(timeout=10_000)


def test_a_click_right_after_the_qr_code_appears_acts(admin, ext):
    """The QR code adds 200 px to the panel; the agent clicks Insert into reply the moment the code shows."""
    page, panel = ext.ready_panel("101")
    c = card(panel, "#1002")
    click_at_once(c.get_by_role("button", name="Initiate return"))
    click_at_once(c.get_by_role("button", name="QR code"))
    c.get_by_role("img", name="QR code of the return link for order #1002").wait_for(timeout=10_000)
    click_at_once(c.get_by_role("button", name="Insert into reply"))
    link = c.get_by_label("Return link for the customer").input_value()
    reply = page.get_by_role("textbox", name="Reply")
    page.wait_for_function("([el, l]) => el.innerText.includes(l)", arg=[reply.element_handle(), link], timeout=5_000)


def test_a_control_cut_by_the_sidebar_edge_is_brought_into_view_and_acts(admin, ext):
    page, panel = ext.ready_panel("101")
    c = card(panel, "#1002")
    button = c.get_by_role("button", name="Initiate return")
    edge = page.get_by_role("complementary").bounding_box()
    bottom = edge["y"] + edge["height"]
    page.get_by_text("#1002", exact=True).first.hover()
    page.mouse.wheel(0, button.bounding_box()["y"] + 12 - bottom)  # its lower part below the sidebar's edge
    page.wait_for_timeout(600)
    box = button.bounding_box()
    assert box["y"] < bottom < box["y"] + box["height"], (box, bottom)
    page.mouse.click(box["x"] + box["width"] / 2, (box["y"] + bottom) / 2)  # on its visible part
    c.get_by_role("button", name="Copy link").wait_for(timeout=10_000)
    assert "outside" not in c.inner_text()


def test_tab_reaches_every_control_and_brings_each_into_view(ext):
    page, panel = ext.ready_panel("101")
    page.get_by_role("complementary").evaluate("el => el.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    panel.get_by_role("button", name="Collapse the Loop Returns panel").focus()
    seen = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = panel.evaluate_handle("document.activeElement")
        if panel.evaluate("el => el === document.body", focused):
            break
        label = panel.evaluate("el => el.id || el.getAttribute('aria-label') || el.textContent.trim()", focused)
        try:
            panel.wait_for_function("el => globalThis.loopFrame.inView(el)", arg=focused, timeout=3_000)
        except PlaywrightTimeout:
            raise AssertionError(
                f"{label!r} was focused but stayed out of view: "
                f"{panel.evaluate('el => JSON.stringify(el.getBoundingClientRect())', focused)} "
                f"{panel.evaluate('JSON.stringify(globalThis.loopFrame.where())')} "
                f"{page.get_by_role('complementary').evaluate(SCROLL_STATE)}"
            ) from None
        seen.add(label)
    assert "order-search" in seen or any("Look up" in s for s in seen), seen
    assert len(seen) > 8, seen


def test_a_sidebar_re_render_keeps_the_panel_and_what_it_shows(admin, ext, klaviyo_server):
    """The app replaces its sidebar's nodes three times a second (the local helpdesk does every few seconds): the
    panel stays the same document, with the link it made, and its controls still act at once."""
    klaviyo_server.config["sidebarRerenderMs"] = 300
    page, panel = ext.ready_panel("101")
    c = card(panel, "#1002")
    click_at_once(c.get_by_role("button", name="Initiate return"))
    link = c.get_by_label("Return link for the customer")
    link.wait_for(timeout=10_000)
    panel.evaluate("window.__sameDocument = 'yes'")
    page.wait_for_timeout(1500)
    assert panel.evaluate("window.__sameDocument") == "yes"
    click_at_once(c.get_by_role("button", name="Copy link"))
    c.get_by_role("button", name="Copied").wait_for(timeout=10_000)
    expect(link).to_have_value(page.evaluate("navigator.clipboard.readText()"))
