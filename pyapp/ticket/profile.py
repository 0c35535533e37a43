"""Who the ticket's customer is: the profile section of the details sidebar, and the addresses it shows.

The section is found by its heading ("Customer", "Profile", the customer's name as a heading, or an
administrator's ``profileHeadings``) or a region labelled as the customer profile. The customer's e-mail is a
``mailto:`` link there, else the first address in its text, and never from beyond it: not a message, not the
reply box, not a region reached by climbing from the order list into the conversation. In
``"Ava" <eve@example.com>`` the address is eve's: a display name is words, even when it looks like an address.

Trust: the page may be hostile and the customer writes part of it; every pattern is bounded, every walk linear.
"""

from __future__ import annotations

import re

from pyapp.ticket.page import MAX_RUN, Node, Page, is_heading, section_under

EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}(?![\w@-])")
# The customer's profile section: a heading with exactly these words (any case), or a region labelled so.
PROFILE_HEADINGS = (
    "customer",
    "customer details",
    "customer profile",
    "profile",
    "contact",
    "contact details",
    "klant",
    "klantgegevens",
    "klantprofiel",
    "profiel",
    "contactgegevens",
)
PROFILE_LABEL = re.compile(r"\b(?:customer|profile|klant|profiel)", re.I)
# A heading that reads like a person's name ("Eve Marsh", "Zoë O'Neil-Smith"): the profile section's own
# heading on layouts that title it with the customer's name.
NAME_HEADING = re.compile(r"[^\W\d_][^\W\d_.'’-]*(?:[ .'’-]+[^\W\d_][^\W\d_.'’-]*){0,5}\.?")
NOT_A_NAME = {
    "overview",
    "ticket",
    "details",
    "activity",
    "predictive analytics",
    "tags",
    "notes",
    "conversation",
    "messages",
    "inbox",
    "overzicht",
    "activiteit",
    "gesprek",
    "berichten",
    "recent orders",
    "orders",
    "recente bestellingen",
    "bestellingen",
    "loop returns",
}
ANGLE_EMAIL = re.compile(r"<\s*([^<>\s]{3,320})\s*>")
MAX_EMAILS = 5
NOT_A_SECTION = {"nav", "form", "input", "button", "label", "footer", "a"}


def profile_sections(page: Page, labels: set[str], conversation: list[Node]) -> list[Node]:
    """The customer's profile section(s), outermost first: regions labelled as the customer profile, sections
    under a "Customer" / "Profile" heading, or under a heading that reads as a person's name inside the details
    sidebar. A candidate that holds the conversation, an editor, or (for a name) other headings is not one: it
    is what climbing from a heading into the rest of the page looks like; nor is one inside them."""
    found: list[Node] = []
    for node in page.regions:
        label = node.attrs.get("aria-label", "") + " " + node.attrs.get("data-testid", "")
        role = node.attrs.get("role", "")
        if (
            PROFILE_LABEL.search(label)
            and node.tag not in NOT_A_SECTION
            and (role in ("", "region", "complementary", "group") or role == "list")
        ):
            found.append(node)
    for text, node in page.headings:
        if text in labels:
            found.append(section_under(node) or node)
        elif is_heading(node) and text not in NOT_A_NAME and NAME_HEADING.fullmatch(text) and in_sidebar(node):
            section = section_under(node)
            if section is not None and not any(is_heading(n) and n is not node for n in section.iter()):
                found.append(section)
    # The conversation and the editors (what customers and agents write) and everything that holds them: one
    # pass, so nested candidates cost no re-walks. A candidate that holds one has climbed into it; one inside one
    # is a look-alike the customer wrote (an e-mail's HTML with a "Customer" heading, a chat pane's label).
    written = {id(n) for n in (*conversation, *(n for n in page.regions if is_editor(n)))}
    holders: set[int] = set()
    for node in (*conversation, *(n for n in page.regions if is_editor(n))):
        holders.update(id(a) for a in node.ancestors())
    out: list[Node] = []
    for node in found:
        if id(node) in holders or any(id(a) in written for a in (node, *node.ancestors())):
            continue  # grown into, or written inside, the conversation or the reply box: not the profile
        kept = {id(o) for o in out}
        if id(node) in kept or any(id(a) in kept for a in node.ancestors()):
            continue  # inside one already kept
        out = [o for o in out if not any(a is node for a in o.ancestors())] + [node]
    return out


def in_sidebar(node: Node) -> bool:
    return any(a.tag == "aside" or a.attrs.get("role") == "complementary" for a in node.ancestors())


def is_editor(node: Node) -> bool:
    """A rich-text editor (the reply box): what it holds was typed, by the agent or pasted from a customer."""
    editable = node.attrs.get("contenteditable")
    return node.attrs.get("role") == "textbox" or (editable is not None and editable.lower() != "false")


def emails_in(sections: list[Node]) -> tuple[str, ...]:
    """Every address the profile shows, lower-cased: its mailto: links first (the one the app links is the
    customer's), then the addresses in its text, in order. In ``"Ava" <eve@…>`` only the bracketed one is an
    address: the display name before it is words, even when it looks like an address."""
    links: list[str] = []
    texts: list[str] = []
    for section in sections:
        for n in section.iter():
            href = n.attrs.get("href", "")
            if n.tag == "a" and href[:7].lower() == "mailto:":
                links.extend(_addresses(href[7:].split("?")[0][:320]))
        for segment in section.segments():
            if "@" in segment and len(texts) < MAX_EMAILS:
                texts.extend(_addresses(segment[:MAX_RUN]))
    return tuple(dict.fromkeys(a.lower() for a in links + texts))[:MAX_EMAILS]


def _addresses(text: str) -> list[str]:
    bracketed = [m.group(1) for m in ANGLE_EMAIL.finditer(text)]
    if bracketed:
        return [m.group(0) for b in bracketed if (m := EMAIL.fullmatch(b))]
    return [m.group(0) for m in EMAIL.finditer(text)][:MAX_EMAILS]
