"""Allow a return anyway: an order Loop refuses for its window or a final sale, allowlisted in Loop for the agent.

Off unless the administrator turns it on (``allowExceptions``). One explicit confirmation names the order and
what it does; then one write (``POST /allowlists``, never retried), and Initiate return runs again by itself, so
Loop checks the eligibility anew and the share choices follow. The card then says the order is allowlisted and
offers to undo it (``DELETE /allowlists/{id}``) while the tab is open.
"""

from __future__ import annotations

from pyapp.loop.errors import AuthError, LoopError
from pyapp.panel.action import Action
from pyapp.panel.context import PanelContext
from pyapp.panel.sentences import write_error_key
from pyapp.panel.state import AllowAnyway
from pyapp.ticket.order_names import order_key


def ask(p: PanelContext, name: str, values: dict[str, str]) -> None:
    key = order_key(name)
    reason, ex = p.state.ineligible.get(key), p.state.allow_anyway.get(key)
    if reason is not None and p.state.may_allow(reason) and p.state.card(key) is not None and not (ex and ex.made):
        p.state.allow_anyway[key] = AllowAnyway(reason=reason, confirming=True, made_for=p.state.bound_to)
        p.changed()


def cancel(p: PanelContext, name: str, values: dict[str, str]) -> None:
    ex = p.state.allow_anyway.get(order_key(name))
    if ex is not None and not ex.made and not ex.sending:
        del p.state.allow_anyway[order_key(name)]
        p.changed()


async def confirm(p: PanelContext, name: str, values: dict[str, str]) -> None:
    key, s, client = order_key(name), p.state, p.client
    ex, card = s.allow_anyway.get(key), s.card(key)
    if (
        ex is None
        or card is None
        or client is None
        or not ex.confirming
        or ex.sending
        or ex.made
        or not s.may_allow(ex.reason)
    ):
        return
    if ex.made_for is None or ex.made_for != s.bound_to:
        ex.confirming, ex.message_key = False, "writeOtherCustomer"
        p.changed()
        return
    ex.sending, ex.message_key = True, None
    p.changed()
    try:
        entry = await client.allow_order(card.name)
    except LoopError as err:
        ex.sending, ex.confirming = False, False
        if isinstance(err, AuthError):
            s.orders_scope_missing = True
        ex.message_key = _why(err)
        p.changed()
        return
    ex.sending, ex.confirming, ex.made, ex.entry_id = False, False, True, entry.id
    if p.client is not client:
        p.changed()
        return  # the key changed meanwhile: the new key's shop is not asked on this one's behalf
    s.ineligible.pop(key, None)
    p.changed()
    await p.act("initiate-return", card.name)  # Loop checks again; the share choices follow


async def undo(p: PanelContext, name: str, values: dict[str, str]) -> None:
    key, s, client = order_key(name), p.state, p.client
    ex, card = s.allow_anyway.get(key), s.card(key)
    if ex is None or not ex.made or not ex.entry_id or client is None or ex.sending:
        return
    if ex.made_for != s.bound_to:
        ex.message_key = "writeOtherCustomer"
        p.changed()
        return
    ex.sending, ex.message_key = True, None
    p.changed()
    try:
        await client.remove_allowlist_entry(ex.entry_id)
    except LoopError as err:
        ex.sending, ex.message_key = False, _why(err)
        p.changed()
        return
    ex.sending, ex.made, ex.entry_id, ex.message_key = False, False, None, "allowUndone"
    s.ineligible[key] = ex.reason
    if card is not None:
        card.start = None
    p.changed()


def _why(err: LoopError) -> str:
    if isinstance(err, AuthError):
        return "allowNoScope"
    return write_error_key(err)


ALLOW_ACTIONS = {
    "allow-anyway": Action(ask, owned=True),
    "allow-cancel": Action(cancel),
    "allow-confirm": Action(confirm, guarded=True, owned=True),
    "undo-allow": Action(undo, guarded=True, owned=True),
}
