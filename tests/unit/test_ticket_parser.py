"""Ticket parsing on HTML snapshots of varied markup: robust to layout, strict about order names."""
from __future__ import annotations

from pathlib import Path

from pyapp.ticket_parser import parse_ticket

SNAPSHOTS = Path(__file__).parent.parent / "fixtures" / "tickets"


def parse(name: str, url: str = "https://www.klaviyo.com/inbox/tickets/101"):
    return parse_ticket(url, (SNAPSHOTS / name).read_text())


def test_sidebar_orders_email_and_mentions_are_kept_apart():
    t = parse("sidebar_and_message.html")
    assert t.orders == ("#1001", "#1002")  # duplicates once, in the sidebar's order
    assert t.email == "jane@example.com"
    # #1001 is already a sidebar order; the nav's "#1003", the reply draft and scripts are not the ticket.
    assert t.mentioned == ("#1005",)
    assert t.is_ticket and t.key == "/inbox/tickets/101"


def test_orders_only_in_messages_are_mentions_and_profile_email_wins():
    t = parse("only_messages.html", "https://www.klaviyo.com/inbox/")
    assert t.orders == ()
    assert set(t.mentioned) == {"#20417", "#US-1001"}
    assert t.email == "noah@example.com"  # from the profile, not the address typed in a message


def test_no_ticket_on_screen():
    t = parse("none.html", "https://www.klaviyo.com/inbox/")
    assert (t.orders, t.mentioned, t.email, t.is_ticket) == ((), (), None, False)


def test_other_markup_and_odd_order_formats():
    """A table layout with a definition list and a mailto link, no hashed class in common with Klaviyo's."""
    t = parse("odd_formats_table.html")
    assert t.orders == ("#US-1001", "1005", "#1002-B", "SO2042")
    assert t.email == "ava@example.com"


def test_hostile_names_are_rejected_not_repaired():
    t = parse("hostile.html")
    assert t.orders == ("#1004", "#1006")
    assert "#1001" not in t.mentioned and "#1003" in t.mentioned
    assert all("<" not in o and "/" not in o and "%" not in o for o in t.orders + t.mentioned)


def test_huge_and_broken_markup_does_not_break_parsing():
    deep = "<div>" * 150 + "<h4>Recent orders</h4><p>#1001</p>" + "x" * 100_000 + "<p>a@b.co</p>" + "<td><</b"
    t = parse_ticket("https://www.klaviyo.com/inbox/tickets/9", deep)
    assert t.orders == ("#1001",) and t.email == "a@b.co"
    absurd = "<div>" * 20_000 + "<h4>Recent orders</h4><p>#1001</p>"
    assert parse_ticket("https://www.klaviyo.com/inbox/tickets/9", absurd).is_ticket  # no crash, no recursion
    assert parse_ticket(None, None).orders == ()  # type: ignore[arg-type]


def test_ticket_key_follows_the_route():
    a = parse_ticket("https://www.klaviyo.com/inbox/tickets/101?tab=x#m", "")
    b = parse_ticket("https://www.klaviyo.com/inbox/view/all/conversations/abc-9", "")
    assert a.key == "/inbox/tickets/101" and a.is_ticket
    assert b.key == "/inbox/view/all/conversations/abc-9"


def test_admin_heading_override_is_the_last_resort():
    """If Klaviyo renames the list, an administrator's policy names the new heading; nothing else changes."""
    html = "<aside><h2>Overview</h2><p>ava@example.com</p><h4>Order history</h4><ul><li>#1005</li></ul></aside>"
    assert parse_ticket("https://www.klaviyo.com/inbox/tickets/1", html).orders == ()
    t = parse_ticket("https://www.klaviyo.com/inbox/tickets/1", html, extra_headings=("order  HISTORY",))
    assert t.orders == ("#1005",) and t.email == "ava@example.com"


def test_a_page_listing_thousands_of_orders_is_capped_and_fast():
    """Each order costs Loop calls from a budget the whole shop shares: a flood is cut, quickly."""
    import time
    html = "<aside><p>a@b.co</p><h4>Recent orders</h4><ul>" + "".join(f"<li>#{n}</li>" for n in range(1000, 4000)) \
        + "</ul></aside><main><p>" + " ".join(f"#{n}" for n in range(5000, 25000)) + "</p></main>"
    start = time.monotonic()
    t = parse_ticket("https://www.klaviyo.com/inbox/tickets/1", html)
    assert len(t.orders) == 20 and len(t.mentioned) <= 20
    assert time.monotonic() - start < 2
