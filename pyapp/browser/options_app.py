"""The options page's Python: the key check, offered to options.js.

``loopCheckKey(key) -> Promise<json>`` runs ``LoopClient.check_key``. Saving never waits for it (options.js
writes storage first).
"""
from __future__ import annotations

import asyncio

import js
from pyodide.ffi import create_proxy

from pyapp.browser.chrome import log_task_error
from pyapp.browser.fetch import FetchTransport
from pyapp.loop.client import ClientConfig, LoopClient


def start_options() -> None:
    asyncio.get_event_loop().set_exception_handler(log_task_error)

    async def check(key: str) -> str:
        return (await LoopClient(FetchTransport(), key, ClientConfig()).check_key()).model_dump_json()

    def check_key(key):
        return asyncio.ensure_future(check(str(key)))

    js.globalThis.loopCheckKey = create_proxy(check_key)
    js.dispatchEvent(js.Event.new("loop:options-python-ready"))
