"""What the panel knows of Loop, as pydantic models: tolerant of Loop, strict about what we produce.

Loop's quirks handled here (see shared/loop-api.md): fields added without notice (ignored); ids as numbers in
one endpoint and strings in another (always ``str``: Shopify ids exceed JavaScript's safe integers); two
timestamp formats (``2023-08-22 14:08:31`` and ISO-8601 with ``Z`` or an offset); ``"N/A"`` placeholders for
carrier, tracking number and label status (absent); return reasons wrapped in literal quotes; money as decimal
strings; unknown states kept as ``unknown`` rather than failing the whole answer.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

PLACEHOLDERS = {"", "n/a", "na", "none", "null", "-"}


def _absent_if_placeholder(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in PLACEHOLDERS:
        return None
    return value


def _to_str_id(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, (int, str)):
        text = str(value).strip()
        return text or None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def _to_datetime(value: Any) -> Any:
    value = _absent_if_placeholder(value)
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", text):
            # Get Return Details' format: no zone. Loop's other endpoints speak UTC, so read it as UTC.
            return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return None


# Money as Loop sends it: a plain decimal string ("164.58") or a number. No exponents, no NaN or Infinity, no
# underscores: "1e10000000" is a valid Decimal whose text is ten megabytes long.
PLAIN_DECIMAL = re.compile(r"-?\d{1,12}(?:\.\d{1,6})?")


def _to_decimal(value: Any) -> Any:
    value = _absent_if_placeholder(value)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    elif isinstance(value, float):
        value = f"{value:.6f}" if abs(value) < 1e12 else ""
    if not isinstance(value, str) or not PLAIN_DECIMAL.fullmatch(value.strip()):
        return None
    try:
        return Decimal(value.strip())
    except (InvalidOperation, ValueError):
        return None


def _unquote_reason(value: Any) -> Any:
    value = _absent_if_placeholder(value)
    if isinstance(value, str):
        text = value.strip()
        while len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
            text = text[1:-1].strip()
        return text or None
    return value


def https_url_or_none(value: Any) -> str | None:
    """Only absolute https URLs with a host become links; anything else (javascript:, data:, http:) is dropped."""
    value = _absent_if_placeholder(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) > 2048 or any(c in text for c in "\x00\r\n\t <>\"'`\\"):
        return None
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
        return None
    return text


LoopId = Annotated[str | None, BeforeValidator(_to_str_id)]
Text = Annotated[str | None, BeforeValidator(_absent_if_placeholder)]
Money = Annotated[Decimal | None, BeforeValidator(_to_decimal)]
Timestamp = Annotated[datetime | None, BeforeValidator(_to_datetime)]
HttpsUrl = Annotated[str | None, BeforeValidator(https_url_or_none)]


class LoopModel(BaseModel):
    """Loop adds fields without notice: ignore what we do not use."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class ReturnState(StrEnum):
    OPEN = "open"
    REVIEW = "review"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: Any) -> "ReturnState":
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

    @property
    def message_key(self) -> str:
        return {"open": "stateOpen", "review": "stateReview", "closed": "stateClosed",
                "cancelled": "stateCancelled", "expired": "stateExpired"}.get(self.value, "stateUnknown")


class Outcome(StrEnum):
    REFUND = "refund"
    EXCHANGE = "exchange"
    STORE_CREDIT = "credit"
    EXCHANGE_REFUND = "exchange+refund"
    EXCHANGE_CREDIT = "exchange+credit"
    UPSELL = "upsell"

    @property
    def message_key(self) -> str:
        return {"refund": "outcomeRefund", "exchange": "outcomeExchange", "credit": "outcomeCredit",
                "exchange+refund": "outcomeExchangeRefund", "exchange+credit": "outcomeExchangeCredit",
                "upsell": "outcomeUpsell"}[self.value]


LABEL_STATUS_KEYS = {
    "new": "labelNew", "pre_transit": "labelPreTransit", "in_transit": "labelInTransit",
    "out_for_delivery": "labelOutForDelivery", "delivered": "labelDelivered", "error": "labelError",
    "failure": "labelFailure", "return_to_sender": "labelReturnToSender", "available_for_pickup": "labelPickup",
}


class LineItem(LoopModel):
    id: LoopId = Field(default=None, validation_alias="line_item_id")
    title: Text = None
    line_item_title: Text = None
    variant_title: Text = None
    sku: Text = None
    price: Money = None
    return_reason: Annotated[str | None, BeforeValidator(_unquote_reason)] = None
    parent_return_reason: Annotated[str | None, BeforeValidator(_unquote_reason)] = None
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
    outcome_raw: Text = Field(default=None, validation_alias="outcome")
    line_items: list[LineItem] = []
    carrier: Text = None
    tracking_number: Text = None
    label_status: Text = None
    label_updated_at: Timestamp = None
    status_page_url: HttpsUrl = None
    labels: list[Label] = []

    @field_validator("state", mode="before")
    @classmethod
    def _state(cls, value: Any) -> ReturnState:
        return ReturnState.parse(value)

    @field_validator("line_items", "labels", mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        if not isinstance(value, (list, tuple)):
            return []  # null, a string, a number: Loop's shapes vary; no items is the safe reading
        return [v for v in value if isinstance(v, dict)]

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
    def tracking(self) -> "Tracking | None":
        """Top-level label summary first, else the newest label that has something to show."""
        carrier, number, status = self.carrier, self.tracking_number, self.label_status
        if not (carrier or number or status):
            for label in sorted(self.labels, key=lambda l: l.updated_at or _EPOCH, reverse=True):
                if label.carrier or label.tracking_number or label.status:
                    carrier, number, status = label.carrier, label.tracking_number, label.status
                    break
        if not (carrier or number or status or self.status_page_url):
            return None
        return Tracking(carrier=carrier, number=number, status=status, status_page_url=self.status_page_url)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

# Carrier tracking pages. The number is validated and URL-encoded before it is put in; unknown carriers link to
# Loop's return status page instead.
CARRIER_TRACKING = {
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}",
    "ups": "https://www.ups.com/track?tracknum={n}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={n}",
    "dhl": "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={n}",
    "dhl express": "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={n}",
    "dhl ecommerce": "https://www.dhl.com/us-en/home/tracking/tracking-ecommerce.html?tracking-id={n}",
    "canada post": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={n}",
    "canadapost": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={n}",
    "royal mail": "https://www.royalmail.com/track-your-item#/tracking-results/{n}",
    "postnl": "https://jouw.postnl.nl/track-and-trace/{n}",
    "australia post": "https://auspost.com.au/mypost/track/details/{n}",
}
TRACKING_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{3,39}")


class Tracking(LoopModel):
    carrier: str | None = None
    number: str | None = None
    status: str | None = None
    status_page_url: str | None = None

    @property
    def url(self) -> str | None:
        if self.number and TRACKING_NUMBER.fullmatch(self.number):
            template = CARRIER_TRACKING.get((self.carrier or "").strip().lower())
            if template:
                return template.format(n=quote(self.number.replace(" ", ""), safe=""))
        return self.status_page_url

    @property
    def status_message_key(self) -> str | None:
        if not self.status:
            return None
        return LABEL_STATUS_KEYS.get(self.status.strip().lower(), "labelOther")


class DeepLink(LoopModel):
    url: HttpsUrl = None


class Ineligibility(StrEnum):
    """Why Loop will not start a return for an order, in the words the panel uses."""

    ACTIVE_RETURN = "active-return"
    OUTSIDE_WINDOW = "outside-window"
    FINAL_SALE = "final-sale"
    NOT_FULFILLED = "not-fulfilled"
    NOT_FOUND = "order-not-found"
    LOOKUP_MISMATCH = "lookup-mismatch"
    ALREADY_RETURNED = "already-returned"
    BLOCKED = "blocked"
    UNAVAILABLE = "unavailable"
    ADDRESS = "address"
    OTHER = "other"

    @property
    def message_key(self) -> str:
        return {"active-return": "whyActiveReturn", "outside-window": "whyOutsideWindow",
                "final-sale": "whyFinalSale", "not-fulfilled": "whyNotFulfilled",
                "order-not-found": "whyOrderNotFound", "lookup-mismatch": "whyLookupMismatch",
                "already-returned": "whyAlreadyReturned", "blocked": "whyBlocked",
                "unavailable": "whyUnavailable", "address": "whyAddress"}.get(self.value, "whyOther")

    @classmethod
    def from_code(cls, code: str | None) -> "Ineligibility | None":
        """A code Loop sends (draft errors, ``ineligibility_code``), or None when its meaning is not known.

        Loop documents the draft error codes (shared/loop-api.md); of ``ineligibility_code`` only ``final-sale``
        appears in its docs and in Gladly's app. The other spellings are the likely ones, read generously: an
        unknown code is not guessed at, the caller treats it as "not checked" and still makes the link.
        """
        text = (code or "").strip().lower().replace("_", "-").replace(" ", "-")
        return _CODES.get(text)


_CODES = {
    "final-sale": Ineligibility.FINAL_SALE, "final-sale-item": Ineligibility.FINAL_SALE,
    "outside-return-window": Ineligibility.OUTSIDE_WINDOW, "return-window-expired": Ineligibility.OUTSIDE_WINDOW,
    "outside-window": Ineligibility.OUTSIDE_WINDOW, "past-return-window": Ineligibility.OUTSIDE_WINDOW,
    "return-window-closed": Ineligibility.OUTSIDE_WINDOW, "outside-of-return-window": Ineligibility.OUTSIDE_WINDOW,
    "not-fulfilled": Ineligibility.NOT_FULFILLED, "unfulfilled": Ineligibility.NOT_FULFILLED,
    "order-not-fulfilled": Ineligibility.NOT_FULFILLED, "not-yet-fulfilled": Ineligibility.NOT_FULFILLED,
    "order-not-found": Ineligibility.NOT_FOUND, "order-lookup-failed": Ineligibility.NOT_FOUND,
    "secondary-input-mismatch": Ineligibility.LOOKUP_MISMATCH,
    "already-returned": Ineligibility.ALREADY_RETURNED, "returned": Ineligibility.ALREADY_RETURNED,
    "item-already-returned": Ineligibility.ALREADY_RETURNED,
    "active-return": Ineligibility.ACTIVE_RETURN, "return-in-progress": Ineligibility.ACTIVE_RETURN,
    "pending-return": Ineligibility.ACTIVE_RETURN, "open-return": Ineligibility.ACTIVE_RETURN,
    "blocklisted": Ineligibility.BLOCKED, "blocked": Ineligibility.BLOCKED, "blocklist": Ineligibility.BLOCKED,
    "returns-unavailable-for-order": Ineligibility.UNAVAILABLE,
    "returns-unavailable-from-order-address": Ineligibility.ADDRESS,
}


class Unchecked(StrEnum):
    """Why eligibility could not be asked: the link is still made, and the panel says so in one quiet line."""

    DRAFTS_OFF = "drafts-off"  # the shop has no Draft Returns API (a beta, off by default)
    NO_SCOPE = "no-scope"  # the key lacks the Draft Returns scopes
    UNKNOWN_ANSWER = "unknown-answer"  # Loop answered with a code whose meaning is not known
    NO_ANSWER = "no-answer"  # Loop did not answer the check (down, slow, rate limited)

    @property
    def message_key(self) -> str:
        return {"drafts-off": "uncheckedDraftsOff", "no-scope": "uncheckedNoScope",
                "unknown-answer": "uncheckedUnknown", "no-answer": "uncheckedNoAnswer"}[self.value]


class Eligibility(LoopModel):
    """Whether Loop would let the customer start a return now; ``eligible`` is None when it was not checked."""

    eligible: bool | None
    reason: Ineligibility | None = None
    unchecked: Unchecked | None = None
    eligible_items: int = 0
    ineligible_items: int = 0


class ScopeCheck(LoopModel):
    returns: bool | None
    orders: bool | None
    draft_returns: bool | None
    problem: str | None = None  # message key when the check itself failed (unreachable, rate limited…)

    @property
    def key_works(self) -> bool:
        return bool(self.returns or self.orders or self.draft_returns)
