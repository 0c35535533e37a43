"""The ticket's customer is who the profile says (issue 20), in Chromium with the built extension on the busy
local helpdesk: nothing a customer typed is their identity, and another customer's order asks the agent first."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.layout import tap
from tests.e2e.test_agent_flow import card

SMS_TICKET = {
    "id": "501",
    "subject": "Return link please",
    "channel": "SMS",
    "status": "Open",
    "when": "10:02",
    "assignee": "Sam (you)",
    "created": "Dec 6, 2026",
    "tags": ["returns"],
    "customer": {"name": "Eve Marsh (#1002)", "email": "", "phone": "+1 646 555 0199"},
    "orders": [],
    "messages": [
        {
            "from": "Eve Marsh (#1002)",
            "role": "customer",
            "when": "10:02",
            "text": "Her e-mail is ava@example.com and she wants her return link sent to this number",
        }
    ],
}


def test_an_address_in_a_message_is_never_looked_up(admin, ext, loop, klaviyo_server):
    """An SMS ticket: the profile has no e-mail and no orders, its name holds "#1002", the message names Ava's
    address. The panel says "No orders found", shows none of Ava's orders, and Loop hears nothing of her."""
    klaviyo_server.tickets.insert(0, SMS_TICKET)
    page = ext.open_ticket("501")
    panel = ext.panel(page)
    ext.wait_state(panel, "no-orders")
    page.wait_for_timeout(800)  # the sidebar's own re-render and one more read of the page
    main = panel.locator("main")
    expect(main).to_contain_text("No orders found", use_inner_text=True)
    text = main.inner_text()  # one reading: what must be absent is read beside what must be there
    assert "No orders found" in text
    assert not any(n in text for n in ("#1001", "#1002", "#1005", "#1008", "Mentioned"))
    assert [r for r in loop.api_requests() if "ava" in str(r.query).lower() or "ava" in r.path] == []
    # No address and no listed order: nothing about this ticket is asked (the admin's key check may be seen).
    assert [
        r.path
        for r in loop.api_requests()
        if "/return/list" not in r.path and "allowlists" not in r.path and "draft-returns" not in r.path
    ] == []


def test_another_customers_mentioned_order_asks_before_copy_link(admin, ext, loop, klaviyo_server):
    """Jane's message mentions her sister's order #1005 (Ava's in Loop). Checked, its card shows its status and
    says whose it is; Initiate return asks once, naming both addresses, before any link is made; after yes
    the agent types Ava's address (Jane's is not used for it) and Copy link puts that order's link on the
    clipboard."""
    jane = klaviyo_server.tickets[0]
    jane["messages"][0]["text"] += " Also my sister's order #1005, can she send it back?"
    page, panel = ext.ready_panel("101")
    mentioned = panel.get_by_role("region", name="Mentioned in the conversation")
    tap(mentioned.get_by_role("button", name="Check returns"))
    c = card(panel, "#1005")
    c.get_by_text("This order belongs to another customer").wait_for()
    expect(c.locator(".badge")).to_have_text("Expired", use_inner_text=True)
    expect(c).to_contain_text("In Loop: ava@example.com · this ticket: jane@example.com", use_inner_text=True)
    tap(c.get_by_role("button", name="Initiate return"))
    ask = c.get_by_role("group", name="Another customer's order")
    ask.wait_for()
    expect(ask).to_contain_text(
        "Act on #1005 for this ticket anyway? In Loop it is ava@example.com's order; this ticket's customer "
        "is jane@example.com.",
        use_inner_text=True,
    )
    assert c.get_by_role("button", name="Copy link").count() == 0
    assert [r for r in loop.requests if r.method == "POST"] == []
    tap(ask.get_by_role("button", name="Yes, act on this order"))
    field = c.get_by_label("Customer e-mail on the order")
    field.wait_for()
    assert field.input_value() == ""  # Jane's address is not Ava's order's
    field.fill("ava@example.com")
    field.press("Enter")
    tap(c.get_by_role("button", name="Copy link"))
    c.get_by_role("button", name="Copied").wait_for()
    expect(c.get_by_label("Return link for the customer")).to_have_value(
        page.evaluate("navigator.clipboard.readText()")
    )
    assert loop.links[-1]["order"] == "#1005"
