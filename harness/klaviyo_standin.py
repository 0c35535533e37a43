"""A Klaviyo-Helpdesk-like site: the SPA in klaviyo_site/ plus the ticket data it fetches.

Tests replace ``server.tickets`` (and ``server.extra_pages``) per test; the demo uses DEMO_TICKETS.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

from harness.servers import HTTPSServer, RecordingHandler, Recorded

SITE = Path(__file__).parent / "klaviyo_site"

DEMO_TICKETS = [
    {"id": "101", "subject": "Where is my return?", "channel": "Email",
     "customer": {"name": "Jane Doe", "email": "jane@example.com"},
     "orders": [{"name": "#1001", "total": "$120.00", "status": "Fulfilled"},
                {"name": "#1002", "total": "$45.00", "status": "Fulfilled"}],
     "messages": [{"from": "Jane Doe", "text": "Hi, my order #1001 arrived broken. I sent it back last week, where is it?"}]},
    {"id": "102", "subject": "Exchange question", "channel": "Chat",
     "customer": {"name": "Max Mustermann", "email": "max@example.com"},
     "orders": [{"name": "#1003", "total": "$89.00", "status": "Fulfilled"},
                {"name": "#1004", "total": "$210.00", "status": "Fulfilled"}],
     "messages": [{"from": "Max Mustermann", "text": "Can I exchange the jacket for a larger size?"}]},
    {"id": "103", "subject": "Send it back", "channel": "Email",
     "customer": {"name": "Ava Smith", "email": "ava@example.com"},
     "orders": [{"name": "#1005", "total": "$60.00", "status": "Fulfilled"},
                {"name": "#1006", "total": "$30.00", "status": "Fulfilled"},
                {"name": "#1007", "total": "$75.00", "status": "Fulfilled"}],
     "messages": [{"from": "Ava Smith", "text": "I want to send these back, please."}]},
    {"id": "104", "subject": "Question about an order", "channel": "Email",
     "customer": {"name": "Noah Jones", "email": "noah@example.com"},
     "orders": [],
     "messages": [{"from": "Noah Jones", "text": "My order 1010 was a gift, can it be returned? It's order #1010."}]},
]


class KlaviyoHandler(RecordingHandler):
    server: "KlaviyoStandin"

    def handle_request(self, rec: Recorded) -> None:
        path = rec.path
        if path == "/api/helpdesk/tickets":
            self.send(200, json.dumps({"tickets": self.server.tickets}).encode())
        elif path in self.server.extra_pages:
            body, ctype = self.server.extra_pages[path]
            self.send(200, body, ctype)
        elif path.startswith("/static/") and (SITE / path.removeprefix("/static/")).is_file():
            f = SITE / path.removeprefix("/static/")
            ctype = {"js": "text/javascript", "css": "text/css"}.get(f.suffix.lstrip("."), "application/octet-stream")
            self.send(200, f.read_bytes(), ctype)
        elif path == "/static/page-extra.js":
            self.send(200, (self.server.page_script or "").encode(), "text/javascript")
        elif path == "/" or path.startswith("/inbox") or path.startswith("/customer-hub"):
            html = (SITE / "index.html").read_bytes()
            if self.server.page_script:  # a test's own page script, e.g. a hostile one hunting for the key
                html = html.replace(b"</head>", b'<script src="/static/page-extra.js"></script></head>')
            self.send(200, html, "text/html; charset=utf-8")
        elif path == "/favicon.ico":
            self.send(204, b"", "image/x-icon")
        else:
            self.send(404, b"not found", "text/plain")


class KlaviyoStandin(HTTPSServer):
    def __init__(self, port: int = 0) -> None:
        super().__init__(KlaviyoHandler, port)
        self.tickets = copy.deepcopy(DEMO_TICKETS)
        self.extra_pages: dict[str, tuple[bytes, str]] = {}
        self.page_script: str | None = None
