"""Issue 15 on CPython: a return's notes, "Allow a return anyway" and the time left, pressed by the words on
their controls, with the real client against the Loop stand-in (real HTTPS on loopback)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from harness.loop_standin import FULL_KEY, RETURNS_ONLY_KEY, Fault
from pyapp.contract.settings import merge
from pyapp.ticket.follower import Reading
from pyapp.ticket.parser import Ticket
from tests.unit.conftest import run
from tests.unit.panel.screen import controls, nodes, press
from tests.unit.panel.test_actions import make_panel, ticket

AVA = dict(key="/inbox/tickets/103", email="ava@example.com", orders=("#1005", "#1006", "#1007"))


def card_text(panel, order: str) -> str:
    return next(n for n in nodes(panel.view()) if n.tag == "section" and n.attrs.get("data-order") == order).text()


def allowing_panel(loop, key=FULL_KEY, allow=True):
    p = make_panel(loop, key=key)
    p.apply_settings(merge({"apiKey": key, "allowExceptions": allow}, None))
    return p


def test_an_active_returns_notes_are_shown_newest_first_and_cost_one_request(loop):
    p = make_panel(loop)
    run(p.show_ticket(ticket()))
    text = card_text(p, "#1001")
    assert text.index("Label re-sent by e-mail.") < text.index("Customer says the box was crushed")
    assert len(loop.api_requests("/notes")) == 1
    run(p.show_ticket(ticket(key="/inbox/tickets/105", email="liam@example.com", orders=())))
    run(p.show_ticket(ticket()))  # back on the ticket: its notes come from the cache
    assert len(loop.api_requests("/notes")) == 1 and "Label re-sent by e-mail." in card_text(p, "#1001")


def test_automatic_notes_stop_at_three_active_returns_per_ticket(loop):
    for n, order in enumerate(("#1002", "#1006", "#1009", "#1010")):
        loop.returns.append(dict(loop.returns[0], id=str(37609000 + n), order_name=order, customer="jane@example.com"))
    p = make_panel(loop)
    run(p.show_ticket(ticket(orders=("#1001", "#1002", "#1006", "#1009", "#1010"))))
    assert len(loop.api_requests("/notes")) == 3
    # The page keeps changing the order list (a re-render, a hostile page), the agent presses Retry: still 3.
    run(p.show_ticket(ticket(orders=("#1010", "#1009", "#1006", "#1002", "#1001"))))
    run(p.show_ticket(ticket(orders=("#1009", "#1010"))))
    press(p, "Retry") if controls(p.view(), "Retry") else None
    assert len(loop.api_requests("/notes")) == 3


def test_other_returns_notes_come_when_the_agent_opens_them_and_a_note_can_be_added(loop):
    p = make_panel(loop)
    run(p.show_ticket(ticket(key="/inbox/tickets/102", email="max@example.com", orders=("#1003", "#1004"))))
    assert len(loop.api_requests("/notes")) == 1  # #1004's review return only; #1003's is closed
    assert "No notes on this return." in card_text(p, "#1004")
    assert "Exchange shipped in size M" not in card_text(p, "#1003")
    press(p, "Show notes", "#1003")
    assert "Exchange shipped in size M" in card_text(p, "#1003")
    press(p, "Add note", "#1004")
    press(p, "Save note", "#1004", note="x" * 300)
    assert "at most 254 characters" in card_text(p, "#1004")
    assert not [r for r in loop.api_requests() if r.method == "POST" and r.path.endswith("/note")]
    press(p, "Save note", "#1004", note="Promised a prepaid label on 2 Dec.")
    posts = [r for r in loop.api_requests("/37603930/note") if r.method == "POST"]
    assert [r.json() for r in posts] == [{"content": "Promised a prepaid label on 2 Dec."}]
    text = card_text(p, "#1004")
    assert "Note saved in Loop." in text and "Promised a prepaid label on 2 Dec." in text
    run(p.act("save-note", "37603930", {"note": "Promised a prepaid label on 2 Dec."}))  # a late second event
    assert len([r for r in loop.api_requests("/37603930/note") if r.method == "POST"]) == 1


def test_a_note_that_fails_keeps_what_was_typed_and_is_not_sent_twice(loop):
    p = make_panel(loop)
    run(p.show_ticket(ticket(key="/inbox/tickets/102", email="max@example.com", orders=("#1004",))))
    press(p, "Add note", "#1004")
    loop.faults.append(Fault("status", path="/note$", status=503))
    press(p, "Save note", "#1004", note="Refund approved by Sam")
    assert len([r for r in loop.api_requests("/note") if r.method == "POST"]) == 1
    form = next(n for n in nodes(p.view()) if n.tag == "textarea")
    assert form.text() == "Refund approved by Sam"
    assert "Loop" in card_text(p, "#1004")


def test_allow_a_return_anyway_is_off_by_default(loop):
    p = make_panel(loop)
    run(p.show_ticket(ticket(**AVA)))
    press(p, "Initiate return", "#1007")
    assert "outside" in card_text(p, "#1007").lower()
    assert not controls(p.view(), "Allow a return anyway", "#1007")


def test_allow_a_return_anyway_confirms_allowlists_rechecks_and_shares_then_undo_deletes(loop):
    p = allowing_panel(loop)
    run(p.show_ticket(ticket(**AVA)))
    press(p, "Initiate return", "#1007")
    press(p, "Allow a return anyway", "#1007")
    assert not [r for r in loop.api_requests("/allowlists") if r.method == "POST"]  # nothing before confirming
    assert "Loop will accept a return for #1007 despite the shop's policy." in card_text(p, "#1007")
    press(p, "Allow return for #1007", "#1007")
    posts = [r for r in loop.api_requests("/allowlists") if r.method == "POST"]
    assert [r.json() for r in posts] == [{"type": "order", "value": "#1007"}]
    text = card_text(p, "#1007")
    assert "#1007 is on Loop's allowlist" in text and controls(p.view(), "Copy link", "#1007")
    assert len([r for r in loop.api_requests("/draft-returns") if r.method == "POST" and "cancel" not in r.path]) == 2
    press(p, "Undo the exception", "#1007")
    assert [r.method for r in loop.api_requests("/allowlists/")] == ["DELETE"] and loop.allowlist == []
    text = card_text(p, "#1007")
    assert "removed from Loop" in text and "Copy link" not in text and "allowlist:" not in text


def test_a_key_without_the_orders_scope_says_so_and_hides_the_choice(loop):
    loop.keys[RETURNS_ONLY_KEY] = {"returns", "draft_returns"}
    p = allowing_panel(loop, key=RETURNS_ONLY_KEY)
    run(p.show_ticket(ticket(**AVA)))
    press(p, "Initiate return", "#1007")
    press(p, "Allow a return anyway", "#1007")
    press(p, "Allow return for #1007", "#1007")
    assert "lacks the Orders scope" in card_text(p, "#1007")
    assert not controls(p.view(), "Allow a return anyway")


def test_days_left_come_from_loops_window_and_the_tickets_order_date(loop):
    p = make_panel(loop)
    ordered = (datetime.now(UTC) - timedelta(days=12)).date().isoformat()
    reading = Reading(
        Ticket(
            key="/inbox/tickets/101",
            is_ticket=True,
            email="jane@example.com",
            orders=("#1001", "#1002"),
            order_dates=(("#1002", ordered),),
        ),
        True,
    )
    run(p.show_ticket(reading))
    press(p, "Initiate return", "#1002")
    assert "At least 18 days left to return" in card_text(p, "#1002")
    run(p.show_ticket(ticket()))  # the same ticket without dates: nothing is guessed
    press(p, "Cancel", "#1002")
    press(p, "Initiate return", "#1002")
    assert "left to return" not in card_text(p, "#1002")


def test_a_label_not_yet_shipped_says_how_old_it_is(loop):
    made = (datetime.now(UTC) - timedelta(days=9)).isoformat().replace("+00:00", "Z")
    loop.returns[0].update(label_status="pre_transit", label_updated_at=made)
    p = make_panel(loop)
    run(p.show_ticket(ticket()))
    assert "Label created at least 9 days ago, not shipped yet" in card_text(p, "#1001")
    loop.returns[0].update(label_status="in_transit")
    p = make_panel(loop)
    run(p.show_ticket(ticket()))
    assert "Label created" not in card_text(p, "#1001")


def test_an_allowlisting_loop_answers_without_an_id_is_still_said_and_not_offered_to_undo(loop):
    loop.faults.append(Fault("status", path="/allowlists$", status=201, body=b""))
    p = allowing_panel(loop)
    run(p.show_ticket(ticket(**AVA)))
    press(p, "Initiate return", "#1007")
    press(p, "Allow a return anyway", "#1007")
    press(p, "Allow return for #1007", "#1007")
    text = card_text(p, "#1007")
    assert "#1007 is on Loop's allowlist" in text and "remove it under Listings in Loop's admin" in text
    assert not controls(p.view(), "Undo the exception") and not controls(p.view(), "Allow a return anyway")


def test_a_failed_allowlisting_says_why_and_nothing_is_retried(loop):
    loop.faults.append(Fault("status", path="/allowlists$", status=500))
    p = allowing_panel(loop)
    run(p.show_ticket(ticket(**AVA)))
    press(p, "Initiate return", "#1007")
    press(p, "Allow a return anyway", "#1007")
    press(p, "Allow return for #1007", "#1007")
    assert len([r for r in loop.api_requests("/allowlists") if r.method == "POST"]) == 1
    text = card_text(p, "#1007")
    assert "Loop cannot be reached right now." in text and "is on Loop's allowlist" not in text
    assert controls(p.view(), "Allow a return anyway", "#1007")  # the agent may try again, knowingly


def test_a_zip_shop_rechecks_after_the_exception_with_the_value_the_agent_already_typed(loop):
    loop.lookup_field = "zip"
    p = make_panel(loop, lookup="zip")
    p.apply_settings(merge({"apiKey": FULL_KEY, "lookupField": "zip", "allowExceptions": True}, None))
    run(p.show_ticket(ticket(**AVA)))
    press(p, "Initiate return", "#1007")
    press(p, "Create return link", "#1007", lookup="60601")
    press(p, "Allow a return anyway", "#1007")
    press(p, "Allow return for #1007", "#1007")
    assert controls(p.view(), "Copy link", "#1007")  # not the ZIP question again
    drafts = [r.json() for r in loop.api_requests("/draft-returns") if r.method == "POST" and "cancel" not in r.path]
    assert [d["secondary_input"] for d in drafts] == ["60601", "60601"]


def test_a_note_and_an_allowlisting_are_sent_only_for_the_customer_they_were_started_for(loop):
    """Issue 22 §1: the note form and the allowlist confirmation carry the ticket and customer they were opened
    for. When the page no longer shows that customer at the click (here: the profile is gone from the page,
    under the same ticket), nothing is sent, the card says why, and what the agent typed is kept."""
    max_ticket = dict(key="/inbox/tickets/102", email="max@example.com", orders=("#1004",))
    p = make_panel(loop)
    run(p.show_ticket(ticket(**max_ticket)))
    press(p, "Add note", "#1004")
    run(p.show_ticket(ticket(**dict(max_ticket, email=None))))
    press(p, "Save note", "#1004", note="Refund approved by Sam")
    assert not [r for r in loop.api_requests("/note") if r.method == "POST"]
    assert "started for another ticket or customer" in card_text(p, "#1004")
    run(p.show_ticket(ticket(**max_ticket)))
    press(p, "Add note", "#1004")
    assert next(n for n in nodes(p.view()) if n.tag == "textarea").text() == "Refund approved by Sam"
    press(p, "Save note", "#1004", note="Refund approved by Sam")
    assert len([r for r in loop.api_requests("/note") if r.method == "POST"]) == 1

    p = allowing_panel(loop)
    run(p.show_ticket(ticket(**AVA)))
    press(p, "Initiate return", "#1007")
    press(p, "Allow a return anyway", "#1007")
    run(p.show_ticket(ticket(**dict(AVA, email=None))))
    press(p, "Allow return for #1007", "#1007")
    assert not [r for r in loop.api_requests("/allowlists") if r.method == "POST"]
    assert "started for another ticket or customer" in card_text(p, "#1007")


def test_another_customer_under_the_same_ticket_address_leaves_nothing_of_the_first(loop):
    """The page shows another customer under the same URL: the first one's note form, notes and cards go."""
    p = make_panel(loop)
    run(p.show_ticket(ticket(key="/inbox/tickets/102", email="max@example.com", orders=("#1004",))))
    press(p, "Add note", "#1004")
    run(p.show_ticket(ticket(key="/inbox/tickets/102", email="ava@example.com", orders=("#1004",))))
    assert not p.state.notes.get("37603930") or not p.state.notes["37603930"].composing
    run(p.act("save-note", "37603930", {"note": "for Max"}))
    assert not [r for r in loop.api_requests("/note") if r.method == "POST"]
