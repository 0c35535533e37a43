"""What the panel knows, as plain data: the ticket, each order's card and Initiate return flow, and the screen.

Views read it and never change it; actions (``pyapp.panel.actions``) and the browser's inputs
(``pyapp.panel.controller``) change it and then ask for a render.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from pyapp.contract.settings import Settings
from pyapp.loop.eligibility import ALLOWLIST_OVERRIDES, Ineligibility, Unchecked
from pyapp.loop.errors import AuthError, LoopError, RateLimited
from pyapp.loop.models import Return
from pyapp.loop.notes import Note
from pyapp.ticket.order_names import order_key
from pyapp.ticket.parser import Ticket


class Step(StrEnum):
    """Where one order's Initiate return flow is."""

    ASK = "ask"  # the lookup value is not on the ticket (or Loop did not match it): the agent types it
    CHECKING = "checking"  # "Checking with Loop…": eligibility, then the deep link
    READY = "ready"  # the share choices: Copy link, QR code, Insert into reply
    FAILED = "failed"  # Loop could not make the link; one sentence and Try again


class Source(StrEnum):
    """Why a card is on screen."""

    TICKET = "ticket"  # the ticket's own order list
    HISTORY = "history"  # another order of this customer that Loop's customer lookup returned
    LOOKUP = "lookup"  # the agent looked it up (search, or a mention's "Check returns")


class Screen(StrEnum):
    """What the panel as a whole is showing; ``data-panel-state`` on the page root, read by tests and benchmarks."""

    COLLAPSED = "collapsed"
    BOOTING = "booting"
    WAITING_POLICY = "waiting-policy"
    NOT_CONFIGURED = "not-configured"
    KEY_REJECTED = "key-rejected"
    RATE_LIMITED = "rate-limited"
    UNREACHABLE = "unreachable"
    NO_TICKET = "no-ticket"
    READING = "reading"
    LOADING = "loading"
    RETRYING = "rate-limited-retrying"
    NO_ORDERS = "no-orders"
    READY = "ready"


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
    window_days: int | None = None  # the return window Loop's answer named (draft return's policy)
    made_for: tuple[str, str | None] | None = None  # the ticket and customer e-mail the link was made for


@dataclass
class ReturnNotes:
    """One return's notes in Loop, and the agent's note being written."""

    notes: list[Note] | None = None  # None: not read (yet)
    shown: bool = False
    error: LoopError | None = None
    composing: bool = False
    opened: bool = False  # the agent opened the note form once: it stays in the page, hidden when closed
    draft: str = ""
    saving: bool = False
    message_key: str | None = None  # the last write's outcome, one sentence
    made_for: tuple[str, str | None] | None = None  # the ticket and customer the note form was opened for


def insert_sentence(outcome: str) -> str | None:
    """What the panel says after an insert into the reply box (a link or a label), from the content script's
    answer: nothing when it went in."""
    return {"ok": None, "other-ticket": "insertOtherTicket", "other-customer": "insertOtherCustomer"}.get(
        outcome, "insertFailed"
    )


class Change(StrEnum):
    """A change to a return the agent asks Loop for (``pyapp.panel.return_changes``)."""

    CANCEL = "cancel"
    FLAG = "flag"
    CREATE_LABEL = "create-label"


@dataclass
class ReturnChanges:
    """One return's label shared with the customer, and the change the agent asked for, sent and was answered."""

    asking: Change | None = None  # its confirmation (for Flag: the reason form) is shown
    sending: Change | None = None  # the write is on its way
    reason: str = ""  # the reason typed for Flag for review (kept through every failure)
    flag_opened: bool = False  # the reason form was opened: it stays in the page (hidden) with what was typed
    made_for: tuple[str, str | None] | None = None  # the ticket and customer it was opened for
    label_link: str | None = None  # Send label: the link the customer needs, fixed when the agent opened it
    label_copied: bool = False
    label_inserted: bool = False
    waiting_label: bool = False  # a label was queued: Loop is asked again until it shows (bounded)
    message_key: str | None = None  # the last outcome, one sentence
    message_ok: bool = False  # said as a status (it worked), not an alert


@dataclass
class AllowAnyway:
    """ "Allow a return anyway" for one order: asked, being sent, or made (``entry_id``, for undo)."""

    reason: Ineligibility  # what Loop said before; shown again if it is undone
    confirming: bool = False
    sending: bool = False
    made: bool = False  # Loop allowlisted the order
    entry_id: str | None = None  # its entry, for Undo (None when Loop's answer named none)
    message_key: str | None = None
    made_for: tuple[str, str | None] | None = None  # the ticket and customer it was asked (or made) for


@dataclass
class OrderCard:
    name: str
    returns: list[Return] | None = None  # None while loading
    error: LoopError | None = None
    start: StartReturn | None = None
    source: Source = Source.TICKET
    lookup_value: str = ""  # the last value Loop was asked with for this order (kept when the flow closes)
    # Another customer's order (``PanelState.other_customer``): the agent's one confirmation, for this ticket,
    # and the click it stopped (its action, bound to the control's order and values), run once the agent confirms.
    owner_confirmed: bool = False
    owner_pending: Callable[[], Awaitable[None]] | None = None


@dataclass(frozen=True)
class OtherCustomer:
    """Why an order looked up by hand may not be the ticket's customer's: whom Loop names, whom the profile."""

    order_email: str | None  # the customer e-mail on the order's return in Loop (None: Loop names no one)
    ticket_emails: tuple[str, ...]  # every address on the ticket's profile (empty: it shows none)


@dataclass
class PanelState:
    settings: Settings | None = None
    ticket: Ticket | None = None
    customer_known: bool = False  # the ticket's orders and e-mail are this ticket's (pyapp.ticket.follower)
    loaded_for: tuple | None = None  # the (e-mail, orders) the cards were looked up for
    has_reply_box: bool = False
    cards: dict[str, OrderCard] = field(default_factory=dict)
    lookups: dict[str, OrderCard] = field(default_factory=dict)
    # Orders Loop said cannot be returned, and why: their Initiate return stays hidden while the tab is open.
    ineligible: dict[str, Ineligibility] = field(default_factory=dict)
    notes: dict[str, ReturnNotes] = field(default_factory=dict)  # by Loop return id
    allow_anyway: dict[str, AllowAnyway] = field(default_factory=dict)  # by order key, while the tab is open
    changes: dict[str, ReturnChanges] = field(default_factory=dict)  # by Loop return id, for the ticket shown
    changes_refused: bool = False  # Loop refused this key a cancel or flag: both are hidden for it
    labels_refused: bool = False  # Loop refused this key Create label (an OAuth-only endpoint for some shops)
    labels_pending: set[str] = field(default_factory=set)  # returns whose label this key asked for, not seen yet
    last_email: str | None = None  # the last customer address the ticket showed (a profile may blink out)
    orders_scope_missing: bool = False  # Loop refused an allowlist write with this key: the choice is hidden
    now: datetime | None = None  # the agent's local time, for "days left" and a label's age; set by the controller
    auto_notes: set[str] = field(default_factory=set)  # returns whose notes this ticket read by itself
    loading: bool = False
    retrying: bool = False
    fatal: LoopError | None = None
    retry_at: datetime | None = None  # when the cool-down Loop asked for ends; the Retry button counts down to it
    search_message: str | None = None
    collapsed: bool = False
    retry_status: int = 0  # what the client is waiting out: 429 (rate limited) or a failure
    customer_changed: bool = False  # the ticket now shows another customer: all made for the first one was dropped
    page_unreadable: bool = False  # the last reading of the page failed (too big, malformed): nothing is shown
    policy_unreadable: bool = False  # the policy's read failed (not merely slow): said so, with Retry
    waiting_policy: bool = False  # the administrator's settings have not been read yet: no call is made
    covered: bool = False  # the page covered or disguised the panel when the agent clicked: said, not acted on
    covered_card: str | None = None  # the order key of the card whose control was refused: said there
    covered_moved: bool = False  # refused because the control had just moved (its own sentence)
    dressed_up: bool = False  # the page clips, fades, filters or transforms the panel from outside, right now

    @property
    def today(self) -> date | None:
        return self.now.date() if self.now else None

    @property
    def bound_to(self) -> tuple[str, str | None] | None:
        """The ticket and customer e-mail on screen now: what every write is made for and checked against
        when it is sent (a write asked for one customer never goes out for another)."""
        return (self.ticket.key, self.ticket.email) if self.ticket is not None else None

    @property
    def lookup_field(self) -> str:
        return self.settings.lookup_field if self.settings else "email"

    def may_allow(self, reason: Ineligibility | None) -> bool:
        """Whether "Allow a return anyway" is offered for Loop's reason: the admin turned it on, an allowlist
        overrides that reason, and the key was not refused the Orders scope."""
        allowed = bool(self.settings and self.settings.allow_anyway)
        return allowed and reason in ALLOWLIST_OVERRIDES and not self.orders_scope_missing

    @property
    def may_change_returns(self) -> bool:
        """Cancel return and Flag for review are offered: the admin turned them on (a policy read, not
        unknown), and Loop did not refuse this key a change."""
        return bool(self.settings and self.settings.allow_return_changes) and not self.changes_refused

    @property
    def note_prefix(self) -> str:
        """What a note from the panel starts with, so the warehouse finds the conversation (not translated:
        it is read in Loop's admin). Only a ticket id the sidebar confirms is named."""
        tid = self.ticket.ticket_id if self.ticket else None
        return f"Klaviyo ticket {tid}: " if tid else ""

    def card(self, key: str) -> OrderCard | None:
        return self.cards.get(key) or self.lookups.get(key)

    def other_customer(self, card: OrderCard) -> OtherCustomer | None:
        """An order reached by a mention, the search or a lookup is the ticket's customer's only when Loop's
        return names one of the profile's addresses (any case). A profile with no address cannot vouch for any
        such order. The ticket's own order list, and what the customer lookup found by the profile's address,
        are the customer's by definition."""
        if card.source is not Source.LOOKUP or card.returns is None:
            return None
        profile = tuple(e.lower() for e in self.ticket.customer_emails) if self.ticket else ()
        named = [r.customer.strip().lower() for r in card.returns if r.customer and r.customer.strip()]
        if not profile:
            return OtherCustomer(named[0] if named else None, ())
        other = next((e for e in named if e not in profile), None)
        return OtherCustomer(other, profile) if other else None

    def needs_owner_confirmation(self, card: OrderCard) -> bool:
        return not card.owner_confirmed and self.other_customer(card) is not None

    def find_return(self, return_id: str) -> Return | None:
        return next(
            (r for c in (*self.cards.values(), *self.lookups.values()) for r in c.returns or [] if r.id == return_id),
            None,
        )

    def card_of_return(self, return_id: str) -> OrderCard | None:
        return next(
            (
                c
                for c in (*self.cards.values(), *self.lookups.values())
                if any(r.id == return_id for r in c.returns or [])
            ),
            None,
        )

    def order_date(self, name: str) -> date | None:
        """The date the ticket's order list shows for the order, if it shows one."""
        for shown, iso in self.ticket.order_dates if self.ticket else ():
            if order_key(shown) == order_key(name):
                return date.fromisoformat(iso)
        return None


def screen(s: PanelState) -> Screen:
    if s.collapsed:
        return Screen.COLLAPSED
    if s.settings is None:
        return Screen.WAITING_POLICY if s.waiting_policy else Screen.BOOTING
    if not s.settings.configured:
        return Screen.NOT_CONFIGURED
    if s.fatal is not None:
        if isinstance(s.fatal, AuthError):
            return Screen.KEY_REJECTED
        return Screen.RATE_LIMITED if isinstance(s.fatal, RateLimited) else Screen.UNREACHABLE
    if s.ticket is None or not s.ticket.is_ticket:
        return Screen.NO_TICKET
    if not s.customer_known:
        return Screen.READING
    if s.loading:
        return Screen.RETRYING if s.retrying else Screen.LOADING
    if not s.cards:
        return Screen.NO_ORDERS
    return Screen.READY


def first_status_shown(s: PanelState) -> bool:
    """Some order of the ticket already shows what Loop said (the rest may still be loading)."""
    return any(c.returns is not None for c in s.cards.values()) and s.fatal is None


def retry_seconds_left(s: PanelState) -> int:
    """Whole seconds until Loop's cool-down ends (0: Retry may go now)."""
    if s.retry_at is None or s.now is None:
        return 0
    return max(0, math.ceil((s.retry_at - s.now).total_seconds()))
