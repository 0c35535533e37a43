"""Whether an order can be returned, as Loop tells it: by creating a draft return, which is always cancelled.

Loop has no "is this order eligible" call; the Return Create (Draft Returns) API answers it by making a draft.
``DraftCheck`` asks, reads either answer shape (as ``pyapp.loop.drafts`` models), cancels the draft (twice if
needed) and learns once when the shop has no such API or the key lacks its scopes, so it is not asked again. A
POST that timed out may still have made a draft: ``clean_up()`` looks for it later and cancels it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pyapp.loop.drafts import DraftAnswer, ListedDraft, listed_rows
from pyapp.loop.errors import AuthError, BadResponse, LoopError, Scope, Timeout, UnknownRoute
from pyapp.loop.fields import LoopModel
from pyapp.loop.http import HAL_FORMS, LoopHttp, error_codes, path_id, validate


class Ineligibility(StrEnum):
    """Why Loop will not start a return for an order (the panel says each in words: ``pyapp.panel.sentences``)."""

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

    @classmethod
    def from_code(cls, code: str | None) -> Ineligibility | None:
        """A code Loop sends (draft errors, ``ineligibility_code``), or None when its meaning is not known.

        Loop documents the draft error codes (shared/loop-api.md); of ``ineligibility_code`` only ``final-sale``
        appears in its docs and in Gladly's app. The other spellings are the likely ones, read generously: an
        unknown code is not guessed at, the caller treats it as "not checked" and still makes the link.
        """
        text = (code or "").strip().lower().replace("_", "-").replace(" ", "-")
        return _CODES.get(text)


# What an allowlisted order overrides that this panel offers to waive (Loop's docs: "any other ineligibility";
# the rest, such as an unfulfilled order or one Loop cannot find, is not the policy's to waive).
ALLOWLIST_OVERRIDES = frozenset({Ineligibility.OUTSIDE_WINDOW, Ineligibility.FINAL_SALE})

_CODES = {
    "final-sale": Ineligibility.FINAL_SALE,
    "final-sale-item": Ineligibility.FINAL_SALE,
    "outside-return-window": Ineligibility.OUTSIDE_WINDOW,
    "return-window-expired": Ineligibility.OUTSIDE_WINDOW,
    "outside-window": Ineligibility.OUTSIDE_WINDOW,
    "past-return-window": Ineligibility.OUTSIDE_WINDOW,
    "return-window-closed": Ineligibility.OUTSIDE_WINDOW,
    "outside-of-return-window": Ineligibility.OUTSIDE_WINDOW,
    "not-fulfilled": Ineligibility.NOT_FULFILLED,
    "unfulfilled": Ineligibility.NOT_FULFILLED,
    "order-not-fulfilled": Ineligibility.NOT_FULFILLED,
    "not-yet-fulfilled": Ineligibility.NOT_FULFILLED,
    "order-not-found": Ineligibility.NOT_FOUND,
    "order-lookup-failed": Ineligibility.NOT_FOUND,
    "secondary-input-mismatch": Ineligibility.LOOKUP_MISMATCH,
    "already-returned": Ineligibility.ALREADY_RETURNED,
    "returned": Ineligibility.ALREADY_RETURNED,
    "item-already-returned": Ineligibility.ALREADY_RETURNED,
    "active-return": Ineligibility.ACTIVE_RETURN,
    "return-in-progress": Ineligibility.ACTIVE_RETURN,
    "pending-return": Ineligibility.ACTIVE_RETURN,
    "open-return": Ineligibility.ACTIVE_RETURN,
    "blocklisted": Ineligibility.BLOCKED,
    "blocked": Ineligibility.BLOCKED,
    "blocklist": Ineligibility.BLOCKED,
    "returns-unavailable-for-order": Ineligibility.UNAVAILABLE,
    "returns-unavailable-from-order-address": Ineligibility.ADDRESS,
}


class Unchecked(StrEnum):
    """Why eligibility could not be asked: the link is still made, and the panel says so in one quiet line."""

    DRAFTS_OFF = "drafts-off"  # the shop has no Draft Returns API (a beta, off by default)
    NO_SCOPE = "no-scope"  # the key lacks the Draft Returns scopes
    UNKNOWN_ANSWER = "unknown-answer"  # Loop answered with a code whose meaning is not known
    NO_ANSWER = "no-answer"  # Loop did not answer the check (down, slow, rate limited)


class Eligibility(LoopModel):
    """Whether Loop would let the customer start a return now; ``eligible`` is None when it was not checked."""

    eligible: bool | None
    reason: Ineligibility | None = None
    unchecked: Unchecked | None = None
    window_days: int | None = None  # the draft's ``return_policy.return_window_days``, when Loop says it


class DraftCheck:
    """The eligibility question, asked of one shop through its ``LoopHttp``."""

    def __init__(self, http: LoopHttp) -> None:
        self._http = http
        self._orphans: set[str] = set()  # orders whose draft POST timed out: a draft may exist
        # Learned from the answer to an agent's click (the Draft Returns API is a beta, off for most shops):
        # once it is known to be off or out of the key's scopes, eligibility is not asked again.
        self._unavailable: Unchecked | None = None
        self.stats = {"draft_cancel_retries": 0, "draft_cancel_failures": 0}

    async def ask(self, order_name: str, lookup_value: str) -> Eligibility:
        """Never raises for the check itself: when it cannot be made (no Draft Returns API, no scope, no answer,
        a code whose meaning is unknown) the result says so in ``unchecked`` and the caller still makes the link;
        Loop's portal applies the policy anyway."""
        if self._unavailable is not None:
            return Eligibility(eligible=None, unchecked=self._unavailable)
        path = f"{self._http.api}/draft-returns"
        body = {"order_name": order_name, "secondary_input": lookup_value, "is_gift": False}
        try:
            data = await self._http.send("POST", path, Scope.DRAFT_RETURNS, json_body=body, errors_in_body_ok=True)
        except AuthError:
            self._unavailable = Unchecked.NO_SCOPE
            return Eligibility(eligible=None, unchecked=Unchecked.NO_SCOPE)
        except UnknownRoute:
            self._unavailable = Unchecked.DRAFTS_OFF
            return Eligibility(eligible=None, unchecked=Unchecked.DRAFTS_OFF)
        except Timeout:
            self._orphans.add(order_name)  # Loop may have made the draft: clean_up() looks later
            return Eligibility(eligible=None, unchecked=Unchecked.NO_ANSWER)
        except LoopError:
            return Eligibility(eligible=None, unchecked=Unchecked.NO_ANSWER)
        try:
            answer = validate(DraftAnswer, data, path)  # every part optional and tolerant: any object will do
        except BadResponse:
            return Eligibility(eligible=None, unchecked=Unchecked.UNKNOWN_ANSWER)  # not an object at all
        try:
            verdict = eligibility_from_draft(answer)
        finally:
            if answer.draft_return.id is not None:
                await self._cancel(answer.draft_return.id)
        if verdict.unchecked is Unchecked.DRAFTS_OFF:
            self._unavailable = Unchecked.DRAFTS_OFF
        return verdict

    @property
    def has_orphans(self) -> bool:
        return bool(self._orphans)

    async def clean_up(self) -> None:
        """Cancel the drafts a timed-out POST may have left: the order's drafts still ``created`` (List Draft
        Returns, which wants the HAL-Forms Accept header up to 2026-07)."""
        path = f"{self._http.api}/draft-returns"
        for order_name in sorted(self._orphans):
            self._orphans.discard(order_name)
            try:
                data = await self._http.get(path, {"order_name": order_name}, Scope.DRAFT_RETURNS, accept=HAL_FORMS)
            except LoopError:
                continue
            for draft in listed_drafts(data, path):
                if draft.state == "created" and draft.order_name in (None, order_name) and draft.id is not None:
                    await self._cancel(draft.id)

    async def _cancel(self, draft_id: str) -> None:
        """Cancelling twice is harmless, so a failed cancel is tried once more; a draft left behind expires on
        Loop's side, and the agent's answer does not depend on it, but it is counted."""
        path = f"{self._http.api}/draft-returns/{path_id(draft_id, '/draft-returns')}/cancel"
        for attempt in (1, 2):
            try:
                await self._http.send("POST", path, Scope.DRAFT_RETURNS, json_body={}, errors_in_body_ok=True)
                return
            except LoopError:
                if attempt == 1:
                    self.stats["draft_cancel_retries"] += 1
        self.stats["draft_cancel_failures"] += 1


def eligibility_from_draft(answer: DraftAnswer) -> Eligibility:
    """Loop's answer to creating a draft return: its errors' codes, else what its items say."""
    codes = error_codes({"errors": answer.errors}) if answer.errors else ()
    for code in codes:
        if code == "draft-returns-not-enabled":
            return Eligibility(eligible=None, unchecked=Unchecked.DRAFTS_OFF)
        reason = Ineligibility.from_code(code)
        if reason is not None:
            return Eligibility(eligible=False, reason=reason)
    if codes:
        # validation-failed, unsupported-feature, error-retrieving-order, …: nothing said about the order.
        return Eligibility(eligible=None, unchecked=Unchecked.UNKNOWN_ANSWER)
    context = answer.context
    if context.items_eligible_to_return:
        return Eligibility(eligible=True, window_days=answer.draft_return.return_policy.return_window_days)
    if not context.items_not_eligible_to_return:
        return Eligibility(eligible=None, unchecked=Unchecked.UNKNOWN_ANSWER)
    for item in context.items_not_eligible_to_return:
        reason = Ineligibility.from_code(item.ineligibility_code)
        if reason is not None:
            return Eligibility(eligible=False, reason=reason)
    # Every item is ineligible for a reason this panel cannot name: make the link and say the portal decides.
    return Eligibility(eligible=None, unchecked=Unchecked.UNKNOWN_ANSWER)


def listed_drafts(data: Any, path: str) -> list[ListedDraft]:
    """The drafts List Draft Returns names; a row that is not one of ours in shape is left out."""
    drafts = []
    for row in listed_rows(data):
        try:
            drafts.append(validate(ListedDraft, row, path))
        except BadResponse:
            continue
    return drafts
