"""A Klaviyo-Helpdesk-like site: the SPA in klaviyo_site/ plus the ticket data it fetches, pane by pane.

The inbox list, each ticket's conversation and each ticket's details sidebar are separate requests with their
own delays (``list_delay``, ``conversation_delay``, ``sidebar_delay``), so after a switch the panes fill at
different moments, as on the real page. Tests replace ``server.tickets`` (and ``server.extra_pages``,
``server.page_script``, ``server.config``) per test; the demo uses DEMO_TICKETS.
"""

from __future__ import annotations

import copy
import json
import re
import time
from pathlib import Path

from harness.loop_standin import demo_orders
from harness.servers import HTTPSServer, Recorded, RecordingHandler

SITE = Path(__file__).parent / "klaviyo_site"


def _msg(who: str, text: str, when: str, role: str = "customer") -> dict:
    return {"from": who, "text": text, "when": when, "role": role}


def _order(name: str, total: str, status: str = "Fulfilled") -> dict:
    """An order as the sidebar lists it, placed on the day the Loop stand-in's shop says it was."""
    placed = demo_orders()[name]["created"]
    return {"name": name, "date": f"{placed:%b} {placed.day}, {placed.year}", "total": total, "status": status}


DEMO_TICKETS = [
    {
        "id": "101",
        "subject": "Where is my return?",
        "channel": "Email",
        "status": "Open",
        "when": "9:41",
        "assignee": "Sam (you)",
        "created": "Nov 30, 2026",
        "tags": ["returns"],
        "customer": {"name": "Jane Doe", "email": "jane@example.com", "phone": "+1 212 555 0101"},
        "orders": [_order("#1001", "$120.00"), _order("#1002", "$45.00")],
        "messages": [
            _msg("Jane Doe", "Hi, my order #1001 arrived broken. I sent it back last week, where is it?", "9:41")
        ],
    },
    {
        "id": "102",
        "subject": "Exchange question",
        "channel": "Chat",
        "status": "Open",
        "when": "9:12",
        "assignee": "Sam (you)",
        "created": "Nov 30, 2026",
        "tags": ["exchange"],
        "customer": {"name": "Max Mustermann", "email": "max@example.com", "phone": "+1 415 555 0102"},
        "orders": [_order("#1003", "$89.00"), _order("#1004", "$210.00")],
        "messages": [
            _msg("Max Mustermann", "Re: order #1003. Can I exchange the jacket for a larger size?", "9:12"),
            _msg("Sam", "Hi Max, let me check that for you.", "9:15", "agent"),
        ],
    },
    {
        "id": "103",
        "subject": "Send it back",
        "channel": "Email",
        "status": "Open",
        "when": "Yesterday",
        "assignee": "Unassigned",
        "created": "Nov 29, 2026",
        "tags": [],
        "customer": {"name": "Ava Smith", "email": "ava@example.com", "phone": "+1 312 555 0103"},
        "orders": [_order("#1005", "$60.00"), _order("#1006", "$30.00"), _order("#1007", "$75.00")],
        "messages": [_msg("Ava Smith", "I want to send these back, please.", "Yesterday")],
    },
    {
        "id": "104",
        "subject": "Question about an order",
        "channel": "Email",
        "status": "Open",
        "when": "Mon",
        "assignee": "Unassigned",
        "created": "Nov 28, 2026",
        "tags": ["gift"],
        "customer": {"name": "Noah Jones", "email": "noah@example.com", "phone": "+1 512 555 0104"},
        "orders": [],
        "messages": [_msg("Noah Jones", "My order 1010 was a gift, can it be returned? It's order #1010.", "Mon")],
    },
    {
        "id": "105",
        "subject": "Do you ship to Canada?",
        "channel": "Chat",
        "status": "Open",
        "when": "Sun",
        "assignee": "Unassigned",
        "created": "Nov 27, 2026",
        "tags": [],
        "customer": {"name": "Liam Brown", "email": "liam@example.com", "phone": "+1 604 555 0105"},
        "orders": [],
        "messages": [_msg("Liam Brown", "Hello! Do you ship to Canada, and how long does it take?", "Sun")],
    },
    {
        "id": "106",
        "subject": "I lost my return label",
        "channel": "Email",
        "status": "Open",
        "when": "Sat",
        "assignee": "Sam (you)",
        "created": "Nov 26, 2026",
        "tags": ["returns"],
        "customer": {"name": "Mia Garcia", "email": "mia@example.com", "phone": "+1 617 555 0106"},
        "orders": [_order("#1011", "$45.00"), _order("#1012", "$60.00"), _order("#1013", "$60.00")],
        "messages": [
            _msg(
                "Mia Garcia",
                "I deleted the e-mail with my return label for #1011, can you send it again? "
                "And #1012 never got a label at all.",
                "Sat",
            )
        ],
    },
]


def preview(ticket: dict) -> str:
    """The inbox list's preview: the start of the ticket's first message, as list views show it."""
    text = ticket["messages"][0]["text"] if ticket["messages"] else ""
    return text[:90]


class KlaviyoHandler(RecordingHandler):
    server: KlaviyoStandin

    def handle_request(self, rec: Recorded) -> None:
        srv = self.server
        path = rec.path
        pane = re.fullmatch(r"/api/helpdesk/tickets/([^/]+)/(conversation|details)", path)
        if path == "/api/helpdesk/config":
            self.send(200, json.dumps(srv.config).encode())
        elif path == "/api/helpdesk/tickets":
            time.sleep(srv.list_delay)
            rows = [
                {
                    "id": t["id"],
                    "subject": t["subject"],
                    "customer": {"name": t["customer"]["name"]},
                    "preview": preview(t),
                    "when": t.get("when", ""),
                }
                for t in srv.tickets
            ]
            self.send(200, json.dumps({"tickets": rows}).encode())
        elif pane:
            ticket = next((t for t in srv.tickets if t["id"] == pane.group(1)), None)
            if ticket is None:
                return self.send(404, b'{"error": "no such ticket"}')
            if pane.group(2) == "conversation":
                time.sleep(srv.conversation_delay)
                body = {
                    "subject": ticket["subject"],
                    "channel": ticket.get("channel", "Email"),
                    "status": ticket.get("status", "Open"),
                    "messages": ticket["messages"],
                }
            else:
                time.sleep(srv.sidebar_delay)
                body = {
                    "ticket": {
                        "id": ticket["id"],
                        "assignee": ticket.get("assignee", "Unassigned"),
                        "created": ticket.get("created", ""),
                        "channel": ticket.get("channel", "Email"),
                        "tags": ticket.get("tags", []),
                    },
                    "customer": ticket["customer"],
                    "orders": ticket["orders"],
                    "analytics": {"churn": "low", "nextOrder": "in 3 weeks"},
                }
            self.send(200, json.dumps(body).encode())
        elif path in srv.extra_pages:
            body, ctype = srv.extra_pages[path]
            self.send(200, body, ctype)
        elif path == "/static/page-extra.js":
            self.send(200, (srv.page_script or "").encode(), "text/javascript")
        elif path.startswith("/static/") and (SITE / path.removeprefix("/static/")).is_file():
            f = SITE / path.removeprefix("/static/")
            ctype = {"js": "text/javascript", "css": "text/css"}.get(f.suffix.lstrip("."), "application/octet-stream")
            self.send(200, f.read_bytes(), ctype)
        elif path == "/" or path.startswith("/inbox") or path.startswith("/customer-hub"):
            html = (SITE / "index.html").read_bytes()
            if srv.page_script:  # a test's own page script, e.g. a hostile one hunting for the key
                html = html.replace(b"</head>", b'<script src="/static/page-extra.js"></script></head>')
            self.send(200, html, "text/html; charset=utf-8")
        elif path == "/favicon.ico":
            self.send(204, b"", "image/x-icon")
        else:
            self.send(404, b"not found", "text/plain")


class KlaviyoStandin(HTTPSServer):
    def __init__(self, port: int = 0) -> None:
        super().__init__(KlaviyoHandler, port)
        self.reset()

    def reset(self) -> None:
        self.tickets = copy.deepcopy(DEMO_TICKETS)
        self.extra_pages: dict[str, tuple[bytes, str]] = {}
        self.page_script: str | None = None
        # Pane timings: the list first, then the conversation, then the sidebar, as seen on a busy helpdesk.
        self.list_delay = 0.05
        self.conversation_delay = 0.15
        self.sidebar_delay = 0.35
        self.config = {"staleSidebar": True, "sidebarRerenderMs": 4000, "sidebar": True}
        self.clear_log()
