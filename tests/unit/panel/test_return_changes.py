"""Issue 23 on CPython: Send label, Create label, Cancel return and Flag for review, pressed by the words on their
controls, with the real client against the Loop stand-in (real HTTPS on loopback), and Loop's answers read back
from the stand-in's log and the card."""

from __future__ import annotations

import asyncio

import pytest

from harness.loop_standin import FULL_KEY, Fault
from pyapp.contract.settings import merge
from pyapp.panel import label_share
from pyapp.panel.state import ReturnChanges
from pyapp.ticket.follower import Reading
from pyapp.ticket.parser import Ticket
from tests.unit.conftest import run
from tests.unit.panel.screen import controls, nodes, press
from tests.unit.panel.test_actions import make_panel

MIA = dict(key="/inbox/tickets/106", email="mia@example.com", orders=("#1011", "#1012", "#1013"))
JANE = dict(key="/inbox/tickets/101", email="jane@example.com", orders=("#1001", "#1002"))


def reading(ticket_id: str | None = "106", **values) -> Reading:
    values = values or MIA
    return Reading(Ticket(is_ticket=True, route_confirmed=ticket_id is not None, ticket_id=ticket_id, **values), True)


def changing_panel(loop, allow=True, key=FULL_KEY):
    p = make_panel(loop, key=key)
    p.apply_settings(merge({"apiKey": key, "allowReturnChanges": allow}, None))
    return p


def card_text(panel, order: str) -> str:
    return next(n for n in nodes(panel.view()) if n.tag == "section" and n.attrs.get("data-order") == order).text()


def posts(loop, tail: str) -> list:
    return [r for r in loop.api_requests(tail) if r.method == "POST" and r.path.endswith(tail)]


def press_return(panel, label: str, order: str, **values) -> None:
    """Press a control of the return on ``order``'s card (its data-order is the return's id)."""
    press(panel, label, order, **values)


def test_send_label_shares_the_unshipped_label_by_copy_and_insert(loop):
    p = make_panel(loop)
    p.browser.page_ticket = MIA["key"]
    run(p.show_ticket(reading(), has_reply_box=True))
    assert not controls(p.view(), "Send label", "#1012") and not controls(p.view(), "Send label", "#1013")
    press_return(p, "Send label", "#1011")
    press_return(p, "Copy label link", "#1011")
    assert p.browser.clipboard == ["https://labels.loopreturns.com/37604011.pdf"]
    press_return(p, "Insert label", "#1011")
    assert p.browser.inserted[-1][0] == "https://labels.loopreturns.com/37604011.pdf"
    assert not loop.api_requests("/labels")  # sharing a label costs Loop nothing


def test_a_shipped_or_closed_return_offers_no_label(loop):
    p = changing_panel(loop)
    run(p.show_ticket(reading(None, **JANE)))
    text = card_text(p, "#1001")  # open, in transit: the label is with the carrier
    assert "Send label" not in text and "Create label" not in text
    assert controls(p.view(), "Cancel return", "#1001") and controls(p.view(), "Flag for review", "#1001")


def test_create_label_confirms_then_asks_loop_until_it_shows_and_offers_send_label(loop, monkeypatch):
    monkeypatch.setattr(label_share, "LABEL_POLL_S", 0.1)
    loop.label_delay = 0.3
    p = make_panel(loop)
    run(p.show_ticket(reading(), has_reply_box=True))
    assert not controls(p.view(), "Create label", "#1013")  # a Happy Returns drop-off: a QR code, no label
    assert not controls(p.view(), "Create label", "#1011")  # it has one
    press_return(p, "Create label", "#1012")
    assert "Loop will create a return label for #1012. The shop pays for the label." in card_text(p, "#1012")
    assert not posts(loop, "/labels")
    press_return(p, "Create label for #1012", "#1012")
    assert [r.path for r in posts(loop, "/labels")] == ["/api/v1/returns/37604012/labels"]
    assert "Loop made the label." in card_text(p, "#1012")
    press_return(p, "Send label", "#1012")
    press_return(p, "Copy label link", "#1012")
    assert p.browser.clipboard == ["https://labels.loopreturns.com/37604012-1.pdf"]
    assert len(posts(loop, "/labels")) == 1


@pytest.mark.parametrize(
    "setup, words",
    [
        ("exists", "Loop already had a label for this return."),
        ("fails", "Loop could not generate the label."),
        ("no-scope", "This key cannot create labels; create it in Loop"),
    ],
)
def test_create_label_refusals_are_said_in_words(loop, setup, words):
    p = make_panel(loop)
    run(p.show_ticket(reading()))
    if setup == "exists":  # made in Loop's admin after the card was drawn: Loop answers 409
        ret = next(r for r in loop.returns if r["id"] == "37604012")
        ret["labels"] = [{"status": "new", "url": "https://labels.loopreturns.com/admin.pdf", "carrier": "USPS"}]
    elif setup == "fails":
        loop.label_generation_fails = True
    else:
        loop.keys[FULL_KEY] = loop.keys[FULL_KEY] - {"labels"}
    press_return(p, "Create label", "#1012")
    press_return(p, "Create label for #1012", "#1012")
    text = card_text(p, "#1012")
    assert words in text and len(posts(loop, "/labels")) == 1
    if setup == "exists":
        assert controls(p.view(), "Send label", "#1012")  # read again, and offered
    if setup == "no-scope":
        assert not controls(p.view(), "Create label")  # learned for this key


def test_cancel_and_flag_are_off_unless_the_administrator_turns_them_on(loop):
    p = changing_panel(loop, allow=False)
    run(p.show_ticket(reading()))
    assert not controls(p.view(), "Cancel return") and not controls(p.view(), "Flag for review")
    p.apply_settings(merge({"apiKey": FULL_KEY}, {"allowReturnChanges": True}))
    assert controls(p.view(), "Cancel return", "#1012") and controls(p.view(), "Flag for review", "#1012")
    p.apply_settings(merge({"apiKey": FULL_KEY, "allowReturnChanges": True}, {"allowReturnChanges": False}))
    assert not controls(p.view(), "Cancel return")  # the policy wins


def test_cancel_return_confirms_naming_the_order_then_the_card_reads_cancelled_with_initiate_return(loop):
    p = changing_panel(loop)
    run(p.show_ticket(reading()))
    press_return(p, "Cancel return", "#1012")
    assert (
        "Loop will cancel the return for #1012. The customer can then start a new return with the same items."
    ) in card_text(p, "#1012")
    assert not posts(loop, "/cancel")
    press_return(p, "Back", "#1012")
    assert "Loop will cancel" not in card_text(p, "#1012") and not posts(loop, "/cancel")
    press_return(p, "Cancel return", "#1012")
    press_return(p, "Cancel return for #1012", "#1012")
    assert [r.path for r in posts(loop, "/cancel")] == ["/api/v1/warehouse/return/37604012/cancel"]
    text = card_text(p, "#1012")
    assert "Cancelled" in text and "Loop cancelled the return for #1012" in text
    assert controls(p.view(), "Initiate return", "#1012") and not controls(p.view(), "Cancel return", "#1012")
    run(p.act("return-cancel-confirm", "37604012", {}))  # a late second event sends nothing more
    assert len(posts(loop, "/cancel")) == 1


def test_flag_needs_a_reason_then_flags_and_notes_it_with_the_ticket(loop):
    p = changing_panel(loop)
    run(p.show_ticket(reading()))
    press_return(p, "Flag for review", "#1012")
    press_return(p, "Flag #1012 for review", "#1012", reason="   ")
    assert "Say why you flag it" in card_text(p, "#1012") and not posts(loop, "/flag")
    prefix = "Flagged from Klaviyo ticket 106: "
    press_return(p, "Flag #1012 for review", "#1012", reason="x" * (255 - len(prefix)))
    assert "too long" in card_text(p, "#1012") and not posts(loop, "/flag")
    press_return(p, "Flag #1012 for review", "#1012", reason="Customer says two items, box held one.")
    assert [r.path for r in posts(loop, "/flag")] == ["/api/v1/warehouse/return/37604012/flag"]
    assert [r.json() for r in posts(loop, "/note")] == [{"content": prefix + "Customer says two items, box held one."}]
    text = card_text(p, "#1012")
    assert "Needs review" in text and "Flagged for review in Loop, with your reason" in text


def test_a_flag_whose_note_fails_says_exactly_that(loop):
    p = changing_panel(loop)
    run(p.show_ticket(reading()))
    loop.faults.append(Fault("status", path="/note$", status=503))
    press_return(p, "Flag for review", "#1012")
    press_return(p, "Flag #1012 for review", "#1012", reason="Wrong item inside")
    text = card_text(p, "#1012")
    assert "Needs review" in text and "but the note with your reason was not saved" in text
    assert len(posts(loop, "/flag")) == 1 and len(posts(loop, "/note")) == 1


@pytest.mark.parametrize(
    "state, words",
    [
        ("expired", "it has expired"),
        ("review", "it is flagged for review"),
        ("closed", "it is closed"),
        ("cancelled", "it is already cancelled"),
    ],
)
def test_loops_refusals_in_every_shape_are_said_in_words(loop, state, words):
    """The card was drawn while the return was open; Loop changed it since. Loop answers HTTP 200 with
    {"content"}, {"errors": {"message", "code"}} or {"message"}: each is read, none is taken for success."""
    p = changing_panel(loop)
    run(p.show_ticket(reading()))
    next(r for r in loop.returns if r["id"] == "37604012")["state"] = state
    press_return(p, "Cancel return", "#1012")
    press_return(p, "Cancel return for #1012", "#1012")
    text = card_text(p, "#1012")
    assert words in text and "Loop cancelled" not in text and len(posts(loop, "/cancel")) == 1


def test_a_key_that_may_not_change_returns_hides_cancel_and_flag(loop):
    loop.writes_refused.add(FULL_KEY)
    p = changing_panel(loop)
    run(p.show_ticket(reading()))
    press_return(p, "Cancel return", "#1012")
    press_return(p, "Cancel return for #1012", "#1012")
    assert "This key may not change returns in Loop" in card_text(p, "#1012")
    assert not controls(p.view(), "Cancel return") and not controls(p.view(), "Flag for review")
    assert controls(p.view(), "Create label", "#1012")  # labels are another matter


def test_a_cancel_that_timed_out_reads_the_return_to_learn_it_happened(loop):
    """Loop took longer than the client waits, but did cancel: the panel asks before it says anything, and
    never sends the cancel twice."""
    p = changing_panel(loop)
    run(p.show_ticket(reading()))
    loop.faults.append(Fault("delay", path="/cancel$", seconds=3.3, times=1))
    press_return(p, "Cancel return", "#1012")
    press_return(p, "Cancel return for #1012", "#1012")
    assert len(posts(loop, "/cancel")) == 1
    assert "Loop cancelled the return for #1012" in card_text(p, "#1012")
    assert [r for r in loop.api_requests("/details") if r.query.get("return_id") == ["37604012"]]


def test_a_confirmation_opened_for_one_customer_sends_nothing_once_the_page_shows_no_one(loop):
    p = changing_panel(loop)
    run(p.show_ticket(reading()))
    press_return(p, "Cancel return", "#1012")
    run(p.show_ticket(reading(**dict(MIA, email=None))))
    run(p.act("return-cancel-confirm", "37604012", {}))
    assert not posts(loop, "/cancel") and "started for another ticket or customer" in card_text(p, "#1012")


def test_an_agents_note_names_the_ticket_the_sidebar_confirms(loop):
    p = make_panel(loop)
    run(p.show_ticket(reading()))
    press(p, "Add note", "#1012")  # an open return's notes are read by themselves
    press(p, "Save note", "#1012", note="Label re-sent by hand.")
    assert [r.json() for r in posts(loop, "/note")] == [{"content": "Klaviyo ticket 106: Label re-sent by hand."}]


def test_dutch_names_for_each_action(loop):
    from pyapp.panel.i18n import file_translator

    p = changing_panel(loop)
    p.t = file_translator("nl", strict=True)
    run(p.show_ticket(reading(), has_reply_box=True))
    for name in ("Label versturen", "Retour annuleren", "Markeren voor controle"):
        assert controls(p.view(), name), name
    assert controls(p.view(), "Label maken", "#1012")
    press_return(p, "Retour annuleren", "#1012")
    assert "Loop annuleert de retour voor #1012." in card_text(p, "#1012")


def test_a_label_refused_with_a_bare_message_is_a_refusal_not_a_queued_label(loop):
    """A 4xx whose body has only a message (no code) is still Loop saying no: nothing is waited for."""
    loop.faults.append(Fault("status", path="/labels$", status=422, body={"message": "Cannot label this return."}))
    p = make_panel(loop)
    run(p.show_ticket(reading()))
    press(p, "Create label", "#1012")
    press(p, "Create label for #1012", "#1012")
    text = card_text(p, "#1012")
    assert "Loop refused the change to this return." in text and "queued" not in text
    assert controls(p.view(), "Create label", "#1012")  # a definite no: the agent may try again later


def test_the_label_wait_survives_the_ticket_being_looked_up_again(loop, monkeypatch):
    """Retry (or a longer order list) looks the ticket up again while the label is awaited: the wait goes on
    and ends with the label offered, never stuck on "making the label"."""
    monkeypatch.setattr(label_share, "LABEL_POLL_S", 0.1)
    loop.label_delay = 0.5
    p = make_panel(loop)

    async def scenario():
        await p.show_ticket(reading())
        p.state.changes.setdefault("37604012", ReturnChanges())
        await p.act("create-label", "37604012", {})
        waiting = asyncio.ensure_future(p.act("create-label-confirm", "37604012", {}))
        await asyncio.sleep(0.25)
        p.reload(automatic=False)  # the agent's Retry
        await asyncio.sleep(0.1)
        await waiting

    run(scenario())
    assert "Loop made the label." in card_text(p, "#1012") and controls(p.view(), "Send label", "#1012")
    assert not p.state.changes["37604012"].waiting_label


def test_a_label_create_without_a_clear_answer_is_awaited_not_offered_again(loop, monkeypatch):
    """Loop took longer than the client waits, and queued the label all the same: the panel waits for it and
    never offers a second (paid) label meanwhile."""
    monkeypatch.setattr(label_share, "LABEL_POLL_S", 0.2)
    loop.label_delay = 0.5
    loop.faults.append(Fault("delay", path="/labels$", seconds=3.3, times=1))
    p = make_panel(loop)
    run(p.show_ticket(reading()))
    press(p, "Create label", "#1012")
    press(p, "Create label for #1012", "#1012")
    assert len(posts(loop, "/labels")) == 1
    assert "Loop made the label." in card_text(p, "#1012") and not controls(p.view(), "Create label", "#1012")


def test_the_label_link_goes_with_the_return_it_belonged_to(loop):
    """Send label opened, then the return is cancelled: Copy label link is gone and copies nothing."""
    p = changing_panel(loop)
    run(p.show_ticket(reading()))
    press(p, "Send label", "#1011")
    press(p, "Cancel return", "#1011")
    press(p, "Cancel return for #1011", "#1011")
    assert "Cancelled" in card_text(p, "#1011") and not controls(p.view(), "Copy label link", "#1011")
    run(p.act("copy-label", "37604011", {}))
    assert p.browser.clipboard == []


def test_two_confirm_clicks_at_once_send_one_cancel(loop):
    p = changing_panel(loop)
    run(p.show_ticket(reading()))
    press(p, "Cancel return", "#1012")

    async def both():
        await asyncio.gather(
            p.act("return-cancel-confirm", "37604012", {}), p.act("return-cancel-confirm", "37604012", {})
        )

    run(both())
    assert len(posts(loop, "/cancel")) == 1


def test_another_customer_after_a_profile_that_blinked_out_forgets_the_first(loop):
    """Jane, then a reading without a profile (the app re-rendering), then Mia under the same URL: Mia's
    ticket keeps nothing of Jane's."""
    p = changing_panel(loop)
    same = dict(JANE, key=MIA["key"])
    run(p.show_ticket(reading(**same)))
    press(p, "Cancel return", "#1001")
    run(p.show_ticket(reading(**dict(same, email=None))))
    run(p.show_ticket(reading()))
    assert p.state.customer_changed and "37603915" not in p.state.changes
