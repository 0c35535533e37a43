"""Act on a return from the ticket: the label the customer lost, a cancel so they can start over, a flag with why.

- **Send label** on an open return whose label is made but not shipped: the link the customer needs (the newest
  unshipped label's, else the return's status page, which shows it), then **Copy label link** / **Insert
  label**, bound to the ticket and customer like a deep link.
- **Create label** on an open return without one (not a QR-code or drop-off return): one confirmation naming
  the order (it costs the shop a label), one ``POST``, then Loop is asked again (``label_share.wait_for_label``:
  bounded, stopping on a 429) until the label shows, and Send label is offered.
- **Cancel return** and **Flag for review** (with a reason, kept in a note on the return), only when the
  administrator turned them on (``allowReturnChanges``); each after one confirmation.

Every write is sent once, on the agent's own click, only while the panel is seen unobscured (``GUARDED``), only
for the ticket and customer its confirmation was opened for; a write that timed out reads the return again to
learn what happened before anything is said. The return as Loop has it afterwards replaces it on every tab.
"""

from __future__ import annotations

import asyncio

from pyapp.loop.client import LoopClient
from pyapp.loop.errors import AuthError, BadResponse, LoopError, NotFound, Refused, Timeout, Unavailable
from pyapp.loop.models import Return, ReturnState
from pyapp.loop.notes import MAX_NOTE
from pyapp.panel.action import Action
from pyapp.panel.context import PanelContext
from pyapp.panel.label_share import (
    copy_label,
    insert_label,
    look_again,
    replace_return,
    send_label,
    still_bound,
    wait_for_label,
)
from pyapp.panel.sentences import write_error_key
from pyapp.panel.state import Change, PanelState, ReturnChanges

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
# What the return reads once the change went through (a write without a clear answer is judged by it).
DONE_STATE = {Change.CANCEL: ReturnState.CANCELLED, Change.FLAG: ReturnState.REVIEW}


def flag_prefix_for(s: PanelState) -> str:
    return FLAG_NOTE.format(prefix=s.note_prefix or "Klaviyo: ", reason="")


def max_reason_for(s: PanelState) -> int:
    """How long the flag's reason may be so that the note (prefix included) stays under Loop's 255."""
    return MAX_NOTE - len(flag_prefix_for(s))


# ---- which return, and may it be changed -------------------------------------------------------------------


def _return(p: PanelContext, return_id: str) -> tuple[Return | None, ReturnChanges]:
    return p.state.find_return(return_id), p.state.changes.setdefault(return_id, ReturnChanges())


def offered_in(s: PanelState, r: Return) -> set[Change | str]:
    """What this return's card offers now (the views show exactly these; actions check them again)."""
    out: set[Change | str] = set()
    if r.state is not ReturnState.OPEN or not r.id:
        return out
    if r.label_link:
        out.add("send-label")
    elif not r.has_label and not r.drop_off and not s.labels_refused and r.id not in s.labels_pending:
        out.add(Change.CREATE_LABEL)
    if s.may_change_returns:
        out.update((Change.CANCEL, Change.FLAG))
    return out


def offered(p: PanelContext, r: Return) -> set[Change | str]:
    return offered_in(p.state, r)


# ---- asking: one confirmation (Flag: its reason) ----------------------------------------------------------------


def _ask(p: PanelContext, return_id: str, change: Change) -> None:
    r, rc = _return(p, return_id)
    if r is None or rc.sending is not None or change not in offered(p, r):
        return
    rc.asking = None if rc.asking is change else change  # a second click closes it again
    rc.flag_opened = rc.flag_opened or rc.asking is Change.FLAG
    rc.made_for, rc.message_key = p.state.bound_to, None
    p.changed()


def ask_cancel(p: PanelContext, return_id: str, values: dict[str, str]) -> None:
    _ask(p, return_id, Change.CANCEL)


def ask_flag(p: PanelContext, return_id: str, values: dict[str, str]) -> None:
    _ask(p, return_id, Change.FLAG)


def ask_label(p: PanelContext, return_id: str, values: dict[str, str]) -> None:
    _ask(p, return_id, Change.CREATE_LABEL)


def back(p: PanelContext, return_id: str, values: dict[str, str]) -> None:
    rc = p.state.changes.get(return_id)
    if rc is not None and rc.sending is None:
        rc.reason = values.get("reason", rc.reason)  # kept for the next time the form opens
        rc.asking = None
        p.changed()


# ---- sending ----------------------------------------------------------------------------------------------------


def _ready(p: PanelContext, return_id: str, change: Change) -> tuple[Return, ReturnChanges] | None:
    r, rc = _return(p, return_id)
    if r is None or p.client is None or rc.asking is not change or rc.sending is not None:
        return None
    if change not in offered(p, r) or not still_bound(p, rc):
        return None
    return r, rc


async def confirm_cancel(p: PanelContext, return_id: str, values: dict[str, str]) -> None:
    found = _ready(p, return_id, Change.CANCEL)
    if found is not None:
        await _send(p, *found, Change.CANCEL)


async def confirm_flag(p: PanelContext, return_id: str, values: dict[str, str]) -> None:
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


async def confirm_label(p: PanelContext, return_id: str, values: dict[str, str]) -> None:
    found = _ready(p, return_id, Change.CREATE_LABEL)
    if found is not None:
        await _send(p, *found, Change.CREATE_LABEL)


async def _send(p: PanelContext, r: Return, rc: ReturnChanges, change: Change, note: str | None = None) -> None:
    client, rid = p.client, r.id or ""
    assert client is not None
    if rid in client.writing:  # a change to this return is on its way (from another tab, or before a switch)
        rc.message_key, rc.message_ok = "changeInFlight", False
        p.changed()
        return
    client.writing.add(rid)
    rc.sending, rc.message_key = change, None
    p.changed()
    customer = rc.made_for[1] if rc.made_for else None
    try:
        err = await _write(client, r, change, customer)
        if change is Change.CREATE_LABEL and (err is None or _may_have_happened(err)):
            client.labels_pending.add(rid)  # never offered again for this key until the label shows
            rc.sending, rc.asking, rc.waiting_label = None, None, True
            rc.message_key, rc.message_ok = ("labelQueued", True) if err is None else ("labelMaybeQueued", False)
            p.changed()
            await wait_for_label(p, client, r, rc, customer)
            return
        if err is not None and _may_have_happened(err):
            # It may have happened: Loop is asked what the return reads now before anything is said (after a
            # moment: a request Loop is still working on when the client stops waiting lands a little later).
            await asyncio.sleep(READ_AFTER_TIMEOUT_S)
            now = await _read_again(client, r)
            if now is not None:
                replace_return(p, now)
            if now is None or now.state is not DONE_STATE[change]:
                _failed(p, client, rc, err)
                return
        elif err is not None:
            now = await _read_again(client, r)  # Loop's refusal: show the return as it really is (a label: offer it)
            if now is not None:
                replace_return(p, now)
            _failed(p, client, rc, err)
            return
        else:
            now = await _read_again(client, r)
            replace_return(p, now or r.model_copy(update={"state": DONE_STATE[change]}))
    finally:
        client.writing.discard(rid)
    rc.sending, rc.asking = None, None
    if note is not None:
        await _flag_note(p, client, r, rc, note)
    else:
        rc.message_key, rc.message_ok = "cancelDone", True
    p.changed()


async def _write(client: LoopClient, r: Return, change: Change, customer: str | None) -> LoopError | None:
    write = {
        Change.CANCEL: client.cancel_return,
        Change.FLAG: client.flag_return,
        Change.CREATE_LABEL: client.create_label,
    }[change]
    try:
        await write(r, customer)
    except LoopError as err:
        return err
    return None


def _may_have_happened(err: LoopError) -> bool:
    """No clear answer (a timeout, a gateway's 5xx, a dropped connection, a body that cannot be read): Loop may
    have made the change all the same."""
    return isinstance(err, (Unavailable, BadResponse))


async def _flag_note(p: PanelContext, client: LoopClient, r: Return, rc: ReturnChanges, note: str) -> None:
    """The reason, as a note on the return (Loop's flag takes none); said exactly when only the flag worked."""
    try:
        await client.add_note(r.id or "", note)
    except LoopError as err:
        rc.message_key = "flagNoteFailedTimeout" if isinstance(err, Timeout) else "flagNoteFailed"
        rc.message_ok = False
    else:
        rc.reason, rc.flag_opened = "", False
        rc.message_key, rc.message_ok = "flagDone", True
        p.state.notes.pop(r.id or "", None)  # the card's notes are read again when shown


async def _read_again(client: LoopClient, r: Return) -> Return | None:
    if not r.id:
        return None
    try:
        return await client.read_return(r.id)
    except LoopError:
        return None


def _failed(p: PanelContext, client: LoopClient, rc: ReturnChanges, err: LoopError) -> None:
    rc.sending, rc.message_ok = None, False
    if isinstance(err, AuthError):
        rc.asking = None
        if err.scope is not None and err.scope.value == "labels":
            client.labels_refused = True  # every tab on this key learns it (Panel.view)
            rc.message_key = "labelKeyRefused"
        else:
            client.changes_refused = True
            rc.message_key = "changeKeyRefused"
    elif isinstance(err, Refused):
        rc.asking = None
        rc.message_key = REFUSED_KEYS[err.reason]
    elif isinstance(err, NotFound):
        rc.asking, rc.message_key = None, "refusedGone"
    else:
        rc.message_key = write_error_key(err)  # the confirmation stays: the agent may send it again
    p.changed()


RETURN_CHANGE_ACTIONS = {
    "send-label": Action(send_label, owned=True, by_return=True),
    "copy-label": Action(copy_label, guarded=True, owned=True, by_return=True),
    "insert-label": Action(insert_label, guarded=True, owned=True, by_return=True),
    "create-label": Action(ask_label, owned=True, by_return=True),
    "create-label-confirm": Action(confirm_label, guarded=True, owned=True, by_return=True),
    "return-cancel": Action(ask_cancel, owned=True, by_return=True),
    "return-cancel-confirm": Action(confirm_cancel, guarded=True, owned=True, by_return=True),
    "return-flag": Action(ask_flag, owned=True, by_return=True),
    "return-flag-confirm": Action(confirm_flag, guarded=True, owned=True, by_return=True),
    "return-change-back": Action(back, owned=True, by_return=True),
    "label-look-again": Action(look_again, owned=True, by_return=True),
}
