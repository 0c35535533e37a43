"""Small helpers for JavaScript values and the User Timing marks the benchmark reads."""

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


MARKS_KEPT = 200  # per name: a panel open all shift must not grow its performance timeline without end
_marks: dict[str, int] = {}


def mark(name: str) -> None:
    """A User Timing mark the benchmark reads (tests/bench); the panel itself never reads them. Every
    ``MARKS_KEPT`` marks of a name, the older ones are dropped."""
    count = _marks.get(name, 0) + 1
    _marks[name] = count
    if count % MARKS_KEPT == 0:
        js.performance.clearMarks(name)
    js.performance.mark(name)
