"""Read a Klaviyo Helpdesk ticket from the page's structure: its orders, e-mail and mentions.

The orders are the sidebar's order list; the customer is the profile section's e-mail; the mentions are the
orders the open conversation names. Who the customer is comes from the profile alone: nothing the customer
typed (a message, a display name, a profile name) is ever taken as their identity or as one of their orders.

The page arrives as the content script's compact tree (``pyapp.ticket.page``; ``tests/ticket_markup.py`` builds
the same tree from HTML for tests and tools).

Trust: the page may be hostile. Everything is text, never rendered; every order name passes
``clean_order_name`` before it can reach a request; sizes and depth are capped, every walk is linear and every
pattern bounded. The one part that runs patterns over free text, the mention scan, also stops at a time
budget: a customer's e-mail must not be able to freeze the panel, and the sidebar's orders and e-mail, read
first, are never lost to it.

Klaviyo publishes no DOM contract and its class names are hashed, so nothing here depends on a class name or
on markers: only on what a person sees. The sidebar's order list is found by its visible heading ("Recent
orders") and is what follows that heading, up to the next heading: a profile name or a tag above it that
holds "#1002" is not an order. The customer's e-mail is the profile section's (``pyapp.ticket.profile``).
Mentions come only from the open ticket's conversation: a region
labelled as the conversation / messages (else the page's main region), never from the inbox list and its
previews, search results, navigation, the reply box or the agent's own draft.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from urllib.parse import urlsplit

from pyapp.ticket.dates import date_in
from pyapp.ticket.order_names import clean_order_name, order_key
from pyapp.ticket.page import MAX_RUN, Node, Page, is_heading, section_under
from pyapp.ticket.profile import PROFILE_HEADINGS, emails_in, is_editor, profile_sections

MAX_ORDERS = 20  # a sidebar lists a handful; more is a hostile or broken page, and each one costs Loop calls
BUDGET_S = 0.08  # for the mention scan; past it, the mentions found so far are kept and the rest skipped
# The order list's visible headings. The content script anchors the panel under the same list: both read this
# tuple (build.py writes it into extension/shared/contract.js).
ORDER_LIST_HEADINGS = ("recent orders", "orders", "recente bestellingen", "bestellingen")
# "#1001" inside a sentence: the name must end at a space, punctuation or the end of the text.
INLINE_HASH = re.compile(r"(?<![\w#&])#[A-Za-z0-9][A-Za-z0-9_-]{0,30}(?=$|[\s.,;:!?)\]])")
# "order 1001", "order nr. 1001", "order #1001". Runs of spaces are collapsed before matching and bounded here:
# an unbounded \s* before an optional '#' backtracks quadratically on a long run of spaces.
INLINE_WORD = re.compile(r"\border(?: (?:number|no\.?|nr\.?))? ?#? ?(\d{3,12})(?=$|[\s.,;:!?)\]])", re.I)
STANDALONE_BARE = re.compile(r"[A-Za-z]{0,5}-?\d{3,12}(?:-[A-Za-z0-9]{1,5})?")
TICKET_PATH = re.compile(r"^/inbox/(?:.*/)?(?:tickets?|conversations?)/([A-Za-z0-9_-]{1,64})")
CONVERSATION_LABEL = re.compile(r"\b(?:conversation|messages?|thread|gesprek|berichten)\b", re.I)
# The details sidebar (for the ticket id it shows): an aside, a complementary region or one labelled so.
SIDEBAR_LABEL = re.compile(r"overview|customer|profile|details|klant|overzicht", re.I)
# Roles and tags that are the helpdesk's own chrome, never the customer's words.
CHROME_ROLES = {
    "navigation",
    "menu",
    "menubar",
    "listbox",
    "option",
    "search",
    "searchbox",
    "combobox",
    "tablist",
    "tab",
    "toolbar",
    "textbox",
    "banner",
    "complementary",
    "dialog",
    "alertdialog",
    "tooltip",
}
CHROME_TAGS = {"nav", "aside", "form", "input", "button", "label", "footer"}


@dataclass(frozen=True)
class Ticket:
    """What the panel needs from one ticket view."""

    key: str  # identifies the ticket across single-page navigations
    is_ticket: bool
    email: str | None = None  # the profile's address: its mailto: link, else the first one in its text
    orders: tuple[str, ...] = ()  # from the order list only
    emails: tuple[str, ...] = ()  # every address the profile shows (``email`` first), lower-cased
    mentioned: tuple[str, ...] = ()  # only in the conversation, never mixed with ``orders``
    order_dates: tuple[tuple[str, str], ...] = ()  # (order name, ISO date) as the order list shows them
    customer_found: bool = True  # the order list or the customer's profile section is on screen (not loading)
    route_confirmed: bool = False  # the sidebar shows the ticket id the URL names: it is this ticket's sidebar
    complete: bool = True  # False when the time budget cut the mention scan short
    ticket_id: str | None = None  # the id the URL names, only when the sidebar shows it too (``route_confirmed``)

    @property
    def customer_emails(self) -> tuple[str, ...]:
        """Every address the profile shows (a ticket built by hand may name only ``email``)."""
        return self.emails or ((self.email,) if self.email else ())


class _Budget:
    def __init__(self, clock: Callable[[], float], seconds: float) -> None:
        self.clock, self.deadline, self.spent = clock, clock() + seconds, False

    def over(self) -> bool:
        if not self.spent and self.clock() > self.deadline:
            self.spent = True
        return self.spent


def parse_ticket(
    url: str,
    page: Page | str,
    extra_headings: tuple[str, ...] = (),
    *,
    profile_headings: tuple[str, ...] = (),
    clock: Callable[[], float] = time.perf_counter,
    budget_s: float = BUDGET_S,
) -> Ticket:
    """``page``: the content script's tree (JSON text) or a built ``Page``. ``extra_headings``: the
    administrator's last resort when Klaviyo renames "Recent orders" (policy setting ``orderListHeadings``);
    ``profile_headings``: the same for the customer's profile section (``profileHeadings``); both compared like
    the built-in ones: whole text, any case."""
    budget = _Budget(clock, budget_s)
    if not isinstance(page, Page):
        page = Page.from_json(page)
    path = urlsplit(url).path if isinstance(url, str) else ""
    headings = set(ORDER_LIST_HEADINGS) | _words(extra_headings)
    heading = next((node for text, node in page.headings if text in headings), None)
    section = section_under(heading) if heading else None
    orders, dates = _sidebar_orders(section, heading) if section and heading else ([], {})
    conversation = _conversation_roots(page)
    profiles = profile_sections(page, set(PROFILE_HEADINGS) | _words(profile_headings), conversation)
    emails = emails_in(profiles)
    sidebar = _sidebar(heading, profiles)
    excluded = {id(n) for n in (sidebar, *profiles) if n}
    names = {seg for n in profiles for seg in islice(n.segments(), 60) if len(seg) <= 120}  # the profile's words
    mentioned = [] if budget.over() else _mentions(conversation, excluded, names, budget)
    seen = {order_key(o) for o in orders}
    mentioned = [m for m in mentioned if order_key(m) not in seen]
    match = TICKET_PATH.match(path)
    key = match.group(0) if match else path
    confirmed = bool(match and sidebar and _shows_token(sidebar, match.group(1)))
    return Ticket(
        key=key,
        is_ticket=bool(match) or bool(orders) or bool(emails),
        email=emails[0] if emails else None,
        emails=emails,
        orders=tuple(orders),
        mentioned=tuple(mentioned),
        order_dates=tuple(dates.items()),
        customer_found=heading is not None or bool(profiles),
        route_confirmed=confirmed,
        complete=not budget.over(),
        ticket_id=match.group(1) if match and confirmed else None,
    )


def _words(texts: tuple[str, ...]) -> set[str]:
    return {" ".join(t.split()).lower() for t in texts if isinstance(t, str) and t.strip()}


def _sidebar_orders(section: Node, heading: Node) -> tuple[list[str], dict[str, str]]:
    """The list's order names, and the date shown with each: the first date after its name, before the next.

    Only a list that reads "name, then its date" is dated: a date before the first name means the rows put the
    date first (each date would land on the wrong order), and a text naming two orders dates neither.
    """
    found: list[str] = []
    dates: dict[str, str] = {}
    seen: set[str] = set()
    date_first = False
    for segment in _after(section, heading):
        if len(found) >= MAX_ORDERS:
            break
        candidates = []
        standalone = clean_order_name(segment)
        if standalone and (standalone.startswith("#") or STANDALONE_BARE.fullmatch(standalone)):
            candidates.append(standalone)
        else:
            candidates.extend(INLINE_HASH.findall(segment[:MAX_RUN]))
        before = len(found)
        for cand in candidates:
            name = clean_order_name(cand)
            if name and order_key(name) not in seen and len(found) < MAX_ORDERS:
                seen.add(order_key(name))
                found.append(name)
        if date_first or len(found) - before > 1 or (found and found[-1] in dates):
            continue
        when = date_in(segment)
        if when is not None and not found:
            date_first = True
        elif when is not None:
            dates[found[-1]] = when.isoformat()
    return found, ({} if date_first else dates)


_START = Node("#start", {}, None)


def _after(section: Node, heading: Node) -> Iterator[str]:
    """The list's text: what follows its heading inside its section, up to the next heading. A profile name,
    tag or title above the list (or a section after it) is not the list, whatever it holds."""
    started = False
    stack: list[Node | str] = [section]
    while stack:
        item = stack.pop()
        if item is _START:
            started = True
        elif isinstance(item, str):
            text = " ".join(item.split()) if started else ""
            if text:
                yield text
        elif item is heading:
            stack.append(_START)  # its own words are skipped; everything after it is the list's
        elif started and is_heading(item):
            return
        else:
            stack.extend(reversed(item.children))


def _sidebar(heading: Node | None, profiles: list[Node]) -> Node | None:
    """The details sidebar that holds the order list (else the profile): the place that names the ticket's id."""
    for start in ([heading] if heading else []) + profiles:
        for node in (start, *start.ancestors()):
            label = node.attrs.get("aria-label", "") + " " + node.attrs.get("data-testid", "")
            if node.tag == "aside" or node.attrs.get("role") == "complementary" or SIDEBAR_LABEL.search(label):
                return node
    return None


def _shows_token(node: Node, token: str) -> bool:
    if len(token) < 3:
        return False
    word = re.compile(r"(?<![\w-])" + re.escape(token) + r"(?![\w-])")
    return any(word.search(s) for s in node.segments())


def _is_chrome(node: Node) -> bool:
    """The helpdesk's own controls, lists and editors: never part of what the customer wrote."""
    attrs = node.attrs
    if node.tag in CHROME_TAGS or attrs.get("role") in CHROME_ROLES or is_editor(node):
        return True  # the helpdesk's controls, or a rich-text reply box: the agent's own draft
    return node.tag == "a" and "/inbox/" in attrs.get("href", "")  # an inbox list item, a search hit


def _conversation_roots(page: Page) -> list[Node]:
    """The region(s) holding the open ticket's messages: labelled ones (outermost), else the main region."""
    labelled, mains = [], []
    for node in page.regions:
        role = node.attrs.get("role", "")
        if role in ("log", "feed") or CONVERSATION_LABEL.search(node.attrs.get("aria-label", "")):
            labelled.append(node)
        elif node.tag == "main" or role == "main":
            mains.append(node)
    chosen = {id(n) for n in labelled or mains[:1]}
    return [
        n
        for n in labelled or mains[:1]
        if not any(id(a) in chosen or _is_chrome(a) for a in n.ancestors()) and not _is_chrome(n)
    ]


def _list_of_items(node: Node) -> bool:
    """A list whose entries carry aria-current / aria-selected is a list of tickets or tabs, not a message."""
    for child in node.children:
        if isinstance(child, Node):
            if "aria-current" in child.attrs or "aria-selected" in child.attrs:
                return True
            if any(isinstance(g, Node) and "aria-current" in g.attrs for g in child.children):
                return True
    return False


def _mentions(roots: list[Node], exclude: set[int], names: set[str], budget: _Budget) -> list[str]:
    """Order names the conversation's words hold. A text that repeats the profile word for word (the customer's
    name as each message's sender) is the profile's, not something the customer wrote."""
    found: list[str] = []
    seen: set[str] = set()
    stack: list[Node | str] = list(reversed(roots))
    steps = 0
    while stack and len(found) < MAX_ORDERS:
        steps += 1
        if steps % 256 == 0 and budget.over():
            break
        item = stack.pop()
        if isinstance(item, str):
            text = " ".join(item.split())
            if text in names:
                continue
            for cand in INLINE_HASH.findall(text) + ["#" + n for n in INLINE_WORD.findall(text)]:
                name = clean_order_name(cand)
                if name and order_key(name) not in seen and len(found) < MAX_ORDERS:
                    seen.add(order_key(name))
                    found.append(name)
            continue
        if id(item) in exclude or _is_chrome(item) or _list_of_items(item):
            continue
        stack.extend(reversed(item.children))
    return found
