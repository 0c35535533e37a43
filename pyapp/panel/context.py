"""What an action is given of the panel (``PanelContext``), and what the panel is given of the browser (``Services``).

The actions (``pyapp.panel.actions`` and the tables it joins) are typed against this small protocol, not against
``pyapp.panel.controller.Panel``: the controller imports the actions to dispatch them, so the actions naming the
controller back would be an import cycle. ``Panel`` satisfies the protocol; pyright checks it where the
controller hands itself to an action.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from pyapp.contract.settings import Settings
from pyapp.loop.client import LoopClient
from pyapp.loop.models import Return
from pyapp.panel.state import PanelState


async def _nothing() -> None:
    return None


@dataclass
class Services:
    """What the panel needs from the browser; the adapter provides the real ones."""

    make_client: Callable[[Settings, Callable[[int], None]], LoopClient]
    copy_text: Callable[[str], Awaitable[bool]]
    insert_reply: Callable[[str, str, str | None], Awaitable[str]]  # (link, ticket, customer) -> "ok" or why not
    open_options: Callable[[], Any]
    set_collapsed: Callable[[bool], Any] = lambda collapsed: None
    retry_policy: Callable[[], Any] = lambda: None
    load_package: Callable[[str], Awaitable[None]] = lambda name: _nothing()
    return_changed: Callable[[Return], Any] = lambda ret: None  # the runtime redraws every other tab showing it
    now: Callable[[], datetime] = lambda: datetime.now(UTC).astimezone()  # the agent's local time


class PanelContext(Protocol):
    """The panel as its actions see it: what is known, the Loop client, the browser, and how to say it changed."""

    @property
    def state(self) -> PanelState: ...

    @property
    def client(self) -> LoopClient | None:
        """None until a key is set (and after the policy could not be read)."""
        ...

    @property
    def services(self) -> Services: ...

    @property
    def generation(self) -> int:
        """Bumped on every ticket switch: an answer that arrives for an older generation is dropped."""
        ...

    def changed(self) -> None:
        """Ask for a render."""

    def spawn(self, coro: Awaitable[Any]) -> None:
        """Run ``coro`` as a task the panel supervises."""

    def reload(self, automatic: bool) -> None:
        """Look the shown ticket up again."""

    def return_changed(self, now: Return) -> None:
        """Loop's return as it is after a change: it replaces the one shown."""

    async def act(self, action: str, order: str = "", values: dict[str, str] | None = None) -> bool:
        """The agent's click, as the frame names it (``ACTIONS``)."""
        ...
