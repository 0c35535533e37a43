"""The agent's panel: what it shows for each state, and what each button does. Pure Python; the browser
adapter hands it settings and tickets and puts its ``view()`` on screen after every ``changed()``.

States are never blank: not configured, no ticket, reading the ticket, loading, no orders, no returns, key
rejected, rate limited (retrying), Loop unreachable (Retry). Loop's errors reach the agent only as one sentence
each.

A ticket switch bumps ``generation``; an answer that arrives for an older generation is dropped, so a slow
lookup for the previous ticket never lands on the new one. What the panel shows of a ticket comes through
``pyapp.ticket_follower`` (never a mix of two tickets).

Initiate return, as Klaviyo's article describes it: one click, then the share choices (Copy link, QR code,
Insert into reply). When the order's lookup value is on the ticket (the e-mail, for a shop whose portal looks
orders up by e-mail) the click goes straight to "Checking with Loop…" and on to the choices; otherwise the
panel asks for the value inline. Eligibility is learned on that click (Loop tells it only by creating a draft
return): an ineligible order shows the reason instead, and its button stays hidden from then on.
"""
from __future__ import annotations

import asyncio
import base64
import io
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import StrEnum
from typing import Any, Awaitable, Callable

from pyapp.errors import AuthError, LoopError, NotFound, RateLimited, RejectedInput
from pyapp.i18n import Translate
from pyapp.loop_client import LoopClient, TicketReturns
from pyapp.models import Ineligibility, Return, Unchecked
from pyapp.order_names import clean_order_name, order_key
from pyapp.settings import Settings
from pyapp.ticket_follower import Reading
from pyapp.ticket_parser import Ticket
from pyapp.view import VNode, h

ADMIN_RETURN_URL = "https://admin.loopreturns.com/returns/{id}"  # the link Loop's Gladly app gives agents


class Step(StrEnum):
    """Where one order's Initiate return flow is."""

    ASK = "ask"  # the lookup value is not on the ticket (or Loop did not match it): the agent types it
    CHECKING = "checking"  # "Checking with Loop…": eligibility, then the deep link
    READY = "ready"  # the share choices: Copy link, QR code, Insert into reply
    FAILED = "failed"  # Loop could not make the link; one sentence and Try again


@dataclass
class StartReturn:
    """The Initiate return flow of one order."""

    step: Step = Step.ASK
    lookup_value: str = ""
    link: str | None = None
    qr_data_url: str | None = None
    show_qr: bool = False
    copied: bool = False
    inserted: bool = False
    unchecked: Unchecked | None = None  # why eligibility was not checked (the link is made all the same)
    message_key: str | None = None


@dataclass
class OrderCard:
    name: str
    returns: list[Return] | None = None  # None while loading
    error: LoopError | None = None
    start: StartReturn | None = None
    source: str = "ticket"  # ticket | history | lookup


@dataclass
class Services:
    """What the panel needs from the browser; the adapter provides the real ones."""

    make_client: Callable[[Settings, Callable[[int], None]], LoopClient]
    copy_text: Callable[[str], Awaitable[bool]]
    insert_reply: Callable[[str, str], Awaitable[str]]  # (link, ticket key) -> "ok" or why not
    open_options: Callable[[], Any]
    set_collapsed: Callable[[bool], Any] = lambda collapsed: None
    retry_policy: Callable[[], Any] = lambda: None
    load_package: Callable[[str], Awaitable[None]] = lambda name: _nothing()
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)


@dataclass
class PanelState:
    settings: Settings | None = None
    ticket: Ticket | None = None
    customer_known: bool = False  # the ticket's orders and e-mail are this ticket's (ticket_follower)
    loaded_for: tuple | None = None  # the (e-mail, orders) the cards were looked up for
    has_reply_box: bool = False
    cards: dict[str, OrderCard] = field(default_factory=dict)
    lookups: dict[str, OrderCard] = field(default_factory=dict)
    loading: bool = False
    retrying: bool = False
    fatal: LoopError | None = None
    search_message: str | None = None
    collapsed: bool = False
    retry_status: int = 0  # what the client is waiting out: 429 (rate limited) or a failure
    waiting_policy: bool = False  # the administrator's settings have not been read yet: no call is made
    covered: bool = False  # the page covered or disguised the panel when the agent clicked: said, not acted on
    dressed_up: bool = False  # the page clips, fades, filters or transforms the panel from outside, right now


class Panel:
    def __init__(self, t: Translate, services: Services, changed: Callable[[], None]) -> None:
        self.t = t
        self.services = services
        self.changed = changed
        self.state = PanelState()
        self.generation = 0
        self._client: LoopClient | None = None
        self._tasks: set[asyncio.Task] = set()
        # Orders Loop said cannot be returned, and why: their Initiate return stays hidden while the tab is open.
        self.ineligible: dict[str, Ineligibility] = {}
        self._load_task: asyncio.Task | None = None  # the ticket lookup in flight: cancelled when superseded

    # ---- inputs from the browser ---------------------------------------------------------------------

    def waiting_for_policy(self) -> None:
        """The enterprise policy has not been read in time: say so; make no call until it is."""
        self.state.waiting_policy = True
        self.changed()

    def apply_settings(self, settings: Settings) -> None:
        old = self.state.settings
        self.state.settings = settings
        self.state.waiting_policy = False
        key_changed = old is None or old.api_key != settings.api_key or old.enabled != settings.enabled
        if key_changed:
            self._client = settings.configured and self.services.make_client(settings, self._on_retry) or None
            self.state.fatal = None
            self.state.lookups.clear()
            self.ineligible.clear()  # another key may be another shop
            if self.state.ticket is not None:
                self._reload(automatic=True)
        self.changed()

    async def show_ticket(self, reading: Reading, has_reply_box: bool = False) -> None:
        """The page was read again: follow it to another ticket, or look up this ticket's orders once they
        are known (and again if its order list changes); mentions follow as they come."""
        s, ticket = self.state, reading.ticket
        s.has_reply_box = has_reply_box
        if s.ticket is None or s.ticket.key != ticket.key:
            self.generation += 1  # a switch: nothing of the previous ticket stays, late answers are dropped
            self._cancel_load()  # and its lookups stop: their fetches are aborted, their slots freed
            s.cards, s.lookups, s.loaded_for = {}, {}, None
            s.fatal, s.loading, s.retrying = None, False, False
        s.ticket, s.customer_known = ticket, reading.customer_known
        if not (reading.customer_known and ticket.is_ticket and self._client is not None
                and (ticket.orders or ticket.email)):
            self.changed()
            return
        wanted = (ticket.email, ticket.orders)
        if wanted == s.loaded_for:
            self.changed()
            return
        self.generation += 1
        generation = self.generation
        s.loaded_for = wanted
        s.cards = {order_key(n): s.cards.get(order_key(n)) or OrderCard(n) for n in ticket.orders}
        s.fatal, s.loading, s.retrying = None, True, False
        self.changed()
        self._cancel_load()
        self._load_task = asyncio.ensure_future(self._load(generation, ticket, self._next_automatic))
        self._next_automatic = True
        try:
            await asyncio.shield(self._load_task)
        except asyncio.CancelledError:
            pass  # superseded by another ticket or another order list

    _next_automatic = True  # a lookup the page's changes caused counts against the automatic budget

    def _cancel_load(self) -> None:
        if self._load_task is not None and not self._load_task.done():
            self._load_task.cancel()
        self._load_task = None

    def _reload(self, automatic: bool) -> None:
        """Look the shown ticket up again: the agent's Retry (not counted as automatic), a new key."""
        if self.state.ticket is not None:
            self.state.loaded_for = None
            self._next_automatic = automatic
            reading = Reading(self.state.ticket, self.state.customer_known, True)
            self._spawn(self.show_ticket(reading, self.state.has_reply_box))

    async def _load(self, generation: int, ticket: Ticket, automatic: bool = True) -> None:
        client = self._client
        assert client is not None

        def progress(found: TicketReturns, pending: set[str]) -> None:
            if generation == self.generation:
                self._fill(found, pending)
                self.changed()

        try:
            found = await client.returns_for_ticket(ticket.email, list(ticket.orders), on_progress=progress,
                                                    automatic=automatic)
        except LoopError as err:
            if generation != self.generation:
                return
            self.state.loading = self.state.retrying = False
            self.state.fatal = err
            self.changed()
            return
        if generation != self.generation:
            return  # the agent moved on to another ticket
        self.state.loading = self.state.retrying = False
        self._fill(found, set())
        self.changed()

    def _fill(self, found: TicketReturns, pending: set[str]) -> None:
        for key, card in self.state.cards.items():
            if key in pending:
                continue
            card.returns = found.by_order.get(key, [])
            card.error = found.failures.get(key)
        for key, returns in found.by_order.items():
            if key not in self.state.cards and returns:
                name = returns[0].order_name or key
                self.state.cards[key] = OrderCard(name, returns=returns, source="history")

    def _on_retry(self, status: int) -> None:
        self.state.retrying = True
        self.state.retry_status = status
        self.changed()

    # ---- agent actions ----------------------------------------------------------------------------

    def retry(self) -> None:
        if self._client:
            self._client.forget()
        self._reload(automatic=False)

    def search(self, values: dict[str, str]) -> None:
        text = (values.get("order") or "").strip()
        name = clean_order_name(text)
        if name and name.isdigit():
            name = "#" + name  # Shopify's default spelling; Loop is asked for the other one too
        if not name:
            self.state.search_message = "searchInvalid" if text else "searchEmpty"
            self.changed()
            return
        self.state.search_message = None
        self._spawn(self.lookup(name))

    async def lookup(self, name: str) -> None:
        key = order_key(name)
        card = self.state.cards.get(key) or self.state.lookups.get(key)
        if card is not None and card.returns is not None and card.error is None:
            return  # already on screen
        card = OrderCard(name, source="lookup")
        self.state.lookups = {key: card, **{k: v for k, v in self.state.lookups.items() if k != key}}
        self.changed()
        if self._client is None:
            return
        generation = self.generation
        try:
            card.returns = await self._client.order_returns(name, other_spelling=True)
        except LoopError as err:
            card.error = err
            card.returns = []
        if generation == self.generation:
            self.changed()

    def retry_lookup(self, name: str) -> None:
        if self._client:
            self._client.forget()
        self.state.lookups.pop(order_key(name), None)
        self._spawn(self.lookup(name))

    def _lookup_value_on_ticket(self) -> str:
        """The order's lookup value when the ticket shows it: the customer's e-mail, for e-mail shops."""
        settings, ticket = self.state.settings, self.state.ticket
        if settings and settings.lookup_field == "email" and ticket and ticket.email:
            return ticket.email
        return ""

    async def initiate(self, key: str) -> None:
        """Initiate return: straight to the share choices when the lookup value is known, else ask for it."""
        self.state.covered = False
        card = self._card(key)
        if card is None or key in self.ineligible:
            return
        if card.start is not None:
            card.start = None  # the same button closes the flow again ("Cancel")
            self.changed()
            return
        value = self._lookup_value_on_ticket()
        card.start = StartReturn(step=Step.CHECKING if value else Step.ASK, lookup_value=value)
        self.changed()
        if value:
            await self._make_link(key, card, value)

    async def submit_lookup(self, key: str, values: dict[str, str]) -> None:
        """The agent typed the lookup value (Enter or the button)."""
        self.state.covered = False
        card = self._card(key)
        if card is None or card.start is None or card.start.step is Step.CHECKING:
            return
        value = (values.get("lookup") or "").strip()
        card.start.lookup_value = value or card.start.lookup_value
        if not value or len(value) > 120:
            card.start.step, card.start.message_key = Step.ASK, "lookupNeeded"
            self.changed()
            return
        card.start.step, card.start.message_key = Step.CHECKING, None
        self.changed()
        await self._make_link(key, card, value)

    async def try_again(self, key: str) -> None:
        self.state.covered = False
        card = self._card(key)
        if card is not None and card.start is not None and card.start.step is Step.FAILED:
            card.start.step, card.start.message_key = Step.CHECKING, None
            self.changed()
            await self._make_link(key, card, card.start.lookup_value)

    async def _make_link(self, key: str, card: OrderCard, value: str) -> None:
        client, generation, start = self._client, self.generation, card.start
        if client is None or start is None:
            return
        verdict = await client.eligibility(card.name, value)
        if generation != self.generation or card.start is not start:
            return  # the agent moved on, or cancelled
        if verdict.reason is Ineligibility.LOOKUP_MISMATCH:
            start.step, start.message_key = Step.ASK, self._mismatch_key()
            self.changed()
            return
        if verdict.eligible is False:
            self.ineligible[key] = verdict.reason or Ineligibility.OTHER
            card.start = None  # the reason replaces the share choices; the button stays hidden from now on
            self.changed()
            return
        start.unchecked = verdict.unchecked
        try:
            link = await client.deep_link(card.name, value)
        except (NotFound, RejectedInput) as err:
            # Loop has no order under that name with that value, or refused the value: let the agent correct it.
            if generation == self.generation and card.start is start:
                start.step = Step.ASK
                start.message_key = "linkNotFound" if isinstance(err, NotFound) else "linkRejected"
                self.changed()
            return
        except LoopError as err:
            if generation == self.generation and card.start is start:
                start.step = Step.FAILED
                start.message_key = err.scope_message_key if isinstance(err, AuthError) else err.message_key
                self.changed()
            return
        if generation == self.generation and card.start is start:
            start.link, start.step = link, Step.READY
            self.changed()
        if client.has_orphaned_drafts:
            self._spawn(self._clean_up_drafts_later(client))

    async def _clean_up_drafts_later(self, client: LoopClient) -> None:
        """A draft POST that timed out may still have made a draft: look for it once Loop has had time."""
        await asyncio.sleep(15)
        await client.clean_up_drafts()

    def _mismatch_key(self) -> str:
        field_name = self.state.settings.lookup_field if self.state.settings else "email"
        return f"mismatch_{field_name}"

    async def copy_link(self, key: str) -> None:
        self.state.covered = False
        card = self._card(key)
        if card and card.start and card.start.link:
            card.start.copied = await self.services.copy_text(card.start.link)
            card.start.message_key = None if card.start.copied else "copyFailed"
            self.changed()

    async def insert_link(self, key: str) -> None:
        """Into the reply box of the ticket the link was made for, and no other (the content script checks)."""
        self.state.covered = False
        card, ticket = self._card(key), self.state.ticket
        if card and card.start and card.start.link and ticket is not None:
            outcome = await self.services.insert_reply(card.start.link, ticket.key)
            card.start.inserted = outcome == "ok"
            card.start.message_key = {"ok": None, "other-ticket": "insertOtherTicket"}.get(outcome, "insertFailed")
            self.changed()

    async def toggle_qr(self, key: str) -> None:
        card = self._card(key)
        if card and card.start and card.start.link:
            if card.start.qr_data_url is None:
                await self.services.load_package("segno")  # only the agents who ask for a QR code pay for it
                card.start.qr_data_url = qr_data_url(card.start.link)
            card.start.show_qr = not card.start.show_qr
            self.changed()

    def page_dresses_it_up(self, dressed: bool) -> None:
        """The content script saw the page dress the panel up (or stop): say so before anyone clicks."""
        self.state.dressed_up = dressed
        self.changed()

    def refuse_covered(self) -> None:
        """A guarded click came while the page covered or disguised the panel: nothing was done; say so."""
        self.state.covered = True
        self.changed()

    def toggle_collapsed(self) -> None:
        self.state.collapsed = not self.state.collapsed
        self.services.set_collapsed(self.state.collapsed)
        self.changed()

    def _card(self, key: str) -> OrderCard | None:
        return self.state.cards.get(key) or self.state.lookups.get(key)

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # A bug, not a Loop error (those are handled where they happen): report it now, not at GC time.
            asyncio.get_event_loop().call_exception_handler(
                {"message": "panel task failed", "exception": task.exception(), "task": task})

    # ---- what is on screen ------------------------------------------------------------------------

    def view(self) -> VNode:
        t, s = self.t, self.state
        header = h("div", {"class": "bar"},
                   h("h1", {}, "Loop Returns"),
                   h("button", {"type": "button", "class": "icon", "aria-expanded": str(not s.collapsed).lower(),
                                "aria-label": t("collapse") if not s.collapsed else t("expand"),
                                "data-action": "collapse", "id": "collapse"},
                     "–" if not s.collapsed else "+", on={"click": self.toggle_collapsed}))
        if s.collapsed:
            return h("div", {"class": "panel collapsed", "data-state": "collapsed"}, header)
        return h("div", {"class": "panel", "data-state": self.state_name()}, header,
                 h("div", {"class": "body"}, self._body()))

    def first_status_shown(self) -> bool:
        """Some order of the ticket already shows what Loop said (the rest may still be loading)."""
        return any(c.returns is not None for c in self.state.cards.values()) and self.state.fatal is None

    def state_name(self) -> str:
        s = self.state
        if s.collapsed:
            return "collapsed"
        if s.settings is None:
            return "waiting-policy" if s.waiting_policy else "booting"
        if not s.settings.configured:
            return "not-configured"
        if s.fatal is not None:
            if isinstance(s.fatal, AuthError):
                return "key-rejected"
            return "rate-limited" if isinstance(s.fatal, RateLimited) else "unreachable"
        if s.ticket is None or not s.ticket.is_ticket:
            return "no-ticket"
        if not s.customer_known:
            return "reading"
        if s.loading:
            return "rate-limited-retrying" if s.retrying else "loading"
        if not s.cards:
            return "no-orders"
        return "ready"

    def _body(self) -> list[VNode]:
        t, s, name = self.t, self.state, self.state_name()
        if name == "booting":
            return [self._skeleton(t("loading"))]
        if name == "waiting-policy":
            return [h("div", {"class": "notice", "role": "status"},
                      h("p", {}, t("waitingPolicy")),
                      h("button", {"type": "button", "class": "primary", "data-action": "retry-policy"},
                        t("retry"), on={"click": self.services.retry_policy}))]
        if name == "not-configured":
            disabled = s.settings is not None and not s.settings.enabled
            return [h("div", {"class": "notice", "role": "status"},
                      h("p", {}, t("notConfiguredDisabled" if disabled else "notConfigured")),
                      h("button", {"type": "button", "class": "primary", "data-action": "open-options"},
                        t("openSettings"), on={"click": self.services.open_options}))]
        out: list[VNode] = []
        if s.covered or s.dressed_up:
            out.append(h("p", {"class": "notice error", "role": "alert"}, t("panelCovered")))
        if s.fatal is not None:
            out.append(self._fatal(s.fatal))
        elif name == "no-ticket":
            out.append(h("p", {"class": "muted", "role": "status"}, t("noTicket")))
        elif name == "reading":
            out.append(self._skeleton(t("readingTicket")))
        elif name in ("loading", "rate-limited-retrying"):
            waiting = t("retrying") if s.retry_status == 429 else t("retryingUnavailable")
            out.append(self._skeleton(waiting if s.retrying else t("loadingReturns")))
        elif name == "no-orders":
            out.append(h("p", {"class": "notice", "role": "status"}, t("noOrders")))
        if name == "ready":
            ticket_cards = [c for c in s.cards.values() if c.source == "ticket"]
            history = [c for c in s.cards.values() if c.source == "history"]
            out.extend(self._card_view(c) for c in ticket_cards)
            if history:
                out.append(h("h2", {"class": "section"}, t("otherOrders")))
                out.extend(self._card_view(c) for c in history)
        if s.ticket and s.ticket.mentioned and s.fatal is None and name in ("ready", "no-orders"):
            out.append(self._mentions(s.ticket.mentioned))
        if s.lookups:
            out.append(h("h2", {"class": "section"}, t("lookupResults")))
            out.extend(self._card_view(c) for c in s.lookups.values())
        out.append(self._search())
        return out

    def _skeleton(self, text: str) -> VNode:
        return h("div", {"class": "skeleton", "aria-busy": "true", "role": "status"},
                 h("p", {"class": "muted"}, text),
                 h("div", {"class": "sk-line"}), h("div", {"class": "sk-line short"}), h("div", {"class": "sk-line"}))

    def _fatal(self, err: LoopError) -> VNode:
        t = self.t
        if isinstance(err, AuthError):
            text = t(err.scope_message_key)
        else:
            text = t(err.message_key)
        children = [h("p", {}, text)]
        if isinstance(err, AuthError):
            children.append(h("button", {"type": "button", "data-action": "open-options"}, t("openSettings"),
                              on={"click": self.services.open_options}))
        else:
            children.append(h("button", {"type": "button", "class": "primary", "data-action": "retry", "id": "retry"},
                              t("retry"),
                              on={"click": self.retry}))
        return h("div", {"class": "notice error", "role": "alert"}, children)

    def _mentions(self, names: tuple[str, ...]) -> VNode:
        t = self.t
        items = [h("li", {}, h("span", {"class": "order-name"}, n),
                   h("button", {"type": "button", "class": "link", "data-action": "lookup", "data-order": n,
                                "id": f"check-{order_key(n)}"},
                     t("checkReturns"), on={"click": lambda n=n: self._spawn(self.lookup(n))}))
                 for n in names]
        return h("section", {"class": "mentions", "aria-label": t("mentioned")},
                 h("h2", {"class": "section"}, t("mentioned")), h("ul", {}, items))

    def _search(self) -> VNode:
        t, msg = self.t, self.state.search_message
        return h("form", {"class": "search", "role": "search", "data-action": "search"},
                 h("label", {"for": "order-search"}, t("searchLabel")),
                 h("div", {"class": "row"},
                   h("input", {"id": "order-search", "name": "order", "type": "search", "autocomplete": "off",
                               "placeholder": "#1001", "maxlength": "64", "spellcheck": "false",
                               "aria-invalid": "true" if msg else None,
                               "aria-describedby": "search-msg" if msg else None}),
                   h("button", {"type": "submit"}, t("search"))),
                 msg and h("p", {"id": "search-msg", "class": "field-error", "role": "alert"}, t(msg)),
                 on={"submit": self.search})

    def _card_view(self, card: OrderCard) -> VNode:
        t, key = self.t, order_key(card.name)
        head = h("div", {"class": "card-head"}, h("h3", {"class": "order-name"}, card.name))
        body: list[Any] = []
        if card.returns is None:
            body.append(self._skeleton(t("loadingReturns")))
        elif card.error is not None:
            body.append(h("p", {"class": "field-error", "role": "alert"},
                          t(card.error.scope_message_key if isinstance(card.error, AuthError) else card.error.message_key)))
            again = (lambda: self.retry_lookup(card.name)) if card.source == "lookup" else self.retry
            body.append(h("button", {"type": "button", "data-action": "retry", "id": f"retry-{key}"}, t("retry"),
                          on={"click": again}))
        else:
            if not card.returns:
                body.append(h("p", {"class": "muted"}, t("noReturns")))
            body.extend(self._return_view(r) for r in card.returns)
            body.append(self._start_view(card, key))
        return h("section", {"class": "card", "data-order": card.name, "data-source": card.source,
                             "aria-label": card.name}, head, body)

    def _return_view(self, r: Return) -> VNode:
        t = self.t
        rows: list[Any] = []
        facts = []
        if r.outcome:
            facts.append(t(r.outcome.message_key))
        if r.created_at:
            facts.append(t("createdOn", date=r.created_at.strftime("%Y-%m-%d")))
        if r.amount is not None:
            facts.append(f"{r.amount:.2f} {r.currency or ''}".strip())
        rows.append(h("div", {"class": "ret-head"},
                      h("span", {"class": f"badge state-{r.state.value}", "data-state": r.state.value},
                        t(r.state.message_key)),
                      h("span", {"class": "facts"}, " · ".join(facts))))
        if r.line_items:
            items = []
            for item in r.line_items[:20]:
                detail = " · ".join(x for x in (item.variant_title, item.reason) if x)
                price = f"{item.price:.2f}" if item.price is not None else ""
                items.append(h("li", {}, h("span", {"class": "item-title"}, item.display_title),
                               detail and h("small", {}, detail), price and h("small", {"class": "price"}, price)))
            rows.append(h("ul", {"class": "items", "aria-label": t("items")}, items))
        tracking = r.tracking
        if tracking:
            label = " ".join(x for x in (tracking.carrier, tracking.number) if x) or t("returnStatusPage")
            link = tracking.url
            if link and link == r.status_page_url:
                label = _says_its_host(label, link)
            parts = [h("span", {"class": "muted"}, t("tracking")),
                     h("a", {"href": link, "class": "tracking-link"}, label) if link else h("span", {}, label)]
            if tracking.status_message_key:
                parts.append(h("span", {"class": "label-status"}, t(tracking.status_message_key)))
            rows.append(h("div", {"class": "tracking"}, parts))
        links = []
        if r.id and r.id.isdigit():
            links.append(h("a", {"href": ADMIN_RETURN_URL.format(id=r.id), "class": "admin-link"}, t("openInLoop")))
        if r.status_page_url and (not tracking or tracking.url != r.status_page_url):
            links.append(h("a", {"href": r.status_page_url}, _says_its_host(t("returnStatusPage"), r.status_page_url)))
        if links:
            rows.append(h("div", {"class": "links"}, links))
        return h("div", {"class": "return", "data-return": r.id or ""}, rows)

    def _start_view(self, card: OrderCard, key: str) -> VNode:
        t = self.t
        active = next((r for r in card.returns or [] if r.state.is_active), None)
        if active is not None:
            return h("p", {"class": "why", "data-why": "active-return"}, t("whyActiveReturn"))
        reason = self.ineligible.get(key)
        if reason is not None:
            return h("p", {"class": "why", "data-why": reason.value, "role": "status"}, t(reason.message_key))
        start = card.start
        if start is None:
            return h("div", {"class": "start"},
                     h("button", {"type": "button", "class": "primary", "aria-expanded": "false",
                                  "data-action": "initiate-return", "data-guarded": True, "id": f"start-{key}"},
                       t("startReturn"), on={"click": lambda: self._spawn(self.initiate(key))}))
        content: list[Any] = []
        if start.step is Step.CHECKING:
            content.append(h("p", {"class": "muted", "role": "status", "aria-busy": "true"}, t("checkingWithLoop")))
        elif start.step is Step.ASK:
            content.append(self._ask_view(start, key))
        elif start.step is Step.FAILED:
            content.append(h("p", {"class": "field-error", "role": "alert"}, t(start.message_key or "errUnexpected")))
            content.append(h("button", {"type": "button", "data-action": "try-again", "data-guarded": True,
                                        "id": f"again-{key}"},
                             t("tryAgain"), on={"click": lambda: self._spawn(self.try_again(key))}))
        elif start.step is Step.READY and start.link:
            content.extend(self._share_view(card, start, key))
        cancel = h("button", {"type": "button", "class": "link", "aria-expanded": "true",
                              "data-action": "initiate-return", "id": f"start-{key}"},
                   t("cancel"), on={"click": lambda: self._spawn(self.initiate(key))})
        return h("div", {"class": "start"}, content, cancel)

    def _ask_view(self, start: StartReturn, key: str) -> VNode:
        """The lookup value, asked inline; Enter submits and what the agent typed survives every error."""
        t = self.t
        field_name = self.state.settings.lookup_field if self.state.settings else "email"
        input_id = f"lookup-{key}"
        return h("form", {"class": "start-form", "data-action": "submit-lookup", "data-guarded": True},
                 h("label", {"for": input_id}, t(f"lookup_{field_name}")),
                 h("div", {"class": "row"},
                   h("input", {"id": input_id, "name": "lookup", "value": start.lookup_value,
                               "type": "email" if field_name == "email" else "text",
                               "inputmode": "tel" if field_name == "phone" else None,
                               "autocomplete": "off", "maxlength": "120",
                               "aria-invalid": "true" if start.message_key else None,
                               "aria-describedby": f"lookup-msg-{key}" if start.message_key else None}),
                   h("button", {"type": "submit", "class": "primary", "id": f"create-{key}"}, t("createLink"))),
                 start.message_key and h("p", {"id": f"lookup-msg-{key}", "class": "field-error", "role": "alert"},
                                         t(start.message_key)),
                 on={"submit": lambda values: self._spawn(self.submit_lookup(key, values))})

    def _share_view(self, card: OrderCard, start: StartReturn, key: str) -> list[VNode]:
        """Klaviyo's share choices: Copy link and the QR code, plus Insert into reply."""
        t = self.t
        actions = [h("button", {"type": "button", "class": "primary", "data-action": "copy-link", "data-guarded": True,
                                "id": f"copy-{key}"},
                     t("copied") if start.copied else t("copyLink"),
                     on={"click": lambda: self._spawn(self.copy_link(key))}),
                   h("button", {"type": "button", "data-action": "show-qr", "id": f"qr-{key}",
                                "aria-expanded": str(start.show_qr).lower()},
                     t("hideQr") if start.show_qr else t("showQr"), on={"click": lambda: self._spawn(self.toggle_qr(key))})]
        if self.state.has_reply_box:
            actions.append(h("button", {"type": "button", "data-action": "insert-reply", "data-guarded": True,
                                        "id": f"insert-{key}"},
                             t("inserted") if start.inserted else t("insertReply"),
                             on={"click": lambda: self._spawn(self.insert_link(key))}))
        out = [h("div", {"class": "actions"}, actions),
               h("input", {"class": "link-field", "value": start.link, "readonly": True, "aria-label": t("returnLink")})]
        if start.copied:
            out.append(h("p", {"class": "ok", "role": "status"}, t("copiedLong")))
        if start.message_key:
            out.append(h("p", {"class": "field-error", "role": "alert"}, t(start.message_key)))
        if start.unchecked is not None:
            out.append(h("p", {"class": "muted quiet"}, t(start.unchecked.message_key)))
        if start.show_qr and start.qr_data_url:
            out.append(h("div", {"class": "qr"},
                         h("img", {"src": start.qr_data_url, "alt": t("qrAlt", order=card.name),
                                   "width": "200", "height": "200"}),
                         h("a", {"href": start.qr_data_url, "download": f"loop-return-{key}.png",
                                 "data-action": "download-qr"}, t("downloadQr"))))
        return out


def _says_its_host(label: str, url: str) -> str:
    """A link Loop sent to a host that is not Loop's (a shop's own portal domain, or a look-alike such as
    api.loopreturns.com.evil.example) names its host, so the agent sees where it goes before clicking."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    return label if host == "loopreturns.com" or host.endswith(".loopreturns.com") else f"{label} ({host})"


async def _nothing() -> None:
    return None


def qr_data_url(text: str) -> str:
    """The deep link as a QR code PNG, made here rather than fetched: Loop's QR image URL may need auth (Q5)."""
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=6, border=4)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
