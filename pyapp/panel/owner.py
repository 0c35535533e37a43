"""Another customer's order: nothing is made for it before the agent's one confirmation, which names both.

An order reached by a mention, the search or a lookup may be another shopper's (``PanelState.other_customer``).
Its card still shows its status, and says whose it is; but a click that would make or show something for it (a
deep link and its QR code, an insert into the reply, its notes, a note, an allowlist entry) first asks the
agent, in words that name Loop's address for the order and the ticket's. The agent's yes counts for that order
on this ticket only (a switch forgets it) and runs the click it stopped; no is nothing done.
"""

from __future__ import annotations

from functools import partial

from pyapp.panel.action import Action
from pyapp.panel.context import PanelContext
from pyapp.panel.state import OrderCard
from pyapp.ticket.order_names import order_key


def card_for(p: PanelContext, spec: Action, target: str) -> OrderCard | None:
    return p.state.card_of_return(target) if spec.by_return else p.state.card(order_key(target))


def stopped(p: PanelContext, spec: Action, target: str, values: dict[str, str]) -> bool:
    """Whether this click waits for the agent's confirmation (and is kept, as the action itself with what it was
    given, to run after it)."""
    if not spec.owned:
        return False
    card = card_for(p, spec, target)
    if card is None or not p.state.needs_owner_confirmation(card):
        return False
    card.owner_pending = partial(spec, p, target, dict(values))
    p.changed()
    return True


async def confirm(p: PanelContext, name: str, values: dict[str, str]) -> None:
    card = p.state.card(order_key(name))
    if card is None or card.owner_pending is None:
        return
    pending, card.owner_pending, card.owner_confirmed = card.owner_pending, None, True
    p.changed()
    # The stopped action itself, not its name looked up again: this click (guarded) already cleared a refusal
    # and set the time, and the order is now confirmed, so nothing of Panel.act's gate is left to pass.
    await pending()


def cancel(p: PanelContext, name: str, values: dict[str, str]) -> None:
    card = p.state.card(order_key(name))
    if card is not None and card.owner_pending is not None:
        card.owner_pending = None
        p.changed()


OWNER_ACTIONS = {"owner-confirm": Action(confirm, guarded=True), "owner-cancel": Action(cancel)}
