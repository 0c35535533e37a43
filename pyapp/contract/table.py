"""The one table of the extension's settings, without pydantic: names, defaults, policy schema, storage events.

``build.py`` writes the enterprise policy schema (``managed-schema.json``) and the names and defaults the options
page reads (``extension/shared/contract.js``) from ``FIELDS``; ``pyapp.contract.settings`` validates them.
``effective`` is the policy-wins reading ``settings.merge`` validates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Field:
    name: str  # in storage, in the policy and in the options page
    attr: str  # on ``Settings``
    default: Any
    schema: dict  # its JSON-schema type, for the policy
    title: str
    description: str


FIELDS = (
    Field(
        "enabled",
        "enabled",
        True,
        {"type": "boolean"},
        "Enable Loop Returns",
        "Show the Loop Returns panel on Klaviyo Helpdesk tickets.",
    ),
    Field(
        "apiKey",
        "api_key",
        None,
        {"type": "string"},
        "Loop API key",
        "A Loop API key with the Returns and Orders scopes.",
    ),
    Field(
        "lookupField",
        "lookup_field",
        "email",
        {"type": "string", "enum": ["zip", "email", "phone"]},
        "Customer lookup",
        "What the shop's Loop portal asks with the order name: zip, email or phone.",
    ),
    Field(
        "orderListHeadings",
        "order_headings",
        (),
        {"type": "array", "items": {"type": "string"}},
        "Order list headings",
        "Last resort if Klaviyo renames the sidebar's Recent orders list: the heading "
        "texts to look for (besides Recent orders).",
    ),
    Field(
        "profileHeadings",
        "profile_headings",
        (),
        {"type": "array", "items": {"type": "string"}},
        "Customer profile headings",
        "Last resort if Klaviyo renames the sidebar's Customer section: the heading "
        "texts of the section that shows the customer's e-mail (besides Customer and Profile).",
    ),
    Field(
        "allowExceptions",
        "allow_anyway",
        False,
        {"type": "boolean"},
        "Let agents allow a return outside the policy",
        "When true, an agent can allowlist an order in Loop that is outside the return window or a final sale "
        "(needs the key's Orders scope), after one confirmation; the agent can undo it.",
    ),
    Field(
        "allowReturnChanges",
        "allow_return_changes",
        False,
        {"type": "boolean"},
        "Let agents cancel and flag returns",
        "When true, an agent can cancel an open return (so the customer can start over) or flag it for review "
        "with a reason, each after one confirmation. Sending or creating a return label is always offered.",
    ),
    Field(
        "lockSettings",
        "locked",
        False,
        {"type": "boolean"},
        "Lock settings",
        "When true, agents cannot change any setting in the options page.",
    ),
)
NAMES = tuple(f.name for f in FIELDS)


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
    return {
        "type": "object",
        "properties": {f.name: {"title": f.title, "description": f.description, **f.schema} for f in FIELDS},
    }


def for_javascript() -> dict:
    """What the options page needs: the names and defaults (``None`` defaults are left out: "not set")."""
    return {
        "names": list(NAMES),
        "lockExempt": list(LOCK_EXEMPT),
        "defaults": {
            f.name: list(f.default) if isinstance(f.default, tuple) else f.default
            for f in FIELDS
            if f.default is not None
        },
    }


# Under lockSettings a key saved in the options page before the lock is still used when the policy sets none (the
# options page says so); every other local value is ignored, later admin switches included.
LOCK_EXEMPT = ("apiKey",)


def effective(local: dict[str, Any] | None, managed: dict[str, Any] | None) -> dict[str, Any]:
    """Each field's value, as given (not validated: ``settings.merge`` does that). The one "policy wins" rule:
    a value the policy sets (not null) wins; with ``lockSettings`` the rest are defaults (``LOCK_EXEMPT``
    aside); otherwise a local value (not null), else the default. ``EFFECTIVE_JS`` is this rule for the options
    page (shipped in ``contract.js``; a build test runs both on the same cases)."""
    policy = managed if isinstance(managed, dict) else {}
    mine = local if isinstance(local, dict) else {}
    locked = policy.get("lockSettings") is True
    values = {}
    for f in FIELDS:
        if policy.get(f.name) is not None:
            values[f.name] = policy[f.name]
        elif mine.get(f.name) is not None and (not locked or f.name in LOCK_EXEMPT):
            values[f.name] = mine[f.name]
        else:
            values[f.name] = f.default
    return values


# ``effective`` for the options page, over contract.js's names and defaults (an unset default is left out).
EFFECTIVE_JS = """effective(local, managed) {
  const policy = managed && typeof managed === "object" ? managed : {};
  const mine = local && typeof local === "object" ? local : {};
  const locked = policy.lockSettings === true;
  const set = (v) => v !== null && v !== undefined;
  const out = {};
  for (const name of this.settings.names) {
    if (set(policy[name])) out[name] = policy[name];
    else if (set(mine[name]) && (!locked || this.settings.lockExempt.includes(name))) out[name] = mine[name];
    else if (name in this.settings.defaults) out[name] = this.settings.defaults[name];
  }
  return out;
}"""
