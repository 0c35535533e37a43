"""How bytes reach Loop: a tiny protocol, and the CPython implementation used by the tests and tools.

The browser's implementation (Pyodide's non-blocking fetch) lives in ``pyapp.browser``. Both honour the same
contract: one deadline for the whole exchange (connect, headers and body), a cap on the body size, no
redirect following (a redirect is reported as its 3xx status), and errors that never carry headers or body.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import ssl


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: dict[str, str] = field(repr=False)  # holds the key: never printed
    body: bytes | None = field(default=None, repr=False)
    timeout: float = field(kw_only=True)  # the caller's deadline (ClientConfig.timeout): no second default
    max_bytes: int = field(kw_only=True)


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes = field(repr=False)


class TransportError(Exception):
    """The exchange did not complete; ``kind`` is one of: timeout, connection, too_large."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(kind)


class Transport(Protocol):
    async def send(self, request: Request) -> Response: ...


class UrllibTransport:
    """CPython transport: urllib in a worker thread, with a deadline checked between reads.

    urllib is imported here, not at module level: in the browser it would pull http.client and email into
    the panel's start-up for nothing.
    """

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        import ssl
        import urllib.request

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):  # a 3xx comes back as a response, never followed
                return None

        self._opener = urllib.request.build_opener(
            NoRedirect(), urllib.request.HTTPSHandler(context=ssl_context or ssl.create_default_context())
        )

    async def send(self, request: Request) -> Response:
        try:
            return await asyncio.wait_for(asyncio.to_thread(self._send_blocking, request), request.timeout + 0.5)
        except TimeoutError:
            raise TransportError("timeout") from None

    def _send_blocking(self, request: Request) -> Response:
        import urllib.error
        import urllib.request

        deadline = time.monotonic() + request.timeout
        req = urllib.request.Request(request.url, data=request.body, method=request.method, headers=request.headers)
        try:
            resp = self._opener.open(req, timeout=request.timeout)
        except urllib.error.HTTPError as err:
            resp = err
        except (TimeoutError, OSError) as err:
            kind = "timeout" if isinstance(err, TimeoutError) or "timed out" in str(err) else "connection"
            raise TransportError(kind) from None
        try:
            headers = {k.lower(): v for k, v in resp.headers.items()}
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise TransportError("timeout")
                try:
                    chunk = resp.read1(16_384)  # whatever has arrived, so the deadline is checked often
                except (TimeoutError, OSError):
                    raise TransportError("timeout") from None
                if not chunk:
                    break
                size += len(chunk)
                if size > request.max_bytes:
                    raise TransportError("too_large")
                chunks.append(chunk)
            return Response(int(getattr(resp, "status", None) or resp.getcode() or 0), headers, b"".join(chunks))
        finally:
            resp.close()
