"""Everything that can go wrong talking to Loop, as one small tree.

    LoopError                  base (the panel says each in one sentence: ``pyapp.panel.sentences``)
    ├── AuthError              401/403: the key is wrong or lacks the scope of the endpoint (Loop cannot tell which)
    ├── NotFound               Loop has nothing for this order / return
    ├── Refused                Loop will not change the return: its state (expired, flagged…) or its label
    ├── RejectedInput          400/422 on a write: Loop refused the order name or lookup value
    ├── RateLimited            429, still after the bounded retries
    │   └── Paused             this panel made its 60 automatic lookups of the minute: the shop's budget is shared
    ├── Unavailable            5xx, connection refused, offline, redirect away from Loop
    │   └── Timeout            no complete answer before the deadline
    └── BadResponse            not JSON, HTML, an error inside a 200 body, or the wrong shape
        ├── TooLarge           the body passed the size cap
        └── UnknownRoute       a gateway 404: Loop does not know the address (an API version or route gone)

Errors carry the HTTP status and the request path, never the body, the headers or the key: their ``str`` is
safe to log, and none of it is ever shown to the agent raw (the panel shows the sentence it picks by type).
"""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    RETURNS = "returns"
    ORDERS = "orders"
    DRAFT_RETURNS = "draft_returns"
    LABELS = "labels"  # Generate Label: the Returns scope by Loop's page, perhaps OAuth only (loop-api.md Q6)


class LoopError(Exception):
    """Anything that went wrong talking to Loop (the tree in the module's docstring)."""

    def __init__(self, detail: str = "", *, status: int | None = None, path: str = "") -> None:
        self.detail = detail
        self.status = status
        self.path = path
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts = [type(self).__name__]
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.path:
            parts.append(self.path)
        if self.detail:
            parts.append(self.detail)
        return ": ".join(parts)


class AuthError(LoopError):
    """401/403: the key is wrong or lacks ``scope``, the scope of the endpoint (Loop cannot tell which)."""

    def __init__(
        self, detail: str = "", *, scope: Scope | None = None, status: int | None = None, path: str = ""
    ) -> None:
        self.scope = scope
        super().__init__(detail, status=status, path=path)


class NotFound(LoopError):
    """Loop has nothing for this order / return."""


class Refused(LoopError):
    """Loop answered a change to a return (cancel, flag, a label) with "not for this return": ``reason`` says
    why, as one of ``REASONS``; the panel says it in words."""

    REASONS = ("expired", "review", "closed", "cancelled", "label-exists", "no-label", "label-failed", "other")

    def __init__(self, detail: str = "", *, reason: str = "other", status: int | None = None, path: str = "") -> None:
        self.reason = reason if reason in self.REASONS else "other"
        super().__init__(detail, status=status, path=path)


class RejectedInput(LoopError):
    """400/422 on a write: Loop refused the order name or lookup value (``codes``: what it said)."""

    def __init__(
        self, detail: str = "", *, codes: tuple[str, ...] = (), status: int | None = None, path: str = ""
    ) -> None:
        self.codes = codes
        super().__init__(detail, status=status, path=path)


class RateLimited(LoopError):
    """429, still after the bounded retries."""

    def __init__(
        self, detail: str = "", *, retry_in: float | None = None, status: int | None = None, path: str = ""
    ) -> None:
        self.retry_in = retry_in  # seconds left of the cool-down Loop asked for, when it was raised
        super().__init__(detail, status=status, path=path)


class Paused(RateLimited):
    """Not Loop's answer: the panel's own cap on automatic lookups (a page that keeps changing its orders)."""


class Unavailable(LoopError):
    """5xx, connection refused, offline, a redirect away from Loop."""


class Timeout(Unavailable):
    """No complete answer before the deadline (a write may still have happened)."""


class BadResponse(LoopError):
    """Not JSON, HTML, an error inside a 200 body, or the wrong shape."""


class TooLarge(BadResponse):
    """The body passed the size cap."""


class UnknownRoute(BadResponse):
    """Not "no returns": an order without returns is answered with 200; a 404 means the request went wrong."""


__all__ = [
    "AuthError",
    "BadResponse",
    "LoopError",
    "NotFound",
    "Paused",
    "RateLimited",
    "Refused",
    "RejectedInput",
    "Scope",
    "Timeout",
    "TooLarge",
    "Unavailable",
    "UnknownRoute",
]
