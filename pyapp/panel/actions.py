"""Everything the agent can do in the panel, as ONE table: ``ACTIONS[data-action].run(panel, order, values)``.

Views name a control's action (``data-action="copy-link" data-order="#1001"``); the renderer's one listener
finds it and calls ``Panel.act``. Each ``Action`` declares its checks (``pyapp.panel.action``): a ``guarded``
one reaches Loop, the clipboard or the reply box, and runs only while the panel is seen fully visible and
unobscured (else the panel says it was covered).

Initiate return, as Klaviyo's article describes it: one click, then the share choices (Copy link, QR code,
Insert into reply). When the order's lookup value is on the ticket (the e-mail, for a shop whose portal looks
orders up by e-mail) the click goes straight to "Checking with Loop…" and on to the choices; otherwise the
panel asks for the value inline. Eligibility is learned on that click (Loop tells it only by creating a draft
return): an ineligible order shows the reason instead, and its button stays hidden from then on.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pyapp.loop.client import LoopClient
from pyapp.loop.eligibility import Ineligibility
from pyapp.loop.errors import LoopError, NotFound, RejectedInput
from pyapp.panel.action import Action
from pyapp.panel.allow_anyway import ALLOW_ACTIONS
from pyapp.panel.context import PanelContext
from pyapp.panel.notes import NOTE_ACTIONS
from pyapp.panel.owner import OWNER_ACTIONS
from pyapp.panel.qr import qr_data_url
from pyapp.panel.return_changes import RETURN_CHANGE_ACTIONS
from pyapp.panel.sentences import error_key
from pyapp.panel.state import OrderCard, Source, StartReturn, Step, insert_sentence
from pyapp.ticket.order_names import clean_order_name, order_key

MAX_LOOKUP_VALUE = 120
DRAFT_CLEAN_UP_AFTER_S = 15


# ---- the ticket and the agent's own lookups ---------------------------------------------------------------


def retry(p: PanelContext, order: str, values: dict[str, str]) -> None:
    if p.client:
        p.client.forget()
    p.reload(automatic=False)


def search(p: PanelContext, order: str, values: dict[str, str]) -> None:
    text = (values.get("order") or "").strip()
    name = clean_order_name(text)
    if name and name.isdigit():
        name = "#" + name  # Shopify's default spelling; Loop is asked for the other one too
    if not name:
        p.state.search_message = "searchInvalid" if text else "searchEmpty"
        p.changed()
        return
    p.state.search_message = None
    p.spawn(lookup(p, name, {}))


async def lookup(p: PanelContext, name: str, values: dict[str, str]) -> None:
    key, s = order_key(name), p.state
    card = s.card(key)
    if card is not None and card.returns is not None and card.error is None:
        return  # already on screen
    card = OrderCard(name, source=Source.LOOKUP)
    s.lookups = {key: card, **{k: v for k, v in s.lookups.items() if k != key}}
    p.changed()
    if p.client is None:
        return
    generation = p.generation
    try:
        card.returns = await p.client.order_returns(name, other_spelling=True)
    except LoopError as err:
        card.error = err
        card.returns = []
    if generation == p.generation:
        p.changed()


async def retry_lookup(p: PanelContext, name: str, values: dict[str, str]) -> None:
    if p.client:
        p.client.forget()
    p.state.lookups.pop(order_key(name), None)
    await lookup(p, name, values)


# ---- Initiate return ------------------------------------------------------------------------------------


async def initiate(p: PanelContext, name: str, values: dict[str, str]) -> None:
    """Straight to the share choices when the lookup value is known, else ask for it."""
    key = order_key(name)
    card = p.state.card(key)
    if card is None or key in p.state.ineligible:
        return
    if card.start is not None:
        card.start = None  # a second click closes the flow again, like Cancel
        p.changed()
        return
    value = _lookup_value_on_ticket(p, card) or card.lookup_value
    card.start = StartReturn(step=Step.CHECKING if value else Step.ASK, lookup_value=value)
    p.changed()
    if value:
        await _make_link(p, card, value)


def cancel(p: PanelContext, name: str, values: dict[str, str]) -> None:
    card = p.state.card(order_key(name))
    if card is not None and card.start is not None:
        card.start = None
        p.changed()


async def submit_lookup(p: PanelContext, name: str, values: dict[str, str]) -> None:
    """The agent typed the lookup value (Enter or the button)."""
    card = p.state.card(order_key(name))
    if card is None or card.start is None or card.start.step is Step.CHECKING:
        return
    start = card.start
    value = (values.get("lookup") or "").strip()
    start.lookup_value = value or start.lookup_value
    if not value or len(value) > MAX_LOOKUP_VALUE:
        start.step, start.message_key = Step.ASK, "lookupNeeded"
        p.changed()
        return
    start.step, start.message_key = Step.CHECKING, None
    p.changed()
    await _make_link(p, card, value)


async def try_again(p: PanelContext, name: str, values: dict[str, str]) -> None:
    card = p.state.card(order_key(name))
    if card is not None and card.start is not None and card.start.step is Step.FAILED:
        card.start.step, card.start.message_key = Step.CHECKING, None
        p.changed()
        await _make_link(p, card, card.start.lookup_value)


def _lookup_value_on_ticket(p: PanelContext, card: OrderCard) -> str:
    """The order's lookup value when the ticket shows it: the customer's e-mail, for e-mail shops, and only for
    the customer's own orders (another customer's order is never looked up with this one's address)."""
    ticket = p.state.ticket
    if p.state.other_customer(card) is not None:
        return ""
    return ticket.email if p.state.lookup_field == "email" and ticket and ticket.email else ""


async def _make_link(p: PanelContext, card: OrderCard, value: str) -> None:
    client, generation, start = p.client, p.generation, card.start
    if client is None or start is None:
        return

    def still_wanted() -> bool:
        return generation == p.generation and card.start is start  # not moved on, not cancelled

    verdict = await client.eligibility(card.name, value)
    if not still_wanted():
        return
    if verdict.reason is Ineligibility.LOOKUP_MISMATCH:
        start.step, start.message_key = Step.ASK, f"mismatch_{p.state.lookup_field}"
        p.changed()
        return
    if verdict.eligible is False:
        card.lookup_value = value  # Loop matched it: an "allow anyway" granted later re-checks with it, untyped
        p.state.ineligible[order_key(card.name)] = verdict.reason or Ineligibility.OTHER
        card.start = None  # the reason replaces the share choices; the button stays hidden from now on
        p.changed()
        return
    start.unchecked, start.window_days = verdict.unchecked, verdict.window_days
    try:
        link = await client.deep_link(card.name, value)
    except (NotFound, RejectedInput) as err:
        # Loop has no order under that name with that value, or refused the value: let the agent correct it.
        if still_wanted():
            start.step = Step.ASK
            start.message_key = "linkNotFound" if isinstance(err, NotFound) else "linkRejected"
            p.changed()
        return
    except LoopError as err:
        if still_wanted():
            start.step, start.message_key = Step.FAILED, error_key(err)
            p.changed()
        return
    card.lookup_value = value
    if still_wanted():
        start.link, start.step = link, Step.READY
        start.made_for = p.state.bound_to
        p.changed()
    if client.has_orphaned_drafts:
        p.spawn(_clean_up_drafts_later(client))


async def _clean_up_drafts_later(client: LoopClient) -> None:
    """A draft POST that timed out may still have made a draft: look for it once Loop has had time."""
    await asyncio.sleep(DRAFT_CLEAN_UP_AFTER_S)
    await client.clean_up_drafts()


# ---- the share choices ----------------------------------------------------------------------------------


def _ready(p: PanelContext, name: str) -> StartReturn | None:
    """The order's link, if it is still for the ticket and customer on screen: a link made for one customer is
    never copied, shown or inserted for another (the page may show another customer under the same URL). One
    that no longer is is dropped, and the card says why."""
    card = p.state.card(order_key(name))
    start = card.start if card and card.start and card.start.link else None
    if start is not None and _drop_if_stale(p, start):
        p.changed()
        return None
    return start


def _drop_if_stale(p: PanelContext, start: StartReturn) -> bool:
    ticket = p.state.ticket
    if start.link is None or (ticket is not None and start.made_for == p.state.bound_to):
        return False
    start.link, start.qr_data_url, start.show_qr, start.copied, start.inserted = None, None, False, False, False
    start.step, start.message_key = Step.ASK, "linkOtherCustomer"
    return True


def drop_stale_links(p: PanelContext) -> None:
    """After a new reading of the page: links made for a customer the ticket no longer shows go at once."""
    for card in p.state.cards.values():
        if card.start is not None:
            _drop_if_stale(p, card.start)


async def copy_link(p: PanelContext, name: str, values: dict[str, str]) -> None:
    start = _ready(p, name)
    if start is not None:
        start.copied = await p.services.copy_text(start.link or "")
        start.message_key = None if start.copied else "copyFailed"
        p.changed()


async def insert_link(p: PanelContext, name: str, values: dict[str, str]) -> None:
    """Into the reply box of the ticket the link was made for, and no other (the content script checks)."""
    start, ticket = _ready(p, name), p.state.ticket
    if start is not None and ticket is not None:
        outcome = await p.services.insert_reply(start.link or "", ticket.key, ticket.email)
        start.inserted = outcome == "ok"
        start.message_key = insert_sentence(outcome)
        p.changed()


async def toggle_qr(p: PanelContext, name: str, values: dict[str, str]) -> None:
    start = _ready(p, name)
    if start is not None:
        if start.qr_data_url is None:
            await p.services.load_package("segno")  # only the agents who ask for a QR code pay for it
            start.qr_data_url = qr_data_url(start.link or "")
        start.show_qr = not start.show_qr
        p.changed()


# ---- the panel itself -----------------------------------------------------------------------------------


def toggle_collapsed(p: PanelContext, order: str, values: dict[str, str]) -> None:
    p.state.collapsed = not p.state.collapsed
    p.services.set_collapsed(p.state.collapsed)
    p.changed()


def open_options(p: PanelContext, order: str, values: dict[str, str]) -> Any:
    return p.services.open_options()


def retry_policy(p: PanelContext, order: str, values: dict[str, str]) -> Any:
    return p.services.retry_policy()


ACTIONS: dict[str, Action] = {
    "initiate-return": Action(initiate, guarded=True, owned=True),
    "cancel-return": Action(cancel),
    "submit-lookup": Action(submit_lookup, guarded=True, owned=True),
    "try-again": Action(try_again, guarded=True, owned=True),
    "copy-link": Action(copy_link, guarded=True, owned=True),
    "show-qr": Action(toggle_qr, owned=True),
    "insert-reply": Action(insert_link, guarded=True, owned=True),
    "lookup": Action(lookup),
    "retry-lookup": Action(retry_lookup),
    "search": Action(search),
    "retry": Action(retry),
    "collapse": Action(toggle_collapsed),
    "open-options": Action(open_options),
    "retry-policy": Action(retry_policy),
    **NOTE_ACTIONS,  # a return's notes (pyapp.panel.notes)
    **ALLOW_ACTIONS,  # allow a return anyway (pyapp.panel.allow_anyway)
    **OWNER_ACTIONS,  # another customer's order: the one confirmation (pyapp.panel.owner)
    **RETURN_CHANGE_ACTIONS,  # the label, Cancel return, Flag for review (pyapp.panel.return_changes)
}
# What reaches Loop (a draft, a link, a note, an allowlist entry, a change to a return), the clipboard or the
# reply box: acted on only unobscured. Declared with each action; contract.js carries it to the panel frame.
GUARDED = frozenset(name for name, action in ACTIONS.items() if action.guarded)
