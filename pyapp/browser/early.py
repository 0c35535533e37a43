"""The panel's early start: the ticket's customer lookup leaves before pydantic and the panel are imported.

``extension/panel/main.py`` awaits ``prefetch()`` first, then imports the panel (about 200 ms of imports and
model building), so Loop's round trip overlaps them. It reads what the panel will read: the enterprise policy
(the read boot.js started; no call before it is known, and none if it is slow), the local settings, and this
tab's ticket from its content script, parsed by the same parser. When the panel's client later asks the
same question, ``pyapp.browser.fetch`` hands it this answer: the request is made once, counted once, read the
same way. When anything is missing or odd (no key, switched off, no customer on screen yet, a value of the
wrong type) nothing is sent here and the panel asks as it always does. The panel reads tab, settings and
ticket again on purpose: its storage and page listeners start only then, so what changed meanwhile is not lost
(those reads cost a few ms; the import they overlap costs about 200).
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import js

from pyapp.browser.fetch import prime
from pyapp.browser.jsutil import present, py, to_js_object
from pyapp.contract.table import NAMES, effective
from pyapp.loop.wire import CUSTOMER_LOOKUP, ClientConfig, customer_lookup_params, request
from pyapp.ticket.parser import parse_ticket

POLICY_READY_S = 0.2  # the policy read started at boot; if it has not answered by now, the panel waits for it
MAX_TREE = 2_000_000  # as pyapp.contract.messages.Snapshot


async def prefetch() -> None:
    try:
        await _prefetch()
    except Exception as exc:  # noqa: BLE001 - an early start that fails only means the panel asks itself
        js.console.warn("[loop-returns panel] early start skipped: " + type(exc).__name__)


async def _prefetch() -> None:
    nonce = str(js.location.hash or "").lstrip("#")[:64]
    source = getattr(js.globalThis, "loopManaged", None)
    if not nonce or not present(source):
        return
    try:
        managed = py(await asyncio.wait_for(source, POLICY_READY_S)) or {}
    except asyncio.TimeoutError:
        return  # the policy is slow today: the panel waits for it and says so
    tab, local = await asyncio.gather(js.chrome.tabs.getCurrent(), js.chrome.storage.local.get(to_js_object(list(NAMES))))
    values = effective(py(local) or {}, managed)
    key, enabled = values["apiKey"], values["enabled"]
    headings, profile = values["orderListHeadings"], values["profileHeadings"]
    if not (present(tab) and isinstance(key, str) and key.strip() and enabled is True):
        return
    if not all(isinstance(v, (list, tuple)) and all(isinstance(h, str) for h in v) for v in (headings, profile)):
        return
    reply = py(await js.chrome.tabs.sendMessage(tab.id, to_js_object({"kind": "snapshot", "nonce": nonce}),
                                                to_js_object({"frameId": 0})))
    if not (isinstance(reply, dict) and isinstance(reply.get("url"), str) and isinstance(reply.get("tree"), str)
            and len(reply["tree"]) <= MAX_TREE and len(reply["url"]) <= 4096):
        return
    ticket = parse_ticket(reply["url"], reply["tree"], tuple(headings), profile_headings=tuple(profile))
    if not (ticket.is_ticket and ticket.customer_found and ticket.email):
        return  # the panel decides when this ticket's customer is on screen (pyapp.ticket.follower)
    config = ClientConfig()
    params = customer_lookup_params(ticket.email, datetime.now(timezone.utc), config)
    prime(request(config, key.strip(), "GET", CUSTOMER_LOOKUP, params))
