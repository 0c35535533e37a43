"""Loop's Draft Returns answers as models: a created draft with its context, and the rows of List Draft Returns.

Shapes (shared/loop-api.md, "Return Create API"): ``{"draft_return": {"id", "state", "return_policy":
{"return_window_days"}, …}, "context": {"items_eligible_to_return": [{"order_line_item_id"}],
"items_not_eligible_to_return": [{"order_line_item_id", "ineligibility_code"}]}, "errors": [...]}``; the list
is HAL (``_embedded.draft_returns``) or plain (``draft_returns`` / ``data``).

Tolerant like every Loop model, and more: the draft is only ever asked to learn eligibility and is cancelled
at once, so a part of the answer in an unexpected shape counts as absent (the check then says "not checked")
instead of failing the whole answer and leaving the draft behind uncancelled.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from pyapp.loop.fields import LoopModel

MAX_WINDOW_DAYS = 3650
MAX_LISTED = 100


def _object(value: Any) -> Any:
    """A part that should be an object and is not: as if it were absent."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> Any:
    return value if isinstance(value, list) else []


def _objects(value: Any) -> Any:
    """A list whose entries should be objects: one that is not stays counted, and says nothing."""
    return [v if isinstance(v, dict) else {} for v in value] if isinstance(value, list) else []


def _any_id(value: Any) -> Any:
    return None if value is None else str(value)  # path_id() vets it before it goes into a path


def _window(value: Any) -> Any:
    """A whole number of days from 1 to ``MAX_WINDOW_DAYS``, else not known (a bool is not a number here)."""
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_WINDOW_DAYS
    return value if ok else None


def _code(value: Any) -> Any:
    return str(value) if value else None


DraftId = Annotated[str | None, BeforeValidator(_any_id)]


class ReturnPolicy(LoopModel):
    return_window_days: Annotated[int | None, BeforeValidator(_window)] = None


class DraftReturn(LoopModel):
    id: DraftId = None
    return_policy: Annotated[ReturnPolicy, BeforeValidator(_object)] = ReturnPolicy()


class IneligibleItem(LoopModel):
    ineligibility_code: Annotated[str | None, BeforeValidator(_code)] = None


class DraftContext(LoopModel):
    items_eligible_to_return: Annotated[list[Any], BeforeValidator(_list)] = Field(default_factory=list)
    items_not_eligible_to_return: Annotated[list[IneligibleItem], BeforeValidator(_objects)] = Field(
        default_factory=list
    )


class DraftAnswer(LoopModel):
    """Loop's answer to creating a draft return (``POST /draft-returns``), in either shape: errors (HTTP 422, or
    inside a 200), or a draft whose context lists the items that can and cannot be returned."""

    draft_return: Annotated[DraftReturn, BeforeValidator(_object)] = DraftReturn()
    context: Annotated[DraftContext, BeforeValidator(_object)] = DraftContext()
    errors: Any = None  # Loop's several error shapes: read by ``http.error_codes``


class ListedDraft(LoopModel):
    """One row of List Draft Returns (a row with a state or order name that is not text is not one of ours)."""

    id: DraftId = None
    state: str | None = None
    order_name: str | None = None


def listed_rows(data: Any) -> list[Any]:
    """The rows of List Draft Returns: HAL (``_embedded.draft_returns``) or a plain ``draft_returns``/``data``."""
    if not isinstance(data, dict):
        return []
    embedded = _object(data.get("_embedded"))
    for rows in (embedded.get("draft_returns"), data.get("draft_returns"), data.get("data")):
        if isinstance(rows, list):
            return [r for r in rows[:MAX_LISTED] if isinstance(r, dict)]
    return []
