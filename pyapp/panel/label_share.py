"""Send label: the label a customer lost, shared like a deep link, bound to the ticket and customer it was for.

An open return whose label is made but not shipped offers it (``Return.label_link``: the newest unshipped
label's https link, else the return's status page, which shows the label); the agent copies it or inserts it
into the reply, and only while the page still shows the ticket and customer it was opened for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyapp.loop.models import Return, ReturnState
from pyapp.panel.state import ReturnChanges

if TYPE_CHECKING:
    from pyapp.panel.controller import Panel


def still_bound(p: Panel, rc: ReturnChanges) -> bool:
    """The page still shows the ticket and customer this was opened for; if not, nothing goes and it is said."""
    if rc.made_for is not None and rc.made_for == p.state.bound_to:
        return True
    rc.asking, rc.label_link, rc.label_copied, rc.label_inserted = None, None, False, False
    rc.message_key, rc.message_ok = "writeOtherCustomer", False
    p.changed()
    return False


def _return(p: Panel, return_id: str) -> tuple[Return | None, ReturnChanges]:
    return p.state.find_return(return_id), p.state.changes.setdefault(return_id, ReturnChanges())


def send_label(p: Panel, return_id: str, values: dict[str, str]) -> None:
    """Open (or close) Copy label link / Insert label for the label the return waits to ship with."""
    r, rc = _return(p, return_id)
    if r is None:
        return
    if rc.label_link is not None:
        rc.label_link, rc.label_copied, rc.label_inserted = None, False, False
    elif r.label_link and r.state is ReturnState.OPEN:
        rc.label_link, rc.made_for, rc.message_key = r.label_link, p.state.bound_to, None
    p.changed()


async def copy_label(p: Panel, return_id: str, values: dict[str, str]) -> None:
    r, rc = _return(p, return_id)
    if r is None or rc.label_link is None or not still_bound(p, rc):
        return
    rc.label_copied = await p.services.copy_text(rc.label_link)
    rc.message_key, rc.message_ok = (None, False) if rc.label_copied else ("copyFailed", False)
    p.changed()


async def insert_label(p: Panel, return_id: str, values: dict[str, str]) -> None:
    """Into the reply box of the ticket and customer it was opened for, and no other (the content script checks
    again in the same step)."""
    r, rc, ticket = *_return(p, return_id), p.state.ticket
    if r is None or rc.label_link is None or ticket is None or not still_bound(p, rc):
        return
    outcome = await p.services.insert_reply(rc.label_link, ticket.key, ticket.email)
    rc.label_inserted = outcome == "ok"
    rc.message_key = {"ok": None, "other-ticket": "insertOtherTicket", "other-customer": "insertOtherCustomer"}.get(
        outcome, "insertFailed"
    )
    rc.message_ok = False
    p.changed()
