"""What the panel knows of a return, as pydantic models: tolerant of Loop, strict about what we produce.

Fields Loop adds without notice are ignored; unknown states are kept as ``unknown`` rather than failing the
whole answer. How each value is read (ids, timestamps, money, links) is ``pyapp.loop.fields``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field, computed_field, field_validator

from pyapp.loop.errors import LoopError
from pyapp.loop.fields import EPOCH, HttpsUrl, LoopId, LoopModel, Money, Text, Timestamp, unquote_reason
from pyapp.loop.tracking import UNSHIPPED, Tracking


class ReturnState(StrEnum):
    OPEN = "open"
    REVIEW = "review"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: Any) -> ReturnState:
        text = str(value or "").strip().lower().replace("_", " ")
        if text in ("needs review", "needs_review", "flagged"):
            return cls.REVIEW
        try:
            return cls(text)
        except ValueError:
            return cls.UNKNOWN

    @property
    def is_active(self) -> bool:
        """An open or needs-review return blocks starting another one."""
        return self in (ReturnState.OPEN, ReturnState.REVIEW)


class Outcome(StrEnum):
    REFUND = "refund"
    EXCHANGE = "exchange"
    STORE_CREDIT = "credit"
    EXCHANGE_REFUND = "exchange+refund"
    EXCHANGE_CREDIT = "exchange+credit"
    UPSELL = "upsell"


class LineItem(LoopModel):
    id: LoopId = Field(default=None, validation_alias="line_item_id")
    title: Text = None
    line_item_title: Text = None
    variant_title: Text = None
    sku: Text = None
    price: Money = None
    return_reason: Annotated[str | None, BeforeValidator(unquote_reason)] = None
    parent_return_reason: Annotated[str | None, BeforeValidator(unquote_reason)] = None
    outcome: Text = None

    @property
    def display_title(self) -> str:
        return self.title or self.line_item_title or self.sku or "—"

    @property
    def reason(self) -> str | None:
        if self.parent_return_reason and self.return_reason and self.parent_return_reason != self.return_reason:
            return f"{self.parent_return_reason}: {self.return_reason}"
        return self.return_reason or self.parent_return_reason


class Label(LoopModel):
    status: Text = None
    carrier: Text = None
    tracking_number: Text = None
    url: HttpsUrl = None
    updated_at: Timestamp = None


class Exchange(LoopModel):
    """What goes out to the customer: Loop's ``exchanges[]`` item, product and variant in one ``title``."""

    title: Text = None
    variant_title: Text = None
    exchange_order_name: Text = None
    out_of_stock: bool | None = None

    @property
    def display_title(self) -> str | None:
        return " / ".join(x for x in (self.title, self.variant_title) if x) or None


class Refund(LoopModel):
    """A refund Loop made (``refunds[]`` in Get Return Details), with the gateway it went through."""

    amount: Money = None
    currency: Text = None
    gateway: Text = None


class Return(LoopModel):
    id: LoopId = None
    state: ReturnState = ReturnState.UNKNOWN
    order_name: Text = None
    order_id: LoopId = None  # Loop's order id
    provider_order_id: LoopId = None  # Shopify's order id
    customer: Text = None
    created_at: Timestamp = None
    updated_at: Timestamp = None
    currency: Text = None
    total: Money = None
    return_total: Money = None
    exchange_total: Money = None
    refund: Money = None
    gift_card: Money = None
    handling_fee: Money = None
    exchanges: list[Exchange] = Field(default_factory=list)
    refunds: list[Refund] | None = None  # None: Loop did not say (the v2 list has no refunds[]); []: none made
    outcome_raw: Text = Field(default=None, validation_alias="outcome")
    line_items: list[LineItem] = Field(default_factory=list)
    carrier: Text = None
    tracking_number: Text = None
    label_status: Text = None
    label_updated_at: Timestamp = None
    status_page_url: HttpsUrl = None
    labels: list[Label] = Field(default_factory=list)
    label_url: HttpsUrl = None  # the label PDF (the newest label's, in the list's summary fields)
    return_method: Any = None  # how the items go back: a carrier label, or a QR code / drop-off (Happy Returns)

    @field_validator("state", mode="before")
    @classmethod
    def _state(cls, value: Any) -> ReturnState:
        return ReturnState.parse(value)

    @field_validator("line_items", "labels", "exchanges", mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        if not isinstance(value, (list, tuple)):
            return []  # null, a string, a number: Loop's shapes vary; no items is the safe reading
        return [v for v in value if isinstance(v, dict)][:50]

    @field_validator("refunds", mode="before")
    @classmethod
    def _refunds(cls, value: Any) -> Any:
        if not isinstance(value, (list, tuple)):
            return None  # absent or odd: Loop said nothing about refunds made
        return [v for v in value if isinstance(v, dict)][:20]

    @property
    def outcome(self) -> Outcome | None:
        raw = (self.outcome_raw or "").strip().lower()
        if raw:
            try:
                return Outcome(raw)
            except ValueError:
                pass
        exchange = (self.exchange_total or 0) > 0
        credit = (self.gift_card or 0) > 0
        refund = (self.refund or 0) > 0
        if exchange and credit:
            return Outcome.EXCHANGE_CREDIT
        if exchange and refund:
            return Outcome.EXCHANGE_REFUND
        if exchange:
            return Outcome.EXCHANGE
        if credit:
            return Outcome.STORE_CREDIT
        if refund:
            return Outcome.REFUND
        return None

    @property
    def amount(self) -> Decimal | None:
        return self.return_total if self.return_total is not None else self.total

    @property
    def has_label(self) -> bool:
        """Loop made a label for this return (shipped or not)."""
        status = (self.label_status or "").strip().lower()
        return bool(self.labels or self.label_url or self.tracking_number or status)

    @property
    def label_unshipped(self) -> bool:
        """A label exists and the carrier has not scanned it yet (EasyPost's ``new`` / ``pre_transit``)."""
        newest = self._newest_label()
        status = newest.status if newest is not None else self.label_status
        return (status or "").strip().lower() in UNSHIPPED

    def _newest_label(self) -> Label | None:
        return max(self.labels, key=lambda label: label.updated_at or EPOCH) if self.labels else None

    @property
    def label_link(self) -> str | None:
        """What the customer needs to print the unshipped label: the newest label's https ``url``, else
        ``label_url``, else the return status page (which shows the label); None when no label waits."""
        if not self.label_unshipped:
            return None
        newest = self._newest_label()
        return (newest.url if newest is not None else None) or self.label_url or self.status_page_url

    @property
    def drop_off(self) -> bool:
        """The return goes back by QR code or at a drop-off point (Happy Returns and the like): no label."""
        method = self.return_method
        if isinstance(method, dict) and (method.get("rma_code") or method.get("scannable_id")):
            return True  # an RMA or a scannable code: Happy Returns and the like, scanned at a drop-off point
        if isinstance(method, dict):
            method = " ".join(
                str(v)
                for k, v in method.items()
                if k in ("type", "name", "method", "code") and isinstance(v, (str, int))
            )
        text = str(method or "").lower()
        return bool(
            re.search(r"\bqr\b|qr[ _-]?code|drop[ _-]?off|happy[ _-]?returns|in[ _-]?store|return[ _-]?bar", text)
        )

    @property
    def tracking(self) -> Tracking | None:
        """Top-level label summary first, else the newest label that has something to show."""
        carrier, number, status = self.carrier, self.tracking_number, self.label_status
        updated = self.label_updated_at
        if not (carrier or number or status):
            for label in sorted(self.labels, key=lambda label: label.updated_at or EPOCH, reverse=True):
                if label.carrier or label.tracking_number or label.status:
                    carrier, number, status = label.carrier, label.tracking_number, label.status
                    updated = label.updated_at
                    break
        if not (carrier or number or status or self.status_page_url):
            return None
        return Tracking(
            carrier=carrier,
            number=number,
            status=status,
            status_page_url=self.status_page_url,
            updated_at=updated if status else None,
        )


class DeepLink(LoopModel):
    url: HttpsUrl = None


class ScopeCheck(LoopModel):
    """Which scopes a key has; the options page reads ``model_dump`` with ``problem`` in words
    (``pyapp.panel.sentences.scope_check_answer``)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    returns: bool | None
    orders: bool | None
    draft_returns: bool | None
    problem: LoopError | None = Field(default=None, exclude=True)  # the check itself failed (unreachable, …)

    @computed_field
    @property
    def works(self) -> bool:
        return bool(self.returns or self.orders or self.draft_returns)
