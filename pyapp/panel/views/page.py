"""The whole panel for one state: the header with its collapse control, then the body the screen calls for."""

from __future__ import annotations

from pyapp.panel.i18n import Translate
from pyapp.panel.state import PanelState, Screen, Source, retry_seconds_left, screen
from pyapp.panel.vdom import VNode, h
from pyapp.panel.views import notices
from pyapp.panel.views.order_card import order_card
from pyapp.panel.views.search import mentions, search


def page(t: Translate, s: PanelState) -> VNode:
    expanded = not s.collapsed
    header = h(
        "div",
        {"class": "bar"},
        h("h1", {}, "Loop Returns"),
        h(
            "button",
            {
                "type": "button",
                "class": "icon",
                "aria-expanded": str(expanded).lower(),
                "aria-label": t("collapse") if expanded else t("expand"),
                "data-action": "collapse",
                "id": "collapse",
            },
            "–" if expanded else "+",
        ),
    )
    if s.collapsed:
        return h("div", {"class": "panel collapsed", "data-state": Screen.COLLAPSED}, header)
    name = screen(s)
    return h("div", {"class": "panel", "data-state": name}, header, h("div", {"class": "body"}, body(t, s, name)))


def body(t: Translate, s: PanelState, name: Screen) -> list[VNode]:
    if name is Screen.BOOTING:
        return [notices.skeleton(t, "loading")]
    if name is Screen.WAITING_POLICY:
        return [notices.waiting_policy(t, s.policy_unreadable)]
    if name is Screen.NOT_CONFIGURED:
        return [notices.not_configured(t, disabled=s.settings is not None and not s.settings.enabled)]
    out: list[VNode] = []
    if (s.covered and s.covered_card not in s.cards and s.covered_card not in s.lookups) or s.dressed_up:
        out.append(notices.covered(t, s.covered_moved and not s.dressed_up))
    if s.customer_changed:
        out.append(notices.status(t, "customerChanged"))
    if s.fatal is not None:
        out.append(notices.fatal(t, s.fatal, retry_seconds_left(s)))
    elif name is Screen.NO_TICKET:
        out.append(notices.status(t, "pageUnreadable" if s.page_unreadable else "noTicket", "muted"))
    elif name is Screen.READING:
        out.append(notices.skeleton(t, "readingTicket"))
    elif name in (Screen.LOADING, Screen.RETRYING):
        waiting = "retrying" if s.retry_status == 429 else "retryingUnavailable"
        out.append(notices.skeleton(t, waiting if s.retrying else "loadingReturns"))
    elif name is Screen.NO_ORDERS:
        out.append(notices.status(t, "noOrders"))
    if name is Screen.READY:
        out.extend(order_card(t, s, c) for c in s.cards.values() if c.source is Source.TICKET)
        history = [c for c in s.cards.values() if c.source is Source.HISTORY]
        if history:
            out.append(h("h2", {"class": "section"}, t("otherOrders")))
            out.extend(order_card(t, s, c) for c in history)
    if s.ticket and s.ticket.mentioned and s.fatal is None and name in (Screen.READY, Screen.NO_ORDERS):
        out.append(mentions(t, s.ticket.mentioned))
    if s.lookups:
        out.append(h("h2", {"class": "section"}, t("lookupResults")))
        out.extend(order_card(t, s, c) for c in s.lookups.values())
    out.append(search(t, s.search_message))
    return out
