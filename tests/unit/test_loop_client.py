"""The Loop client against the Loop stand-in, over real HTTPS on loopback."""
from __future__ import annotations

import asyncio
from datetime import timezone
from decimal import Decimal

import pytest

from harness.loop_standin import FULL_KEY, NO_DRAFTS_KEY, RETURNS_ONLY_KEY, Fault
from pyapp.errors import (AuthError, BadResponse, NotFound, RateLimited, RejectedInput, Scope, Timeout,
                          TooLarge, Unavailable, UnknownRoute)
from pyapp.models import Ineligibility, Outcome, ReturnState, Unchecked

from .conftest import run


def test_customer_lookup_finds_every_state(loop, make_client):
    """One request per customer covers the orders with returns; each listed order it did not return costs one
    details call (1 + missing per ticket); every Loop state maps to the agent's word."""
    client = make_client()
    states = {}
    for email, orders in [("jane@example.com", ["#1001", "#1002"]), ("max@example.com", ["#1003", "#1004"]),
                          ("ava@example.com", ["#1005", "#1006"])]:
        found = run(client.returns_for_ticket(email, orders))
        assert found.via_customer_lookup
        for returns in found.by_order.values():
            for r in returns:
                states[r.order_name, r.id] = r.state
    assert len(loop.api_requests("/api/v2/returns")) == 3
    details = sorted(r.query["order_name"][0] for r in loop.api_requests("/warehouse/return/details"))
    assert details == ["#1002", "#1006"]  # the two listed orders without a return
    assert set(states.values()) == set(ReturnState) - {ReturnState.UNKNOWN}
    assert states["#1004", "37603930"].message_key == "stateReview"


def test_orders_without_returns_are_known_empty_and_history_is_included(loop, make_client):
    """Jane's sidebar lists #1001 and #1002; her older #1008 return shows up too, from the same call."""
    found = run(make_client().returns_for_ticket("jane@example.com", ["#1001", "#1002"]))
    assert found.by_order["1002"] == []
    assert [r.state for r in found.by_order["1001"]] == [ReturnState.OPEN]
    assert [r.outcome for r in found.by_order["1008"]] == [Outcome.STORE_CREDIT]


def test_several_returns_on_one_order_come_newest_first(loop, make_client):
    found = run(make_client().returns_for_ticket("max@example.com", ["#1003"]))
    assert [r.state for r in found.by_order["1003"]] == [ReturnState.CLOSED, ReturnState.CANCELLED]


def test_details_quirks_are_normalised(loop, make_client):
    """Integer ids, space-separated timestamps, "N/A" placeholders and quoted reasons from Get Return Details."""
    loop.customer_lookup = False
    client = make_client()
    [ret] = run(client.order_returns("#1001"))
    assert ret.id == "37603915" and ret.provider_order_id == "5444175758001"
    assert ret.created_at.tzinfo == timezone.utc
    assert ret.line_items[0].reason == "Item arrived damaged"
    assert ret.amount == Decimal("105.00") and ret.currency == "USD"
    assert ret.tracking.url.startswith("https://tools.usps.com/") and ret.tracking.status_message_key == "labelInTransit"
    [review] = run(client.order_returns("#1004"))
    assert review.carrier is None and review.tracking_number is None and review.tracking is not None
    assert review.tracking.url == review.status_page_url  # no carrier: Loop's status page is the link


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
    run(make_client().returns_for_ticket("jane@example.com", ["#1001", "#1002"],
                                         on_progress=lambda found, pending: seen.append((set(found.by_order), pending))))
    assert seen == [({"1001", "1008"}, {"1002"})]


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


@pytest.mark.parametrize("key,path", [("wrong-key", "/api/v1/warehouse/return/details"),
                                      ("wrong-key", "/api/v1/order/link")])
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
        assert err.value.scope is Scope.ORDERS and err.value.scope_message_key == "errKeyNoOrders"
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


@pytest.mark.parametrize("kind,error", [("malformed", BadResponse), ("html200", BadResponse),
                                        ("error200", BadResponse), ("huge", TooLarge),
                                        ("redirect", Unavailable)])
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
    from pyapp.loop_client import ClientConfig, LoopClient
    from pyapp.transport import UrllibTransport
    from harness.tls import client_context
    client = LoopClient(UrllibTransport(client_context()), FULL_KEY,
                        ClientConfig(base_url="https://localhost:9", timeout=1.0), sleep=lambda s: asyncio.sleep(0))
    with pytest.raises(Unavailable):
        run(client.order_returns("#1001"))


def test_deep_link_with_the_customer_email(loop, make_client):
    url = run(make_client().deep_link("#1002", "jane@example.com"))
    assert url.startswith("https://demo-shop.loopreturns.com/#/link/")
    assert loop.links[-1]["order"] == "#1002"


def test_deep_link_with_a_wrong_lookup_value_is_not_found(loop, make_client):
    loop.lookup_field = "zip"
    with pytest.raises(NotFound):
        run(make_client().deep_link("#1002", "99999"))


def test_deep_link_missing_value_is_rejected_input(loop, make_client):
    with pytest.raises(RejectedInput):
        run(make_client().deep_link("#1002", ""))


@pytest.mark.parametrize("order,eligible,reason", [
    ("#1002", True, None), ("#1006", False, Ineligibility.FINAL_SALE),
    ("#1007", False, Ineligibility.OUTSIDE_WINDOW), ("#1009", False, Ineligibility.NOT_FULFILLED),
    ("#1001", False, Ineligibility.ALREADY_RETURNED), ("#4040", False, Ineligibility.NOT_FOUND)])
def test_eligibility_and_the_draft_is_always_cancelled(loop, make_client, order, eligible, reason):
    email = {"#1009": "noah@example.com"}.get(order, "ava@example.com" if order in ("#1006", "#1007") else "jane@example.com")
    result = run(make_client().eligibility(order, email))
    assert result.eligible is eligible and result.reason == reason
    assert all(d["state"] == "cancelled" for d in loop.drafts.values())


@pytest.mark.parametrize("status", [422, 200])
@pytest.mark.parametrize("code,eligible,reason,unchecked", [
    ("secondary-input-mismatch", False, Ineligibility.LOOKUP_MISMATCH, None),
    ("order-not-found", False, Ineligibility.NOT_FOUND, None),
    ("returns-unavailable-for-order", False, Ineligibility.UNAVAILABLE, None),
    ("returns-unavailable-from-order-address", False, Ineligibility.ADDRESS, None),
    ("draft-returns-not-enabled", None, None, Unchecked.DRAFTS_OFF),
    ("validation-failed", None, None, Unchecked.UNKNOWN_ANSWER),
    ("unsupported-feature", None, None, Unchecked.UNKNOWN_ANSWER)])
def test_draft_errors_are_read_from_422_and_from_200(loop, make_client, status, code, eligible, reason, unchecked):
    """Loop answers draft-return errors as HTTP 422 {"errors": [{"code", "message"}]} (Gladly 1.6.2, Loop's
    Submit docs); whether they also come inside a 200 is undocumented: both are read."""
    loop.faults.append(Fault("status", path="draft-returns", status=status,
                             body={"errors": [{"code": code, "message": "Loop says no."}]}))
    result = run(make_client().eligibility("#1002", "jane@example.com"))
    assert (result.eligible, result.reason, result.unchecked) == (eligible, reason, unchecked)


def test_a_shop_without_draft_returns_is_learned_from_the_first_click(loop, make_client):
    """The Draft Returns API is a beta, off for most shops: the first answer says so, and later clicks do not
    ask again (the link is made all the same)."""
    loop.drafts_enabled = False
    client = make_client()
    for _ in range(3):
        assert run(client.eligibility("#1002", "jane@example.com")).unchecked is Unchecked.DRAFTS_OFF
    assert len(loop.api_requests("draft-returns")) == 1


def test_an_unknown_ineligibility_code_is_not_guessed(loop, make_client):
    loop.orders["#1002"]["eligibility"] = "gift-card-only-item"
    result = run(make_client().eligibility("#1002", "jane@example.com"))
    assert result.eligible is None and result.unchecked is Unchecked.UNKNOWN_ANSWER


def test_eligibility_without_the_draft_scope(loop, make_client):
    """A 401 from the draft API is the key's scope, not a broken key: not checked, and not asked again."""
    client = make_client(NO_DRAFTS_KEY)
    for _ in range(2):
        assert run(client.eligibility("#1002", "jane@example.com")).unchecked is Unchecked.NO_SCOPE
    assert len(loop.api_requests("draft-returns")) == 1


@pytest.mark.parametrize("key,expected", [
    (FULL_KEY, (True, True, True)), (RETURNS_ONLY_KEY, (True, False, False)),
    (NO_DRAFTS_KEY, (True, True, False)), ("not-a-key", (False, False, False))])
def test_key_check_reports_each_scope_without_side_effects(loop, make_client, key, expected):
    check = run(make_client(key).check_key())
    assert (check.returns, check.orders, check.draft_returns) == expected
    assert check.key_works is any(expected)
    assert all(r.method == "GET" for r in loop.api_requests()) and not loop.drafts


def test_key_check_when_loop_is_down_says_so(loop, make_client):
    loop.faults.append(Fault("status", status=503))
    check = run(make_client().check_key())
    assert check.problem == "errUnavailable" and check.returns is None


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


def test_no_return_answers_are_cached_too(loop, make_client):
    """Most orders have no return; asking again within the cache time must not cost another request."""
    loop.customer_lookup = False
    client = make_client()
    run(client.returns_for_ticket(None, ["#1001", "#1002"]))
    run(client.returns_for_ticket(None, ["#1001", "#1002"]))
    assert len(loop.api_requests("details")) == 2


def test_odd_shapes_and_deep_json_are_bad_responses_not_crashes(loop, make_client):
    loop.customer_lookup = False
    loop.returns[0]["line_items"] = 5
    loop.returns[0]["labels"] = True
    [ret] = run(make_client().order_returns("#1001"))
    assert ret.line_items == [] and ret.labels == []
    loop.faults.append(Fault("status", path="order/link", status=200, body=b"[" * 100_000))
    with pytest.raises(BadResponse):
        run(make_client().deep_link("#1002", "jane@example.com"))


def test_customer_lookup_with_an_odd_answer_falls_back_to_per_order(loop, make_client):
    loop.faults.append(Fault("wrong_schema", path="/api/v2/returns"))
    found = run(make_client().returns_for_ticket("jane@example.com", ["#1001"]))
    assert not found.via_customer_lookup and found.by_order["1001"][0].state.value == "open"


def test_draft_errors_that_say_nothing_about_the_order_leave_eligibility_unknown(loop, make_client):
    loop.faults.append(Fault("status", path="draft-returns", status=200,
                             body={"draft_return": None, "errors": [{"code": "draft-returns-not-enabled"}]}))
    assert run(make_client().eligibility("#1002", "jane@example.com")).eligible is None


def test_a_rejected_key_on_a_ticket_without_orders_is_reported_not_hidden(loop, make_client):
    """E-mail only, and the customer lookup answers 401: one probe tells a bad key from 'not offered'."""
    with pytest.raises(AuthError):
        run(make_client("lr_wrong").returns_for_ticket("noah@example.com", []))
    assert [r.path for r in loop.api_requests()] == ["/api/v2/returns", "/api/v1/warehouse/return/list"]
    loop.clear_log()
    loop.customer_lookup = False  # a shop without the lookup (404) and a good key: no probe, no error
    found = run(make_client().returns_for_ticket("noah@example.com", []))
    assert found.by_order == {} and [r.path for r in loop.api_requests()] == ["/api/v2/returns"]
