"""The extension's settings as the panel uses them: the validated model, and how local and policy merge.

The one list of settings is ``pyapp.contract.table.FIELDS`` (names, defaults, policy schema); a new setting is a
row there plus its attribute here, and the UI that shows it.

Strict inward: storage holds only these fields; anything else is ignored, a malformed value falls back to its
default, never guessed. Policy (``chrome.storage.managed``) wins field by field over local values.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, field_validator

from pyapp.contract.table import FIELDS, NAMES, Field, apply_changes, effective, for_javascript, managed_schema

LookupField = Literal["zip", "email", "phone"]


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    api_key: SecretStr | None = None
    lookup_field: LookupField = "email"
    locked: bool = False
    allow_exceptions: bool = False  # agents may allowlist an order outside the policy (off unless an admin says)
    allow_return_changes: bool = False  # agents may cancel and flag returns (off unless an admin says)
    order_headings: tuple[str, ...] = ()  # extra "Recent orders" headings, if Klaviyo renames the list
    profile_headings: tuple[str, ...] = ()  # extra "Customer" headings, if Klaviyo renames the profile section
    managed: frozenset[str] = frozenset()  # which fields the administrator set

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
