"""The agent's flow as Klaviyo's article describes it, on a helpdesk page as busy as the real one.

Every test starts the way a new shop does: the admin opens the options page, pastes the Loop key, picks the
customer lookup and presses Save. Then the agent works in the ticket view; the panel is read and clicked by
accessible names, and results are what a person sees (the clipboard, the reply box, the panel's text).
"""

from __future__ import annotations

import time

from playwright.sync_api import expect

from harness.loop_standin import Fault
from tests.e2e.layout import tap


def card(panel, order: str):
    return panel.get_by_role("region", name=order, exact=True)


def open_in_inbox(page, customer: str) -> None:
    page.get_by_role("link", name=customer).click()


def test_initiate_return_leads_straight_to_copy_link(admin, ext, loop):
    """E-mail shop, e-mail on the ticket: one click on Initiate return, "Checking with Loop…", then the share
    choices; Copy link puts the deep link for that very order on the clipboard."""
    loop.latency = 0.3  # long enough to see the check happen
    page, panel = ext.ready_panel("101")
    c = card(panel, "#1002")
    tap(c.get_by_role("button", name="Initiate return"))
    c.get_by_role("status").filter(has_text="Checking with Loop").wait_for(timeout=3_000)
    tap(c.get_by_role("button", name="Copy link"))
    c.get_by_role("button", name="Copied").wait_for()
    link = c.get_by_label("Return link for the customer").input_value()
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert link.startswith("https://demo-shop.loopreturns.com/#/link/") and loop.links[-1]["order"] == "#1002"
    expect(c.get_by_role("button", name="QR code")).to_be_visible()
    expect(c.get_by_role("button", name="Insert into reply")).to_be_visible()
    assert [d["state"] for d in loop.drafts.values()] == ["cancelled"]  # eligibility asked, the draft undone


def test_a_zip_shop_asks_inline_and_enter_submits(admin, ext, loop):
    admin("zip")
    loop.lookup_field = "zip"
    _page, panel = ext.ready_panel("101")
    c = card(panel, "#1002")
    tap(c.get_by_role("button", name="Initiate return"))
    field = c.get_by_label("Shipping ZIP / postal code of the order")
    field.fill("10001")
    field.press("Enter")
    c.get_by_role("button", name="Copy link").wait_for()


def test_an_email_the_order_does_not_know_asks_for_the_right_one(admin, ext, loop):
    """Loop answers 422 secondary-input-mismatch: the panel asks inline, the ticket's e-mail filled in."""
    loop.orders["#1002"]["email"] = "jane.doe@work.example"
    _page, panel = ext.ready_panel("101")
    c = card(panel, "#1002")
    tap(c.get_by_role("button", name="Initiate return"))
    expect(c.get_by_role("alert")).to_contain_text("not with this e-mail", use_inner_text=True, timeout=15_000)
    field = c.get_by_label("Customer e-mail on the order")
    expect(field).to_have_value("jane@example.com")
    field.fill("jane.doe@work.example")
    field.press("Enter")
    c.get_by_role("button", name="Copy link").wait_for()


def test_an_ineligible_order_says_why_and_its_button_stays_hidden(admin, ext):
    page, panel = ext.ready_panel("103")
    c = card(panel, "#1006")
    tap(c.get_by_role("button", name="Initiate return"))
    c.get_by_role("status").filter(has_text="final sale").wait_for(timeout=15_000)
    assert c.get_by_role("button", name="Copy link").count() == 0
    assert c.get_by_role("button", name="Initiate return").count() == 0
    open_in_inbox(page, "Jane Doe")
    ext.wait_state(panel, "ready")
    open_in_inbox(page, "Ava Smith")
    panel.wait_for_selector("html[data-ready-key='/inbox/tickets/103'][data-panel-state='ready']", state="attached")
    c = card(panel, "#1006")
    expect(c).to_contain_text("final sale", use_inner_text=True)
    assert c.get_by_role("button", name="Initiate return").count() == 0  # absent now, not "gone in the end"
    expect(card(panel, "#1007").get_by_role("button", name="Initiate return")).to_be_visible()


def test_a_shop_without_draft_returns_still_gets_links(admin, ext, loop):
    """The Draft Returns beta is off for most shops (422 draft-returns-not-enabled): the link is made, with one
    quiet line, and later clicks do not ask Loop again."""
    loop.drafts_enabled = False
    _page, panel = ext.ready_panel("103")
    for order in ("#1006", "#1007"):
        c = card(panel, order)
        tap(c.get_by_role("button", name="Initiate return"))
        c.get_by_role("button", name="Copy link").wait_for()
        expect(c).to_contain_text("no Draft Returns API", use_inner_text=True)
    assert [r.method for r in loop.api_requests("draft-returns")].count("POST") == 1


def test_an_unknown_code_still_gives_the_link(admin, ext, loop):
    loop.orders["#1002"]["eligibility"] = "gift-card-only-item"
    _page, panel = ext.ready_panel("101")
    c = card(panel, "#1002")
    tap(c.get_by_role("button", name="Initiate return"))
    c.get_by_role("button", name="Copy link").wait_for()
    expect(c).to_contain_text("Loop's portal applies the shop's return policy", use_inner_text=True)


def test_mentions_come_from_the_open_conversation_only(admin, ext):
    """Ticket 105 has no orders; the inbox list beside it previews Jane's #1001 and Max's #1003, and the agent
    drafts a reply naming #1004. None of that is this ticket's."""
    page = ext.open_ticket("105")
    panel = ext.panel(page)
    ext.wait_state(panel, "no-orders")
    reply = page.get_by_role("textbox", name="Reply")
    reply.click()
    page.keyboard.type("About order #1004: ")
    page.get_by_label("Search tickets").fill("order")  # search hits with previews open beside the conversation
    page.wait_for_timeout(600)  # the content script's debounce and one more read
    main = panel.locator("main")
    expect(main).to_contain_text("No orders found", use_inner_text=True)
    text = main.inner_text()  # one reading: what must be absent is read beside what must be there
    assert "No orders found" in text
    assert not any(n in text for n in ("#1001", "#1003", "#1004", "Mentioned"))
    page.get_by_label("Search tickets").fill("")
    open_in_inbox(page, "Noah Jones")  # his own message mentions #1010
    panel.get_by_role("region", name="Mentioned in the conversation").wait_for()
    expect(panel.get_by_role("region", name="Mentioned in the conversation")).to_contain_text(
        "#1010", use_inner_text=True
    )


def test_a_switch_never_shows_two_tickets_at_once(admin, ext, klaviyo_server):
    """The sidebar keeps showing the previous ticket for a second while the new conversation (which mentions
    #1003) is already there: read many times during the switch, the panel shows 101, then waits, then 102,
    never 101's orders beside 102's words, and never goes back."""
    klaviyo_server.sidebar_delay = 1.0
    page, panel = ext.ready_panel("101")
    open_in_inbox(page, "Max Mustermann")
    samples, deadline = [], time.monotonic() + 4
    while time.monotonic() < deadline:
        samples.append(panel.locator("main").inner_text())
        if "#1004" in samples[-1] and "Checking Loop" not in samples[-1]:
            break
        page.wait_for_timeout(40)
    jane = [("#1001" in s or "#1002" in s) for s in samples]
    max_ = [("#1003" in s or "#1004" in s) for s in samples]
    assert not any(a and b for a, b in zip(jane, max_, strict=True)), [
        s for s in samples if "#1001" in s and "#1003" in s
    ][:1]
    first_max = max_.index(True)
    assert not any(jane[first_max:])
    assert any("Reading the ticket" in s for s in samples)  # it waited for 102's sidebar rather than guess
    assert "#1003" in samples[-1] and "#1004" in samples[-1]


def test_insert_into_reply_refuses_another_ticket(admin, ext):
    """A link made on ticket 101 must not be pasted to another customer: the page now shows 102 (its URL
    changed without the panel having noticed yet), so the content script refuses and the panel says why."""
    page, panel = ext.ready_panel("101")
    c = card(panel, "#1002")
    tap(c.get_by_role("button", name="Initiate return"))
    c.get_by_role("button", name="Insert into reply").wait_for()
    page.evaluate("history.replaceState({}, '', '/inbox/tickets/102')")
    tap(c.get_by_role("button", name="Insert into reply"))
    expect(c.get_by_role("alert")).to_contain_text("made for another ticket", use_inner_text=True, timeout=5_000)
    assert "demo-shop.loopreturns.com" not in page.get_by_role("textbox", name="Reply").inner_text()


def test_another_customers_returns_never_appear(admin, ext, loop):
    """Loop's customer filter ignored (it answers every shopper's rows): only Jane's returns reach her ticket."""
    loop.customer_filter_ignored = True
    _page, panel = ext.ready_panel("101")
    main = panel.locator("main")
    expect(main).to_contain_text("#1001", use_inner_text=True)
    expect(main).to_contain_text("#1008", use_inner_text=True)
    text = main.inner_text()  # one reading: what must be absent is read beside what must be there
    assert "#1001" in text and "#1008" in text
    assert not any(n in text for n in ("#1003", "#1004", "#1005"))


def test_an_order_the_customer_lookup_missed_is_asked_for_by_order(admin, ext, loop):
    """#1002's return was filed under Jane's work e-mail: the customer lookup does not return it; details
    (asked for the listed order) does, and the card shows it rather than "No returns"."""
    ret = dict(loop.returns[3], id="37603999", order_name="#1002", customer="jane.doe@work.example")
    loop.returns.append(ret)
    _page, panel = ext.ready_panel("101")
    expect(card(panel, "#1002").locator(".badge")).to_have_text("Needs review", use_inner_text=True)


def test_a_gateway_404_is_an_error_not_no_returns(admin, ext, loop):
    loop.customer_lookup = False
    loop.faults.append(Fault("status", path="details", status=404, body={"message": "Not Found"}))
    page = ext.open_ticket("101")
    panel = ext.panel(page)
    ext.wait_state(panel, "unreachable")
    expect(panel.get_by_role("alert")).to_contain_text("did not recognise the request", use_inner_text=True)
    assert "No returns" not in panel.locator("main").inner_text()


def test_a_page_that_never_stops_mutating_still_settles_on_the_new_ticket(admin, ext, klaviyo_server):
    """A live clock ticking every 20 ms would starve a trailing-only debounce: the snapshot has a ceiling."""
    klaviyo_server.page_script = """addEventListener('DOMContentLoaded', () => {
        const clock = document.createElement('div'); document.body.append(clock);
        setInterval(() => { clock.textContent = String(Date.now()); }, 20);
    });"""
    try:
        page, panel = ext.ready_panel("101")
        open_in_inbox(page, "Max Mustermann")
        panel.wait_for_selector(
            "html[data-ready-key='/inbox/tickets/102'][data-panel-state='ready']", state="attached", timeout=10_000
        )
        expect(card(panel, "#1003")).to_be_visible()
    finally:
        klaviyo_server.page_script = None
