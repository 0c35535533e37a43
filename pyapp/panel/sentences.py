"""The one sentence (a message key) the panel says for each thing Loop's layer reports, in one place.

``pyapp.loop`` speaks in types: an error of its tree (``pyapp.loop.errors``), why an order cannot be returned
(``Ineligibility``), why that was not checked (``Unchecked``), a return's state and outcome, a label's carrier
status. It knows no words; the panel picks them here, and ``i18n`` turns the key into the agent's language.
"""

from __future__ import annotations

from pyapp.loop.eligibility import Ineligibility, Unchecked
from pyapp.loop.errors import (
    AuthError,
    BadResponse,
    LoopError,
    NotFound,
    Paused,
    RateLimited,
    Refused,
    RejectedInput,
    Scope,
    Timeout,
    TooLarge,
    Unavailable,
    UnknownRoute,
)
from pyapp.loop.models import Outcome, ReturnState, ScopeCheck
from pyapp.loop.tracking import Tracking

# By the error's class; a class not named here says what its nearest named ancestor says.
ERROR_KEYS: dict[type[LoopError], str] = {
    LoopError: "errUnexpected",
    AuthError: "errKeyRejected",
    NotFound: "errNotFound",
    Refused: "errRefused",
    RejectedInput: "errRejectedInput",
    RateLimited: "errRateLimited",
    Paused: "errPaused",
    Unavailable: "errUnavailable",
    Timeout: "errTimeout",
    BadResponse: "errBadResponse",
    TooLarge: "errBadResponse",
    UnknownRoute: "errUnknownRoute",
}
# A key Loop refused names the scope it lacks, when the endpoint says which (Loop's 401/403 cannot tell).
MISSING_SCOPE_KEYS = {
    Scope.RETURNS: "errKeyNoReturns",
    Scope.ORDERS: "errKeyNoOrders",
    Scope.DRAFT_RETURNS: "errKeyNoDrafts",
}

INELIGIBILITY_KEYS = {
    Ineligibility.ACTIVE_RETURN: "whyActiveReturn",
    Ineligibility.OUTSIDE_WINDOW: "whyOutsideWindow",
    Ineligibility.FINAL_SALE: "whyFinalSale",
    Ineligibility.NOT_FULFILLED: "whyNotFulfilled",
    Ineligibility.NOT_FOUND: "whyOrderNotFound",
    Ineligibility.LOOKUP_MISMATCH: "whyLookupMismatch",
    Ineligibility.ALREADY_RETURNED: "whyAlreadyReturned",
    Ineligibility.BLOCKED: "whyBlocked",
    Ineligibility.UNAVAILABLE: "whyUnavailable",
    Ineligibility.ADDRESS: "whyAddress",
}
UNCHECKED_KEYS = {
    Unchecked.DRAFTS_OFF: "uncheckedDraftsOff",
    Unchecked.NO_SCOPE: "uncheckedNoScope",
    Unchecked.UNKNOWN_ANSWER: "uncheckedUnknown",
    Unchecked.NO_ANSWER: "uncheckedNoAnswer",
}
STATE_KEYS = {
    ReturnState.OPEN: "stateOpen",
    ReturnState.REVIEW: "stateReview",
    ReturnState.CLOSED: "stateClosed",
    ReturnState.CANCELLED: "stateCancelled",
    ReturnState.EXPIRED: "stateExpired",
}
OUTCOME_KEYS = {
    Outcome.REFUND: "outcomeRefund",
    Outcome.EXCHANGE: "outcomeExchange",
    Outcome.STORE_CREDIT: "outcomeCredit",
    Outcome.EXCHANGE_REFUND: "outcomeExchangeRefund",
    Outcome.EXCHANGE_CREDIT: "outcomeExchangeCredit",
    Outcome.UPSELL: "outcomeUpsell",
}
# The carrier's status of a label, as EasyPost spells it (Loop passes it on).
LABEL_STATUS_KEYS = {
    "new": "labelNew",
    "pre_transit": "labelPreTransit",
    "in_transit": "labelInTransit",
    "out_for_delivery": "labelOutForDelivery",
    "delivered": "labelDelivered",
    "error": "labelError",
    "failure": "labelFailure",
    "return_to_sender": "labelReturnToSender",
    "available_for_pickup": "labelPickup",
}


def error_key(err: LoopError) -> str:
    """The one sentence an agent reads for this error (a refused key names the missing scope, when known)."""
    if isinstance(err, AuthError) and err.scope is not None:
        return MISSING_SCOPE_KEYS.get(err.scope, "errKeyRejected")
    return next(ERROR_KEYS[c] for c in type(err).__mro__ if c in ERROR_KEYS)


def write_error_key(err: LoopError) -> str:
    """The sentence when the request was a write (a note, an allowlist entry, a change): a timed-out one may have
    happened, which the agent must hear before trying again."""
    return "writeTimeout" if isinstance(err, Timeout) else error_key(err)


def ineligibility_key(reason: Ineligibility) -> str:
    return INELIGIBILITY_KEYS.get(reason, "whyOther")


def unchecked_key(why: Unchecked) -> str:
    return UNCHECKED_KEYS[why]


def state_key(state: ReturnState) -> str:
    return STATE_KEYS.get(state, "stateUnknown")


def outcome_key(outcome: Outcome) -> str:
    return OUTCOME_KEYS[outcome]


def label_status_key(tracking: Tracking) -> str | None:
    """The label's carrier status in words, when Loop gives one (an unknown one is "other")."""
    if not tracking.status:
        return None
    return LABEL_STATUS_KEYS.get(tracking.status.strip().lower(), "labelOther")


def scope_check_answer(check: ScopeCheck) -> dict:
    """The options page's Test connection answer: which scopes work, and why the check failed, in words."""
    return {**check.model_dump(mode="json"), "problem": error_key(check.problem) if check.problem else None}
