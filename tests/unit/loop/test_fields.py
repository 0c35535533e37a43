"""How Loop's values are read: money as plain decimals within bounds, links as short https only."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

import pytest

from pyapp.loop.models import Return
from tests.unit.conftest import run


@pytest.mark.parametrize("raw", ["1e10000000", "1E+999999", "Infinity", "NaN", "12" * 40, "0x10", "1_000"])
def test_money_is_a_plain_decimal_within_bounds_or_nothing(raw):
    """'1e10000000' became a Decimal whose text is ten megabytes long, in the panel's DOM."""
    r = Return.model_validate({"id": "1", "state": "open", "total": raw, "return_total": raw})
    assert r.total is None and r.amount is None


def test_plain_money_is_kept():
    r = Return.model_validate({"id": "1", "total": "164.58", "refund": 78, "gift_card": "-0.50"})
    assert str(r.total) == "164.58" and str(r.refund) == "78" and str(r.gift_card) == "-0.50"


@pytest.mark.parametrize(
    "url,kept",
    [
        ("https://demo-shop.loopreturns.com/#/return/1", True),
        ("https://returns.shop.example/#/return/1", True),
        ("http://demo-shop.loopreturns.com/x", False),
        ("javascript:alert(1)", False),
        ("data:text/html,<b>x", False),
        ("https://user:pass@demo-shop.loopreturns.com/", False),
        ("https://demo-shop.loopreturns.com/" + "a" * 3000, False),
        ("https://demo shop.loopreturns.com/", False),
        ("//demo-shop.loopreturns.com/", False),
    ],
)
def test_only_short_https_links_without_credentials(url, kept):
    from pyapp.loop.fields import https_url_or_none

    assert (https_url_or_none(url) == url) is kept


def test_details_quirks_are_normalised(loop, make_client):
    """Integer ids, space-separated timestamps, "N/A" placeholders and quoted reasons from Get Return Details."""
    loop.customer_lookup = False
    client = make_client()
    [ret] = run(client.order_returns("#1001"))
    assert ret.id == "37603915" and ret.provider_order_id == "5444175758001"
    assert ret.created_at.tzinfo == UTC
    assert ret.line_items[0].reason == "Item arrived damaged"
    assert ret.amount == Decimal("105.00") and ret.currency == "USD"
    assert ret.tracking.url.startswith("https://tools.usps.com/") and ret.tracking.status == "in_transit"
    [review] = run(client.order_returns("#1004"))
    assert review.carrier is None and review.tracking_number is None and review.tracking is not None
    assert review.tracking.url == review.status_page_url  # no carrier: Loop's status page is the link
