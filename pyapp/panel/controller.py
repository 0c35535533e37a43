"""The panel's controller: the browser's inputs, the ticket's lookup, the ticket-switch guard, the tasks.

The browser tells it the settings, each reading of the ticket and the page's tricks; it supervises the tasks
the agent's clicks start.

A ticket switch bumps ``generation``; an answer that arrives for an older generation is dropped, so a slow
lookup for the previous ticket never lands on the new one, and the superseded lookup is cancelled (its fetches
aborted, its slots freed). What the agent can do is ``pyapp.panel.actions.ACTIONS``; what is on screen is
``pyapp.panel.views.page`` of ``state``. States are never blank, and Loop's errors reach the agent only as one
sentence each.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from pyapp.contract.settings import Settings
from pyapp.loop.client import LoopClient, TicketReturns
from pyapp.loop.errors import LoopError, RateLimited
from pyapp.loop.models import Return
from pyapp.panel import notes, owner
from pyapp.panel.actions import ACTIONS, drop_stale_links
from pyapp.panel.context import Services  # the browser adapter imports it from here, with Panel
from pyapp.panel.i18n import Translate
from pyapp.panel.state import OrderCard, PanelState, Screen, Source, retry_seconds_left, screen
from pyapp.panel.vdom import VNode
from pyapp.panel.views.page import page
from pyapp.ticket.follower import Reading
from pyapp.ticket.order_names import order_key
from pyapp.ticket.parser import Ticket


def _other_customer(last_email: str | None, now: Ticket) -> bool:
    """The page now names another customer than the last one it named (a profile still loading, or blinking
    out while the app re-renders, names none)."""
    return bool(last_email and now.email and last_email.lower() != now.email.lower())


class Panel:
    """The panel of one tab; its actions see it as a ``PanelContext`` (``pyapp.panel.context``)."""

    def __init__(self, t: Translate, services: Services, changed: Callable[[], None]) -> None:
        self.t = t
        self.services = services
        self.changed = changed
        self.state = PanelState()
        self.generation = 0
        self.client: LoopClient | None = None
        self._tasks: set[asyncio.Task] = set()
        self._load_task: asyncio.Task | None = None  # the ticket lookup in flight: cancelled when superseded
        self._next_automatic = True  # a lookup the page's changes caused counts against the automatic budget

    # ---- what the agent does: one table ---------------------------------------------------------------

    async def act(self, action: str, order: str = "", values: dict[str, str] | None = None) -> bool:
        """Run ``ACTIONS[action]`` for the order named ``order`` (the control's ``data-order``); False when the
        action is unknown (a link with a ``data-action`` of its own, say). The renderer calls this only for the
        agent's own input, and for a guarded action only once the panel was seen unobscured."""
        spec = ACTIONS.get(action)
        if spec is None:
            return False
        if spec.guarded:
            self.state.covered, self.state.covered_card, self.state.covered_moved = False, None, False
        self.state.now = self.services.now()
        if owner.stopped(self, spec, order, values or {}):
            return True  # another customer's order: the agent confirms first (pyapp.panel.owner)
        await spec(self, order, values or {})
        return True

    # ---- what the browser tells the panel -------------------------------------------------------------

    def waiting_for_policy(self) -> None:
        """The enterprise policy has not been read in time: say so; make no call until it is."""
        self.state.waiting_policy = True
        self.changed()

    def page_unreadable(self) -> None:
        """The page's last reading failed: nothing of the previous ticket stays on screen or acts."""
        self._forget_ticket()
        s = self.state
        s.ticket, s.customer_known = None, False
        s.page_unreadable = True
        self.changed()

    def _forget_ticket(self) -> None:
        """Nothing of the ticket shown so far stays: late answers are dropped, its lookups stop (their fetches
        aborted, their slots freed), its cards, links and notes go."""
        self.generation += 1
        self._cancel_load()
        s = self.state
        s.cards, s.lookups, s.loaded_for, s.notes, s.auto_notes, s.changes = {}, {}, None, {}, set(), {}
        s.fatal, s.loading, s.retrying = None, False, False
        s.customer_changed = False

    def policy_unknown(self) -> None:
        """The enterprise policy could not be read: no settings, no client, no call (Retry reads it again)."""
        self._cancel_load()
        self.client = None
        self.state.settings = None
        self.state.waiting_policy = self.state.policy_unreadable = True
        self.changed()

    def apply_settings(self, settings: Settings) -> None:
        old = self.state.settings
        self.state.settings = settings
        self.state.waiting_policy = self.state.policy_unreadable = False
        if old is None or old.api_key != settings.api_key or old.enabled != settings.enabled:
            self.client = (settings.configured and self.services.make_client(settings, self._on_retry)) or None
            self.state.fatal = None
            self.state.lookups.clear()
            self.state.ineligible.clear()  # another key may be another shop
            self.state.allow_anyway.clear()
            self.state.notes.clear()  # another key's notes (or errors) are not this one's
            self.state.orders_scope_missing = False
            self.state.changes.clear()
            self.state.changes_refused = self.state.labels_refused = False
            if self.state.ticket is not None:
                self.reload(automatic=True)
        self.changed()

    async def show_ticket(self, reading: Reading, has_reply_box: bool = False) -> None:
        """The page was read again: follow it to another ticket, or look up this ticket's orders once they are
        known (and again if its order list changes); mentions follow as they come."""
        s, ticket = self.state, reading.ticket
        s.has_reply_box, s.now, s.page_unreadable = has_reply_box, self.services.now(), False
        changed_customer = s.ticket is not None and s.ticket.key == ticket.key and _other_customer(s.last_email, ticket)
        if s.ticket is None or s.ticket.key != ticket.key or changed_customer:
            self._forget_ticket()  # a switch, or another customer shown under the same ticket's address
            s.customer_changed, s.last_email = changed_customer, None
        s.ticket, s.customer_known = ticket, reading.customer_known
        s.last_email = ticket.email or s.last_email
        drop_stale_links(self)
        wanted = (ticket.email, ticket.orders)
        if (
            not (
                reading.customer_known
                and ticket.is_ticket
                and self.client is not None
                and (ticket.orders or ticket.email)
            )
            or wanted == s.loaded_for
        ):
            self.changed()
            return
        self.generation += 1
        s.loaded_for = wanted
        s.cards = {order_key(n): s.cards.get(order_key(n)) or OrderCard(n) for n in ticket.orders}
        s.fatal, s.loading, s.retrying = None, True, False
        self.changed()
        self._cancel_load()
        self._load_task = asyncio.ensure_future(self._load(self.generation, ticket, self._next_automatic))
        self._next_automatic = True
        with contextlib.suppress(asyncio.CancelledError):  # superseded by another ticket or another order list
            await asyncio.shield(self._load_task)

    def page_dresses_it_up(self, dressed: bool) -> None:
        """The content script saw the page dress the panel up (or stop): say so before anyone clicks."""
        self.state.dressed_up = dressed
        self.changed()

    def refuse_covered(self, action: str = "", target: str = "", moved: bool = False) -> None:
        """A guarded click came while the page covered or disguised the panel, or just after the control moved:
        nothing was done; say so, next to the control that was clicked when it sits on an order's card."""
        spec = ACTIONS.get(action)
        card = owner.card_for(self, spec, target) if target and spec is not None else None
        self.state.covered, self.state.covered_moved = True, moved
        self.state.covered_card = order_key(card.name) if card is not None else None
        self.changed()

    def return_changed(self, now: Return) -> None:
        """Loop's return as it is after a change (made in this tab or another): it replaces the one shown."""
        changed = False
        for card in (*self.state.cards.values(), *self.state.lookups.values()):
            if any(r.id == now.id for r in card.returns or []):
                card.returns = [now if r.id == now.id else r for r in card.returns or []]
                card.start = None if now.state.is_active else card.start
                changed = True
        rc = self.state.changes.get(now.id or "")
        if rc is not None and rc.label_link is not None and rc.label_link != now.label_link:
            rc.label_link, rc.label_copied, rc.label_inserted = None, False, False  # no longer the label to send
            changed = True
        if changed:
            self.changed()

    # ---- the ticket's lookup ----------------------------------------------------------------------------

    def reload(self, automatic: bool) -> None:
        """Look the shown ticket up again: the agent's Retry (not counted as automatic), a new key."""
        if self.state.ticket is not None:
            self.state.loaded_for = None
            self._next_automatic = automatic
            reading = Reading(self.state.ticket, self.state.customer_known)
            self.spawn(self.show_ticket(reading, self.state.has_reply_box))

    def _cancel_load(self) -> None:
        if self._load_task is not None and not self._load_task.done():
            self._load_task.cancel()
        self._load_task = None

    async def _load(self, generation: int, ticket: Ticket, automatic: bool = True) -> None:
        client = self.client
        assert client is not None

        def progress(found: TicketReturns, pending: set[str]) -> None:
            if generation == self.generation:
                self._fill(found, pending)
                self.changed()

        try:
            found = await client.returns_for_ticket(
                ticket.email, list(ticket.orders), on_progress=progress, automatic=automatic
            )
        except LoopError as err:
            if generation == self.generation:
                self.state.loading = self.state.retrying = False
                self.state.fatal = err
                self._count_down(err, generation)
                self.changed()
            return
        if generation != self.generation:
            return  # the agent moved on to another ticket
        self.state.loading = self.state.retrying = False
        self._fill(found, set())
        self.changed()
        await notes.read_active(self, generation)  # the warehouse's notes on the ticket's active returns

    def _count_down(self, err: LoopError, generation: int) -> None:
        """A 429 with a cool-down: Retry shows the seconds left, once a second, until it may go."""
        wait = err.retry_in if isinstance(err, RateLimited) else None
        now = self.services.now()
        self.state.now, self.state.retry_at = now, (now + timedelta(seconds=wait) if wait else None)

        async def tick() -> None:
            while generation == self.generation and self.state.fatal is err and retry_seconds_left(self.state) > 0:
                await asyncio.sleep(1)
                self.state.now = self.services.now()
                self.changed()

        if wait:
            self.spawn(tick())

    def _fill(self, found: TicketReturns, pending: set[str]) -> None:
        for key, card in self.state.cards.items():
            if key in pending:
                continue
            card.returns = found.by_order.get(key, [])
            card.error = found.failures.get(key)
        for key, returns in found.by_order.items():
            if key not in self.state.cards and returns:
                self.state.cards[key] = OrderCard(returns[0].order_name or key, returns=returns, source=Source.HISTORY)

    def _on_retry(self, status: int) -> None:
        self.state.retrying = True
        self.state.retry_status = status
        self.changed()

    # ---- what is on screen ----------------------------------------------------------------------------

    def view(self) -> VNode:
        if self.client is not None:  # what Loop refused this key, and the labels it asked for, in any tab
            self.state.changes_refused |= self.client.changes_refused
            self.state.labels_refused |= self.client.labels_refused
            self.state.labels_pending = set(self.client.labels_pending)
        return page(self.t, self.state)

    def screen(self) -> Screen:
        return screen(self.state)

    # ---- task supervision -------------------------------------------------------------------------------

    def spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # A bug, not a Loop error (those are handled where they happen): report it now, not at GC time.
            asyncio.get_event_loop().call_exception_handler(
                {"message": "panel task failed", "exception": task.exception(), "task": task}
            )
