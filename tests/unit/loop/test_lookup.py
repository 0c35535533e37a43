"""A ticket's returns: the customer lookup, the per-order fallback, and what is learned about the shop."""

from __future__ import annotations

import asyncio
import time

import pytest

from harness.loop_standin import FULL_KEY, Fault
from harness.memory_transport import StandinTransport
from pyapp.loop.client import ClientConfig, LoopClient
from pyapp.loop.errors import AuthError, UnknownRoute
from pyapp.loop.models import Outcome, ReturnState
from pyapp.loop.retry import RetryPolicy
from tests.unit.conftest import run


def make(loop, sleep=asyncio.sleep, **config) -> LoopClient:
    cfg = ClientConfig(base_url=f"https://localhost:{loop.port}", **{"timeout": 6.0, **config})
    return LoopClient(StandinTransport(loop), FULL_KEY, cfg, RetryPolicy(), sleep=sleep)


def test_a_new_tickets_first_request_leaves_at_once_whatever_was_in_flight(loop):
    """Ticket A's lookups hang; the agent switches to B: A's work is cancelled (its fetches aborted, their
    slots freed) and B's first request reaches Loop within 100 ms, not after A's deadlines."""
    loop.customer_lookup = False
    loop.faults.append(Fault("delay", path="details", seconds=5, times=6))
    client = make(loop, max_concurrency=4)

    async def scenario():
        a = asyncio.ensure_future(client.returns_for_ticket(None, [f"#{n}" for n in range(1001, 1007)]))
        await asyncio.sleep(0.5)  # A's six lookups are in flight (four of them holding the slots)
        a.cancel()
        started = time.time()
        b = asyncio.ensure_future(client.returns_for_ticket(None, ["#1008"]))
        await asyncio.sleep(0.3)
        b.cancel()
        return started

    started = run(scenario())
    first_b = min((r.at for r in loop.api_requests("details") if r.query["order_name"] == ["#1008"]), default=None)
    assert first_b is not None and first_b - started < 0.1


def test_a_rejected_key_costs_two_requests_per_ticket_and_no_retry(loop):
    """The undocumented customer lookup refuses; one documented call confirms the key is rejected; nothing else
    is sent (SECURITY.md: a 401 is never retried)."""
    client = LoopClient(
        StandinTransport(loop), "lr_wrong", ClientConfig(base_url=f"https://localhost:{loop.port}", timeout=3.0)
    )
    with pytest.raises(AuthError):
        run(client.returns_for_ticket("jane@example.com", ["#1001", "#1002", "#1003"]))
    assert [r.path for r in loop.api_requests()] == ["/api/v2/returns", "/api/v1/warehouse/return/details"]


def test_customer_lookup_finds_every_state(loop, make_client):
    """One request per customer covers the orders with returns; each listed order it did not return costs one
    details call (1 + missing per ticket); every Loop state maps to the agent's word."""
    client = make_client()
    states = {}
    for email, orders in [
        ("jane@example.com", ["#1001", "#1002"]),
        ("max@example.com", ["#1003", "#1004"]),
        ("ava@example.com", ["#1005", "#1006"]),
    ]:
        found = run(client.returns_for_ticket(email, orders))
        assert found.via_customer_lookup
        for returns in found.by_order.values():
            for r in returns:
                states[r.order_name, r.id] = r.state
    assert len(loop.api_requests("/api/v2/returns")) == 3
    details = sorted(r.query["order_name"][0] for r in loop.api_requests("/warehouse/return/details"))
    assert details == ["#1002", "#1006"]  # the two listed orders without a return
    assert set(states.values()) == set(ReturnState) - {ReturnState.UNKNOWN}
    assert states["#1004", "37603930"] is ReturnState.REVIEW


def test_orders_without_returns_are_known_empty_and_history_is_included(loop, make_client):
    """Jane's sidebar lists #1001 and #1002; her older #1008 return shows up too, from the same call."""
    found = run(make_client().returns_for_ticket("jane@example.com", ["#1001", "#1002"]))
    assert found.by_order["1002"] == []
    assert [r.state for r in found.by_order["1001"]] == [ReturnState.OPEN]
    assert [r.outcome for r in found.by_order["1008"]] == [Outcome.STORE_CREDIT]


def test_several_returns_on_one_order_come_newest_first(loop, make_client):
    found = run(make_client().returns_for_ticket("max@example.com", ["#1003"]))
    assert [r.state for r in found.by_order["1003"]] == [ReturnState.CLOSED, ReturnState.CANCELLED]


def test_fallback_costs_one_call_per_order(loop, make_client):
    """Without the customer lookup, each order costs one request (plus one probe of the lookup)."""
    loop.customer_lookup = False
    found = run(make_client().returns_for_ticket("ava@example.com", ["#1005", "#1006", "#1007"]))
    assert not found.via_customer_lookup
    details = loop.api_requests("/warehouse/return/details")
    assert sorted(r.query["order_name"][0] for r in details) == ["#1005", "#1006", "#1007"]
    assert len(loop.api_requests("/api/v2/returns")) == 1
    assert found.by_order["1006"] == [] and found.by_order["1005"][0].state is ReturnState.EXPIRED


def test_only_a_typed_name_is_tried_in_its_other_spelling(loop, make_client):
    """The ticket's names are sent as shown (every public client sends '#1001'): one call per order. A name
    the agent typed is also tried with the '#' removed, when the first answer is "no return"."""
    loop.customer_lookup = False
    loop.name_form = "bare"
    client = make_client()
    assert run(client.order_returns("#1001")) == []
    assert [r.query["order_name"][0] for r in loop.api_requests("details")] == ["#1001"]
    loop.clear_log()
    assert run(client.order_returns("#1003", other_spelling=True))[0].order_name == "#1003"
    assert [r.query["order_name"][0] for r in loop.api_requests("details")] == ["#1003", "1003"]


@pytest.mark.parametrize("shape", ["message", "error"])
def test_not_found_inside_a_200_body_means_no_returns(loop, make_client, shape):
    """Gladly's fixture: HTTP 200 {"message": "No return found with this ID"} without an id; older docs:
    {"error": {...}}. Either is "no return", never a card in an unknown state."""
    loop.customer_lookup = False
    loop.not_found_shape = shape
    assert run(make_client().order_returns("#1002")) == []


def test_a_details_answer_without_an_id_is_no_return(loop, make_client):
    loop.customer_lookup = False
    loop.faults.append(Fault("status", path="details", status=200, body={"state": "open", "order_name": "#1001"}))
    assert run(make_client().order_returns("#1001")) == []


def test_a_gateway_404_is_an_error_not_no_returns(loop, make_client):
    """An unknown route or API version answers 404: that is a broken request, never "this order has none"."""
    loop.customer_lookup = False
    loop.faults.append(Fault("status", path="details", status=404, body={"message": "Not Found"}))
    with pytest.raises(UnknownRoute):
        run(make_client().returns_for_ticket("jane@example.com", ["#1001"]))


def test_another_customers_rows_never_reach_the_ticket(loop, make_client):
    """Loop's customer filter ignored (every shopper's returns answered): only the ticket customer's rows stay,
    compared case-insensitively, as Loop's Gladly app does after the same call."""
    loop.customer_filter_ignored = True
    found = run(make_client().returns_for_ticket("JANE@example.com", ["#1001", "#1002"]))
    customers = {r.customer for returns in found.by_order.values() for r in returns}
    assert customers == {"jane@example.com"} and "1003" not in found.by_order


def test_a_listed_order_the_customer_lookup_missed_is_asked_for_by_order(loop, make_client):
    """#1005's return was filed under another e-mail: the customer lookup does not return it, details does."""
    for r in loop.returns:
        if r["order_name"] == "#1005":
            r["customer"] = "ava.smith@work.example"
    found = run(make_client().returns_for_ticket("ava@example.com", ["#1005", "#1006"]))
    assert [r.state for r in found.by_order["1005"]] == [ReturnState.EXPIRED] and found.by_order["1006"] == []
    assert len(loop.api_requests()) == 3  # 1 + the two listed orders it did not return


def test_progress_is_reported_before_the_per_order_calls(loop, make_client):
    seen = []
    run(
        make_client().returns_for_ticket(
            "jane@example.com",
            ["#1001", "#1002"],
            on_progress=lambda found, pending: seen.append((set(found.by_order), pending)),
        )
    )
    assert seen == [({"1001", "1008"}, {"1002"})]


def test_no_return_answers_are_cached_too(loop, make_client):
    """Most orders have no return; asking again within the cache time must not cost another request."""
    loop.customer_lookup = False
    client = make_client()
    run(client.returns_for_ticket(None, ["#1001", "#1002"]))
    run(client.returns_for_ticket(None, ["#1001", "#1002"]))
    assert len(loop.api_requests("details")) == 2


def test_customer_lookup_with_an_odd_answer_falls_back_to_per_order(loop, make_client):
    loop.faults.append(Fault("wrong_schema", path="/api/v2/returns"))
    found = run(make_client().returns_for_ticket("jane@example.com", ["#1001"]))
    assert not found.via_customer_lookup and found.by_order["1001"][0].state.value == "open"


def test_a_rejected_key_on_a_ticket_without_orders_is_reported_not_hidden(loop, make_client):
    """E-mail only, and the customer lookup answers 401: one probe tells a bad key from 'not offered'."""
    with pytest.raises(AuthError):
        run(make_client("lr_wrong").returns_for_ticket("noah@example.com", []))
    assert [r.path for r in loop.api_requests()] == ["/api/v2/returns", "/api/v1/warehouse/return/list"]
    loop.clear_log()
    loop.customer_lookup = False  # a shop without the lookup (404) and a good key: no probe, no error
    found = run(make_client().returns_for_ticket("noah@example.com", []))
    assert found.by_order == {} and [r.path for r in loop.api_requests()] == ["/api/v2/returns"]
