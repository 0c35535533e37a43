"""One order's card: its returns as Loop reports them, then the order's Initiate return.

Each return shows its state, outcome, items, tracking and links; Initiate return is
``pyapp.panel.views.start_return``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from pyapp.loop.models import Return
from pyapp.panel.i18n import Translate
from pyapp.panel.sentences import error_key, label_status_key, outcome_key, state_key
from pyapp.panel.state import OrderCard, PanelState, ReturnNotes, Source
from pyapp.panel.vdom import VNode, h
from pyapp.panel.views.money import what_they_get
from pyapp.panel.views.notes import notes_view
from pyapp.panel.views.notices import covered, skeleton
from pyapp.panel.views.return_changes import return_changes
from pyapp.panel.views.start_return import start_return
from pyapp.ticket.order_names import order_key

ADMIN_RETURN_URL = "https://admin.loopreturns.com/returns/{id}"  # the link Loop's Gladly app gives agents
MAX_ITEMS = 20


def order_card(t: Translate, s: PanelState, card: OrderCard) -> VNode:
    key = order_key(card.name)
    head = h("div", {"class": "card-head"}, h("h3", {"class": "order-name"}, card.name))
    body: list[Any] = []
    if s.covered and s.covered_card == key and not s.dressed_up:
        body.append(covered(t, s.covered_moved))  # said where the agent clicked, not at the top of a long panel
    if card.returns is None:
        body.append(skeleton(t, "loadingReturns"))
    elif card.error is not None:
        body.append(h("p", {"class": "field-error", "role": "alert"}, t(error_key(card.error))))
        again = "retry-lookup" if card.source is Source.LOOKUP else "retry"
        body.append(
            h(
                "button",
                {"type": "button", "data-action": again, "data-order": card.name, "id": f"retry-{key}"},
                t("retry"),
            )
        )
    else:
        body.append(whose(t, s, card))
        if not card.returns:
            body.append(h("p", {"class": "muted"}, t("noReturns")))
        body.extend(return_view(t, r, s.notes.get(r.id or ""), s.now, s) for r in card.returns)
        body.append(start_return(t, s, card))
    return h(
        "section",
        {"class": "card", "data-order": card.name, "data-source": card.source, "aria-label": card.name},
        head,
        body,
    )


def whose(t: Translate, s: PanelState, card: OrderCard) -> VNode | None:
    """Another customer's order says so; a stopped click asks the one confirmation, naming both addresses."""
    other = s.other_customer(card)
    if other is None:
        return None
    order_email = other.order_email or t("noEmailKnown")
    ticket_email = ", ".join(other.ticket_emails) or t("noEmailOnProfile")
    out: list[Any] = [
        h(
            "p",
            {"class": "why other-customer", "data-why": "other-customer"},
            t("otherCustomer") if other.order_email and other.ticket_emails else t("unknownCustomer"),
        ),
        h("p", {"class": "muted"}, t("otherCustomerWho", order_email=order_email, ticket_email=ticket_email)),
    ]
    if card.owner_pending is not None:
        out.append(
            h(
                "div",
                {"class": "confirm", "role": "group", "aria-label": t("otherCustomerTitle")},
                h(
                    "p",
                    {},
                    t("otherCustomerConfirm", order=card.name, order_email=order_email, ticket_email=ticket_email),
                ),
                h(
                    "div",
                    {"class": "row"},
                    h(
                        "button",
                        {
                            "type": "button",
                            "class": "primary",
                            "data-action": "owner-confirm",
                            "data-order": card.name,
                            "id": f"owner-yes-{order_key(card.name)}",
                        },
                        t("otherCustomerYes"),
                    ),
                    h(
                        "button",
                        {
                            "type": "button",
                            "class": "link",
                            "data-action": "owner-cancel",
                            "data-order": card.name,
                            "id": f"owner-no-{order_key(card.name)}",
                        },
                        t("cancel"),
                    ),
                ),
            )
        )
    return h("div", {"class": "owner"}, out)


def return_view(
    t: Translate, r: Return, notes: ReturnNotes | None = None, now: datetime | None = None, s: PanelState | None = None
) -> VNode:
    rows: list[Any] = []
    facts = []
    if r.outcome:
        facts.append(t(outcome_key(r.outcome)))
    if r.created_at:
        facts.append(t("createdOn", date=r.created_at.strftime("%Y-%m-%d")))
    if r.amount is not None:
        facts.append(f"{r.amount:.2f} {r.currency or ''}".strip())
    rows.append(
        h(
            "div",
            {"class": "ret-head"},
            h("span", {"class": f"badge state-{r.state.value}", "data-state": r.state.value}, t(state_key(r.state))),
            h("span", {"class": "facts"}, " · ".join(facts)),
        )
    )
    if r.line_items:
        items = []
        for item in r.line_items[:MAX_ITEMS]:
            detail = " · ".join(x for x in (item.variant_title, item.reason) if x)
            price = f"{item.price:.2f}" if item.price is not None else ""
            items.append(
                h(
                    "li",
                    {},
                    h("span", {"class": "item-title"}, item.display_title),
                    detail and h("small", {}, detail),
                    price and h("small", {"class": "price"}, price),
                )
            )
        rows.append(h("ul", {"class": "items", "aria-label": t("items")}, items))
    money = what_they_get(t, r)
    if money is not None:
        rows.append(money)
    tracking = r.tracking
    if tracking:
        label = " ".join(x for x in (tracking.carrier, tracking.number) if x) or t("returnStatusPage")
        link = tracking.url
        if link and link == r.status_page_url:
            label = says_its_host(label, link)
        parts = [
            h("span", {"class": "muted"}, t("tracking")),
            h("a", {"href": link, "class": "tracking-link"}, label) if link else h("span", {}, label),
        ]
        status = label_status_key(tracking)
        if status:
            parts.append(h("span", {"class": "label-status"}, t(status)))
        rows.append(h("div", {"class": "tracking"}, parts))
        age = r.state.is_active and label_age(t, tracking.not_shipped and tracking.updated_at, now)
        if age:
            rows.append(h("p", {"class": "label-age"}, age))
    links = []
    if r.id and r.id.isdigit():
        links.append(h("a", {"href": ADMIN_RETURN_URL.format(id=r.id), "class": "admin-link"}, t("openInLoop")))
    if r.status_page_url and (not tracking or tracking.url != r.status_page_url):
        links.append(h("a", {"href": r.status_page_url}, says_its_host(t("returnStatusPage"), r.status_page_url)))
    if links:
        rows.append(h("div", {"class": "links"}, links))
    if s is not None:
        rows.append(return_changes(t, s, r))
    rows.append(notes_view(t, r, notes, now, s.note_prefix if s is not None else ""))
    named = (
        t("returnOf", state=t(state_key(r.state)), date=r.created_at.strftime("%Y-%m-%d"))
        if r.created_at
        else t(state_key(r.state))
    )
    return h("div", {"class": "return", "data-return": r.id or "", "role": "group", "aria-label": named}, rows)


def label_age(t: Translate, stamped: Any, now: datetime | None) -> str | None:
    """ "Label created at least 9 days ago, not shipped yet", on a return still under way. Loop's timestamp is
    the label's last status change, which is never before it was made: the age is a least, said as one. Days
    are the agent's calendar days; under one day says nothing (the status line already says not shipped)."""
    if not stamped or now is None:
        return None
    days = (now.date() - stamped.astimezone(now.tzinfo).date()).days
    if days < 1:
        return None
    return t("labelAgeOne") if days == 1 else t("labelAge", days=str(days))


def says_its_host(label: str, url: str) -> str:
    """A link Loop sent to a host that is not Loop's (a shop's own portal domain, or a look-alike such as
    api.loopreturns.com.evil.example) names its host, so the agent sees where it goes before clicking."""
    host = urlsplit(url).hostname or ""
    return label if host == "loopreturns.com" or host.endswith(".loopreturns.com") else f"{label} ({host})"
