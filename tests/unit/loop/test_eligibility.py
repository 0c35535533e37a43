"""Eligibility as Loop tells it, by a draft return that is always cancelled."""

from __future__ import annotations

import asyncio
import time

import pytest

from harness.loop_standin import FULL_KEY, NO_DRAFTS_KEY, Fault
from harness.memory_transport import StandinTransport
from pyapp.loop.client import ClientConfig, LoopClient
from pyapp.loop.eligibility import Ineligibility, Unchecked
from pyapp.loop.retry import RetryPolicy
from tests.unit.conftest import run


def make(loop, sleep=asyncio.sleep, **config) -> LoopClient:
    cfg = ClientConfig(base_url=f"https://localhost:{loop.port}", **{"timeout": 6.0, **config})
    return LoopClient(StandinTransport(loop), FULL_KEY, cfg, RetryPolicy(), sleep=sleep)


def test_a_failed_draft_cancel_is_retried_once_and_counted(loop):
    loop.faults.append(Fault("status", path="cancel", status=500, times=1))
    client = make(loop)
    run(client.eligibility("#1002", "jane@example.com"))
    assert [d["state"] for d in loop.drafts.values()] == ["cancelled"]
    assert len(loop.api_requests("cancel")) == 2 and client.drafts.stats["draft_cancel_retries"] == 1


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


@pytest.mark.parametrize(
    "order,eligible,reason",
    [
        ("#1002", True, None),
        ("#1006", False, Ineligibility.FINAL_SALE),
        ("#1007", False, Ineligibility.OUTSIDE_WINDOW),
        ("#1009", False, Ineligibility.NOT_FULFILLED),
        ("#1001", False, Ineligibility.ALREADY_RETURNED),
        ("#4040", False, Ineligibility.NOT_FOUND),
    ],
)
def test_eligibility_and_the_draft_is_always_cancelled(loop, make_client, order, eligible, reason):
    email = {"#1009": "noah@example.com"}.get(
        order, "ava@example.com" if order in ("#1006", "#1007") else "jane@example.com"
    )
    result = run(make_client().eligibility(order, email))
    assert result.eligible is eligible and result.reason == reason
    assert all(d["state"] == "cancelled" for d in loop.drafts.values())


@pytest.mark.parametrize("status", [422, 200])
@pytest.mark.parametrize(
    "code,eligible,reason,unchecked",
    [
        ("secondary-input-mismatch", False, Ineligibility.LOOKUP_MISMATCH, None),
        ("order-not-found", False, Ineligibility.NOT_FOUND, None),
        ("returns-unavailable-for-order", False, Ineligibility.UNAVAILABLE, None),
        ("returns-unavailable-from-order-address", False, Ineligibility.ADDRESS, None),
        ("draft-returns-not-enabled", None, None, Unchecked.DRAFTS_OFF),
        ("validation-failed", None, None, Unchecked.UNKNOWN_ANSWER),
        ("unsupported-feature", None, None, Unchecked.UNKNOWN_ANSWER),
    ],
)
def test_draft_errors_are_read_from_422_and_from_200(loop, make_client, status, code, eligible, reason, unchecked):
    """Loop answers draft-return errors as HTTP 422 {"errors": [{"code", "message"}]} (Gladly 1.6.2, Loop's
    Submit docs); whether they also come inside a 200 is undocumented: both are read."""
    loop.faults.append(
        Fault(
            "status", path="draft-returns", status=status, body={"errors": [{"code": code, "message": "Loop says no."}]}
        )
    )
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


def test_draft_errors_that_say_nothing_about_the_order_leave_eligibility_unknown(loop, make_client):
    loop.faults.append(
        Fault(
            "status",
            path="draft-returns",
            status=200,
            body={"draft_return": None, "errors": [{"code": "draft-returns-not-enabled"}]},
        )
    )
    assert run(make_client().eligibility("#1002", "jane@example.com")).eligible is None


def test_a_draft_answer_in_an_odd_shape_is_read_as_far_as_it_goes():
    """Each part of the draft answer in an unexpected shape counts as absent, never fails the whole answer (the
    draft is still cancelled): a policy's window only as a whole number of days, 1 to 3650."""
    from pyapp.loop.drafts import DraftAnswer
    from pyapp.loop.eligibility import eligibility_from_draft
    from pyapp.loop.http import validate

    def verdict(data):
        return eligibility_from_draft(validate(DraftAnswer, data, "/draft-returns"))

    def window(days):
        data = {"draft_return": {"return_policy": {"return_window_days": days}}, "context": {}}
        data["context"]["items_eligible_to_return"] = [{"order_line_item_id": 1}]
        return verdict(data).window_days

    assert [window(d) for d in (30, 0, 3651, True, "30", None)] == [30, None, None, None, None, None]
    odd = validate(DraftAnswer, {"draft_return": "dr_1", "context": [], "errors": []}, "/draft-returns")
    assert odd.draft_return.id is None and verdict({"context": []}).unchecked is Unchecked.UNKNOWN_ANSWER
    assert validate(DraftAnswer, {"draft_return": {"id": 42}}, "/").draft_return.id == "42"
    not_ok = {"context": {"items_eligible_to_return": "all", "items_not_eligible_to_return": ["x", {}]}}
    assert verdict(not_ok).unchecked is Unchecked.UNKNOWN_ANSWER
    not_ok["context"]["items_not_eligible_to_return"].append({"ineligibility_code": "final-sale"})
    assert verdict(not_ok).reason is Ineligibility.FINAL_SALE


def test_only_listed_drafts_in_our_shape_are_read():
    from pyapp.loop.eligibility import listed_drafts

    rows = [{"id": 1, "state": "created", "order_name": "#1"}, {"id": "b", "state": 5}, "junk", {"order_name": 7}]
    assert [(d.id, d.state) for d in listed_drafts({"_embedded": {"draft_returns": rows}}, "/")] == [("1", "created")]
    assert [d.id for d in listed_drafts({"data": [{"id": "x"}]}, "/")] == ["x"] and listed_drafts([], "/") == []
