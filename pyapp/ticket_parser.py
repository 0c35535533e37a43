"""Read a Klaviyo Helpdesk ticket from the page's markup: its orders, the customer's e-mail, and the orders
the conversation mentions.

Trust: the markup comes from a page we do not control and may be hostile. It is parsed as text, never
rendered; every order name passes ``clean_order_name`` before it can reach a request; sizes are capped.

Klaviyo publishes no DOM contract and its class names are hashed, so nothing here depends on a class name.
The sidebar's order list is found by its visible heading ("Recent orders") and the structure around it; the
customer's e-mail is the first address found walking up from that list (the Overview sidebar holds the
profile); mentions come from the rest of the ticket, never from navigation, the reply box or our own panel.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from pyapp.order_names import clean_order_name, order_key

MAX_NODES = 40_000
MAX_ORDERS = 20  # a sidebar lists a handful; more is a hostile or broken page, and each one costs Loop calls
MAX_DEPTH = 200  # deeper markup is flattened into the node at this depth; keeps every walk shallow
SKIP_CONTENT = {"script", "style", "template", "noscript", "svg", "textarea", "iframe", "loop-returns-panel"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ORDERS_HEADINGS = re.compile(r"^(recent orders|orders|recente bestellingen|bestellingen)$", re.I)
EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+(?![\w@-])")
# "#1001" inside a sentence: the name must end at a space, punctuation or the end of the text.
INLINE_HASH = re.compile(r"(?<![\w#&])#[A-Za-z0-9][A-Za-z0-9_-]{0,30}(?=$|[\s.,;:!?)\]])")
INLINE_WORD = re.compile(r"\border(?:\s+(?:number|no\.?|nr\.?))?\s*#?\s*(\d{3,12})(?=$|[\s.,;:!?)\]])", re.I)
STANDALONE_BARE = re.compile(r"[A-Za-z]{0,5}-?\d{3,12}(?:-[A-Za-z0-9]{1,5})?")
TICKET_PATH = re.compile(r"^/inbox/(?:.*/)?(?:tickets?|conversations?)/([A-Za-z0-9_-]{1,64})")


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: "Node | None"
    children: list["Node | str"] = field(default_factory=list)

    def text(self) -> str:
        parts: list[str] = []

        def walk(node: Node) -> None:
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                else:
                    walk(child)
        walk(self)
        return " ".join(" ".join(parts).split())

    def segments(self) -> list[str]:
        """Each text run, in document order: the visible pieces a person reads one by one."""
        out: list[str] = []

        def walk(node: Node) -> None:
            for child in node.children:
                if isinstance(child, str):
                    if child.strip():
                        out.append(" ".join(child.split()))
                else:
                    walk(child)
        walk(self)
        return out

    def iter(self):
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed([c for c in node.children if isinstance(c, Node)]))


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.current = self.root
        self.skip_depth = 0
        self.count = 0
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if self.skip_depth:
            if tag in SKIP_CONTENT:
                self.skip_depth += 1
            return
        if tag in SKIP_CONTENT:
            self.skip_depth = 1
            return
        if self.count >= MAX_NODES:
            return
        self.count += 1
        if self.depth >= MAX_DEPTH:
            return
        node = Node(tag, {k: (v or "") for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node
            self.depth += 1

    def handle_endtag(self, tag):
        if self.skip_depth:
            if tag in SKIP_CONTENT:
                self.skip_depth -= 1
            return
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            depth = 0
            walker = node.parent
            while walker is not self.root:
                depth += 1
                walker = walker.parent
            self.current = node.parent
            self.depth = depth

    def handle_data(self, data):
        if not self.skip_depth and data.strip():
            self.current.children.append(data)


@dataclass(frozen=True)
class Ticket:
    """What the panel needs from one ticket view."""

    key: str  # identifies the ticket across single-page navigations
    is_ticket: bool
    email: str | None = None
    orders: tuple[str, ...] = ()  # from the customer / order sidebar
    mentioned: tuple[str, ...] = ()  # only in the conversation, never mixed with ``orders``


def parse_ticket(url: str, html: str, extra_headings: tuple[str, ...] = ()) -> Ticket:
    """``extra_headings``: the administrator's last resort when Klaviyo renames "Recent orders" (policy
    setting ``orderListHeadings``), compared like the built-in ones: whole text, any case."""
    path = urlsplit(url).path if isinstance(url, str) else ""
    builder = _TreeBuilder()
    try:
        builder.feed(html if isinstance(html, str) else "")
        builder.close()
    except Exception:  # noqa: BLE001 - HTMLParser on hostile input: keep what was built
        pass
    root = builder.root
    heading, section = _orders_section(root, {" ".join(h.split()).lower() for h in extra_headings if h.strip()})
    orders = _sidebar_orders(section, heading) if section else []
    sidebar = _sidebar(heading) if heading else None
    email = _email_near(heading) if heading else None
    if email is None:
        email = _profile_email(root)
    mentioned = _mentions(root, exclude={id(sidebar)} if sidebar else set())
    seen = {order_key(o) for o in orders}
    mentioned = [m for m in mentioned if order_key(m) not in seen]
    match = TICKET_PATH.match(path)
    key = match.group(0) if match else path
    is_ticket = bool(match) or bool(orders) or email is not None
    return Ticket(key=key, is_ticket=is_ticket, email=email, orders=tuple(orders), mentioned=tuple(mentioned))


def _orders_section(root: Node, extra: set[str] = frozenset()) -> tuple[Node | None, Node | None]:
    for node in root.iter():
        own = " ".join(" ".join(c for c in node.children if isinstance(c, str)).split())
        if own and (ORDERS_HEADINGS.match(own) or own.lower() in extra):
            # The list is the nearest ancestor that holds more than the heading itself.
            section = node.parent
            for _ in range(4):
                if section is None:
                    break
                if len(section.text()) > len(node.text()) + 2:
                    return node, section
                section = section.parent
            return node, None
    return None, None


def _sidebar_orders(section: Node, heading: Node) -> list[str]:
    found: list[str] = []
    seen: set[str] = set()
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
            candidates.extend(INLINE_HASH.findall(segment))
        for cand in candidates:
            name = clean_order_name(cand)
            if name and order_key(name) not in seen and len(found) < MAX_ORDERS:
                seen.add(order_key(name))
                found.append(name)
    return found


def _sidebar(heading: Node) -> Node | None:
    """The smallest ancestor of the orders heading that also holds the customer's e-mail."""
    node = heading.parent
    for _ in range(10):
        if node is None:
            return None
        if EMAIL.search(node.text()) or _mailto(node):
            return node
        node = node.parent
    return None


def _email_near(heading: Node) -> str | None:
    sidebar = _sidebar(heading)
    if sidebar is None:
        return None
    return _mailto(sidebar) or _first_email(sidebar.text())


def _profile_email(root: Node) -> str | None:
    """No order list: the e-mail of an aside / region labelled as the overview or customer profile."""
    for node in root.iter():
        label = (node.attrs.get("aria-label", "") + " " + node.attrs.get("data-testid", "")).lower()
        if node.tag == "aside" or any(w in label for w in ("overview", "customer", "profile")):
            email = _mailto(node) or _first_email(node.text())
            if email:
                return email
    return None


def _mailto(node: Node) -> str | None:
    for n in node.iter():
        href = n.attrs.get("href", "")
        if n.tag == "a" and href.lower().startswith("mailto:"):
            email = _first_email(href[7:].split("?")[0])
            if email:
                return email
    return None


def _first_email(text: str) -> str | None:
    m = EMAIL.search(text)
    return m.group(0).lower() if m else None


def _mentions(root: Node, exclude: set[int]) -> list[str]:
    found: list[str] = []
    seen: set[str] = set()

    def walk(node: Node) -> None:
        if id(node) in exclude or node.tag == "nav" or node.attrs.get("role") in ("navigation", "menu"):
            return
        for child in node.children:
            if len(found) >= MAX_ORDERS:
                return
            if isinstance(child, str):
                for cand in INLINE_HASH.findall(child) + ["#" + n for n in INLINE_WORD.findall(child)]:
                    name = clean_order_name(cand)
                    if name and order_key(name) not in seen and len(found) < MAX_ORDERS:
                        seen.add(order_key(name))
                        found.append(name)
            else:
                walk(child)
    walk(root)
    return found
