"""Allow a return anyway, on an order's card: the choice, its one confirmation, the allowlisted line with Undo.

Shown only when the administrator turned it on and Loop's reason is one an allowlist overrides.
"""

from __future__ import annotations

from typing import Any

from pyapp.loop.eligibility import Ineligibility
from pyapp.panel.i18n import Translate
from pyapp.panel.state import AllowAnyway, OrderCard, PanelState
from pyapp.panel.vdom import VNode, h
from pyapp.ticket.order_names import order_key


def allow_choice(t: Translate, s: PanelState, card: OrderCard, reason: Ineligibility) -> VNode | None:
    """Under Loop's reason: "Allow a return anyway", or its confirmation naming the order."""
    ex = s.allow_anyway.get(order_key(card.name))
    message = (
        ex
        and ex.message_key
        and h(
            "p",
            {
                "class": "ok" if ex.message_key == "allowUndone" else "field-error",
                "role": "status" if ex.message_key == "allowUndone" else "alert",
            },
            t(ex.message_key, order=card.name),
        )
    )
    if not s.may_allow(reason) or (ex and ex.made):
        return message or None
    name = card.name
    if ex is not None and (ex.confirming or ex.sending):
        return h(
            "div",
            {"class": "confirm", "role": "group", "aria-label": t("allowAnyway")},
            h("p", {}, t("allowConfirmText", order=name)),
            h(
                "div",
                {"class": "actions"},
                h(
                    "button",
                    {
                        "type": "button",
                        "class": "primary",
                        "data-action": "allow-confirm",
                        "data-order": name,
                        "disabled": ex.sending,
                    },
                    t("allowing") if ex.sending else t("allowConfirm", order=name),
                ),
                h(
                    "button",
                    {
                        "type": "button",
                        "class": "link",
                        "data-action": "allow-cancel",
                        "data-order": name,
                        "disabled": ex.sending,
                    },
                    t("cancel"),
                ),
            ),
        )
    return h(
        "div",
        {"class": "allow"},
        h("button", {"type": "button", "data-action": "allow-anyway", "data-order": name}, t("allowAnyway")),
        message,
    )


def allowed_anyway(t: Translate, ex: AllowAnyway | None, name: str) -> VNode | None:
    """The order is on Loop's allowlist because of this panel: say so, with Undo, while the tab is open."""
    if ex is None or not ex.made:
        return None
    parts: list[Any] = [h("p", {"class": "allowlisted", "role": "status"}, t("allowlisted", order=name))]
    if ex.entry_id:
        parts.append(
            h(
                "button",
                {
                    "type": "button",
                    "class": "link",
                    "data-action": "undo-allow",
                    "data-order": name,
                    "disabled": ex.sending,
                },
                t("undoAllow"),
            )
        )
    else:
        parts.append(h("p", {"class": "muted"}, t("undoInLoop")))
    if ex.message_key:
        parts.append(h("p", {"class": "field-error", "role": "alert"}, t(ex.message_key, order=name)))
    return h("div", {"class": "exemption"}, parts)  # panel.css styles this class: kept
