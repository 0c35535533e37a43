"""The panel's actions on CPython, pressed by the words on their controls (the action table behind
``data-action``), with the real Loop client against the stand-in (real HTTPS on loopback); the browser's
clipboard and reply box are the only things stood in for."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from harness.loop_standin import FULL_KEY, NO_DRAFTS_KEY, Fault
from harness.memory_transport import StandinTransport
from pyapp.contract.settings import merge
from pyapp.loop.client import ClientConfig, LoopClient
from pyapp.panel.controller import Panel, Services
from pyapp.panel.i18n import file_translator
from pyapp.panel.state import Step
from pyapp.ticket.follower import Reading
from pyapp.ticket.parser import Ticket
from tests.unit.conftest import run
from tests.unit.panel.screen import controls, nodes, press


class Browser:
    """What the panel asks of the browser, recorded: the clipboard and the reply box."""

    def __init__(self) -> None:
        self.clipboard: list[str] = []
        self.inserted: list[tuple[str, str]] = []
        self.page_ticket = "/inbox/tickets/101"
        self.page_customer: str | None = None  # the page's profile shows this address (None: the ticket's)

    async def copy(self, text: str) -> bool:
        self.clipboard.append(text)
        return True

    async def insert(self, text: str, ticket: str, customer: str | None = None) -> str:
        if ticket != self.page_ticket:
            return "other-ticket"
        if self.page_customer is not None and customer != self.page_customer:
            return "other-customer"
        self.inserted.append((text, ticket))
        return "ok"


def make_panel(loop, key=FULL_KEY, lookup="email", browser=None):
    browser = browser or Browser()

    def client(settings, on_retry):
        return LoopClient(
            StandinTransport(loop),
            settings.api_key,
            ClientConfig(base_url=f"https://localhost:{loop.port}", timeout=3.0),
            on_retry=on_retry,
            sleep=lambda s: asyncio.sleep(0),
        )

    panel = Panel(
        file_translator("en", strict=True), Services(client, browser.copy, browser.insert, lambda: None), lambda: None
    )
    panel.apply_settings(merge({"apiKey": key, "lookupField": lookup} if key else {}, None))
    panel.browser = browser
    return panel


def ticket(key="/inbox/tickets/101", email="jane@example.com", orders=("#1001", "#1002"), known=True):
    return Reading(Ticket(key=key, is_ticket=True, email=email, orders=orders), known)


def texts(node) -> str:
    return node.text()


def test_every_state_has_words_and_never_raw_errors(loop):
    assert "not set up yet" in texts(make_panel(loop, key=None).view())
    p = make_panel(loop)
    assert p.screen() == "no-ticket" and "Open a ticket" in texts(p.view())
    run(p.show_ticket(ticket(known=False)))
    assert p.screen() == "reading" and "Reading the ticket" in texts(p.view()) and not loop.api_requests()
    run(p.show_ticket(ticket()))
    view = texts(p.view())
    assert p.screen() == "ready" and "Open" in view and "Linen Shirt" in view
    loop.faults.append(Fault("error200"))
    p2 = make_panel(loop)
    run(p2.show_ticket(ticket(email="max@example.com", orders=("#1003",))))
    view = texts(p2.view())
    assert p2.screen() == "unreachable" and "cannot read" in view
    assert "UNEXPECTED" not in view and "<script>" not in view and "Traceback" not in view


def test_a_late_answer_for_the_previous_ticket_is_dropped(loop):
    loop.faults.append(Fault("delay", path="/api/v2/returns", seconds=1.0, times=1))
    p = make_panel(loop)

    async def switch():
        first = asyncio.ensure_future(p.show_ticket(ticket()))
        await asyncio.sleep(0.2)
        await p.show_ticket(ticket("/inbox/tickets/102", "max@example.com", ("#1003",)))
        await first

    run(switch())
    assert "1003" in p.state.cards and not {"1001", "1002", "1008"} & set(p.state.cards)
    assert "#1001" not in texts(p.view())


def test_search_keeps_bad_input_and_explains(loop):
    p = make_panel(loop)
    press(p, "Look up", order="<img src=x>")
    assert p.state.search_message == "searchInvalid" and "not an order name" in texts(p.view())
    assert not loop.api_requests()


def test_initiate_return_goes_straight_to_the_share_choices_when_the_email_is_on_the_ticket(loop):
    p = make_panel(loop)
    run(p.show_ticket(ticket()))
    press(p, "Initiate return", "#1002")
    start = p.state.cards["1002"].start
    assert start.step is Step.READY and start.link.startswith("https://demo-shop.loopreturns.com/#/link/")
    view = texts(p.view())
    assert "Copy link" in view and "QR code" in view and "Customer e-mail" not in view
    press(p, "Copy link", "#1002")
    assert p.browser.clipboard == [start.link]
    assert next(r.path for r in loop.api_requests("draft-returns")).endswith("/draft-returns")  # checked first


def test_a_zip_shop_asks_inline_and_keeps_what_was_typed(loop):
    loop.lookup_field = "zip"
    p = make_panel(loop, lookup="zip")
    run(p.show_ticket(ticket()))
    press(p, "Initiate return", "#1002")
    assert p.state.cards["1002"].start.step is Step.ASK and not loop.api_requests("draft-returns")
    press(p, "Create return link", "#1002", lookup="99999")
    start = p.state.cards["1002"].start
    assert start.step is Step.ASK and start.lookup_value == "99999" and start.message_key == "mismatch_zip"
    assert "not with this ZIP" in texts(p.view())
    press(p, "Create return link", "#1002", lookup="10001")
    assert p.state.cards["1002"].start.step is Step.READY


def test_an_ineligible_order_says_why_and_its_button_stays_hidden(loop):
    p = make_panel(loop)
    run(p.show_ticket(ticket(email="ava@example.com", orders=("#1006", "#1007"))))
    press(p, "Initiate return", "#1006")
    assert p.state.cards["1006"].start is None and "final sale" in texts(p.view())
    run(p.show_ticket(ticket("/inbox/tickets/2", "jane@example.com", ("#1001",))))  # away and back again
    run(p.show_ticket(ticket(email="ava@example.com", orders=("#1006", "#1007"))))
    view = p.view()
    assert "final sale" in texts(view)
    assert not controls(view, "Initiate return", "#1006") and controls(view, "Initiate return", "#1007")
    before = len(loop.api_requests("draft-returns"))
    run(p.act("initiate-return", "#1006"))  # a stale click on the button that is gone
    assert len(loop.api_requests("draft-returns")) == before  # not asked again


def test_eligibility_that_cannot_be_checked_still_gives_the_link_with_a_quiet_line(loop):
    loop.drafts_enabled = False
    p = make_panel(loop)
    run(p.show_ticket(ticket()))
    press(p, "Initiate return", "#1002")
    assert p.state.cards["1002"].start.step is Step.READY
    assert "no Draft Returns API" in texts(p.view())
    p2 = make_panel(loop, key=NO_DRAFTS_KEY)
    run(p2.show_ticket(ticket()))
    press(p2, "Initiate return", "#1002")
    assert p2.state.cards["1002"].start.link and "lacks the Draft Returns scope" in texts(p2.view())


def test_insert_into_reply_is_refused_for_another_ticket(loop):
    p = make_panel(loop)
    run(p.show_ticket(ticket(), has_reply_box=True))
    press(p, "Initiate return", "#1002")
    p.browser.page_ticket = "/inbox/tickets/102"  # the page switched while the panel still showed 101
    press(p, "Insert into reply", "#1002")
    assert p.browser.inserted == [] and "made for another ticket" in texts(p.view())


def test_insert_into_reply_is_refused_when_the_page_shows_another_customer(loop):
    """Same ticket, same URL, but the page's profile now shows someone else: the content script refuses."""
    p = make_panel(loop)
    run(p.show_ticket(ticket(), has_reply_box=True))
    press(p, "Initiate return", "#1002")
    p.browser.page_customer = "ava@example.com"
    press(p, "Insert into reply", "#1002")
    assert p.browser.inserted == [] and "no longer shows the customer this link was made for" in texts(p.view())


def test_a_link_made_for_one_customer_is_dropped_when_the_ticket_shows_another(loop):
    """The ticket's key stays, its customer changes (the app re-assigned it, or shows another profile under the
    same URL): the link made for Jane is not copied, shown as a QR code or inserted for anyone. Another
    customer's address forgets the whole ticket; a profile gone from the page drops the link and says why."""
    p = make_panel(loop)
    run(p.show_ticket(ticket(), has_reply_box=True))
    press(p, "Initiate return", "#1002")
    assert p.state.cards["1002"].start.link
    run(p.show_ticket(ticket(email=None)))
    for label in ("Copy link", "QR code", "Insert into reply"):
        found = controls(p.view(), label, "#1002")
        if found:
            run(p.act(found[0].attrs["data-action"], "#1002", {}))
    assert p.browser.clipboard == [] and p.browser.inserted == []
    assert p.state.cards["1002"].start.link is None and "made for another ticket or customer" in texts(p.view())

    p = make_panel(loop)
    run(p.show_ticket(ticket(), has_reply_box=True))
    press(p, "Initiate return", "#1002")
    assert p.state.cards["1002"].start.link
    run(p.show_ticket(ticket(email="ava@example.com")))
    assert all(c.start is None for c in p.state.cards.values())
    assert "now shows another customer" in texts(p.view())
    run(p.act("copy-link", "#1002", {}))
    run(p.act("insert-reply", "#1002", {}))
    assert p.browser.clipboard == [] and p.browser.inserted == []


def test_waiting_for_the_administrators_settings_makes_no_call_and_says_so(loop):
    p = Panel(file_translator("en", strict=True), Services(lambda s, r: None, None, None, lambda: None), lambda: None)
    p.waiting_for_policy()
    assert p.screen() == "waiting-policy" and "Waiting for your administrator" in texts(p.view())
    run(p.show_ticket(ticket()))
    assert not loop.api_requests() and p.screen() == "waiting-policy"


def test_a_rate_limited_ticket_counts_down_to_retry(loop):
    """Loop answers 429 with a Retry-After of a day: the panel waits 120 s at most, and Retry says how long is
    left, second by second, until it may go."""
    clock = [datetime(2026, 12, 6, 12, 0, tzinfo=UTC)]
    p = make_panel(loop)
    p.services.now = lambda: clock[0]
    loop.faults.append(Fault("status", status=429, headers={"Retry-After": "86400"}, body={}))
    seen = []

    async def agent_waits() -> None:  # one event loop: the panel's tick runs beside it
        await p.show_ticket(ticket())
        seen.append((p.screen(), bool(controls(p.view(), "Retry in 120 s"))))
        for step in (100, 21):
            clock[0] += timedelta(seconds=step)
            await asyncio.sleep(1.1)  # the panel's once-a-second tick
            seen.append([b.text() for b in nodes(p.view()) if b.attrs.get("data-action") == "retry"])

    run(agent_waits())
    assert seen == [("rate-limited", True), ["Retry in 20 s"], ["Retry"]]


def test_an_unreadable_policy_is_not_no_policy(loop):
    """The service worker could not read storage.managed: the local key is not used, the panel says why, and
    Retry asks for the policy again; once it arrives the ticket loads."""
    asked = []
    p = make_panel(loop)
    p.services.retry_policy = lambda: asked.append(True)
    p.policy_unknown()
    run(p.show_ticket(ticket()))
    assert p.screen() == "waiting-policy" and "could not be read" in texts(p.view()) and not loop.api_requests()
    press(p, "Retry")
    assert asked == [True] and not loop.api_requests()
    p.apply_settings(merge({"apiKey": FULL_KEY}, {}))
    run(p.show_ticket(ticket()))
    assert p.screen() == "ready" and loop.api_requests()


def test_a_page_that_cannot_be_read_clears_the_previous_tickets_cards(loop):
    p = make_panel(loop)
    run(p.show_ticket(ticket(), has_reply_box=True))
    press(p, "Initiate return", "#1002")
    p.page_unreadable()
    view = texts(p.view())
    assert "#1002" not in view and "could not be read" in view and not controls(p.view(), "Copy link")
    run(p.show_ticket(ticket()))  # the next good reading: the ticket again
    assert p.screen() == "ready" and "could not be read" not in texts(p.view())
