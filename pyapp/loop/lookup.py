"""Finding a ticket's returns: the customer lookup first, then each listed order it did not return.

A ticket costs one call for the customer lookup (the v2 list by e-mail that Loop's Gladly app uses) plus one
per listed order that the lookup did not return (it may sit under another e-mail, or be older than the
lookup's window); without the lookup, one per order. What the shop's answers teach is kept in ``ShopFacts``:
whether the customer lookup is offered, and whether its refusal was about the lookup or about the key.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pyapp.loop.errors import AuthError, BadResponse, LoopError, NotFound, Paused, RejectedInput, Scope
from pyapp.loop.http import LoopHttp, validate
from pyapp.loop.models import Return
from pyapp.loop.wire import CUSTOMER_LOOKUP, customer_lookup_params
from pyapp.ticket.order_names import order_key, spellings

_OLDEST = datetime.min.replace(tzinfo=UTC)


@dataclass
class TicketReturns:
    """Returns found for one ticket, grouped by order (key: ``order_key`` of the order name)."""

    by_order: dict[str, list[Return]] = field(default_factory=dict)
    via_customer_lookup: bool = False
    failures: dict[str, LoopError] = field(default_factory=dict)  # per order key, when one lookup failed


@dataclass
class ShopFacts:
    """What this shop's answers have taught, for as long as the key is the same."""

    customer_lookup: bool | None = None  # None: not asked yet
    lookup_refused: bool = False  # it answered 401/403: maybe not offered, maybe a bad key (not known yet)


class Lookup:
    def __init__(self, http: LoopHttp, now: Callable[[], datetime]) -> None:
        self._http = http
        self._now = now
        self.facts = ShopFacts()

    async def ticket(
        self,
        email: str | None,
        order_names: list[str],
        on_progress: Callable[[TicketReturns, set[str]], None] | None = None,
        automatic: bool = True,
    ) -> TicketReturns:
        """All returns the panel shows for a ticket: the customer's, plus those of every listed order.

        ``on_progress(result, pending)`` is told what the customer lookup found before the listed orders it did
        not return are asked for one by one (``pending``: their keys), so the panel can show it at once.
        """
        result = TicketReturns()
        wanted = {order_key(n): n for n in order_names}
        if email:
            await self._customer_into(result, email, nothing_else_to_ask=not wanted, automatic=automatic)
        missing = {k: n for k, n in wanted.items() if k not in result.by_order}
        if on_progress is not None and result.by_order:
            on_progress(result, set(missing))
        await self._each_order_into(result, list(missing.items()), automatic)
        paused = next((e for e in result.failures.values() if isinstance(e, Paused)), None)
        if paused is not None:
            raise paused  # the panel's own cap: one sentence for the panel, not one per order
        for returns in result.by_order.values():
            returns.sort(key=lambda r: r.created_at or _OLDEST, reverse=True)
        if missing and len(result.failures) == len(missing) and not result.via_customer_lookup:
            # Every lookup failed (a rejected key, Loop down): one clear message instead of one per order.
            failures = list(result.failures.values())
            raise next((e for e in failures if isinstance(e, AuthError)), failures[0])
        return result

    async def _customer_into(
        self, result: TicketReturns, email: str, nothing_else_to_ask: bool, automatic: bool
    ) -> None:
        found = await self.customer(email, automatic=automatic)
        if found is None and nothing_else_to_ask and self.facts.lookup_refused:
            # A refusal cannot tell "lookup not offered" from "key rejected": one read-only probe (cached) says
            # which, so a bad key is not shown as "no orders". It raises AuthError for a bad key.
            await self._http.cached(
                ("probe", "returns"),
                lambda: self._http.get(*returns_probe(self._http, self._now()), Scope.RETURNS, automatic=automatic),
            )
            self.facts.lookup_refused = False  # the key works: the lookup is simply not offered
        if found is not None:
            result.via_customer_lookup = True
            for ret in found:
                result.by_order.setdefault(order_key(ret.order_name or ""), []).append(ret)

    async def _each_order_into(self, result: TicketReturns, pending: list[tuple[str, str]], automatic: bool) -> None:
        async def one(key: str, name: str) -> None:
            try:
                result.by_order[key] = await self.order(name, automatic=automatic)
            except LoopError as err:
                result.failures[key] = err

        if pending and self.facts.lookup_refused:
            # The customer lookup was refused: one documented call first says whether the key itself is
            # rejected, so a bad key costs two requests per ticket, not one per order (and none is retried).
            await one(*pending[0])
            if isinstance(result.failures.get(pending[0][0]), AuthError):
                raise result.failures[pending[0][0]]
            self.facts.lookup_refused = False
            pending = pending[1:]
        await asyncio.gather(*(one(k, n) for k, n in pending))

    async def customer(self, email: str, automatic: bool = True) -> list[Return] | None:
        """Every return of a customer in one call, or None when this key/shop does not offer the lookup.

        Only rows whose customer e-mail is this customer's are kept (case-insensitive), as Loop's Gladly app does
        after the same call: another shopper's return must never reach a ticket, whatever Loop's filter did.
        """
        if self.facts.customer_lookup is False:
            return None
        wanted = email.strip().lower()
        params = customer_lookup_params(wanted, self._now(), self._http.config)
        try:
            data = await self._http.cached(
                ("customer", wanted),
                lambda: self._http.get(CUSTOMER_LOOKUP, params, Scope.RETURNS, automatic=automatic),
            )
        except AuthError:
            self.facts.customer_lookup, self.facts.lookup_refused = False, True
            return None
        except (NotFound, RejectedInput, BadResponse):
            # Not in Loop's public v1 reference: a refusal, an unknown route or an odd answer here means "use the
            # documented per-order lookup", not "the key is broken" (a broken key shows there). Loop being down
            # or rate limited is not a reason to switch: the per-order calls would fail the same way.
            self.facts.customer_lookup = False
            return None
        rows = data.get("data") if isinstance(data, dict) else None
        if not isinstance(rows, list):
            self.facts.customer_lookup = False
            return None
        self.facts.customer_lookup = True
        mine = [row for row in rows if isinstance(row, dict) and _customer_of(row) == wanted]
        return [r for r in (parse_return(row) for row in mine) if r is not None]

    async def order(self, order_name: str, *, other_spelling: bool = False, automatic: bool = False) -> list[Return]:
        """The returns Loop reports for one order name ([] when it has none).

        Get Return Details answers with a single return per order (shared/loop-api.md Q3). The name is sent as
        shown (every public client sends ``#1001``); ``other_spelling`` also tries it with the '#' removed or
        added when the first answer is "no return": only for a name the agent typed, never on the automatic
        path, whose budget is one call per order.
        """
        for name in spellings(order_name)[: 2 if other_spelling else 1]:
            found = await self._details(name, automatic)
            if found:
                return found
        return []

    async def _details(self, name: str, automatic: bool) -> list[Return]:
        path = f"{self._http.api}/warehouse/return/details"

        async def fetch() -> list[Return]:
            try:
                data = await self._http.get(path, {"order_name": name}, Scope.RETURNS, automatic=automatic)
            except NotFound:
                return []  # "no return" is the common case for an order: cached like any answer
            if not isinstance(data, dict):
                raise BadResponse("return details that are not an object", path="/warehouse/return/details")
            if data.get("id") in (None, ""):
                return []  # {"message": "No return found with this ID"} (Gladly's fixture): no return
            ret = parse_return(data)
            if ret is None:
                raise BadResponse("return details without a readable return", path="/warehouse/return/details")
            return [ret]

        return list(await self._http.cached(("order", name), fetch))


def returns_probe(http: LoopHttp, now: datetime) -> tuple[str, dict[str, str]]:
    """The cheapest read that needs the Returns scope: one row of the last hour's returns list."""
    return (
        f"{http.api}/warehouse/return/list",
        {
            "from": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "to": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "paginate": "true",
            "pageSize": "1",
        },
    )


def parse_return(row: object) -> Return | None:
    if not isinstance(row, dict):
        return None
    try:
        return validate(Return, row, "/warehouse/return")
    except BadResponse:
        return None


def _customer_of(row: dict) -> str | None:
    """The customer e-mail of a return row: ``customer`` in Loop's rows (``customer_email`` in some samples)."""
    for key in ("customer", "customer_email"):
        value = row.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().lower()
    return None
