"""Which parts of a snapshot belong to the ticket in the URL, as a single-page helpdesk switches tickets.

After a switch the URL changes at once, but the conversation and the sidebar fill in later, separately; an app
may even keep showing the previous ticket's sidebar until the new one arrives. A snapshot taken in between
would mix two tickets. The follower shows the new ticket's orders only once its customer pane is really on
screen and is not the previous ticket's (the sidebar names this ticket's id, or it differs from what the
previous ticket showed), and its mentions only once the conversation is not the previous one's. Two tickets of
one customer can look the same, so after ``max_wait`` seconds what is on screen is taken as it is.

Pure logic with an injected clock: tested on CPython, used by the panel on every snapshot.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from pyapp.ticket.parser import Ticket

MAX_WAIT_S = 2.5


@dataclass(frozen=True)
class Reading:
    """What may be shown of one snapshot."""

    ticket: Ticket
    customer_known: bool  # ``ticket.orders`` / ``ticket.email`` belong to this ticket
    look_again_at: float | None = None  # clock time at which to read the page again if something is pending


class TicketFollower:
    def __init__(self, clock: Callable[[], float] = time.monotonic, max_wait: float = MAX_WAIT_S) -> None:
        self._clock = clock
        self._max_wait = max_wait
        self._key: str | None = None
        self._since = 0.0
        self._shown: tuple | None = None  # (customer signature, mentions) accepted for the current key
        self._before: tuple | None = None  # the same, for the key before it
        self._customer_ok = False
        self._mentions_ok = False

    def now(self) -> float:
        return self._clock()

    def read(self, ticket: Ticket) -> Reading:
        now = self._clock()
        if ticket.key != self._key:
            self._before = self._shown if self._shown is not None else self._before
            self._key, self._since, self._shown = ticket.key, now, None
            self._customer_ok = self._mentions_ok = False
        waited = now - self._since >= self._max_wait
        customer = (ticket.email, ticket.orders)
        before_customer, before_mentions = self._before if self._before else (None, None)
        if not self._customer_ok:
            fresh = ticket.customer_found and (
                ticket.route_confirmed or self._before is None or customer != before_customer
            )
            self._customer_ok = fresh or waited
        if not self._mentions_ok:
            self._mentions_ok = (
                self._before is None or ticket.mentioned != before_mentions or not ticket.mentioned or waited
            )
        if self._customer_ok:
            self._shown = (customer, ticket.mentioned if self._mentions_ok else (self._shown or (None, ()))[1])
        pending = not (self._customer_ok and self._mentions_ok)
        shown = ticket if self._mentions_ok else replace(ticket, mentioned=())
        return Reading(shown, self._customer_ok, self._since + self._max_wait if pending else None)
