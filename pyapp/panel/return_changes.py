"""Act on a return from the ticket: the label the customer lost, a cancel so they can start over, a flag with why.

- **Send label** on an open return whose label is made but not shipped: the link the customer needs (the newest
  unshipped label's, else the return's status page, which shows it), then **Copy label link** / **Insert
  label**, bound to the ticket and customer like a deep link.
- **Create label** on an open return without one (not a QR-code or drop-off return): one confirmation naming
  the order (it costs the shop a label), one ``POST``, then Loop is asked again (every ``LABEL_POLL_S``, for at
  most ``LABEL_WAIT_S``, stopping on a 429) until the label shows, and Send label is offered.
- **Cancel return** and **Flag for review** (with a reason, kept in a note on the return), only when the
  administrator turned them on (``allowReturnChanges``); each after one confirmation.

Every write is sent once, on the agent's own click, only while the panel is seen unobscured (``GUARDED``), only
for the ticket and customer its confirmation was opened for; a write that timed out reads the return again to
learn what happened before anything is said. The return as Loop has it afterwards replaces it on every tab.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from pyapp.loop.errors import AuthError, BadResponse, LoopError, NotFound, RateLimited, Refused, Timeout
from pyapp.loop.models import Return, ReturnState
from pyapp.loop.notes import MAX_NOTE
from pyapp.panel.label_share import copy_label, insert_label, send_label, still_bound
from pyapp.panel.state import Change, PanelState, ReturnChanges

if TYPE_CHECKING:
    from pyapp.panel.controller import Panel

LABEL_POLL_S = 2.0
LABEL_WAIT_S = 30.0
READ_AFTER_TIMEOUT_S = 1.0
FLAG_NOTE = "Flagged from {prefix}{reason}"  # "Flagged from Klaviyo ticket 101: <reason>", read in Loop's admin
REFUSED_KEYS = {
    "expired": "refusedExpired",
    "review": "refusedReview",
    "closed": "refusedClosed",
    "cancelled": "refusedCancelled",
    "label-exists": "labelExists",
    "no-label": "labelNotPossible",
    "label-failed": "labelFailed",
    "other": "refusedOther",
}
# What the return reads once the change went through (a timed-out write is judged by it).
DONE_STATE = {Change.CANCEL: ReturnState.CANCELLED, Change.FLAG: ReturnState.REVIEW}


def flag_prefix_for(s: PanelState) -> str:
    return FLAG_NOTE.format(prefix=s.note_prefix or "Klaviyo: ", reason="")


def max_reason_for(s: PanelState) -> int:
    """How long the flag's reason may be so that the note (prefix included) stays under Loop's 255."""
    return MAX_NOTE - len(flag_prefix_for(s))


# ---- which return, and may it be changed -------------------------------------------------------------------


def _return(p: Panel, return_id: str) -> tuple[Return | None, ReturnChanges]:
    return p.state.find_return(return_id), p.state.changes.setdefault(return_id, ReturnChanges())


def offered_in(s: PanelState, r: Return) -> set[Change | str]:
    """What this return's card offers now (the views show exactly these; actions check them again)."""
    out: set[Change | str] = set()
    if r.state is not ReturnState.OPEN or not r.id:
        return out
    if r.label_link:
        out.add("send-label")
    elif not r.has_label and not r.drop_off and not s.labels_refused:
        out.add(Change.CREATE_LABEL)
    if s.may_change_returns:
        out.update((Change.CANCEL, Change.FLAG))
    return out


def offered(p: Panel, r: Return) -> set[Change | str]:
    return offered_in(p.state, r)


# ---- asking: one confirmation (Flag: its reason) ----------------------------------------------------------------


def _ask(p: Panel, return_id: str, change: Change) -> None:
    r, rc = _return(p, return_id)
    if r is None or rc.sending is not None or change not in offered(p, r):
        return
    rc.asking = None if rc.asking is change else change  # a second click closes it again
    rc.flag_opened = rc.flag_opened or rc.asking is Change.FLAG
    rc.made_for, rc.message_key = p.state.bound_to, None
    p.changed()


def ask_cancel(p: Panel, return_id: str, values: dict[str, str]) -> None:
    _ask(p, return_id, Change.CANCEL)


def ask_flag(p: Panel, return_id: str, values: dict[str, str]) -> None:
    _ask(p, return_id, Change.FLAG)


def ask_label(p: Panel, return_id: str, values: dict[str, str]) -> None:
    _ask(p, return_id, Change.CREATE_LABEL)


def back(p: Panel, return_id: str, values: dict[str, str]) -> None:
    rc = p.state.changes.get(return_id)
    if rc is not None and rc.sending is None:
        rc.reason = values.get("reason", rc.reason)  # kept for the next time the form opens
        rc.asking = None
        p.changed()


# ---- sending ----------------------------------------------------------------------------------------------------


def _ready(p: Panel, return_id: str, change: Change) -> tuple[Return, ReturnChanges] | None:
    r, rc = _return(p, return_id)
    if r is None or p.client is None or rc.asking is not change or rc.sending is not None:
        return None
    if change not in offered(p, r) or not still_bound(p, rc):
        return None
    return r, rc


async def confirm_cancel(p: Panel, return_id: str, values: dict[str, str]) -> None:
    found = _ready(p, return_id, Change.CANCEL)
    if found is not None:
        await _send(p, *found, Change.CANCEL)


async def confirm_flag(p: Panel, return_id: str, values: dict[str, str]) -> None:
    found = _ready(p, return_id, Change.FLAG)
    if found is None:
        return
    r, rc = found
    rc.reason = values.get("reason", rc.reason)
    reason = " ".join(rc.reason.split())
    if not reason or len(reason) > max_reason_for(p.state):
        rc.message_key, rc.message_ok = ("flagReasonNeeded" if not reason else "flagReasonTooLong"), False
        p.changed()
        return
    await _send(p, r, rc, Change.FLAG, note=flag_prefix_for(p.state) + reason)


async def confirm_label(p: Panel, return_id: str, values: dict[str, str]) -> None:
    found = _ready(p, return_id, Change.CREATE_LABEL)
    if found is not None:
        await _send(p, *found, Change.CREATE_LABEL)


async def _send(p: Panel, r: Return, rc: ReturnChanges, change: Change, note: str | None = None) -> None:
    client, generation = p.client, p.generation
    assert client is not None
    rc.sending, rc.message_key = change, None
    p.changed()
    write = {
        Change.CANCEL: client.cancel_return,
        Change.FLAG: client.flag_return,
        Change.CREATE_LABEL: client.create_label,
    }[change]
    try:
        await write(r)
    except (Timeout, BadResponse) as err:
        # It may have happened: Loop is asked what the return reads now before anything is said (after a moment:
        # a request Loop is still working on when the client stops waiting lands a little later).
        await asyncio.sleep(READ_AFTER_TIMEOUT_S)
        now = await _read_again(p, r)
        if now is None or not _done(change, now):
            _failed(p, rc, err)
            return
        _replace(p, now)
    except LoopError as err:
        if isinstance(err, Refused) and err.reason == "label-exists":
            now = await _read_again(p, r)  # Loop had one: read it and offer it
            if now is not None:
                _replace(p, now)
        _failed(p, rc, err)
        return
    else:
        if change is Change.CREATE_LABEL:
            rc.sending, rc.asking, rc.waiting_label = None, None, True
            rc.message_key, rc.message_ok = "labelQueued", True
            p.changed()
            await _wait_for_label(p, r, rc, generation)
            return
        now = await _read_again(p, r)
        _replace(p, now or r.model_copy(update={"state": DONE_STATE[change]}))
    rc.sending, rc.asking = None, None
    rc.message_key = {Change.CANCEL: "cancelDone", Change.FLAG: "flagDone", Change.CREATE_LABEL: "labelMade"}[change]
    rc.message_ok = True
    p.changed()
    if note is not None:
        await _flag_note(p, r, rc, note)


async def _flag_note(p: Panel, r: Return, rc: ReturnChanges, note: str) -> None:
    """The reason, as a note on the return (Loop's flag takes none); said exactly when only the flag worked."""
    client = p.client
    if client is None:
        return
    try:
        await client.add_note(r.id or "", note)
    except LoopError as err:
        rc.message_key, rc.message_ok = (
            "flagNoteFailedTimeout" if isinstance(err, Timeout) else "flagNoteFailed",
            False,
        )
    else:
        rc.reason = ""
        p.state.notes.pop(r.id or "", None)  # the card's notes are read again when shown
    p.changed()


async def _wait_for_label(p: Panel, r: Return, rc: ReturnChanges, generation: int) -> None:
    """Loop queued the label: ask again, bounded, until it shows; then Send label is offered."""
    client, waited = p.client, 0.0
    while client is not None and waited < LABEL_WAIT_S and generation == p.generation:
        await asyncio.sleep(LABEL_POLL_S)
        waited += LABEL_POLL_S
        try:
            now = await client.read_return(r.id or "")
        except RateLimited:
            break
        except LoopError:
            continue
        if now.has_label:
            rc.waiting_label = False
            rc.message_key, rc.message_ok = ("labelMade" if now.label_link else "labelMadeShipped"), True
            _replace(p, now)
            return
    if generation == p.generation:
        rc.waiting_label = False
        rc.message_key, rc.message_ok = "labelStillQueued", False
        p.changed()


async def _read_again(p: Panel, r: Return) -> Return | None:
    client = p.client
    if client is None or not r.id:
        return None
    try:
        return await client.read_return(r.id)
    except LoopError:
        return None


def _done(change: Change, now: Return) -> bool:
    return now.has_label if change is Change.CREATE_LABEL else now.state is DONE_STATE[change]


def _failed(p: Panel, rc: ReturnChanges, err: LoopError) -> None:
    rc.sending, rc.message_ok = None, False
    if isinstance(err, AuthError):
        rc.asking = None
        if err.scope is not None and err.scope.value == "labels":
            p.state.labels_refused = True
            if p.client is not None:
                p.client.labels_refused = True  # every tab on this key learns it
            rc.message_key = "labelKeyRefused"
        else:
            p.state.changes_refused = True
            if p.client is not None:
                p.client.changes_refused = True
            rc.message_key = "changeKeyRefused"
    elif isinstance(err, Refused):
        rc.asking = None
        rc.message_key = REFUSED_KEYS[err.reason]
    elif isinstance(err, NotFound):
        rc.asking, rc.message_key = None, "refusedGone"
    else:
        rc.message_key = err.write_sentence_key  # the confirmation stays: the agent may send it again
    p.changed()


def _replace(p: Panel, now: Return) -> None:
    """The return as Loop has it now, on this tab and every other tab that shows it."""
    p.return_changed(now)
    p.services.return_changed(now)


RETURN_CHANGE_ACTIONS = {
    "send-label": send_label,
    "copy-label": copy_label,
    "insert-label": insert_label,
    "create-label": ask_label,
    "create-label-confirm": confirm_label,
    "return-cancel": ask_cancel,
    "return-cancel-confirm": confirm_cancel,
    "return-flag": ask_flag,
    "return-flag-confirm": confirm_flag,
    "return-change-back": back,
}
# Reach Loop, the clipboard or the reply box: acted on only unobscured.
GUARDED_CHANGES = frozenset(
    {"copy-label", "insert-label", "create-label-confirm", "return-cancel-confirm", "return-flag-confirm"}
)
