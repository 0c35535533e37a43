"""One thing the agent can do in the panel: its handler, with the checks it gets declared beside it.

Every table of actions (``pyapp.panel.actions.ACTIONS`` and the tables it joins) maps a control's
``data-action`` to an ``Action``, so a new write cannot be added without saying whether it is guarded: the
guarded set reaches the panel frame's JavaScript through ``contract.js`` (a build test pins it).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pyapp.panel.context import PanelContext

Handler = Callable[[PanelContext, str, dict[str, str]], Awaitable[None] | None]


@dataclass(frozen=True)
class Action:
    run: Handler
    # Reaches Loop, the clipboard or the reply box: acted on only while the panel is seen fully visible and
    # unobscured (the frame checks first; Panel.act clears what a refusal said).
    guarded: bool = False
    # Makes, shows or writes something for an order: another customer's order asks the agent first (owner.py).
    owned: bool = False
    # Its control names a return (by Loop's id), not an order.
    by_return: bool = False

    async def __call__(self, p: PanelContext, target: str, values: dict[str, str]) -> None:
        """Run the handler for the control's order (or return) ``target``, awaiting it when it is async."""
        result = self.run(p, target, values)
        if inspect.isawaitable(result):
            await result
