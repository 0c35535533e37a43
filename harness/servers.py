"""A small threaded HTTPS server on loopback that records every request it receives."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import parse_qs, urlsplit

from harness.tls import server_context


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = field(repr=False, default=b"")
    at: float = field(default_factory=time.time)  # when it arrived (epoch seconds, as Date.now() / 1000)

    def json(self):
        """The request's JSON body (None when it has none)."""
        return json.loads(self.body) if self.body else None


class RecordingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; with Nagle's algorithm and the client's delayed ACK the body then
    # waited up to 40 ms at random (seen in the benchmark as 0-49 ms between headers and body). Real servers
    # do not do that: send at once.
    disable_nagle_algorithm = True
    server: HTTPSServer

    def log_message(self, *args) -> None:  # quiet: the request log is the record
        pass

    def _record(self) -> Recorded:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        rec = Recorded(
            self.command,
            parts.path,
            parse_qs(parts.query, keep_blank_values=True),
            {k.lower(): v for k, v in self.headers.items()},
            body,
        )
        with self.server.lock:
            self.server.requests.append(rec)
        return rec

    def send(
        self, status: int, body: bytes, content_type: str = "application/json", headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        self.handle_request(self._record())

    do_POST = do_PUT = do_DELETE = do_HEAD = do_GET

    def do_OPTIONS(self) -> None:
        self.handle_request(self._record())

    def handle_request(self, rec: Recorded) -> None:
        raise NotImplementedError


class HTTPSServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler: type[RecordingHandler], port: int = 0, host: str = "127.0.0.1") -> None:
        super().__init__((host, port), handler)
        self.socket = server_context().wrap_socket(self.socket, server_side=True)
        self.lock = threading.Lock()
        self.requests: list[Recorded] = []
        self._thread: threading.Thread | None = None

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up mid-answer (the fault tests do it on purpose) is not a server error."""
        import sys

        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def start(self) -> Self:
        self._thread = threading.Thread(target=self.serve_forever, name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def clear_log(self) -> None:
        with self.lock:
            self.requests.clear()
