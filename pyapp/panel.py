"""The agent's panel: what it shows for each state, and what each button does. Pure Python; the browser
adapter hands it settings and tickets and puts its ``view()`` on screen after every ``changed()``.

States are never blank: not configured, no ticket, loading, no orders, no returns, key rejected, rate limited
(retrying), Loop unreachable (Retry). Loop's errors reach the agent only as one sentence each.

A ticket switch bumps ``generation``; an answer that arrives for an older generation is dropped, so a slow
lookup for the previous ticket never lands on the new one.
"""
from __future__ import annotations

import asyncio
import base64
import io
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable

from pyapp.errors import AuthError, LoopError, NotFound, RateLimited, RejectedInput, Scope
from pyapp.i18n import Translate
from pyapp.loop_client import LoopClient
from pyapp.models import Eligibility, Ineligibility, Return
from pyapp.order_names import clean_order_name, order_key
from pyapp.settings import Settings
from pyapp.ticket_parser import Ticket
from pyapp.view import VNode, h

ADMIN_RETURN_URL = "https://admin.loopreturns.com/returns/{id}"  # the link Loop's Gladly app gives agents


@dataclass
class StartReturn:
    """The "Start a return" flow of one order."""

    step: str = "form"  # form | working | ready | ineligible | failed
    lookup_value: str = ""
    link: str | None = None
    qr_data_url: str | None = None
    show_qr: bool = False
    copied: bool = False
    inserted: bool = False
    reason: Ineligibility | None = None
    eligibility_unknown: bool = False
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
    insert_reply: Callable[[str], Awaitable[bool]]
    open_options: Callable[[], Any]
    set_collapsed: Callable[[bool], Any] = lambda collapsed: None
    load_package: Callable[[str], Awaitable[None]] = lambda name: _nothing()
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)


@dataclass
class PanelState:
    settings: Settings | None = None
    ticket: Ticket | None = None
    has_reply_box: bool = False
    cards: dict[str, OrderCard] = field(default_factory=dict)
    lookups: dict[str, OrderCard] = field(default_factory=dict)
    loading: bool = False
    retrying: bool = False
    fatal: LoopError | None = None
    search_message: str | None = None
    collapsed: bool = False
    retry_status: int = 0  # what the client is waiting out: 429 (rate limited) or a failure


class Panel:
    def __init__(self, t: Translate, services: Services, changed: Callable[[], None]) -> None:
        self.t = t
        self.services = services
        self.changed = changed
        self.state = PanelState()
        self.generation = 0
        self._client: LoopClient | None = None
        self._tasks: set[asyncio.Task] = set()

    # ---- inputs from the browser ---------------------------------------------------------------------

    def apply_settings(self, settings: Settings) -> None:
        old = self.state.settings
        self.state.settings = settings
        key_changed = old is None or old.api_key != settings.api_key or old.enabled != settings.enabled
        if key_changed:
            self._client = settings.configured and self.services.make_client(settings, self._on_retry) or None
            self.state.fatal = None
            self.state.lookups.clear()
            if self.state.ticket is not None:
                ticket, self.state.ticket = self.state.ticket, None
                self._spawn(self.show_ticket(ticket, self.state.has_reply_box))
        self.changed()

    async def show_ticket(self, ticket: Ticket, has_reply_box: bool = False) -> None:
        """A (possibly new) ticket is on screen: look up its orders unless it is the one already shown."""
        same = (self.state.ticket is not None and self.state.ticket.key == ticket.key
                and self.state.ticket.orders == ticket.orders and self.state.ticket.email == ticket.email)
        self.state.has_reply_box = has_reply_box
        if same:
            self.state.ticket = ticket
            self.changed()
            return
        self.generation += 1
        generation = self.generation
        self.state.ticket = ticket
        self.state.cards = {order_key(n): OrderCard(n) for n in ticket.orders}
        self.state.lookups = {}  # lookups belong to the ticket they were made on
        self.state.fatal = None
        self.state.retrying = False
        if not ticket.is_ticket or self._client is None or not (ticket.orders or ticket.email):
            self.state.loading = False
            self.changed()
            return
        self.state.loading = True
        self.changed()
        await self._load(generation, ticket)

    async def _load(self, generation: int, ticket: Ticket) -> None:
        client = self._client
        assert client is not None
        try:
            found = await client.returns_for_ticket(ticket.email, list(ticket.orders))
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
        for key, card in self.state.cards.items():
            card.returns = found.by_order.get(key, [])
            card.error = found.failures.get(key)
        for key, returns in found.by_order.items():
            if key not in self.state.cards and returns:
                name = returns[0].order_name or key
                self.state.cards[key] = OrderCard(name, returns=returns, source="history")
        self.changed()

    def _on_retry(self, status: int) -> None:
        self.state.retrying = True
        self.state.retry_status = status
        self.changed()

    # ---- agent actions ----------------------------------------------------------------------------

    def retry(self) -> None:
        if self._client:
            self._client.forget()
        ticket, self.state.ticket = self.state.ticket, None
        if ticket:
            self._spawn(self.show_ticket(ticket, self.state.has_reply_box))

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
            card.returns = await self._client.order_returns(name)
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

    def toggle_start(self, key: str) -> None:
        card = self._card(key)
        if card is None:
            return
        if card.start is None:
            settings = self.state.settings
            prefill = ""
            if settings and settings.lookup_field == "email" and self.state.ticket and self.state.ticket.email:
                prefill = self.state.ticket.email
            card.start = StartReturn(lookup_value=prefill)
        else:
            card.start = None
        self.changed()

    async def create_link(self, key: str, values: dict[str, str]) -> None:
        card = self._card(key)
        if card is None or card.start is None or self._client is None:
            return
        start = card.start
        start.lookup_value = (values.get("lookup") or start.lookup_value or "").strip()
        if not start.lookup_value or len(start.lookup_value) > 120:
            start.step, start.message_key = "form", "lookupNeeded"
            self.changed()
            return
        start.step, start.message_key = "working", None
        self.changed()
        client = self._client
        try:
            try:
                verdict: Eligibility | None = await client.eligibility(card.name, start.lookup_value)
            except AuthError as err:
                if err.scope is not Scope.DRAFT_RETURNS:
                    raise
                verdict = None  # the key cannot ask; Loop's portal still enforces the policy
            except NotFound:
                verdict = None  # no Return Create API on this plan: same as not being able to ask
            if verdict is not None and verdict.reason is Ineligibility.LOOKUP_MISMATCH:
                start.step, start.message_key = "failed", "whyLookupMismatch"  # let the agent fix the value
                self.changed()
                return
            if verdict is not None and verdict.eligible is False:
                start.step, start.reason = "ineligible", verdict.reason
                self.changed()
                return
            start.eligibility_unknown = verdict is None or verdict.eligible is None
            start.link = await client.deep_link(card.name, start.lookup_value)
            start.step = "ready"
        except NotFound:
            start.step, start.message_key = "failed", "linkNotFound"
        except RejectedInput:
            start.step, start.message_key = "failed", "linkRejected"
        except AuthError as err:
            start.step, start.message_key = "failed", err.scope_message_key
        except LoopError as err:
            start.step, start.message_key = "failed", err.message_key
        self.changed()

    async def copy_link(self, key: str) -> None:
        await self._hand_over(key, self.services.copy_text, "copied", "copyFailed")

    async def insert_link(self, key: str) -> None:
        await self._hand_over(key, self.services.insert_reply, "inserted", "insertFailed")

    async def _hand_over(self, key: str, action: Callable[[str], Awaitable[bool]], done: str, failed: str) -> None:
        """Give the link to the agent (clipboard, reply box); say so, or say to do it by hand."""
        card = self._card(key)
        if card and card.start and card.start.link:
            ok = await action(card.start.link)
            setattr(card.start, done, ok)
            if not ok:
                card.start.message_key = failed
            self.changed()

    async def toggle_qr(self, key: str) -> None:
        card = self._card(key)
        if card and card.start and card.start.link:
            if card.start.qr_data_url is None:
                await self.services.load_package("segno")  # only the agents who ask for a QR code pay for it
                card.start.qr_data_url = qr_data_url(card.start.link)
            card.start.show_qr = not card.start.show_qr
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

    def state_name(self) -> str:
        s = self.state
        if s.collapsed:
            return "collapsed"
        if s.settings is None:
            return "booting"
        if not s.settings.configured:
            return "not-configured"
        if s.fatal is not None:
            return {AuthError: "key-rejected", RateLimited: "rate-limited"}.get(type(s.fatal), "unreachable")
        if s.ticket is None or not s.ticket.is_ticket:
            return "no-ticket"
        if s.loading:
            return "rate-limited-retrying" if s.retrying else "loading"
        if not s.cards:
            return "no-orders"
        return "ready"

    def _body(self) -> list[VNode]:
        t, s, name = self.t, self.state, self.state_name()
        if name == "booting":
            return [self._skeleton(t("loading"))]
        if name == "not-configured":
            disabled = s.settings is not None and not s.settings.enabled
            return [h("div", {"class": "notice", "role": "status"},
                      h("p", {}, t("notConfiguredDisabled" if disabled else "notConfigured")),
                      h("button", {"type": "button", "class": "primary", "data-action": "open-options"},
                        t("openSettings"), on={"click": self.services.open_options}))]
        out: list[VNode] = []
        if s.fatal is not None:
            out.append(self._fatal(s.fatal))
        elif name == "no-ticket":
            out.append(h("p", {"class": "muted", "role": "status"}, t("noTicket")))
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
        if s.ticket and s.ticket.mentioned and s.fatal is None and name not in ("loading", "rate-limited-retrying"):
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
            parts = [h("span", {"class": "muted"}, t("tracking")),
                     h("a", {"href": link, "class": "tracking-link"}, label) if link else h("span", {}, label)]
            if tracking.status_message_key:
                parts.append(h("span", {"class": "label-status"}, t(tracking.status_message_key)))
            rows.append(h("div", {"class": "tracking"}, parts))
        links = []
        if r.id and r.id.isdigit():
            links.append(h("a", {"href": ADMIN_RETURN_URL.format(id=r.id), "class": "admin-link"}, t("openInLoop")))
        if r.status_page_url and (not tracking or tracking.url != r.status_page_url):
            links.append(h("a", {"href": r.status_page_url}, t("returnStatusPage")))
        if links:
            rows.append(h("div", {"class": "links"}, links))
        return h("div", {"class": "return", "data-return": r.id or ""}, rows)

    def _start_view(self, card: OrderCard, key: str) -> VNode:
        t = self.t
        active = next((r for r in card.returns or [] if r.state.is_active), None)
        if active is not None:
            return h("p", {"class": "why", "data-why": "active-return"}, t("whyActiveReturn"))
        start = card.start
        button = h("button", {"type": "button", "class": "primary" if start is None else "",
                              "aria-expanded": "true" if start else "false", "data-action": "start-return",
                              "id": f"start-{key}"},
                   t("startReturn") if start is None else t("cancel"), on={"click": lambda: self.toggle_start(key)})
        if start is None:
            return h("div", {"class": "start"}, button)
        settings = self.state.settings
        field_name = settings.lookup_field if settings else "email"
        content: list[Any] = []
        if start.step in ("form", "working", "failed"):
            input_id = f"lookup-{key}"
            content.append(h("form", {"class": "start-form", "data-action": "create-link"},
                             h("label", {"for": input_id}, t(f"lookup_{field_name}")),
                             h("div", {"class": "row"},
                               h("input", {"id": input_id, "name": "lookup", "value": start.lookup_value,
                                           "type": "email" if field_name == "email" else "text",
                                           "inputmode": "tel" if field_name == "phone" else None,
                                           "autocomplete": "off", "maxlength": "120", "required": None}),
                               h("button", {"type": "submit", "class": "primary", "id": f"create-{key}",
                                            "disabled": start.step == "working"},
                                 t("working") if start.step == "working" else t("createLink"))),
                             on={"submit": lambda values: self._spawn(self.create_link(key, values))}))
            if start.message_key:
                content.append(h("p", {"class": "field-error", "role": "alert"}, t(start.message_key)))
        elif start.step == "ineligible":
            reason = start.reason or Ineligibility.OTHER
            content.append(h("p", {"class": "why", "data-why": reason.value, "role": "status"}, t(reason.message_key)))
        elif start.step == "ready" and start.link:
            actions = [h("button", {"type": "button", "class": "primary", "data-action": "copy-link", "id": f"copy-{key}"},
                         t("copied") if start.copied else t("copyLink"),
                         on={"click": lambda: self._spawn(self.copy_link(key))}),
                       h("button", {"type": "button", "data-action": "show-qr", "id": f"qr-{key}",
                                    "aria-expanded": str(start.show_qr).lower()},
                         t("hideQr") if start.show_qr else t("showQr"), on={"click": lambda: self._spawn(self.toggle_qr(key))})]
            if self.state.has_reply_box:
                actions.append(h("button", {"type": "button", "data-action": "insert-reply", "id": f"insert-{key}"},
                                 t("inserted") if start.inserted else t("insertReply"),
                                 on={"click": lambda: self._spawn(self.insert_link(key))}))
            content.append(h("input", {"class": "link-field", "value": start.link, "readonly": True,
                                       "aria-label": t("returnLink")}))
            content.append(h("div", {"class": "actions"}, actions))
            if start.copied:
                content.append(h("p", {"class": "ok", "role": "status"}, t("copiedLong")))
            if start.message_key:
                content.append(h("p", {"class": "field-error", "role": "alert"}, t(start.message_key)))
            if start.eligibility_unknown:
                content.append(h("p", {"class": "muted"}, t("eligibilityUnknown")))
            if start.show_qr and start.qr_data_url:
                content.append(h("div", {"class": "qr"},
                                 h("img", {"src": start.qr_data_url, "alt": t("qrAlt", order=card.name),
                                           "width": "200", "height": "200"}),
                                 h("a", {"href": start.qr_data_url, "download": f"loop-return-{key}.png",
                                         "data-action": "download-qr"}, t("downloadQr"))))
        return h("div", {"class": "start"}, button, content)


async def _nothing() -> None:
    return None


def qr_data_url(text: str) -> str:
    """The deep link as a QR code PNG, made here rather than fetched: Loop's QR image URL may need auth (Q5)."""
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=6, border=4)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
