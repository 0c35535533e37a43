"""Read a Klaviyo Helpdesk ticket from the page's structure: its orders, e-mail and mentions.

The orders are the sidebar's order list; the mentions are the orders the open conversation names.

The page arrives as the content script's compact tree (``pyapp.ticket.page``; ``tests/ticket_markup.py`` builds
the same tree from HTML for tests and tools).

Trust: the page may be hostile. Everything is text, never rendered; every order name passes
``clean_order_name`` before it can reach a request; sizes and depth are capped, every walk is linear and every
pattern bounded. The one part that runs patterns over free text, the mention scan, also stops at a time
budget: a customer's e-mail must not be able to freeze the panel, and the sidebar's orders and e-mail, read
first, are never lost to it.

Klaviyo publishes no DOM contract and its class names are hashed, so nothing here depends on a class name or
on markers: only on what a person sees. The sidebar's order list is found by its visible heading ("Recent
orders") and the structure around it; the customer's e-mail is the first address found walking up from that
list (the Overview sidebar holds the profile). Mentions come only from the open ticket's conversation: a region
labelled as the conversation / messages (else the page's main region), never from the inbox list and its
previews, search results, navigation, the reply box or the agent's own draft.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

from pyapp.ticket.dates import date_in
from pyapp.ticket.order_names import clean_order_name, order_key
from pyapp.ticket.page import MAX_RUN, Node, Page

MAX_ORDERS = 20  # a sidebar lists a handful; more is a hostile or broken page, and each one costs Loop calls
BUDGET_S = 0.08  # for the mention scan; past it, the mentions found so far are kept and the rest skipped
# The order list's visible headings. The content script anchors the panel under the same list: both read this
# tuple (build.py writes it into extension/shared/contract.js).
ORDER_LIST_HEADINGS = ("recent orders", "orders", "recente bestellingen", "bestellingen")
EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}(?![\w@-])")
# "#1001" inside a sentence: the name must end at a space, punctuation or the end of the text.
INLINE_HASH = re.compile(r"(?<![\w#&])#[A-Za-z0-9][A-Za-z0-9_-]{0,30}(?=$|[\s.,;:!?)\]])")
# "order 1001", "order nr. 1001", "order #1001". Runs of spaces are collapsed before matching and bounded here:
# an unbounded \s* before an optional '#' backtracks quadratically on a long run of spaces.
INLINE_WORD = re.compile(r"\border(?: (?:number|no\.?|nr\.?))? ?#? ?(\d{3,12})(?=$|[\s.,;:!?)\]])", re.I)
STANDALONE_BARE = re.compile(r"[A-Za-z]{0,5}-?\d{3,12}(?:-[A-Za-z0-9]{1,5})?")
TICKET_PATH = re.compile(r"^/inbox/(?:.*/)?(?:tickets?|conversations?)/([A-Za-z0-9_-]{1,64})")
CONVERSATION_LABEL = re.compile(r"\b(?:conversation|messages?|thread|gesprek|berichten)\b", re.I)
PROFILE_LABEL = re.compile(r"overview|customer|profile|details|klant|overzicht", re.I)
# Roles and tags that are the helpdesk's own chrome, never the customer's words.
CHROME_ROLES = {"navigation", "menu", "menubar", "listbox", "option", "search", "searchbox", "combobox", "tablist",
                "tab", "toolbar", "textbox", "banner", "complementary", "dialog", "alertdialog", "tooltip"}
CHROME_TAGS = {"nav", "aside", "form", "input", "button", "label", "footer"}


@dataclass(frozen=True)
class Ticket:
    """What the panel needs from one ticket view."""

    key: str  # identifies the ticket across single-page navigations
    is_ticket: bool
    email: str | None = None
    orders: tuple[str, ...] = ()  # from the customer / order sidebar
    mentioned: tuple[str, ...] = ()  # only in the conversation, never mixed with ``orders``
    order_dates: tuple[tuple[str, str], ...] = ()  # (order name, ISO date) as the order list shows them
    customer_found: bool = True  # the order list or the customer's profile is on screen (not still loading)
    route_confirmed: bool = False  # the sidebar shows the ticket id the URL names: it is this ticket's sidebar
    complete: bool = True  # False when the time budget cut the mention scan short


class _Budget:
    def __init__(self, clock: Callable[[], float], seconds: float) -> None:
        self.clock, self.deadline, self.spent = clock, clock() + seconds, False

    def over(self) -> bool:
        if not self.spent and self.clock() > self.deadline:
            self.spent = True
        return self.spent


def parse_ticket(url: str, page: "Page | str", extra_headings: tuple[str, ...] = (), *,
                 clock: Callable[[], float] = time.perf_counter, budget_s: float = BUDGET_S) -> Ticket:
    """``page``: the content script's tree (JSON text) or a built ``Page``. ``extra_headings``: the
    administrator's last resort when Klaviyo renames "Recent orders" (policy setting ``orderListHeadings``),
    compared like the built-in ones: whole text, any case."""
    budget = _Budget(clock, budget_s)
    if not isinstance(page, Page):
        page = Page.from_json(page)
    path = urlsplit(url).path if isinstance(url, str) else ""
    headings = set(ORDER_LIST_HEADINGS) | {" ".join(h.split()).lower() for h in extra_headings if h.strip()}
    heading = next((node for text, node in page.headings if text in headings), None)
    section = _list_under(heading) if heading else None
    orders, dates = _sidebar_orders(section, heading) if section else ([], {})
    sidebar, email = _sidebar(heading) if heading else (None, None)
    profile = None
    if email is None:
        profile, email = _profile(page)
    mentioned = [] if budget.over() else _mentions(page, {id(n) for n in (sidebar, profile) if n}, budget)
    seen = {order_key(o) for o in orders}
    mentioned = [m for m in mentioned if order_key(m) not in seen]
    match = TICKET_PATH.match(path)
    key = match.group(0) if match else path
    confirmed = bool(match and sidebar and _shows_token(sidebar, match.group(1)))
    return Ticket(key=key, is_ticket=bool(match) or bool(orders) or email is not None, email=email,
                  orders=tuple(orders), mentioned=tuple(mentioned), order_dates=tuple(dates.items()),
                  customer_found=heading is not None or profile is not None or email is not None,
                  route_confirmed=confirmed, complete=not budget.over())


def _list_under(heading: Node) -> Node | None:
    """The nearest ancestor of the heading that holds more than the heading itself: the order list."""
    limit = len(heading.text()) + 2
    for n, section in enumerate(heading.ancestors()):
        if n >= 4:
            break
        total = 0
        for segment in section.segments():
            total += len(segment) + 1
            if total > limit:
                return section
    return None


def _sidebar_orders(section: Node, heading: Node) -> tuple[list[str], dict[str, str]]:
    """The list's order names, and the date shown with each: the first date after its name, before the next.

    Only a list that reads "name, then its date" is dated: a date before the first name means the rows put the
    date first (each date would land on the wrong order), and a text naming two orders dates neither.
    """
    found: list[str] = []
    dates: dict[str, str] = {}
    seen: set[str] = set()
    date_first = False
    heading_text = heading.text()
    for segment in section.segments():
        if len(found) >= MAX_ORDERS:
            break
        if segment == heading_text:
            continue
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


def _sidebar(heading: Node) -> tuple[Node | None, str | None]:
    """The smallest ancestor of the orders heading that also holds the customer's e-mail, and that e-mail."""
    for n, node in enumerate(heading.ancestors()):
        if n >= 10:
            break
        email = _email_in(node)
        if email:
            return node, email
    return None, None


def _profile(page: Page) -> tuple[Node | None, str | None]:
    """No order list: the outermost aside / region labelled as the overview or customer profile that holds an
    e-mail. A region without an e-mail has none in its descendants either, so they are skipped: nested
    labelled regions cost one read, not one per level."""
    rejected: set[int] = set()
    for node in page.regions:
        label = node.attrs.get("aria-label", "") + " " + node.attrs.get("data-testid", "")
        if not (node.tag == "aside" or node.attrs.get("role") == "complementary" or PROFILE_LABEL.search(label)):
            continue
        if any(id(a) in rejected for a in node.ancestors()):
            continue
        email = _email_in(node)
        if email:
            return node, email
        rejected.add(id(node))
    return None, None


def _email_in(node: Node) -> str | None:
    """A mailto: link's address, else the first address in the text, reading no further than needed."""
    for n in node.iter():
        href = n.attrs.get("href", "")
        if n.tag == "a" and href[:7].lower() == "mailto:":
            m = EMAIL.search(href[7:].split("?")[0][:320])
            if m:
                return m.group(0).lower()
    for segment in node.segments():
        if "@" in segment:
            m = EMAIL.search(segment)
            if m:
                return m.group(0).lower()
    return None


def _shows_token(node: Node, token: str) -> bool:
    if len(token) < 3:
        return False
    word = re.compile(r"(?<![\w-])" + re.escape(token) + r"(?![\w-])")
    return any(word.search(s) for s in node.segments())


def _is_chrome(node: Node) -> bool:
    """The helpdesk's own controls, lists and editors: never part of what the customer wrote."""
    attrs = node.attrs
    if node.tag in CHROME_TAGS or attrs.get("role") in CHROME_ROLES:
        return True
    editable = attrs.get("contenteditable")
    if editable is not None and editable.lower() != "false":
        return True  # a rich-text reply box: the agent's own draft
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
    return [n for n in labelled or mains[:1]
            if not any(id(a) in chosen or _is_chrome(a) for a in n.ancestors()) and not _is_chrome(n)]


def _list_of_items(node: Node) -> bool:
    """A list whose entries carry aria-current / aria-selected is a list of tickets or tabs, not a message."""
    for child in node.children:
        if isinstance(child, Node):
            if "aria-current" in child.attrs or "aria-selected" in child.attrs:
                return True
            if any(isinstance(g, Node) and "aria-current" in g.attrs for g in child.children):
                return True
    return False


def _mentions(page: Page, exclude: set[int], budget: _Budget) -> list[str]:
    found: list[str] = []
    seen: set[str] = set()
    stack: list[Node | str] = list(reversed(_conversation_roots(page)))
    steps = 0
    while stack and len(found) < MAX_ORDERS:
        steps += 1
        if steps % 256 == 0 and budget.over():
            break
        item = stack.pop()
        if isinstance(item, str):
            text = " ".join(item.split())
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
