"""An order's Initiate return, as Klaviyo's article describes it.

The button, then the share choices (Copy link, QR code, Insert into reply), or the lookup value asked inline,
or why the order cannot be returned.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pyapp.panel.i18n import Translate
from pyapp.panel.sentences import ineligibility_key, unchecked_key
from pyapp.panel.state import OrderCard, PanelState, StartReturn, Step
from pyapp.panel.vdom import VNode, h
from pyapp.panel.views.allow_anyway import allow_choice, allowed_anyway
from pyapp.ticket.order_names import order_key


def start_return(t: Translate, s: PanelState, card: OrderCard) -> VNode:
    key, name = order_key(card.name), card.name
    active = next((r for r in card.returns or [] if r.state.is_active), None)
    if active is not None:
        return h("p", {"class": "why", "data-why": "active-return"}, t("whyActiveReturn"))
    reason, allowed = s.ineligible.get(key), allowed_anyway(t, s.allow_anyway.get(key), name)
    if reason is not None:
        why = h("p", {"class": "why", "data-why": reason.value, "role": "status"}, t(ineligibility_key(reason)))
        allow = allow_choice(t, s, card, reason)
        return h("div", {"class": "start"}, allowed, why, allow) if allowed or allow else why
    start = card.start
    if start is None:
        return h(
            "div",
            {"class": "start"},
            allowed,
            h(
                "button",
                {
                    "type": "button",
                    "class": "primary",
                    "aria-expanded": "false",
                    "data-action": "initiate-return",
                    "data-order": name,
                    "id": f"start-{key}",
                },
                t("startReturn"),
            ),
        )
    content: list[Any] = []
    if start.step is Step.CHECKING:
        content.append(h("p", {"class": "muted", "role": "status", "aria-busy": "true"}, t("checkingWithLoop")))
    elif start.step is Step.ASK:
        content.append(ask(t, s.lookup_field, start, name))
    elif start.step is Step.FAILED:
        content.append(h("p", {"class": "field-error", "role": "alert"}, t(start.message_key or "errUnexpected")))
        content.append(
            h(
                "button",
                {"type": "button", "data-action": "try-again", "data-order": name, "id": f"again-{key}"},
                t("tryAgain"),
            )
        )
    elif start.step is Step.READY and start.link:
        content.extend(share(t, s.has_reply_box, start, name))
        left = None if allowed else days_left(start.window_days, s.order_date(name), s.today)
        if left is not None:
            content.append(
                h(
                    "p",
                    {"class": "days-left"},
                    t("lastDay") if left == 0 else t("dayLeft") if left == 1 else t("daysLeft", days=str(left)),
                )
            )
    cancel = h(
        "button",
        {
            "type": "button",
            "class": "link",
            "aria-expanded": "true",
            "data-action": "cancel-return",
            "data-order": name,
            "id": f"start-{key}",
        },
        t("cancel"),
    )
    return h("div", {"class": "start"}, allowed, content, cancel)


def days_left(window_days: int | None, ordered: date | None, today: date | None) -> int | None:
    """Days left in Loop's return window, counted from the order date the ticket shows. Loop counts from the
    fulfilment (or delivery) date, which is never earlier, so this is the least time left; None when a value
    is missing or the count says the window has passed although Loop just said yes (then it does not know)."""
    if window_days is None or ordered is None or today is None:
        return None
    left = window_days - (today - ordered).days
    return left if left >= 0 else None


def ask(t: Translate, field_name: str, start: StartReturn, name: str) -> VNode:
    """The lookup value, asked inline; Enter submits and what the agent typed survives every error."""
    key = order_key(name)
    input_id = f"lookup-{key}"
    return h(
        "form",
        {"class": "start-form", "data-action": "submit-lookup", "data-order": name},
        h("label", {"for": input_id}, t(f"lookup_{field_name}")),
        h(
            "div",
            {"class": "row"},
            h(
                "input",
                {
                    "id": input_id,
                    "name": "lookup",
                    "value": start.lookup_value,
                    "type": "email" if field_name == "email" else "text",
                    "inputmode": "tel" if field_name == "phone" else None,
                    "autocomplete": "off",
                    "maxlength": "120",
                    "aria-invalid": "true" if start.message_key else None,
                    "aria-describedby": f"lookup-msg-{key}" if start.message_key else None,
                },
            ),
            h("button", {"type": "submit", "class": "primary", "id": f"create-{key}"}, t("createLink")),
        ),
        start.message_key
        and h("p", {"id": f"lookup-msg-{key}", "class": "field-error", "role": "alert"}, t(start.message_key)),
    )


def share(t: Translate, has_reply_box: bool, start: StartReturn, name: str) -> list[VNode]:
    """Klaviyo's share choices: Copy link and the QR code, plus Insert into reply."""
    key = order_key(name)
    actions = [
        h(
            "button",
            {"type": "button", "class": "primary", "data-action": "copy-link", "data-order": name, "id": f"copy-{key}"},
            t("copied") if start.copied else t("copyLink"),
        ),
        h(
            "button",
            {
                "type": "button",
                "data-action": "show-qr",
                "data-order": name,
                "id": f"qr-{key}",
                "aria-expanded": str(start.show_qr).lower(),
            },
            t("hideQr") if start.show_qr else t("showQr"),
        ),
    ]
    if has_reply_box:
        actions.append(
            h(
                "button",
                {"type": "button", "data-action": "insert-reply", "data-order": name, "id": f"insert-{key}"},
                t("inserted") if start.inserted else t("insertReply"),
            )
        )
    out = [
        h("div", {"class": "actions"}, actions),
        h("input", {"class": "link-field", "value": start.link, "readonly": True, "aria-label": t("returnLink")}),
    ]
    if start.copied:
        out.append(h("p", {"class": "ok", "role": "status"}, t("copiedLong")))
    if start.message_key:
        out.append(h("p", {"class": "field-error", "role": "alert"}, t(start.message_key)))
    if start.unchecked is not None:
        out.append(h("p", {"class": "muted quiet"}, t(unchecked_key(start.unchecked))))
    if start.show_qr and start.qr_data_url:
        out.append(
            h(
                "div",
                {"class": "qr"},
                h("img", {"src": start.qr_data_url, "alt": t("qrAlt", order=name), "width": "200", "height": "200"}),
                h("a", {"href": start.qr_data_url, "download": f"loop-return-{key}.png"}, t("downloadQr")),
            )
        )
    return out
