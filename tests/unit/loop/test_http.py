"""The HTTP layer against the Loop stand-in over real HTTPS: errors, retries, deadlines, the cache and the
shop's shared budget."""

from __future__ import annotations

import asyncio

import pytest

from harness.loop_standin import FULL_KEY, Fault
from harness.tls import client_context
from pyapp.loop.client import ClientConfig, LoopClient
from pyapp.loop.errors import AuthError, BadResponse, Paused, RateLimited, Scope, Timeout, TooLarge, Unavailable
from pyapp.loop.models import ReturnState
from pyapp.loop.retry import RetryPolicy
from pyapp.loop.transport import UrllibTransport
from tests.unit.conftest import run


def make(loop, sleep=asyncio.sleep, **config) -> LoopClient:
    cfg = ClientConfig(base_url=f"https://localhost:{loop.port}", **{"timeout": 6.0, **config})
    return LoopClient(UrllibTransport(client_context()), FULL_KEY, cfg, RetryPolicy(), sleep=sleep)


def test_the_answer_cache_evicts_expired_answers_and_is_capped():
    """Every customer seen during a shift stayed in memory: expired answers go, and the cache has a size cap."""
    clock = [1000.0]

    class Fixed:
        async def send(self, request):
            from pyapp.loop.transport import Response

            return Response(200, {}, b'{"message": "No return found with this ID"}')

    client = LoopClient(Fixed(), FULL_KEY, ClientConfig(cache_ttl=60, cache_size=50), clock=lambda: clock[0])
    for n in range(120):
        run(client.order_returns(f"#{2000 + n}"))
    assert client.http.cache_entries() <= 50
    clock[0] += 61
    run(client.order_returns("#9999"))
    assert client.http.cache_entries() == 1


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


@pytest.mark.parametrize("hint", ["86400", "inf", "nan"])
def test_a_huge_or_endless_retry_after_counts_as_120_s_and_says_how_long(loop, hint):
    """A Retry-After of a day, or of for ever, stalls the client for 120 s at most: the error says how long is
    left, and once that has passed the next request leaves."""
    clock = [5000.0]
    loop.customer_lookup = False
    loop.faults.append(Fault("status", path="details", status=429, headers={"Retry-After": hint}, times=1, body={}))
    cfg = ClientConfig(base_url=f"https://localhost:{loop.port}", timeout=6.0)
    client = LoopClient(UrllibTransport(client_context()), FULL_KEY, cfg, RetryPolicy(), clock=lambda: clock[0])
    with pytest.raises(RateLimited) as first:
        run(client.order_returns("#1001"))
    assert first.value.retry_in == pytest.approx(120.0)
    clock[0] += 100
    client.forget()
    with pytest.raises(RateLimited) as again:
        run(client.order_returns("#1001"))
    assert again.value.retry_in == pytest.approx(20.0) and len(loop.api_requests("details")) == 1
    clock[0] += 21
    client.forget()
    run(client.order_returns("#1001"))
    assert len(loop.api_requests("details")) == 2


def test_order_name_is_url_encoded(loop, make_client):
    loop.customer_lookup = False
    run(make_client().order_returns("#1001"))
    raw_paths = [r for r in loop.api_requests("details")]
    assert raw_paths[0].query["order_name"] == ["#1001"]  # arrived intact: '#' was sent as %23


def test_cache_and_in_flight_sharing(loop, make_client):
    """Two panels asking at once, and again a moment later, cost Loop one request."""
    client = make_client()

    async def twice():
        await asyncio.gather(client.customer_returns("jane@example.com"), client.customer_returns("jane@example.com"))
        await client.customer_returns("jane@example.com")

    run(twice())
    assert len(loop.api_requests()) == 1


@pytest.mark.parametrize(
    "key,path", [("wrong-key", "/api/v1/warehouse/return/details"), ("wrong-key", "/api/v1/order/link")]
)
def test_401_in_both_documented_shapes_is_one_request_and_names_the_scope(loop, make_client, key, path):
    loop.customer_lookup = False
    client = make_client(key)
    if "details" in path:
        with pytest.raises(AuthError) as err:
            run(client.returns_for_ticket(None, ["#1001"]))
        assert err.value.scope is Scope.RETURNS
    else:
        with pytest.raises(AuthError) as err:
            run(client.deep_link("#1002", "jane@example.com"))
        assert err.value.scope is Scope.ORDERS
    assert len(loop.api_requests(path)) == 1


def test_429_honours_retry_after_then_gives_up(loop, make_client, sleeps):
    loop.faults.append(Fault("status", path="details", status=429, headers={"Retry-After": "2"}, body={}))
    loop.customer_lookup = False
    with pytest.raises(RateLimited):
        run(make_client().order_returns("#1001"))
    assert len(loop.api_requests("details")) == 3
    assert sleeps == pytest.approx([2.0, 2.0], abs=0.05)  # the cool-down Loop asked for, client-wide


def test_429_without_retry_after_backs_off_with_jitter(loop, make_client, sleeps):
    loop.faults.append(Fault("status", path="details", status=429, times=2, body={}))
    loop.customer_lookup = False
    [ret] = run(make_client().order_returns("#1001"))
    assert ret.state is ReturnState.OPEN
    assert len(sleeps) == 2 and 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_reads_retry_at_most_three_times(loop, make_client, status):
    loop.faults.append(Fault("status", path="details", status=status))
    loop.customer_lookup = False
    with pytest.raises(Unavailable):
        run(make_client().order_returns("#1001"))
    assert len(loop.api_requests("details")) == 3


def test_writes_are_not_retried_blindly(loop, make_client):
    loop.faults.append(Fault("status", path="order/link", status=503))
    with pytest.raises(Unavailable):
        run(make_client().deep_link("#1002", "jane@example.com"))
    assert len(loop.api_requests("order/link")) == 1


@pytest.mark.parametrize("kind", ["hang", "trickle"])
def test_no_answer_is_cut_at_the_deadline(loop, make_client, kind):
    loop.faults.append(Fault(kind, path="order/link", seconds=6))
    client = make_client(timeout=1.0)

    async def timed():
        start = asyncio.get_running_loop().time()
        with pytest.raises(Timeout):
            await client.deep_link("#1002", "jane@example.com")
        return asyncio.get_running_loop().time() - start

    assert run(timed()) < 2.5


@pytest.mark.parametrize(
    "kind,error",
    [
        ("malformed", BadResponse),
        ("html200", BadResponse),
        ("error200", BadResponse),
        ("huge", TooLarge),
        ("redirect", Unavailable),
    ],
)
def test_broken_bodies_become_one_clear_error(loop, make_client, kind, error):
    loop.faults.append(Fault(kind, path="order/link"))
    with pytest.raises(error) as err:
        run(make_client().deep_link("#1002", "jane@example.com"))
    assert "<" not in str(err.value) and "padding" not in str(err.value)
    assert len(loop.api_requests()) == 1  # the redirect is not followed


def test_wrong_schema_in_details_is_a_bad_response(loop, make_client):
    loop.customer_lookup = False
    loop.faults.append(Fault("wrong_schema", path="details"))
    with pytest.raises(BadResponse):
        run(make_client().order_returns("#1001"))


def test_connection_refused_is_unavailable(loop, make_client):
    from harness.tls import client_context
    from pyapp.loop.client import ClientConfig, LoopClient
    from pyapp.loop.transport import UrllibTransport

    client = LoopClient(
        UrllibTransport(client_context()),
        FULL_KEY,
        ClientConfig(base_url="https://localhost:9", timeout=1.0),
        sleep=lambda s: asyncio.sleep(0),
    )
    with pytest.raises(Unavailable):
        run(client.order_returns("#1001"))


def test_the_key_only_ever_travels_in_the_header(loop, make_client):
    """Canary: after a tour of every endpoint and several failures, the key is in headers and nowhere else."""
    canary = "lr_canary_5b0f7f3e9d"
    loop.keys[canary] = {"returns", "orders", "draft_returns"}
    client = make_client(canary)
    errors = []
    run(client.returns_for_ticket("jane@example.com", ["#1001"]))
    run(client.deep_link("#1002", "jane@example.com"))
    run(client.eligibility("#1002", "jane@example.com"))
    run(client.check_key())
    loop.faults.append(Fault("status", status=500))
    for call in (client.order_returns("#1003"), client.deep_link("#1002", "jane@example.com")):
        try:
            run(call)
        except Exception as exc:  # noqa: BLE001 - collecting every error text
            errors.append(exc)
    assert errors and all(canary not in f"{e!s} {e!r} {e.args}" for e in errors)
    assert canary not in repr(client)
    for r in loop.api_requests():
        assert r.headers["x-authorization"] == canary
        assert canary not in r.path and canary not in str(r.query) and canary.encode() not in r.body
        assert all(canary not in v for k, v in r.headers.items() if k != "x-authorization")


def test_a_hanging_read_is_not_retried(loop, make_client):
    """Three deadlines in a row would leave the agent waiting; one is enough to say Loop does not answer."""
    loop.customer_lookup = False
    loop.faults.append(Fault("hang", path="details", seconds=4))
    with pytest.raises(Timeout):
        run(make_client(timeout=1.0).order_returns("#1001"))
    assert len(loop.api_requests("details")) == 1


def test_odd_shapes_and_deep_json_are_bad_responses_not_crashes(loop, make_client):
    loop.customer_lookup = False
    loop.returns[0]["line_items"] = 5
    loop.returns[0]["labels"] = True
    [ret] = run(make_client().order_returns("#1001"))
    assert ret.line_items == [] and ret.labels == []
    loop.faults.append(Fault("status", path="order/link", status=200, body=b"[" * 100_000))
    with pytest.raises(BadResponse):
        run(make_client().deep_link("#1002", "jane@example.com"))
