"""What the customer gets back, in words: what goes out in exchange, refunds, store credit and fees.

Only what Loop says: a refund is "refunded" only when Loop lists it in ``refunds[]`` (with its gateway), "not
refunded yet" only when Loop lists none, and otherwise just its amount; nothing is added up or inferred.
"""

from __future__ import annotations

from decimal import Decimal

from pyapp.loop.models import Return
from pyapp.panel.i18n import Translate
from pyapp.panel.vdom import VNode, h


def _money(amount: Decimal, currency: str | None) -> str:
    return f"{amount:.2f} {currency or ''}".strip()


def what_they_get(t: Translate, r: Return) -> VNode | None:
    lines: list[str] = []
    for item in r.exchanges:
        name = item.display_title
        if name:
            lines.append(t("exchangeOut", item=t("outOfStock", item=name) if item.out_of_stock else name))
    if r.refunds:
        for refund in r.refunds:
            if refund.amount is not None:
                words = "refundedVia" if refund.gateway else "refunded"
                lines.append(
                    t(words, amount=_money(refund.amount, refund.currency or r.currency), gateway=refund.gateway or "")
                )
    elif r.refund:
        lines.append(t("refundNotYet" if r.refunds == [] else "refundAmount", amount=_money(r.refund, r.currency)))
    if r.gift_card:
        lines.append(t("storeCredit", amount=_money(r.gift_card, r.currency)))
    if r.handling_fee:
        lines.append(t("handlingFee", amount=_money(r.handling_fee, r.currency)))
    if not lines:
        return None
    return h("ul", {"class": "money", "aria-label": t("whatTheyGet")}, [h("li", {}, line) for line in lines])
