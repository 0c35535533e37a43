"""Settings: strict inward, policy wins field by field, the key never printed."""

from pyapp.contract.settings import apply_changes, managed_schema, merge


def test_policy_wins_and_is_marked_as_set_by_the_administrator():
    s = merge(
        {"apiKey": "local-key", "lookupField": "zip", "enabled": False}, {"apiKey": "policy-key", "enabled": True}
    )
    assert s.api_key.get_secret_value() == "policy-key" and s.enabled and s.lookup_field == "zip"
    assert s.managed == {"apiKey", "enabled"}


def test_malformed_values_fall_back_without_losing_the_rest():
    s = merge(
        {
            "apiKey": "  k-123  ",
            "lookupField": "fax",
            "enabled": "yes please",
            "orderListHeadings": "A, B",
            "profileHeadings": ["Shopper", " "],
        },
        None,
    )
    assert s.api_key.get_secret_value() == "k-123" and s.lookup_field == "email"
    assert s.order_headings == ("A", "B") and s.profile_headings == ("Shopper",)


def test_the_key_is_never_in_a_repr():
    s = merge({"apiKey": "lr_secret_canary"}, None)
    assert "lr_secret_canary" not in repr(s) and "lr_secret_canary" not in str(s)
    assert not merge({"apiKey": "   "}, None).configured


def test_every_setting_is_one_row_of_the_table():
    from pyapp.contract.settings import FIELDS, Settings

    assert {f.attr for f in FIELDS} == set(Settings.model_fields) - {"managed"}
    schema = managed_schema()["properties"]
    assert list(schema) == [f.name for f in FIELDS] and all(p["title"] and p["description"] for p in schema.values())
    assert merge({}, {}).model_dump(exclude={"managed"}) == {f.attr: f.default for f in FIELDS}
    from typing import get_args

    from pyapp.contract.settings import LookupField

    lookup = next(f for f in FIELDS if f.name == "lookupField")
    assert set(get_args(LookupField)) == set(lookup.schema["enum"])  # the model's choices are the table's


def test_a_setting_on_one_side_only_stops_the_import(monkeypatch):
    """The model is checked against the table when imported: a setting the table lacks (or the model) is an
    error at once, not a value silently ignored."""
    import pytest

    from pyapp.contract import settings

    monkeypatch.setattr(settings, "_DEFAULTS", {**settings._DEFAULTS, "forgotten": None})
    with pytest.raises(TypeError, match="forgotten"):
        settings._check_against_table()


def test_a_storage_change_touches_settings_fields_only():
    values = {"apiKey": "old", "lookupField": "zip"}
    apply_changes(
        values,
        {
            "apiKey": {"oldValue": "old", "newValue": "new"},
            "lookupField": {"oldValue": "zip"},
            "panelCollapsed": {"newValue": True},
            "enabled": "not a change",
        },
    )
    assert values == {"apiKey": "new"}


def test_the_early_reading_agrees_with_the_validated_one_on_what_decides_a_call():
    from pyapp.contract.table import effective

    cases = [
        ({"apiKey": "local"}, {"apiKey": "policy"}),
        ({"apiKey": "k", "enabled": False}, {}),
        ({"apiKey": "k"}, {"enabled": False}),
        ({}, {"apiKey": "p"}),
        ({"apiKey": "k"}, None),
    ]
    for local, managed in cases:
        raw, s = effective(local, managed), merge(local, managed)
        assert (raw["apiKey"], raw["enabled"]) == (s.api_key.get_secret_value() if s.api_key else None, s.enabled)


def test_allowing_exceptions_is_off_unless_set_and_the_policy_wins():
    assert merge({"apiKey": "k"}, None).allow_anyway is False
    assert merge({"apiKey": "k", "allowExceptions": True}, None).allow_anyway is True
    locked = merge({"apiKey": "k", "allowExceptions": True}, {"allowExceptions": False})
    assert locked.allow_anyway is False and "allowExceptions" in locked.managed
    assert merge({"allowExceptions": "yes please"}, None).allow_anyway is False  # malformed: the default


# The cases the one "policy wins" rule is checked on, here and against the options page's copy of it
# (tests/build/test_build.py runs the same cases through dist/shared/contract.js).
LOCK_CASES = [
    ({"apiKey": "k", "allowExceptions": True}, {"lockSettings": True}),  # a later admin switch: locked too
    ({"apiKey": "k", "enabled": False, "lookupField": "zip"}, {"lockSettings": True}),
    ({"apiKey": "local"}, {"lockSettings": True, "apiKey": "policy"}),
    ({"apiKey": "k", "lookupField": "zip"}, {"lookupField": None}),  # null in the policy: not set
    ({"apiKey": "k", "lookupField": "zip"}, {"lockSettings": False}),
    ({"lookupField": None}, {}),
    ({}, None),
]


def test_a_locked_policy_locks_every_setting_but_a_local_key_it_does_not_replace():
    s = merge({"apiKey": "k", "allowExceptions": True, "enabled": False, "lookupField": "zip"}, {"lockSettings": True})
    assert s.allow_anyway is False and s.enabled is True and s.lookup_field == "email"  # local values: ignored
    assert s.api_key.get_secret_value() == "k"  # the policy sets no key: the one saved before the lock is used
    assert merge({"apiKey": "local"}, {"lockSettings": True, "apiKey": "policy"}).api_key.get_secret_value() == "policy"
    assert merge({"lookupField": "zip"}, {"lookupField": None}).lookup_field == "zip"  # null: not set


def test_one_rule_for_every_caller():
    from pyapp.contract.table import effective

    for local, managed in LOCK_CASES:
        raw, s = effective(local, managed), merge(local, managed)
        assert raw["allowExceptions"] == s.allow_anyway and raw["enabled"] == s.enabled
        assert raw["lookupField"] == s.lookup_field
