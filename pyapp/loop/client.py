"""The Loop Returns client the panel and the options page use: the public calls, each one sentence long.

``LoopClient`` composes the HTTP layer (``pyapp.loop.http``: key, cache, budget, cool-down), the lookup
strategy (``pyapp.loop.lookup``) and the eligibility check (``pyapp.loop.eligibility``). Loop's answers are data,
never markup, validated by ``pyapp.loop.models``; the key is a ``SecretStr``, absent from every repr and error.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr

from pyapp.loop import return_changes
from pyapp.loop.allowlist import AllowlistEntry, allow_order, remove_entry
from pyapp.loop.eligibility import DraftCheck, Eligibility
from pyapp.loop.errors import AuthError, BadResponse, LoopError, NotFound, RejectedInput, Scope, UnknownRoute
from pyapp.loop.http import API_HOST, HAL_FORMS, ClientConfig, LoopHttp, validate
from pyapp.loop.lookup import Lookup, TicketReturns, returns_probe
from pyapp.loop.models import DeepLink, Return, ScopeCheck
from pyapp.loop.notes import Note, add_note, read_notes
from pyapp.loop.retry import RetryPolicy
from pyapp.loop.transport import Transport


class LoopClient:
    def __init__(
        self,
        transport: Transport,
        api_key: str | SecretStr,
        config: ClientConfig = ClientConfig(),
        policy: RetryPolicy = RetryPolicy(),
        *,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_retry: Callable[[int], None] | None = None,
    ) -> None:
        self.config = config
        self._now = now
        self.http = LoopHttp(transport, api_key, config, policy, sleep=sleep, clock=clock, on_retry=on_retry)
        self.lookup = Lookup(self.http, now)
        self.drafts = DraftCheck(self.http)
        # Learned from Loop's answers to agents' clicks, for this key (one client per key serves every tab):
        self.changes_refused = False  # a cancel or flag was refused (401/403): neither is offered again
        self.labels_refused = False  # Generate Label was refused (it may take OAuth only): not offered again
        self.writing: set[str] = set()  # returns a change is on its way for, from any tab: never a second one
        self.labels_pending: set[str] = set()  # returns whose label was asked for (or may have been): not again

    def __repr__(self) -> str:
        return f"LoopClient(base_url={self.config.base_url!r}, key=SecretStr('**********'))"

    async def returns_for_ticket(
        self,
        email: str | None,
        order_names: list[str],
        on_progress: Callable[[TicketReturns, set[str]], None] | None = None,
        automatic: bool = True,
    ) -> TicketReturns:
        """All returns the panel shows for a ticket (``Lookup.ticket``)."""
        return await self.lookup.ticket(email, order_names, on_progress, automatic)

    async def order_returns(
        self, order_name: str, *, other_spelling: bool = False, automatic: bool = False
    ) -> list[Return]:
        """The returns Loop reports for one order name ([] when it has none)."""
        return await self.lookup.order(order_name, other_spelling=other_spelling, automatic=automatic)

    async def customer_returns(self, email: str, automatic: bool = True) -> list[Return] | None:
        """Every return of a customer, or None when the shop does not offer the lookup."""
        return await self.lookup.customer(email, automatic)

    async def eligibility(self, order_name: str, lookup_value: str) -> Eligibility:
        """Whether Loop would start a return for the order now (``DraftCheck.ask``; never raises)."""
        return await self.drafts.ask(order_name, lookup_value)

    async def deep_link(self, order_name: str, lookup_value: str, gift: bool = False) -> str:
        """A link that signs the customer into the returns portal for this order (Orders scope)."""
        body = {"name": order_name, "zip": lookup_value, "gift": gift}
        data = await self.http.send("POST", f"{self.http.api}/order/link", Scope.ORDERS, json_body=body)
        link = validate(DeepLink, data, "/order/link")
        if not link.url:
            raise BadResponse("deep link without an https url", path="/order/link")
        return link.url

    async def notes(self, return_id: str, automatic: bool = False) -> list[Note]:
        """The return's notes, newest first (``pyapp.loop.notes``; Returns scope)."""
        return await read_notes(self.http, return_id, automatic)

    async def add_note(self, return_id: str, content: str) -> None:
        """One note more on the return, sent once (``pyapp.loop.notes``)."""
        await add_note(self.http, return_id, content)

    async def allow_order(self, order_name: str) -> AllowlistEntry:
        """Allowlist the order despite the shop's policy (``pyapp.loop.allowlist``; Orders scope)."""
        return await allow_order(self.http, order_name)

    async def remove_allowlist_entry(self, entry_id: str) -> None:
        """Undo an allowlisting this panel made."""
        await remove_entry(self.http, entry_id)

    # ---- changing a return (pyapp.loop.return_changes): each sent once, on the agent's click ----

    async def cancel_return(self, ret: Return, customer: str | None = None) -> None:
        await self._changing(ret, customer, return_changes.cancel_return(self.http, ret.id or ""))

    async def flag_return(self, ret: Return, customer: str | None = None) -> None:
        await self._changing(ret, customer, return_changes.flag_return(self.http, ret.id or ""))

    async def create_label(self, ret: Return, customer: str | None = None) -> None:
        await self._changing(ret, customer, return_changes.create_label(self.http, ret.id or ""))

    async def _changing(self, ret: Return, customer: str | None, write: Awaitable[None]) -> None:
        try:
            await write
        finally:  # even a failed or timed-out write may have changed the return: nothing of it is kept
            self.forget_return(ret, customer)

    def forget_return(self, ret: Return, customer: str | None = None) -> None:
        """Drop what is cached about the return, its order and its customer (Loop's and the ticket's address)."""
        name = (ret.order_name or "").lstrip("#")
        self.http.drop_naming(ret.id or "", name, "#" + name if name else "", ret.customer or "", customer or "")

    async def read_return(self, return_id: str, retry: bool = True) -> Return:
        """The return as Loop has it now (never from the cache; ``retry=False``: one request, for a poll)."""
        return await return_changes.read_return(self.http, return_id, retry)

    async def check_key(self) -> ScopeCheck:
        """Which scopes work for this key, using read-only calls (nothing is created in Loop)."""
        api = self.http.api
        probes = {
            "returns": (*returns_probe(self.http, self._now()), Scope.RETURNS, "application/json"),
            "orders": (f"{api}/allowlists", {"paginate": "true", "pageSize": "1"}, Scope.ORDERS, "application/json"),
            "draft_returns": (f"{api}/draft-returns", {"limit": "1"}, Scope.DRAFT_RETURNS, HAL_FORMS),
        }
        results: dict[str, bool | None] = {}
        problem: LoopError | None = None

        async def probe(name: str, path: str, params: dict, scope: Scope, accept: str) -> None:
            nonlocal problem
            try:
                await self.http.get(path, params, scope, accept=accept)
                results[name] = True
            except AuthError:
                results[name] = False
            except (NotFound, UnknownRoute, RejectedInput):
                # The Draft Returns API is a beta a shop may not have (draft-returns-not-enabled, no route).
                results[name] = False if name == "draft_returns" else None
            except LoopError as err:
                results[name] = None
                problem = problem or err

        await asyncio.gather(*(probe(n, *p) for n, p in probes.items()))
        return ScopeCheck(
            returns=results.get("returns"),
            orders=results.get("orders"),
            draft_returns=results.get("draft_returns"),
            problem=problem,
        )

    async def clean_up_drafts(self) -> None:
        await self.drafts.clean_up()

    @property
    def has_orphaned_drafts(self) -> bool:
        return self.drafts.has_orphans

    def forget(self) -> None:
        """Drop cached answers (the agent pressed Retry, or the key changed)."""
        self.http.forget()


__all__ = ["API_HOST", "ClientConfig", "LoopClient", "TicketReturns"]
