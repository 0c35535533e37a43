"""When to try a Loop read again, as a small policy object testable on its own.

Loop allows 300 requests a minute per key, shared by every agent of the shop, and documents no rate-limit
headers; ``Retry-After`` is honoured when it appears. Writes (deep link, QR, draft returns) are never retried
blindly: a timed-out write may have happened.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
# The longest wait a Retry-After can ask for: a larger (or non-finite) value counts as this, so an answer cannot
# stall the client for hours, or for ever.
MAX_RETRY_AFTER_S = 120.0


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 4.0
    max_retry_after: float = 10.0  # a longer Retry-After is not waited out inside one lookup
    rand: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def should_retry(
        self, attempt: int, *, idempotent: bool, status: int | None = None, transport_error: str | None = None
    ) -> bool:
        if not idempotent or attempt >= self.max_attempts:
            return False
        if transport_error is not None:
            # A timeout is not retried: the agent would wait out the deadline three times before hearing that
            # Loop does not answer. A refused or reset connection is cheap to try again.
            return transport_error == "connection"
        return status in RETRYABLE_STATUSES

    def delay(self, attempt: int, retry_after: str | None = None) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``; None means: do not wait that long, give up."""
        hinted = parse_retry_after(retry_after)
        if hinted is not None:
            return hinted if hinted <= self.max_retry_after else None
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return ceiling * (0.5 + self.rand.random() / 2)  # "equal jitter": never 0, never above the ceiling


def parse_retry_after(value: str | None) -> float | None:
    """Seconds Loop asks to wait, at most ``MAX_RETRY_AFTER_S`` (a larger, infinite or NaN value counts as that)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None  # the HTTP-date form: Loop is not known to send it; fall back to backoff
    if not math.isfinite(seconds) or seconds > MAX_RETRY_AFTER_S:
        return MAX_RETRY_AFTER_S
    return max(0.0, seconds)
