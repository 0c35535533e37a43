"""The extension's settings as the panel uses them: the validated model, and how local and policy merge.

The one list of settings is ``pyapp.contract.table.FIELDS`` (names, defaults, lookup choices, policy schema).
``Settings`` declares only what the table cannot say without pydantic: each attribute's Python type and how a
stored value is cleaned. Its defaults are the table's, and its set of attributes is checked against the table's
when this module is imported: a setting added, dropped or renamed on one side only stops the panel at once (and
the unit tests), instead of being silently ignored. A new setting is a row there, its typed attribute here, and
the UI that shows it.

The model stays declared, not built with ``pydantic.create_model`` from the table: a dynamic model would leave
every ``settings.<attr>`` untyped for pyright across the panel.

Strict inward: storage holds only these fields; anything else is ignored, a malformed value falls back to its
default, never guessed. Policy (``chrome.storage.managed``) wins field by field over local values.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, field_validator

from pyapp.contract.table import FIELDS, NAMES, Field, apply_changes, effective, for_javascript, managed_schema

LookupField = Literal["zip", "email", "phone"]

_DEFAULTS: dict[str, Any] = {f.attr: f.default for f in FIELDS}


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = _DEFAULTS["enabled"]
    api_key: SecretStr | None = _DEFAULTS["api_key"]
    lookup_field: LookupField = _DEFAULTS["lookup_field"]
    locked: bool = _DEFAULTS["locked"]
    allow_anyway: bool = _DEFAULTS["allow_anyway"]  # agents may allow a return anyway (policy aside)
    allow_return_changes: bool = _DEFAULTS["allow_return_changes"]  # agents may cancel and flag returns
    order_headings: tuple[str, ...] = _DEFAULTS["order_headings"]  # extra "Recent orders" headings
    profile_headings: tuple[str, ...] = _DEFAULTS["profile_headings"]  # extra "Customer" headings
    managed: frozenset[str] = frozenset()  # which fields the administrator set (not a setting: not in the table)

    @field_validator("order_headings", "profile_headings", mode="before")
    @classmethod
    def _headings(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, (list, tuple)):
            return tuple(str(v).strip()[:80] for v in value[:10] if str(v).strip())
        return value

    @field_validator("api_key", mode="before")
    @classmethod
    def _key(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @property
    def configured(self) -> bool:
        return self.enabled and self.api_key is not None

    def __repr__(self) -> str:
        return (
            f"Settings(enabled={self.enabled}, api_key={'set' if self.api_key else 'unset'}, "
            f"lookup_field={self.lookup_field!r}, locked={self.locked}, managed={sorted(self.managed)})"
        )


def _check_against_table() -> None:
    """The model's attributes, lookup choices and defaults are the table's and valid, or the import fails (see the
    docstring). Checked once here, not on every settings object."""
    declared = set(Settings.model_fields) - {"managed"}
    if declared != set(_DEFAULTS):
        raise TypeError(f"Settings and table.FIELDS disagree: {sorted(declared ^ set(_DEFAULTS))}")
    lookup = next(f for f in FIELDS if f.attr == "lookup_field")
    if set(get_args(LookupField)) != set(lookup.schema["enum"]):
        raise TypeError("Settings.lookup_field's choices are not table.FIELDS' lookupField enum")
    Settings.model_validate(_DEFAULTS)  # a default of the wrong type raises here


_check_against_table()


def merge(local: dict[str, Any] | None, managed: dict[str, Any] | None) -> Settings:
    """Combine storage.local and storage.managed (managed wins, ``table.effective``: the one rule, which the early
    start uses too); malformed values fall back to defaults."""
    values = effective(local, managed)
    candidate: dict[str, Any] = {f.attr: values[f.name] for f in FIELDS}
    policy = managed if isinstance(managed, dict) else {}
    candidate["managed"] = frozenset(f.name for f in FIELDS if policy.get(f.name) is not None)
    try:
        return Settings.model_validate(candidate)
    except ValidationError as err:
        for name in {str(e["loc"][0]) for e in err.errors() if e.get("loc")}:
            candidate.pop(name, None)
        return Settings.model_validate(candidate)


# The table's names, re-exported: the settings' callers import them from here.
__all__ = [
    "FIELDS",
    "NAMES",
    "Field",
    "LookupField",
    "Settings",
    "apply_changes",
    "effective",
    "for_javascript",
    "managed_schema",
    "merge",
]
