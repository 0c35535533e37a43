"""Send label: the label a customer lost, shared like a deep link, bound to the ticket and customer it was for.

An open return whose label is made but not shipped offers it (``Return.label_link``: the newest unshipped
label's https link, else the return's status page, which shows the label); the agent copies it or inserts it
into the reply, and only while the page still shows the ticket and customer it was opened for. A label just
asked for (Create label) is waited for here, bounded, and Look again asks once more.
"""

from __future__ import annotations

import asyncio

from pyapp.loop.client import LoopClient
from pyapp.loop.errors import LoopError, RateLimited
from pyapp.loop.models import Return, ReturnState
from pyapp.panel.context import PanelContext
from pyapp.panel.sentences import error_key
from pyapp.panel.state import ReturnChanges, insert_sentence

LABEL_POLL_S = 2.0
LABEL_WAIT_S = 30.0


def still_bound(p: PanelContext, rc: ReturnChanges) -> bool:
    """The page still shows the ticket and customer this was opened for; if not, nothing goes and it is said."""
    if rc.made_for is not None and rc.made_for == p.state.bound_to:
        return True
    rc.asking, rc.label_link, rc.label_copied, rc.label_inserted = None, None, False, False
    rc.message_key, rc.message_ok = "writeOtherCustomer", False
    p.changed()
    return False


def _return(p: PanelContext, return_id: str) -> tuple[Return | None, ReturnChanges]:
    return p.state.find_return(return_id), p.state.changes.setdefault(return_id, ReturnChanges())


def send_label(p: PanelContext, return_id: str, values: dict[str, str]) -> None:
    """Open (or close) Copy label link / Insert label for the label the return waits to ship with."""
    r, rc = _return(p, return_id)
    if r is None:
        return
    if rc.label_link is not None:
        rc.label_link, rc.label_copied, rc.label_inserted = None, False, False
    elif r.label_link and r.state is ReturnState.OPEN:
        rc.label_link, rc.made_for, rc.message_key = r.label_link, p.state.bound_to, None
    p.changed()


def _still_the_label(p: PanelContext, r: Return | None, rc: ReturnChanges) -> bool:
    """The return still waits on this very label (not cancelled since, not another label made)."""
    if r is not None and r.state is ReturnState.OPEN and rc.label_link and r.label_link == rc.label_link:
        return True
    rc.label_link, rc.label_copied, rc.label_inserted = None, False, False
    p.changed()
    return False


async def copy_label(p: PanelContext, return_id: str, values: dict[str, str]) -> None:
    r, rc = _return(p, return_id)
    if r is None or not _still_the_label(p, r, rc) or not still_bound(p, rc):
        return
    rc.label_copied = await p.services.copy_text(rc.label_link or "")
    rc.message_key, rc.message_ok = (None, False) if rc.label_copied else ("copyFailed", False)
    p.changed()


async def insert_label(p: PanelContext, return_id: str, values: dict[str, str]) -> None:
    """Into the reply box of the ticket and customer it was opened for, and no other (the content script checks
    again in the same step)."""
    r, rc, ticket = *_return(p, return_id), p.state.ticket
    if r is None or ticket is None or not _still_the_label(p, r, rc) or not still_bound(p, rc):
        return
    outcome = await p.services.insert_reply(rc.label_link or "", ticket.key, ticket.email)
    rc.label_inserted = outcome == "ok"
    rc.message_key = insert_sentence(outcome)
    rc.message_ok = False
    p.changed()


async def wait_for_label(
    p: PanelContext, client: LoopClient, r: Return, rc: ReturnChanges, customer: str | None
) -> None:
    """Loop queued the label: ask again (one request each time, every ``LABEL_POLL_S``, for at most
    ``LABEL_WAIT_S``, stopping at a 429) until it shows; then Send label is offered."""
    rid, clock = r.id or "", asyncio.get_running_loop().time
    deadline = clock() + LABEL_WAIT_S

    def wanted() -> bool:  # the agent is still on this return's card, with this key
        return p.state.changes.get(rid) is rc and p.client is client

    try:
        while wanted() and clock() + LABEL_POLL_S < deadline:
            await asyncio.sleep(LABEL_POLL_S)
            try:
                now = await asyncio.wait_for(client.read_return(rid, retry=False), max(0.1, deadline - clock()))
            except (RateLimited, TimeoutError):
                break
            except LoopError:
                continue
            if now.has_label and wanted():
                client.labels_pending.discard(rid)
                client.forget_return(now, customer)
                rc.message_key, rc.message_ok = ("labelMade" if now.label_link else "labelMadeShipped"), True
                replace_return(p, now)
                return
        if wanted():
            rc.message_key, rc.message_ok = "labelStillQueued", False
    finally:
        rc.waiting_label = False
        p.changed()


async def look_again(p: PanelContext, return_id: str, values: dict[str, str]) -> None:
    """A label asked for and not seen yet: read the return once more."""
    r, rc = _return(p, return_id)
    client = p.client
    if r is None or client is None or rc.waiting_label or return_id not in client.labels_pending:
        return
    rc.waiting_label = True
    p.changed()
    try:
        now = await client.read_return(return_id, retry=False)
    except LoopError as err:
        rc.message_key, rc.message_ok = error_key(err), False
    else:
        if now.has_label:
            client.labels_pending.discard(return_id)
            rc.message_key, rc.message_ok = ("labelMade" if now.label_link else "labelMadeShipped"), True
            replace_return(p, now)
        else:
            rc.message_key, rc.message_ok = "labelStillQueued", False
    finally:
        rc.waiting_label = False
        p.changed()


def replace_return(p: PanelContext, now: Return) -> None:
    """The return as Loop has it now, on this tab and every other tab that shows it."""
    p.return_changed(now)
    p.services.return_changed(now)
