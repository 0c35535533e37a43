"""What a return's card offers to change: the label, Cancel return and Flag for review.

Send label (then Copy label link / Insert label), Create label, Cancel return and Flag for review, each with its
one confirmation and its outcome in one sentence (``pyapp.panel.return_changes``).
"""

from __future__ import annotations

from typing import Any

from pyapp.loop.models import Return, ReturnState
from pyapp.panel.i18n import Translate
from pyapp.panel.return_changes import max_reason_for, offered_in
from pyapp.panel.state import Change, PanelState, ReturnChanges
from pyapp.panel.vdom import VNode, h

# The one confirmation of a change, by the change: (its sentence, the confirming action, its button's words).
CONFIRMATIONS = {
    Change.CREATE_LABEL: ("createLabelConfirmText", "create-label-confirm", "createLabelFor"),
    Change.CANCEL: ("cancelReturnConfirmText", "return-cancel-confirm", "cancelReturnFor"),
}


def return_changes(t: Translate, s: PanelState, r: Return) -> VNode | None:
    if not r.id:
        return None
    rid, order = r.id, r.order_name or ""
    rc = s.changes.get(rid) or ReturnChanges()
    offers = offered_in(s, r)
    out: list[Any] = []
    if rc.label_link is not None and "send-label" in offers:
        out.append(label_share(t, s, rid, rc))
    buttons = []
    if "send-label" in offers:
        buttons.append(button("send-label", rid, t("sendLabel"), expanded=rc.label_link is not None))
    if Change.CREATE_LABEL in offers and not rc.waiting_label:
        buttons.append(button("create-label", rid, t("createLabel"), expanded=rc.asking is Change.CREATE_LABEL))
    if Change.CANCEL in offers:
        buttons.append(button("return-cancel", rid, t("cancelReturn"), expanded=rc.asking is Change.CANCEL))
    if Change.FLAG in offers:
        buttons.append(button("return-flag", rid, t("flagReturn"), expanded=rc.asking is Change.FLAG))
    if rid in s.labels_pending and not r.has_label and not rc.waiting_label and r.state is ReturnState.OPEN:
        buttons.append(
            h(
                "button",
                {"type": "button", "data-action": "label-look-again", "data-return": rid, "id": f"look-again-{rid}"},
                t("lookAgain"),
            )
        )
    if buttons:
        out.insert(0, h("div", {"class": "row changes"}, buttons))
    confirmation = CONFIRMATIONS.get(rc.asking) if rc.asking is not None and rc.asking in offers else None
    if confirmation is not None:
        text, action, label = confirmation
        out.append(confirm(t, rid, rc, t(text, order=order), action, t(label, order=order)))
    if Change.FLAG in offers and (rc.asking is Change.FLAG or rc.flag_opened):
        out.append(flag_form(t, s, rid, rc, order))  # once opened it stays, hidden, with what was typed
    if rc.waiting_label:
        out.append(h("p", {"class": "muted", "role": "status", "aria-busy": "true"}, t("labelWaiting")))
    if rc.message_key and rc.asking is not Change.FLAG:
        out.append(
            h(
                "p",
                {
                    "class": "ok" if rc.message_ok else "field-error",
                    "role": "status" if rc.message_ok else "alert",
                    "id": f"change-msg-{rid}",
                },
                t(rc.message_key, order=order),
            )
        )
    return h("div", {"class": "return-changes"}, out) if out else None


def button(action: str, rid: str, label: str, expanded: bool) -> VNode:
    return h(
        "button",
        {
            "type": "button",
            "data-action": action,
            "data-return": rid,
            "aria-expanded": str(expanded).lower(),
            "id": f"{action}-{rid}",
        },
        label,
    )


def confirm(t: Translate, rid: str, rc: ReturnChanges, text: str, action: str, label: str) -> VNode:
    sending = rc.sending is not None
    return h(
        "div",
        {"class": "confirm", "role": "group", "aria-label": label},
        h("p", {}, text),
        h(
            "div",
            {"class": "actions"},
            h(
                "button",
                {
                    "type": "button",
                    "class": "primary",
                    "data-action": action,
                    "data-return": rid,
                    "disabled": sending,
                    "id": f"{action}-{rid}",
                },
                t("sending") if sending else label,
            ),
            back(t, rid, action, sending),
        ),
    )


def back(t: Translate, rid: str, what: str, sending: bool) -> VNode:
    """Back, out of one confirmation (its id names which: one return may show two)."""
    attrs = {"type": "button", "class": "link", "data-action": "return-change-back", "data-return": rid}
    return h("button", {**attrs, "disabled": sending, "id": f"back-{what}-{rid}"}, t("back"))


def flag_form(t: Translate, s: PanelState, rid: str, rc: ReturnChanges, order: str) -> VNode:
    """The reason (required; counted so the note stays under Loop's 255 characters, its prefix included)."""
    sending, field_id, limit = rc.sending is not None, f"flag-reason-{rid}", max_reason_for(s)
    message = (
        rc.message_key
        and rc.asking is Change.FLAG
        and h(
            "p",
            {
                "class": "ok" if rc.message_ok else "field-error",
                "role": "status" if rc.message_ok else "alert",
                "id": f"change-msg-{rid}",
            },
            t(rc.message_key, order=order),
        )
    )
    return h(
        "form",
        {
            "class": "flag-form",
            "data-action": "return-flag-confirm",
            "data-return": rid,
            "aria-label": t("flagReturnFor", order=order),
            "hidden": rc.asking is not Change.FLAG,
            "id": f"flag-form-{rid}",
        },
        h("p", {}, t("flagConfirmText", order=order)),
        h("label", {"for": field_id}, t("flagReasonLabel")),
        h(
            "textarea",
            {
                "id": field_id,
                "name": "reason",
                "rows": "2",
                "maxlength": str(limit),
                "aria-required": "true",
                "aria-describedby": f"flag-count-{rid}",
                "aria-invalid": "true" if rc.message_key and not rc.message_ok else None,
            },
            rc.reason,
        ),
        h("small", {"class": "muted", "id": f"flag-count-{rid}"}, t("flagReasonLimit", count=str(limit))),
        h(
            "div",
            {"class": "actions"},
            h(
                "button",
                {"type": "submit", "class": "primary", "disabled": sending, "id": f"flag-send-{rid}"},
                t("sending") if sending else t("flagReturnFor", order=order),
            ),
            back(t, rid, "flag", sending),
        ),
        message,
    )


def label_share(t: Translate, s: PanelState, rid: str, rc: ReturnChanges) -> VNode:
    """The label link, as text the agent can read and select, and its two ways to the customer."""
    choices = [
        h(
            "button",
            {
                "type": "button",
                "class": "primary",
                "data-action": "copy-label",
                "data-return": rid,
                "id": f"copy-label-{rid}",
            },
            t("copied") if rc.label_copied else t("copyLabel"),
        )
    ]
    if s.has_reply_box:
        choices.append(
            h(
                "button",
                {"type": "button", "data-action": "insert-label", "data-return": rid, "id": f"insert-label-{rid}"},
                t("inserted") if rc.label_inserted else t("insertLabel"),
            )
        )
    return h(
        "div",
        {"class": "share label-share"},
        h("div", {"class": "actions"}, choices),
        h(
            "input",
            {
                "class": "link-field",
                "value": rc.label_link or "",
                "readonly": True,
                "aria-label": t("labelLinkLabel"),
                "id": f"label-link-{rid}",
            },
        ),
    )
