"""The Loop stand-in's own request handler, in process: a ``Transport`` without sockets or TLS.

httpx's ``MockTransport`` idea with the stand-in as the handler, so the unit tests' answers stay the
stand-in's (its routes, quirks, faults, latency and request log) while no connection is opened. HTTPS on
loopback stays for the end-to-end tests and the tests of ``UrllibTransport`` itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import threading
from urllib.parse import urlsplit

from harness.servers import HTTPSServer
from pyapp.loop.transport import Request, Response, TransportError


class _Connection:
    """Just enough of a socket for ``StreamRequestHandler``: the request in, the answer collected."""

    def __init__(self, raw: bytes) -> None:
        self._in = io.BytesIO(raw)
        self.out = bytearray()
        self.closed = False

    def makefile(self, mode: str, *_args) -> io.BytesIO:
        return self._in if "r" in mode else _Writer(self)

    def sendall(self, data: bytes) -> None:
        if not self.closed:
            self.out += data

    def settimeout(self, _seconds) -> None:
        pass

    def setsockopt(self, *_args) -> None:
        pass

    def close(self) -> None:
        self.closed = True  # a fault that resets the connection: whatever follows is lost


class _Writer(io.BytesIO):
    def __init__(self, connection: _Connection) -> None:
        super().__init__()
        self._connection = connection

    def write(self, data) -> int:
        self._connection.sendall(bytes(data))
        return len(data)


class StandinTransport:
    def __init__(self, server: HTTPSServer) -> None:
        self.server = server

    async def send(self, request: Request) -> Response:
        # A thread of its own per exchange, not the loop's shared pool: a fault that holds its answer for a
        # minute ("hang") must not queue the next requests behind it once the client has stopped waiting.
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Response] = loop.create_future()

        def settle(response: Response | None, error: BaseException | None) -> None:
            if not answer.done():
                answer.set_exception(error) if error is not None else answer.set_result(response)  # type: ignore[arg-type] - one of the two is set

        def work() -> None:
            try:
                result, error = self._exchange(request), None
            except BaseException as err:  # noqa: BLE001 - handed to the waiting coroutine, which raises it
                result, error = None, err
            with contextlib.suppress(RuntimeError):  # the test's event loop is already closed: nobody waits
                loop.call_soon_threadsafe(settle, result, error)

        threading.Thread(target=work, name="standin-exchange", daemon=True).start()
        try:
            response = await asyncio.wait_for(answer, request.timeout)
        except TimeoutError:
            raise TransportError("timeout") from None
        if len(response.body) > request.max_bytes:
            raise TransportError("too_large")
        return response

    def _exchange(self, request: Request) -> Response:
        parts = urlsplit(request.url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        body = request.body or b""
        head = [f"{request.method} {target} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in request.headers.items() if k.lower() not in ("host", "content-length")]
        connection = _Connection(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        self.server.RequestHandlerClass(connection, ("127.0.0.1", 0), self.server)  # type: ignore[arg-type] - a socket's stand-in
        raw = bytes(connection.out)
        if not raw:
            raise TransportError("connection")  # the stand-in hung up without answering
        header, _, payload = raw.partition(b"\r\n\r\n")
        lines = header.decode("iso-8859-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", len(payload)))
        return Response(status, headers, payload[:length])
