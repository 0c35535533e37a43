"""Another customer's order on a ticket (issue 20): its card shows its status and says whose it is, and nothing
is made for it (a link, a QR code, an insert, its notes, a note, an allowlist entry) before the agent's one
confirmation, which names both addresses. Real Loop client, stand-in over HTTPS on loopback."""

from __future__ import annotations

from tests.unit.conftest import run
from tests.unit.panel.screen import controls, press
from tests.unit.panel.test_actions import make_panel, texts, ticket


def look_up(p, name: str) -> None:
    """A mention's Check returns (the search box starts the same action, in the background)."""
    assert run(p.act("lookup", name))


def writes(loop) -> list[str]:
    return [r.path for r in loop.requests if r.method in ("POST", "DELETE")]


def test_a_looked_up_order_of_another_customer_asks_before_anything_is_made(loop):
    """Jane's ticket; the agent looks up #1005, Ava's. Its expired return shows; Initiate return asks first,
    naming both addresses; after yes the ticket's address is not used for Ava's order: the agent types it."""
    p = make_panel(loop)
    run(p.show_ticket(ticket()))
    look_up(p, "#1005")
    view = texts(p.view())
    assert "This order belongs to another customer" in view and "Expired" in view
    assert "In Loop: ava@example.com · this ticket: jane@example.com" in view
    press(p, "Initiate return", "#1005")
    view = texts(p.view())
    assert (
        "Act on #1005 for this ticket anyway? In Loop it is ava@example.com's order; this ticket's customer "
        "is jane@example.com."
    ) in view
    assert not controls(p.view(), "Copy link", "#1005") and writes(loop) == []
    press(p, "Yes, act on this order", "#1005")
    assert p.state.lookups["1005"].start.step == "ask" and writes(loop) == []  # jane's address is not Ava's
    press(p, "Create return link", "#1005", lookup="ava@example.com")
    press(p, "Copy link", "#1005")
    assert p.browser.clipboard and p.browser.clipboard[-1].startswith("https://demo-shop.loopreturns.com/#/link/")
    assert "Act on #1005" not in texts(p.view())  # one confirmation, for this order on this ticket


def test_no_means_nothing_is_done_and_a_switch_forgets_the_yes(loop):
    p = make_panel(loop)
    run(p.show_ticket(ticket()))
    look_up(p, "#1005")
    press(p, "Show notes", "#1005")
    assert "Act on #1005" in texts(p.view()) and not loop.api_requests(
        "/37603700/notes"
    )  # its notes are its customer's
    press(p, "Cancel", "#1005")
    assert "Act on #1005" not in texts(p.view()) and not loop.api_requests("/37603700/notes")
    press(p, "Show notes", "#1005")
    press(p, "Yes, act on this order", "#1005")
    assert loop.api_requests("/37603700/notes")
    run(p.show_ticket(ticket("/inbox/tickets/102", "max@example.com", ("#1003",))))
    look_up(p, "#1005")
    press(p, "Initiate return", "#1005")
    assert "Act on #1005 for this ticket anyway?" in texts(p.view())


def test_the_customers_own_order_looked_up_asks_nothing(loop):
    """Loop names the profile's address (in another case): no confirmation, straight to the share choices."""
    p = make_panel(loop)
    run(p.show_ticket(ticket(email="Ava@Example.com", orders=())))
    look_up(p, "#1005")
    assert "another customer" not in texts(p.view())
    press(p, "Initiate return", "#1005")
    assert controls(p.view(), "Copy link", "#1005")


def test_a_profile_without_an_address_vouches_for_no_looked_up_order(loop):
    """An SMS ticket: every order looked up needs the confirmation, even one without a return in Loop."""
    p = make_panel(loop)
    run(p.show_ticket(ticket(email=None, orders=())))
    assert not loop.api_requests()  # no address, no listed order: nothing to ask Loop
    look_up(p, "#1002")
    view = texts(p.view())
    assert "This order may belong to another customer" in view
    assert "In Loop: no e-mail known · this ticket: no e-mail on the profile" in view
    press(p, "Initiate return", "#1002")
    assert "Act on #1002 for this ticket anyway?" in texts(p.view()) and writes(loop) == []
