"""The agent's own lookups: the orders the conversation mentions, and the order search."""

from __future__ import annotations

from pyapp.panel.i18n import Translate
from pyapp.panel.vdom import VNode, h
from pyapp.ticket.order_names import order_key


def mentions(t: Translate, names: tuple[str, ...]) -> VNode:
    items = [
        h(
            "li",
            {},
            h("span", {"class": "order-name"}, n),
            h(
                "button",
                {
                    "type": "button",
                    "class": "link",
                    "data-action": "lookup",
                    "data-order": n,
                    "id": f"check-{order_key(n)}",
                },
                t("checkReturns"),
            ),
        )
        for n in names
    ]
    return h(
        "section",
        {"class": "mentions", "aria-label": t("mentioned")},
        h("h2", {"class": "section"}, t("mentioned")),
        h("ul", {}, items),
    )


def search(t: Translate, message_key: str | None) -> VNode:
    return h(
        "form",
        {"class": "search", "role": "search", "data-action": "search"},
        h("label", {"for": "order-search"}, t("searchLabel")),
        h(
            "div",
            {"class": "row"},
            h(
                "input",
                {
                    "id": "order-search",
                    "name": "order",
                    "type": "search",
                    "autocomplete": "off",
                    "placeholder": "#1001",
                    "maxlength": "64",
                    "spellcheck": "false",
                    "aria-invalid": "true" if message_key else None,
                    "aria-describedby": "search-msg" if message_key else None,
                },
            ),
            h("button", {"type": "submit"}, t("search")),
        ),
        message_key and h("p", {"id": "search-msg", "class": "field-error", "role": "alert"}, t(message_key)),
    )
