"""Loop over the browser's fetch: non-blocking, one deadline, size-capped.

No cookies, no referrer, and redirects are not followed (an answer that redirects is reported, never chased).
"""

from __future__ import annotations

import asyncio
import contextlib

import js

from pyapp.browser.jsutil import ignore, mark, present, to_js_object
from pyapp.loop.transport import Request, Response, TransportError


def _start(request: Request):
    controller = js.AbortController.new()
    init = {
        "method": request.method,
        "headers": request.headers,
        "redirect": "manual",
        "credentials": "omit",
        "cache": "no-store",
        "referrerPolicy": "no-referrer",
        "signal": controller.signal,
    }
    if request.body is not None:
        init["body"] = request.body.decode("utf-8")
    mark("loop:fetch")  # when each request left
    promise = js.fetch(request.url, to_js_object(init))
    promise.catch(ignore)  # a failure is read where it is awaited; it is not an unhandled rejection
    return promise, controller


class FetchTransport:
    async def send(self, request: Request) -> Response:
        promise, controller = _start(request)
        try:
            return await asyncio.wait_for(self._exchange(request, promise), request.timeout)
        except TimeoutError:
            raise TransportError("timeout") from None
        finally:
            controller.abort()

    async def _exchange(self, request: Request, promise) -> Response:
        try:
            resp = await promise
        except Exception:  # noqa: BLE001 - a JS TypeError: offline, refused, DNS, CORS
            raise TransportError("connection") from None
        mark("loop:fetch-headers")
        if resp.type == "opaqueredirect":
            return Response(302, {}, b"")
        headers = {}
        for pair in js.Array.from_(resp.headers.entries()):
            headers[str(pair[0]).lower()] = str(pair[1])
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > request.max_bytes:
            raise TransportError("too_large")
        body = await _read_capped(resp, request.max_bytes) if present(resp.body) else b""
        mark("loop:fetch-answered")
        return Response(int(resp.status), headers, body)


async def _read_capped(resp, max_bytes: int) -> bytes:
    chunks, size = [], 0
    reader = resp.body.getReader()
    try:
        while True:
            part = await reader.read()
            if part.done:
                break
            data = part.value.to_bytes()
            size += len(data)
            if size > max_bytes:
                raise TransportError("too_large")
            chunks.append(data)
    except TransportError:
        raise
    except Exception:  # noqa: BLE001 - the stream broke mid-body
        raise TransportError("connection") from None
    finally:
        with contextlib.suppress(Exception):  # a reader already released or errored: nothing to free
            reader.releaseLock()
    return b"".join(chunks)
