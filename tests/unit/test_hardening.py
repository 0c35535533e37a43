"""Hardening (issue 12) on CPython, against the Loop stand-in over real HTTPS: Loop's strings cannot blow up the
panel, superseded work is cancelled, and the shop's shared rate budget is protected."""
from __future__ import annotations

import asyncio
import time

import pytest

from harness.loop_standin import FULL_KEY, Fault
from harness.tls import client_context
from pyapp.errors import AuthError, Paused, RateLimited
from pyapp.loop_client import ClientConfig, LoopClient
from pyapp.models import Return
from pyapp.retry import RetryPolicy
from pyapp.transport import UrllibTransport

from .conftest import run


@pytest.mark.parametrize("raw", ["1e10000000", "1E+999999", "Infinity", "NaN", "12" * 40, "0x10", "1_000"])
def test_money_is_a_plain_decimal_within_bounds_or_nothing(raw):
    """'1e10000000' became a Decimal whose text is ten megabytes long, in the panel's DOM."""
    r = Return.model_validate({"id": "1", "state": "open", "total": raw, "return_total": raw})
    assert r.total is None and r.amount is None


def test_plain_money_is_kept():
    r = Return.model_validate({"id": "1", "total": "164.58", "refund": 78, "gift_card": "-0.50"})
    assert str(r.total) == "164.58" and str(r.refund) == "78" and str(r.gift_card) == "-0.50"


def make(loop, sleep=asyncio.sleep, **config) -> LoopClient:
    cfg = ClientConfig(base_url=f"https://localhost:{loop.port}", **{"timeout": 6.0, **config})
    return LoopClient(UrllibTransport(client_context()), FULL_KEY, cfg, RetryPolicy(), sleep=sleep)


def test_the_answer_cache_evicts_expired_answers_and_is_capped():
    """Every customer seen during a shift stayed in memory: expired answers go, and the cache has a size cap."""
    clock = [1000.0]

    class Fixed:
        async def send(self, request):
            from pyapp.transport import Response
            return Response(200, {}, b'{"message": "No return found with this ID"}')

    client = LoopClient(Fixed(), FULL_KEY, ClientConfig(cache_ttl=60, cache_size=50), clock=lambda: clock[0])
    for n in range(120):
        run(client.order_returns(f"#{2000 + n}"))
    assert client.cache_entries() <= 50
    clock[0] += 61
    run(client.order_returns("#9999"))
    assert client.cache_entries() == 1


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


def test_after_a_429_the_whole_client_waits_before_sending_anything(loop):
    """One client-wide cool-down: after a 429 with Retry-After: 2, no request of any lookup leaves for 2 s."""
    loop.customer_lookup = False
    loop.faults.append(Fault("status", path="details", status=429, headers={"Retry-After": "2"}, times=1, body={}))
    client = make(loop)

    async def two_lookups():
        first = asyncio.ensure_future(client.order_returns("#1001"))
        await asyncio.sleep(0.2)
        await asyncio.gather(first, client.order_returns("#1003"))

    run(two_lookups())
    rejected = loop.api_requests("details")[0].at
    later = [r.at for r in loop.api_requests("details")[1:]]
    assert len(later) == 2 and all(at - rejected >= 1.95 for at in later)


def test_automatic_lookups_are_capped_at_60_a_minute_but_the_agents_clicks_are_not(loop):
    """A page that keeps swapping order names cannot spend the shop's shared budget (300/min for every agent)."""
    loop.customer_lookup = False
    client = make(loop, cache_ttl=0)
    for n in range(60):
        run(client.order_returns(f"#{1000 + n}", automatic=True))
    with pytest.raises(Paused):
        run(client.order_returns("#2000", automatic=True))
    assert isinstance(Paused(), RateLimited)
    run(client.order_returns("#1003", other_spelling=True))  # the agent typed it: not counted, not refused
    assert len(loop.api_requests("details")) == 60 + 1


def test_a_rejected_key_costs_two_requests_per_ticket_and_no_retry(loop):
    """The undocumented customer lookup refuses; one documented call confirms the key is rejected; nothing else
    is sent (SECURITY.md: a 401 is never retried)."""
    client = LoopClient(UrllibTransport(client_context()), "lr_wrong",
                        ClientConfig(base_url=f"https://localhost:{loop.port}", timeout=3.0))
    with pytest.raises(AuthError):
        run(client.returns_for_ticket("jane@example.com", ["#1001", "#1002", "#1003"]))
    assert [r.path for r in loop.api_requests()] == ["/api/v2/returns", "/api/v1/warehouse/return/details"]


def test_a_failed_draft_cancel_is_retried_once_and_counted(loop):
    loop.faults.append(Fault("status", path="cancel", status=500, times=1))
    client = make(loop)
    run(client.eligibility("#1002", "jane@example.com"))
    assert [d["state"] for d in loop.drafts.values()] == ["cancelled"]
    assert len(loop.api_requests("cancel")) == 2 and client.stats["draft_cancel_retries"] == 1


def test_a_draft_post_that_timed_out_is_found_and_cancelled(loop):
    """The POST created the draft but its answer never came: the drafts of that order still 'created' are
    listed (List Draft Returns, HAL-Forms Accept header) and cancelled."""
    loop.faults.append(Fault("delay", path=r"draft-returns$", seconds=4, times=1))
    client = make(loop, timeout=1.0)
    verdict = run(client.eligibility("#1002", "jane@example.com"))
    assert verdict.eligible is None
    time.sleep(3.5)  # the stand-in finishes creating the draft the client gave up on
    run(client.clean_up_drafts())
    assert [d["state"] for d in loop.drafts.values()] == ["cancelled"]
    listed = [r for r in loop.api_requests("draft-returns") if r.method == "GET"]
    assert listed and listed[0].headers["accept"] == "application/prs.hal-forms+json"


def test_a_long_retry_after_is_honoured_and_fails_fast_meanwhile(loop):
    """Retry-After: 120 is more than a lookup waits: it fails at once, and nothing is sent until it has passed,
    the agent's Retry included."""
    loop.customer_lookup = False
    loop.faults.append(Fault("status", path="details", status=429, headers={"Retry-After": "120"}, times=1, body={}))
    client = make(loop)
    with pytest.raises(RateLimited):
        run(client.order_returns("#1001"))
    client.forget()  # the agent pressed Retry
    with pytest.raises(RateLimited):
        run(client.order_returns("#1001"))
    assert len(loop.api_requests("details")) == 1


@pytest.mark.parametrize("url,kept", [
    ("https://demo-shop.loopreturns.com/#/return/1", True), ("https://returns.shop.example/#/return/1", True),
    ("http://demo-shop.loopreturns.com/x", False), ("javascript:alert(1)", False), ("data:text/html,<b>x", False),
    ("https://user:pass@demo-shop.loopreturns.com/", False), ("https://demo-shop.loopreturns.com/" + "a" * 3000, False),
    ("https://demo shop.loopreturns.com/", False), ("//demo-shop.loopreturns.com/", False)])
def test_only_short_https_links_without_credentials(url, kept):
    from pyapp.models import https_url_or_none
    assert (https_url_or_none(url) == url) is kept


def test_a_link_to_a_host_that_is_not_loops_names_its_host():
    from pyapp.panel import _says_its_host
    assert _says_its_host("Return status page", "https://demo.loopreturns.com/#/r/1") == "Return status page"
    assert _says_its_host("Return status page", "https://api.loopreturns.com.evil.example/") == \
        "Return status page (api.loopreturns.com.evil.example)"
