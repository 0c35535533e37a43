"""Views are pure functions of state: rendered here on CPython from hand-made states, no Loop involved."""

from __future__ import annotations

from datetime import UTC, datetime

from pyapp.contract.settings import merge
from pyapp.loop.eligibility import Ineligibility, Unchecked
from pyapp.loop.errors import AuthError, Scope, Timeout
from pyapp.loop.models import Return
from pyapp.panel.actions import ACTIONS, GUARDED
from pyapp.panel.i18n import file_translator
from pyapp.panel.state import OrderCard, PanelState, Screen, Source, StartReturn, Step, screen
from pyapp.panel.views.order_card import says_its_host
from pyapp.panel.views.page import page
from pyapp.ticket.parser import Ticket
from tests.unit.panel.screen import controls, nodes

t = file_translator("en", strict=True)
TICKET = Ticket(
    key="/inbox/tickets/101", is_ticket=True, email="jane@example.com", orders=("#1001", "#1002"), mentioned=("#1009",)
)
OPEN = Return.model_validate(
    {
        "id": "5001",
        "state": "open",
        "order_name": "#1001",
        "created_at": "2026-11-20 10:00:00",
        "line_items": [{"title": "Linen Shirt", "variant_title": "M"}],
    }
)


def ready(**cards: OrderCard) -> PanelState:
    s = PanelState(settings=merge({"apiKey": "k"}, None), ticket=TICKET, customer_known=True)
    s.cards = cards
    return s


def actions_of(view) -> list[tuple[str, str]]:
    return [(n.attrs["data-action"], n.attrs.get("data-order", "")) for n in nodes(view) if "data-action" in n.attrs]


def test_a_ready_ticket_shows_each_order_and_what_can_be_done_with_it():
    s = ready(**{"1001": OrderCard("#1001", returns=[OPEN]), "1002": OrderCard("#1002", returns=[])})
    view = page(t, s)
    assert screen(s) is Screen.READY and view.attrs["data-state"] == "ready"
    words = view.text()
    assert "Open" in words and "Linen Shirt" in words and "No returns for this order." in words
    # An order with an active return has no Initiate return; the other one has; the mention can be checked.
    assert not controls(view, "Initiate return", "#1001") and controls(view, "Initiate return", "#1002")
    assert ("lookup", "#1009") in actions_of(view) and ("search", "") in actions_of(view)


def test_every_control_a_view_can_show_is_in_the_one_action_table():
    share = StartReturn(
        step=Step.READY, link="https://demo-shop.loopreturns.com/#/link/x", unchecked=Unchecked.DRAFTS_OFF
    )
    states = [
        ready(**{"1002": OrderCard("#1002", returns=[], start=StartReturn(step=Step.ASK))}),
        ready(
            **{"1002": OrderCard("#1002", returns=[], start=StartReturn(step=Step.FAILED, message_key="errTimeout"))}
        ),
        ready(**{"1002": OrderCard("#1002", returns=[], start=share)}),
        ready(**{"1002": OrderCard("#1002", returns=[])}),
        PanelState(),
        PanelState(settings=merge({}, None)),
        PanelState(waiting_policy=True),
        PanelState(settings=merge({"apiKey": "k"}, None), ticket=TICKET, fatal=AuthError("x", scope=Scope.RETURNS)),
    ]
    states[2].has_reply_box = True
    states[3].lookups = {"1009": OrderCard("#1009", returns=[], error=Timeout("x"), source=Source.LOOKUP)}
    seen = {a for s in states for a, _ in actions_of(page(t, s))}
    assert seen <= set(ACTIONS) and set(ACTIONS) >= GUARDED
    assert {"initiate-return", "submit-lookup", "try-again", "copy-link", "insert-reply", "retry-lookup"} <= seen


def test_every_write_is_guarded_and_the_guarded_set_is_pinned():
    """A control that reaches Loop with a write, the clipboard or the reply box declares ``guarded=True`` with
    its action; this list changes only on purpose (the panel frame's JavaScript gets it from contract.js)."""
    assert frozenset(GUARDED) == {
        "initiate-return",
        "submit-lookup",
        "try-again",
        "copy-link",
        "insert-reply",
        "save-note",
        "allow-confirm",
        "undo-allow",
        "owner-confirm",
        "copy-label",
        "insert-label",
        "create-label-confirm",
        "return-cancel-confirm",
        "return-flag-confirm",
    }


def test_the_share_choices_name_the_klaviyo_controls_and_insert_only_with_a_reply_box():
    start = StartReturn(step=Step.READY, link="https://demo-shop.loopreturns.com/#/link/x")
    s = ready(**{"1002": OrderCard("#1002", returns=[], start=start)})
    view = page(t, s)
    assert controls(view, "Copy link", "#1002") and controls(view, "QR code", "#1002")
    assert not controls(view, "Insert into reply", "#1002")
    s.has_reply_box = True
    assert controls(page(t, s), "Insert into reply", "#1002")


def test_an_ineligible_order_shows_its_reason_instead_of_the_button():
    s = ready(**{"1002": OrderCard("#1002", returns=[])})
    s.ineligible["1002"] = Ineligibility.FINAL_SALE
    view = page(t, s)
    assert "final sale" in view.text() and not controls(view, "Initiate return", "#1002")


def test_the_inline_question_keeps_what_was_typed_and_says_what_is_wrong():
    s = ready(
        **{
            "1002": OrderCard(
                "#1002", returns=[], start=StartReturn(step=Step.ASK, lookup_value="99999", message_key="mismatch_zip")
            )
        }
    )
    s.settings = merge({"apiKey": "k", "lookupField": "zip"}, None)
    form = controls(page(t, s), "Create return link", "#1002")[0]
    field = next(n for n in nodes(form) if n.tag == "input")
    assert field.attrs["value"] == "99999" and field.attrs["aria-invalid"] == "true"
    assert "ZIP" in form.text()


def test_a_covered_panel_says_it_ignored_the_click_and_a_key_problem_leads_to_the_settings():
    s = ready(**{"1002": OrderCard("#1002", returns=[])})
    s.covered = True
    assert "covered" in page(t, s).text().lower()
    s = PanelState(settings=merge({"apiKey": "k"}, None), ticket=TICKET, fatal=AuthError("x", scope=Scope.ORDERS))
    view = page(t, s)
    assert screen(s) is Screen.KEY_REJECTED and ("open-options", "") in actions_of(view)


def test_a_click_on_a_control_that_had_just_moved_gets_its_own_sentence_on_its_card():
    s = ready(**{"1002": OrderCard("#1002", returns=[]), "1003": OrderCard("#1003", returns=[])})
    s.covered, s.covered_card, s.covered_moved = True, "1002", True
    view = page(t, s)
    card = next(n for n in nodes(view) if n.attrs.get("aria-label") == "#1002")
    assert "had just moved" in card.text() and "covered" not in view.text().lower()
    s.dressed_up = True  # dressed up as well: that is what the panel says, at its top
    assert "covered" in page(t, s).text().lower() and "had just moved" not in page(t, s).text()


def test_collapsed_is_the_header_only():
    s = ready(**{"1002": OrderCard("#1002", returns=[])})
    s.collapsed = True
    view = page(t, s)
    assert actions_of(view) == [("collapse", "")] and view.attrs["data-state"] == "collapsed"


def test_dates_and_money_are_shown_as_loop_sent_them():
    r = Return.model_validate(
        {
            "id": "7",
            "state": "closed",
            "order_name": "#1002",
            "created_at": "2026-11-02T08:00:00Z",
            "return_total": "49.90",
            "currency": "EUR",
        }
    )
    assert r.created_at == datetime(2026, 11, 2, 8, tzinfo=UTC)
    words = page(t, ready(**{"1002": OrderCard("#1002", returns=[r])})).text()
    assert "2026-11-02" in words and "49.90 EUR" in words


def test_a_link_to_a_host_that_is_not_loops_names_its_host():
    assert says_its_host("Return status page", "https://demo.loopreturns.com/#/r/1") == "Return status page"
    assert (
        says_its_host("Return status page", "https://api.loopreturns.com.evil.example/")
        == "Return status page (api.loopreturns.com.evil.example)"
    )


def test_what_the_customer_gets_back_is_only_what_loop_says():
    exchange = Return.model_validate(
        {
            "id": "9",
            "state": "closed",
            "order_name": "#1003",
            "currency": "USD",
            "refund": "10.00",
            "exchanges": [{"title": "Rain Jacket - M / Olive", "out_of_stock": True}],
            "refunds": [{"gateway": "Stripe", "amount": "10.00", "currency": "USD"}],
        }
    )
    words = page(t, ready(**{"1003": OrderCard("#1003", returns=[exchange])})).text()
    assert "In exchange → Rain Jacket - M / Olive (out of stock)" in words and "Refunded 10.00 USD via Stripe" in words
    pending = Return.model_validate(
        {
            "id": "8",
            "state": "open",
            "currency": "EUR",
            "refund": "5.00",
            "refunds": [],
            "handling_fee": "0.00",
            "gift_card": "0.00",
        }
    )
    words = page(t, ready(**{"1001": OrderCard("#1001", returns=[pending])})).text()
    assert "Refund 5.00 EUR, not refunded yet" in words and "Handling fee" not in words and "Store credit" not in words
    silent = Return.model_validate({"id": "7", "state": "open", "refund": "5.00"})  # v2 row: no refunds[]
    words = page(t, ready(**{"1001": OrderCard("#1001", returns=[silent])})).text()
    assert "Refund 5.00" in words and "refunded" not in words.lower().replace("refund 5.00", "")
