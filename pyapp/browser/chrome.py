"""Browser odds and ends the runtime needs besides messages and fetch.

The storage name of the panel's collapsed state, and a readable report of a failed task.

The runtime runs in a worker: it has no ``chrome.*`` APIs. The settings reach it from the service worker; the
clipboard, the reply box and the page are the panel frame's to touch, on the runtime's request
(``pyapp.browser.runtime_app``).
"""

from __future__ import annotations

import js

PANEL_COLLAPSED = "panelCollapsed"  # not a setting: how the agent left the panel, kept in storage.local


def log_error(exc: BaseException) -> None:
    """A bug: its type and where it happened, for the developer. Never its message or values, which may hold page
    or Loop text (SECURITY.md: nothing of a ticket in any console)."""
    import traceback

    where = "".join(traceback.format_tb(exc.__traceback__))
    js.console.error(f"[loop-returns runtime] {type(exc).__qualname__}\n{where[-4000:]}")


def log_task_error(loop, context) -> None:
    """A failed background task (asyncio's exception handler)."""
    exc = context.get("exception")
    if exc is not None:
        log_error(exc)
    else:
        js.console.error("[loop-returns runtime] a task failed")
