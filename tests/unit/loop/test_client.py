"""The client's other public calls: the deep link and the key check."""
from __future__ import annotations


import pytest

from harness.loop_standin import FULL_KEY, Fault, NO_DRAFTS_KEY, RETURNS_ONLY_KEY
from pyapp.loop.errors import NotFound, RejectedInput
from tests.unit.conftest import run


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


@pytest.mark.parametrize("key,expected", [
    (FULL_KEY, (True, True, True)), (RETURNS_ONLY_KEY, (True, False, False)),
    (NO_DRAFTS_KEY, (True, True, False)), ("not-a-key", (False, False, False))])
def test_key_check_reports_each_scope_without_side_effects(loop, make_client, key, expected):
    check = run(make_client(key).check_key())
    assert (check.returns, check.orders, check.draft_returns) == expected
    assert check.works is any(expected)
    assert all(r.method == "GET" for r in loop.api_requests()) and not loop.drafts


def test_key_check_when_loop_is_down_says_so(loop, make_client):
    loop.faults.append(Fault("status", status=503))
    check = run(make_client().check_key())
    assert check.problem == "errUnavailable" and check.returns is None
