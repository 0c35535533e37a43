"""Loop's allowlist (Listings API, Orders scope): let one order be returned despite the shop's policy, and undo it.

An allowlisted order "overrides any other ineligibility", including orders outside the return window and
final-sale items (Loop's docs). Both calls are writes: sent once, never retried (a timed-out POST may have
created the entry), each failure one ``LoopError``. Only entries this panel made are undone; the shop's whole
allowlist is never paged through.
"""

from __future__ import annotations

from pyapp.loop.errors import BadResponse, NotFound, Scope, UnknownRoute
from pyapp.loop.fields import LoopId, LoopModel, Text
from pyapp.loop.http import LoopHttp, path_id, validate


class AllowlistEntry(LoopModel):
    id: LoopId = None
    type: Text = None
    value: Text = None


async def allow_order(http: LoopHttp, order_name: str) -> AllowlistEntry:
    """Allowlist the order under the name the ticket shows (``#1007``): the entry Loop made. Loop answered 2xx,
    so the order is allowlisted even when its answer holds no readable id; the entry's ``id`` is then None
    and the panel cannot offer Undo (it says to undo it in Loop's admin)."""
    body = {"type": "order", "value": order_name}
    data = await http.send("POST", f"{http.api}/allowlists", Scope.ORDERS, json_body=body)
    row = data.get("data", data) if isinstance(data, dict) else {}  # plain (Gladly's fixture) or wrapped
    try:
        return validate(AllowlistEntry, row if isinstance(row, dict) else {}, "/allowlists")
    except BadResponse:
        return AllowlistEntry()


async def remove_entry(http: LoopHttp, entry_id: str) -> None:
    """Delete the entry; one that is already gone (404) counts as removed."""
    try:
        await http.send("DELETE", f"{http.api}/allowlists/{path_id(entry_id, '/allowlists')}", Scope.ORDERS)
    except (NotFound, UnknownRoute):
        return
