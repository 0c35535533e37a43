"""Small helpers for JavaScript values, importable before pydantic (the panel's early start uses them)."""
from __future__ import annotations

import js
from pyodide.ffi import to_js


def present(value) -> bool:
    """JavaScript's null arrives as a JsNull object and undefined as None: both mean "not there"."""
    return value is not None and type(value).__name__ not in ("JsNull", "JsUndefined")


def to_js_object(value):
    return to_js(value, dict_converter=js.Object.fromEntries)


def ignore(*_args) -> None:
    """A promise rejection nobody needs to act on (the content script is gone with the page)."""


def py(value):
    """A JS value as Python data, or None."""
    return value.to_py() if present(value) and hasattr(value, "to_py") else None
