"""Changing a return in Loop, each on an agent's explicit click: a label made, the return cancelled or flagged.

Cancel and Flag (``POST /warehouse/return/{id}/cancel`` and ``/flag``, Returns scope) answer success as the JSON
string ``"true"`` and a refusal in several shapes, often with HTTP 200: ``{"errors": {"message", "code"}}``,
``{"message": ...}``, ``{"content": ...}`` (shared/loop-api.md §6). Every shape is read; the return's state
named in it becomes ``Refused.reason``.

Generate Label (``POST /returns/{id}/labels``) queues the label (202); it shows in Get Return Details' ``labels[]``
a few seconds later. 409 ``label_already_exists``, 422 ``return_cannot_receive_label`` /
``label_generation_failed``. Loop's docs do not say whether an API key may call it (Q6): a 401/403 is learned and
kept for this key, like the Draft Returns beta.

None of these is retried (a timed-out write may have happened: the caller reads the return again to learn what
did). After one, everything cached about the return, its order and its customer is dropped.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pyapp.loop.errors import AuthError, BadResponse, LoopError, NotFound, Refused, RejectedInput, Scope
from pyapp.loop.http import NOT_FOUND_CODES, NOT_FOUND_WORDS, LoopHttp, error_codes, path_id
from pyapp.loop.lookup import parse_return
from pyapp.loop.models import Return

# "Return is expired and cannot be cancelled.", "Return is flagged and therefore…", "already cancelled"
STATE_WORDS = re.compile(
    r"\b(?:is|was|already|been)\s+(?:already\s+)?(expired|flagged|in review|under review|"
    r"needs review|closed|cancell?ed)\b",
    re.I,
)
REASON_OF_WORD = {
    "expired": "expired",
    "flagged": "review",
    "in review": "review",
    "under review": "review",
    "needs review": "review",
    "closed": "closed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
}
LABEL_CODES = {
    "label_already_exists": "label-exists",
    "return_cannot_receive_label": "no-label",
    "label_generation_failed": "label-failed",
}


def _words(data: Any) -> str:
    """The sentence(s) of a Loop error body, whatever its shape (bounded)."""
    found: list[str] = []

    def walk(node: Any, depth: int = 0) -> None:
        if depth > 4 or len(found) > 10:
            return
        if isinstance(node, str):
            found.append(node[:300])
        elif isinstance(node, list):
            for item in node[:10]:
                walk(item, depth + 1)
        elif isinstance(node, dict):
            for k in ("message", "content", "errors", "error", "detail"):
                if k in node:
                    walk(node[k], depth + 1)

    walk(data)
    return " ".join(found)


def refusal(data: Any, path: str, scope: Scope, status: int | None = None) -> LoopError:
    """The one error an answer other than ``"true"`` means."""
    codes = error_codes(data)
    text = _words(data)
    if any(c in NOT_FOUND_CODES for c in codes) or NOT_FOUND_WORDS.search(text):
        return NotFound("return not found", status=status, path=path)
    if re.search(r"unauthori[sz]ed|forbidden|NOT_AUTHORIZED", text + " " + json.dumps(codes), re.I):
        return AuthError("key refused the change", scope=scope, status=status, path=path)
    for code in codes:
        if code.lower() in LABEL_CODES:
            return Refused(code, reason=LABEL_CODES[code.lower()], status=status, path=path)
    match = STATE_WORDS.search(text)
    if match:
        return Refused("state", reason=REASON_OF_WORD[match.group(1).lower()], status=status, path=path)
    if "UNPROCESSABLE_FLAGGED_RETURN" in codes:
        return Refused("flagged", reason="review", status=status, path=path)
    if text or codes:
        return Refused("refused", reason="other", status=status, path=path)
    return BadResponse('an answer that is neither "true" nor an error', status=status, path=path)


def _succeeded(data: Any) -> bool:
    return data is True or (isinstance(data, str) and data.strip().lower() == "true")


async def _state_change(http: LoopHttp, return_id: str, verb: str) -> None:
    path = f"{http.api}/warehouse/return/{path_id(return_id, '/warehouse/return')}/{verb}"
    short = f"/warehouse/return/{verb}"
    data = await http.send("POST", path, Scope.RETURNS, errors_in_body_ok=True)
    if not _succeeded(data):
        raise refusal(data, short, Scope.RETURNS)


async def cancel_return(http: LoopHttp, return_id: str) -> None:
    """Cancel the return: the customer can then start a new one with the same items."""
    await _state_change(http, return_id, "cancel")


async def flag_return(http: LoopHttp, return_id: str) -> None:
    """Send the return to review (Needs Review); Loop's flag takes no reason (a note carries it)."""
    await _state_change(http, return_id, "flag")


async def create_label(http: LoopHttp, return_id: str) -> None:
    """Queue a label for the return (202); it shows in the return's ``labels[]`` once Loop has made it."""
    path = f"{http.api}/returns/{path_id(return_id, '/returns/labels')}/labels"
    try:
        await http.send("POST", path, Scope.LABELS)  # any 4xx is a refusal, whatever its body says
    except RejectedInput as err:  # 400/409/422
        codes = [c.lower() for c in err.codes]
        reason = next((LABEL_CODES[c] for c in codes if c in LABEL_CODES), None)
        reason = reason or ("label-exists" if err.status == 409 else "other")  # 409 is documented for nothing else
        raise Refused("label refused", reason=reason, status=err.status, path="/returns/labels") from None


async def read_return(http: LoopHttp, return_id: str, retry: bool = True) -> Return:
    """The return as Loop has it now: Get Return Details by id, never from the cache. ``retry=False`` (a poll):
    one request, and a 429 or a failure is raised at once."""
    path = f"{http.api}/warehouse/return/details"
    params = {"return_id": path_id(return_id, "/warehouse/return/details")}
    data = await http.send("GET", path, Scope.RETURNS, params=params, idempotent=retry)
    ret = parse_return(data) if isinstance(data, dict) and data.get("id") not in (None, "") else None
    if ret is None:
        raise NotFound("no such return", path="/warehouse/return/details")
    return ret
