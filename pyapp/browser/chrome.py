"""Browser odds and ends the runtime needs besides messages and fetch.

The storage name of the panel's collapsed state, and a readable report of a failed task.

The runtime runs in a worker: it has no ``chrome.*`` APIs. The settings reach it from the service worker; the
clipboard, the reply box and the page are the panel frame's to touch, on the runtime's request
(``pyapp.browser.runtime_app``).
"""

from __future__ import annotations

import js

PANEL_COLLAPSED = "panelCollapsed"  # not a setting: how the agent left the panel, kept in storage.local


def log_task_error(loop, context) -> None:
    """A failed background task is a bug: log its type and traceback (never values) for the developer."""
    import traceback

    exc = context.get("exception")
    text = "".join(traceback.format_exception(exc)) if exc else str(context.get("message"))
    js.console.error("[loop-returns runtime] " + text[-4000:])
