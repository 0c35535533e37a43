"""Settings: strict inward, policy wins field by field, the key never printed."""
from pyapp.settings import merge


def test_policy_wins_and_is_marked_as_set_by_the_administrator():
    s = merge({"apiKey": "local-key", "lookupField": "zip", "enabled": False}, {"apiKey": "policy-key", "enabled": True})
    assert s.api_key.get_secret_value() == "policy-key" and s.enabled and s.lookup_field == "zip"
    assert s.managed == {"apiKey", "enabled"}


def test_malformed_values_fall_back_without_losing_the_rest():
    s = merge({"apiKey": "  k-123  ", "lookupField": "fax", "enabled": "yes please", "orderListHeadings": "A, B"}, None)
    assert s.api_key.get_secret_value() == "k-123" and s.lookup_field == "email"
    assert s.order_headings == ("A", "B")


def test_the_key_is_never_in_a_repr():
    s = merge({"apiKey": "lr_secret_canary"}, None)
    assert "lr_secret_canary" not in repr(s) and "lr_secret_canary" not in str(s)
    assert not merge({"apiKey": "   "}, None).configured
