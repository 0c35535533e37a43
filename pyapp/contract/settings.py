"""The extension's settings, in one table: names, defaults, the policy schema, and how local and policy merge.

``FIELDS`` is the only list of settings. ``build.py`` writes the enterprise policy schema
(``managed-schema.json``) and the names and defaults the options page reads (``extension/shared/contract.js``)
from it, so adding a setting is one row here plus the UI that shows it.

Strict inward: storage holds only these fields; anything else is ignored, a malformed value falls back to its
default, never guessed. Policy (``chrome.storage.managed``) wins field by field over local values.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, field_validator

LookupField = Literal["zip", "email", "phone"]


@dataclass(frozen=True)
class Field:
    name: str  # in storage, in the policy and in the options page
    attr: str  # on ``Settings``
    default: Any
    schema: dict  # its JSON-schema type, for the policy
    title: str
    description: str


FIELDS = (
    Field("enabled", "enabled", True, {"type": "boolean"}, "Enable Loop Returns",
          "Show the Loop Returns panel on Klaviyo Helpdesk tickets."),
    Field("apiKey", "api_key", None, {"type": "string"}, "Loop API key",
          "A Loop API key with the Returns and Orders scopes."),
    Field("lookupField", "lookup_field", "email", {"type": "string", "enum": ["zip", "email", "phone"]},
          "Customer lookup", "What the shop's Loop portal asks with the order name: zip, email or phone."),
    Field("orderListHeadings", "order_headings", (), {"type": "array", "items": {"type": "string"}},
          "Order list headings", "Last resort if Klaviyo renames the sidebar's Recent orders list: the heading "
          "texts to look for (besides Recent orders)."),
    Field("lockSettings", "locked", False, {"type": "boolean"}, "Lock settings",
          "When true, agents cannot change any setting in the options page."),
)
NAMES = tuple(f.name for f in FIELDS)


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    api_key: SecretStr | None = None
    lookup_field: LookupField = "email"
    locked: bool = False
    order_headings: tuple[str, ...] = ()  # extra "Recent orders" headings, if Klaviyo renames the list
    managed: frozenset[str] = frozenset()  # which fields the administrator set

    @field_validator("order_headings", mode="before")
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
        return (f"Settings(enabled={self.enabled}, api_key={'set' if self.api_key else 'unset'}, "
                f"lookup_field={self.lookup_field!r}, locked={self.locked}, managed={sorted(self.managed)})")


def merge(local: dict[str, Any] | None, managed: dict[str, Any] | None) -> Settings:
    """Combine storage.local and storage.managed (managed wins); malformed values fall back to defaults."""
    candidate: dict[str, Any] = {f.attr: f.default for f in FIELDS}
    set_by_admin: set[str] = set()
    for source, is_managed in ((local or {}, False), (managed or {}, True)):
        if not isinstance(source, dict):
            continue
        for f in FIELDS:
            if source.get(f.name) is not None:
                candidate[f.attr] = source[f.name]
                if is_managed:
                    set_by_admin.add(f.name)
    candidate["managed"] = frozenset(set_by_admin)
    try:
        return Settings.model_validate(candidate)
    except ValidationError as err:
        for name in {str(e["loc"][0]) for e in err.errors() if e.get("loc")}:
            candidate.pop(name, None)
        return Settings.model_validate(candidate)


def apply_changes(values: dict[str, Any], changes: dict[str, Any]) -> None:
    """A ``chrome.storage.onChanged`` event applied to what was read of that area: settings fields only."""
    for name, change in changes.items():
        if name not in NAMES or not isinstance(change, dict):
            continue
        if "newValue" in change:
            values[name] = change["newValue"]
        else:
            values.pop(name, None)


def managed_schema() -> dict:
    """The enterprise policy schema Chrome validates pushed settings against (written into dist/ by build.py)."""
    return {"type": "object",
            "properties": {f.name: {"title": f.title, "description": f.description, **f.schema} for f in FIELDS}}


def for_javascript() -> dict:
    """What the options page needs: the names and defaults (``None`` defaults are left out: "not set")."""
    return {"names": list(NAMES),
            "defaults": {f.name: list(f.default) if isinstance(f.default, tuple) else f.default
                         for f in FIELDS if f.default is not None}}
