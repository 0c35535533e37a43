"""The panel's states and texts on CPython, driven with the real Loop client against the stand-in."""
from __future__ import annotations

import asyncio

from harness.loop_standin import FULL_KEY, Fault
from harness.tls import client_context
from pyapp.i18n import file_translator
from pyapp.loop_client import ClientConfig, LoopClient
from pyapp.panel import Panel, Services
from pyapp.settings import merge
from pyapp.ticket_parser import Ticket
from pyapp.transport import UrllibTransport
from pyapp.view import VNode

from .conftest import run


def make_panel(loop, key=FULL_KEY):
    renders: list[int] = []

    def client(settings, on_retry):
        return LoopClient(UrllibTransport(client_context()), settings.api_key,
                          ClientConfig(base_url=f"https://localhost:{loop.port}", timeout=3.0), on_retry=on_retry,
                          sleep=lambda s: asyncio.sleep(0))

    async def no(*_):
        return False

    panel = Panel(file_translator("en"), Services(client, no, no, lambda: None), lambda: renders.append(1))
    panel.apply_settings(merge({"apiKey": key} if key else {}, None))
    return panel


def ticket(key="/inbox/tickets/101", email="jane@example.com", orders=("#1001", "#1002")):
    return Ticket(key=key, is_ticket=True, email=email, orders=orders)


def texts(node: VNode) -> str:
    return node.text()


def test_every_state_has_words_and_never_raw_errors(loop):
    assert "not set up yet" in texts(make_panel(loop, key=None).view())
    p = make_panel(loop)
    assert p.state_name() == "no-ticket" and "Open a ticket" in texts(p.view())
    run(p.show_ticket(ticket()))
    view = texts(p.view())
    assert p.state_name() == "ready" and "Open" in view and "Linen Shirt" in view
    loop.faults.append(Fault("error200"))
    p2 = make_panel(loop)
    run(p2.show_ticket(ticket(email="max@example.com", orders=("#1003",))))
    view = texts(p2.view())
    assert p2.state_name() == "unreachable" and "cannot read" in view
    assert "UNEXPECTED" not in view and "<script>" not in view and "Traceback" not in view


def test_a_late_answer_for_the_previous_ticket_is_dropped(loop):
    loop.faults.append(Fault("delay", path="/api/v2/returns", seconds=1.0, times=1))
    p = make_panel(loop)

    async def switch():
        first = asyncio.ensure_future(p.show_ticket(ticket()))
        await asyncio.sleep(0.2)
        await p.show_ticket(ticket("/inbox/tickets/102", "max@example.com", ("#1003",)))
        await first

    run(switch())
    assert "1003" in p.state.cards and not {"1001", "1002", "1008"} & set(p.state.cards)
    assert "#1001" not in texts(p.view())


def test_search_keeps_bad_input_and_explains(loop):
    p = make_panel(loop)
    p.search({"order": "<img src=x>"})
    assert p.state.search_message == "searchInvalid" and "not an order name" in texts(p.view())
    assert not loop.api_requests()
