"""The Loop Returns REST client the panel and the options page use.

Trust: Loop's answers are data, never markup, and never trusted to be well formed: every body is size-capped,
parsed defensively and validated by ``pyapp.models`` (extra fields ignored). The key travels only in the
``X-Authorization`` header to the configured API host; it is a ``SecretStr``, absent from every repr, error and
URL.

Budget: Loop allows 300 requests a minute per key, shared by every agent of the shop. A ticket costs one call
for the customer lookup (the v2 list by e-mail that Loop's Gladly app uses) plus one per listed order that the
lookup did not return (it may sit under another e-mail, or be older than the lookup's window); without the
lookup, one per order. Answers are cached for ``cache_ttl`` seconds (at most ``cache_size`` of them) and
identical lookups in flight are shared; one a ticket switch abandons is cancelled, its fetch aborted. After a
429 the whole client cools down (``Retry-After`` when Loop sends it) before it sends anything, and automatic
lookups (the ones a page's changes trigger, not the agent's clicks) stop at ``auto_per_minute``.
"""
from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Callable
from urllib.parse import quote, urlencode

from pydantic import SecretStr, ValidationError

from pyapp.errors import (AuthError, BadResponse, LoopError, NotFound, Paused, RateLimited, RejectedInput, Scope,
                          Timeout, TooLarge, Unavailable, UnknownRoute)
from pyapp.models import DeepLink, Eligibility, Ineligibility, Return, ScopeCheck, Unchecked
from pyapp.order_names import name_forms, order_key
from pyapp.retry import RetryPolicy, parse_retry_after
from pyapp.transport import Request, Response, Transport, TransportError

API_HOST = "https://api.loopreturns.com"
HAL_FORMS = "application/prs.hal-forms+json"
NOT_FOUND_WORDS = re.compile(r"not\s*found|no return|does not exist|unknown order", re.I)
NOT_FOUND_CODES = {"NOT_FOUND", "ORDER_NOT_FOUND", "RETURN_NOT_FOUND", "order-not-found"}


@dataclass(frozen=True)
class ClientConfig:
    base_url: str = API_HOST
    version: str = "v1"  # pinned: 'latest' moves between versions without notice
    timeout: float = 10.0
    max_bytes: int = 2_000_000
    max_concurrency: int = 4
    cache_ttl: float = 60.0
    cache_size: int = 200  # answers kept: a shift's worth of customers must not pile up in memory
    auto_per_minute: int = 60  # automatic requests a minute, of the 300 Loop allows the whole shop
    customer_lookback_days: int = 365
    customer_limit: int = 50


@dataclass
class TicketReturns:
    """Returns found for one ticket, grouped by order (key: ``order_key`` of the order name)."""

    by_order: dict[str, list[Return]] = field(default_factory=dict)
    via_customer_lookup: bool = False
    failures: dict[str, LoopError] = field(default_factory=dict)  # per order key, when one lookup failed


class LoopClient:
    def __init__(self, transport: Transport, api_key: str | SecretStr, config: ClientConfig = ClientConfig(),
                 policy: RetryPolicy = RetryPolicy(), *, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
                 clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 on_retry: Callable[[int], None] | None = None) -> None:
        self._transport = transport
        self._on_retry = on_retry  # told before each wait, so the panel can say "retrying"
        self._key = api_key if isinstance(api_key, SecretStr) else SecretStr(api_key)
        self.config = config
        self.policy = policy
        self._sleep = sleep
        self._clock = clock
        self._now = now
        self._semaphore = asyncio.Semaphore(config.max_concurrency)
        self._cache: dict[tuple, tuple[float, Any]] = {}
        self._in_flight: dict[tuple, tuple[asyncio.Future, list[int]]] = {}  # the shared call and its waiters
        self._cooldown_until = 0.0
        self._auto_sent: list[float] = []  # when each automatic request of the last minute left
        self._draft_orphans: set[str] = set()  # orders whose draft POST timed out: a draft may exist
        self.stats = {"draft_cancel_retries": 0, "draft_cancel_failures": 0}
        self._customer_lookup_supported: bool | None = None
        self._customer_lookup_refused = False  # it answered 401/403: maybe not offered, maybe a bad key
        # Learned from the answer to an agent's click (the Draft Returns API is a beta, off for most shops):
        # once it is known to be off or out of the key's scopes, eligibility is not asked again.
        self._drafts_unavailable: Unchecked | None = None

    def __repr__(self) -> str:
        return f"LoopClient(base_url={self.config.base_url!r}, key=SecretStr('**********'))"

    # ---- public API -------------------------------------------------------------------------------

    async def returns_for_ticket(self, email: str | None, order_names: list[str],
                                 on_progress: Callable[[TicketReturns, set[str]], None] | None = None,
                                 automatic: bool = True) -> TicketReturns:
        """All returns the panel shows for a ticket: the customer's, plus those of every listed order.

        ``on_progress(result, pending)`` is told what the customer lookup found before the listed orders it
        did not return are asked for one by one (``pending``: their keys), so the panel can show it at once.
        """
        result = TicketReturns()
        wanted = {order_key(n): n for n in order_names}
        if email:
            found = await self.customer_returns(email, automatic=automatic)
            if found is None and not wanted and self._customer_lookup_refused:
                # Nothing else to ask on this ticket, and a refusal cannot tell "lookup not offered" from
                # "key rejected": one read-only probe (cached) says which, so a bad key is not "no orders".
                await self._cached(("probe", "returns"), lambda: self._get(
                    *self._returns_probe(), Scope.RETURNS, automatic=automatic))
                self._customer_lookup_refused = False  # the key works: the lookup is simply not offered
            if found is not None:
                result.via_customer_lookup = True
                for ret in found:
                    result.by_order.setdefault(order_key(ret.order_name or ""), []).append(ret)
        missing = {k: n for k, n in wanted.items() if k not in result.by_order}
        if on_progress is not None and result.by_order:
            on_progress(result, set(missing))

        async def one(key: str, name: str) -> None:
            try:
                result.by_order[key] = await self.order_returns(name, automatic=automatic)
            except LoopError as err:
                result.failures[key] = err

        pending = list(missing.items())
        if pending and self._customer_lookup_refused:
            # The customer lookup was refused: one documented call first says whether the key itself is
            # rejected, so a bad key costs two requests per ticket, not one per order (and none is retried).
            await one(*pending[0])
            if isinstance(result.failures.get(pending[0][0]), AuthError):
                raise result.failures[pending[0][0]]
            self._customer_lookup_refused = False
            pending = pending[1:]
        await asyncio.gather(*(one(k, n) for k, n in pending))
        paused = next((e for e in result.failures.values() if isinstance(e, Paused)), None)
        if paused is not None:
            raise paused  # the panel's own cap: one sentence for the panel, not one per order
        for returns in result.by_order.values():
            returns.sort(key=lambda r: r.created_at or datetime.min.replace(tzinfo=timezone.utc), reverse=True)
        if missing and len(result.failures) == len(missing) and not result.via_customer_lookup:
            # Every lookup failed (a rejected key, Loop down): one clear message instead of one per order.
            failures = list(result.failures.values())
            raise next((e for e in failures if isinstance(e, AuthError)), failures[0])
        return result

    async def customer_returns(self, email: str, automatic: bool = True) -> list[Return] | None:
        """Every return of a customer in one call, or None when this key/shop does not offer the lookup.

        Only rows whose customer e-mail is this customer's are kept (case-insensitive), as Loop's Gladly app
        does after the same call: another shopper's return must never reach a ticket, whatever Loop's filter did.
        """
        if self._customer_lookup_supported is False:
            return None
        wanted = email.strip().lower()
        since = (self._now() - timedelta(days=self.config.customer_lookback_days)).strftime("%Y-%m-%d")
        params = {"filter": "updated_at", "limit": str(self.config.customer_limit), "from": since,
                  "customer_email": wanted}
        try:
            data = await self._cached(("customer", wanted),
                                      lambda: self._get("/api/v2/returns", params, Scope.RETURNS, automatic=automatic))
        except AuthError:
            self._customer_lookup_supported = False
            self._customer_lookup_refused = True
            return None
        except (NotFound, RejectedInput, BadResponse):
            # Not in Loop's public v1 reference: a refusal, an unknown route or an odd answer here means "use
            # the documented per-order lookup", not "the key is broken" (a broken key shows there). Loop being
            # down or rate limited is not a reason to switch: the per-order calls would fail the same way.
            self._customer_lookup_supported = False
            return None
        rows = data.get("data") if isinstance(data, dict) else None
        if not isinstance(rows, list):
            self._customer_lookup_supported = False
            return None
        self._customer_lookup_supported = True
        mine = [row for row in rows if isinstance(row, dict) and _customer_of(row) == wanted]
        return [r for r in (self._parse_return(row) for row in mine) if r is not None]

    async def order_returns(self, order_name: str, *, other_spelling: bool = False,
                            automatic: bool = False) -> list[Return]:
        """The returns Loop reports for one order name ([] when it has none).

        Get Return Details answers with a single return per order (shared/loop-api.md Q3). The name is sent as
        shown (every public client sends ``#1001``); ``other_spelling`` also tries it with the '#' removed or
        added when the first answer is "no return": only for a name the agent typed, never on the automatic
        path, whose budget is one call per order.
        """
        forms = name_forms(order_name) if other_spelling else name_forms(order_name)[:1]
        for _, name in forms:
            found = await self._details(name, automatic)
            if found:
                return found
        return []

    async def _details(self, name: str, automatic: bool) -> list[Return]:
        async def fetch() -> list[Return]:
            try:
                data = await self._get(f"/api/{self.config.version}/warehouse/return/details",
                                       {"order_name": name}, Scope.RETURNS, automatic=automatic)
            except NotFound:
                return []  # "no return" is the common case for an order: cached like any answer
            if not isinstance(data, dict):
                raise BadResponse("return details that are not an object", path="/warehouse/return/details")
            if data.get("id") in (None, ""):
                return []  # {"message": "No return found with this ID"} (Gladly's fixture): no return
            ret = self._parse_return(data)
            if ret is None:
                raise BadResponse("return details without a readable return", path="/warehouse/return/details")
            return [ret]

        return list(await self._cached(("order", name), fetch))

    async def deep_link(self, order_name: str, lookup_value: str, gift: bool = False) -> str:
        """A link that signs the customer into the returns portal for this order (Orders scope)."""
        body = {"name": order_name, "zip": lookup_value, "gift": gift}
        data = await self._send("POST", f"/api/{self.config.version}/order/link", Scope.ORDERS, json_body=body)
        link = _validate(DeepLink, data, "/order/link")
        if not link.url:
            raise BadResponse("deep link without an https url", path="/order/link")
        return link.url

    async def eligibility(self, order_name: str, lookup_value: str) -> Eligibility:
        """Ask Loop's Return Create API whether the order can be returned; the draft is always cancelled.

        Never raises for the check itself: when it cannot be made (the shop has no Draft Returns API, the key
        lacks its scopes, Loop did not answer, Loop answered a code whose meaning is unknown) the result says
        so in ``unchecked`` and the caller still makes the link; Loop's portal applies the policy anyway.
        """
        if self._drafts_unavailable is not None:
            return Eligibility(eligible=None, unchecked=self._drafts_unavailable)
        path = f"/api/{self.config.version}/draft-returns"
        body = {"order_name": order_name, "secondary_input": lookup_value, "is_gift": False}
        try:
            data = await self._send("POST", path, Scope.DRAFT_RETURNS, json_body=body, errors_in_body_ok=True,
                                    accept="application/json")
        except AuthError:
            self._drafts_unavailable = Unchecked.NO_SCOPE
            return Eligibility(eligible=None, unchecked=Unchecked.NO_SCOPE)
        except UnknownRoute:
            self._drafts_unavailable = Unchecked.DRAFTS_OFF
            return Eligibility(eligible=None, unchecked=Unchecked.DRAFTS_OFF)
        except Timeout:
            self._draft_orphans.add(order_name)  # Loop may have made the draft: clean_up_drafts() looks later
            return Eligibility(eligible=None, unchecked=Unchecked.NO_ANSWER)
        except LoopError:
            return Eligibility(eligible=None, unchecked=Unchecked.NO_ANSWER)
        if not isinstance(data, dict):
            return Eligibility(eligible=None, unchecked=Unchecked.UNKNOWN_ANSWER)
        draft = data.get("draft_return") if isinstance(data.get("draft_return"), dict) else {}
        draft_id = draft.get("id")
        try:
            verdict = _eligibility_from_draft(data)
        finally:
            if draft_id is not None:
                await self._cancel_draft(str(draft_id))
        if verdict.unchecked is Unchecked.DRAFTS_OFF:
            self._drafts_unavailable = Unchecked.DRAFTS_OFF
        return verdict

    async def check_key(self) -> ScopeCheck:
        """Which scopes work for this key, using read-only calls (nothing is created in Loop)."""
        probes = {
            "returns": (*self._returns_probe(), Scope.RETURNS, "application/json"),
            "orders": (f"/api/{self.config.version}/allowlists", {"paginate": "true", "pageSize": "1"},
                       Scope.ORDERS, "application/json"),
            "draft_returns": (f"/api/{self.config.version}/draft-returns", {"limit": "1"},
                              Scope.DRAFT_RETURNS, HAL_FORMS),
        }
        results: dict[str, bool | None] = {}
        problem: str | None = None

        async def probe(name: str, path: str, params: dict, scope: Scope, accept: str) -> None:
            nonlocal problem
            try:
                await self._get(path, params, scope, accept=accept)
                results[name] = True
            except AuthError:
                results[name] = False
            except (NotFound, UnknownRoute, RejectedInput):
                # The Draft Returns API is a beta a shop may not have (draft-returns-not-enabled, no route).
                results[name] = False if name == "draft_returns" else None
            except LoopError as err:
                results[name] = None
                problem = problem or err.message_key

        await asyncio.gather(*(probe(n, *p) for n, p in probes.items()))
        return ScopeCheck(returns=results.get("returns"), orders=results.get("orders"),
                          draft_returns=results.get("draft_returns"), problem=problem)

    def _returns_probe(self) -> tuple[str, dict[str, str]]:
        """The cheapest read that needs the Returns scope: one row of the last hour's returns list."""
        now = self._now()
        return (f"/api/{self.config.version}/warehouse/return/list",
                {"from": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                 "to": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "paginate": "true", "pageSize": "1"})

    async def clean_up_drafts(self) -> None:
        """Cancel the drafts a timed-out POST may have left: the order's drafts still ``created`` (List Draft
        Returns, which wants the HAL-Forms Accept header up to 2026-07)."""
        for order_name in sorted(self._draft_orphans):
            self._draft_orphans.discard(order_name)
            try:
                data = await self._get(f"/api/{self.config.version}/draft-returns", {"order_name": order_name},
                                       Scope.DRAFT_RETURNS, accept=HAL_FORMS)
            except LoopError:
                continue
            for draft in _listed_drafts(data):
                if draft.get("state") == "created" and draft.get("order_name") in (None, order_name):
                    if draft.get("id") is not None:
                        await self._cancel_draft(str(draft["id"]))

    @property
    def has_orphaned_drafts(self) -> bool:
        return bool(self._draft_orphans)

    def forget(self) -> None:
        """Drop cached answers (the agent pressed Retry, or the key changed)."""
        self._cache.clear()

    def cache_entries(self) -> int:
        return len(self._cache)

    # ---- plumbing -----------------------------------------------------------------------------------

    async def _cancel_draft(self, draft_id: str) -> None:
        """Cancelling twice is harmless, so a failed cancel is tried once more; a draft left behind expires on
        Loop's side, and the agent's answer does not depend on it, but it is counted."""
        path = f"/api/{self.config.version}/draft-returns/{quote(draft_id, safe='')}/cancel"
        for attempt in (1, 2):
            try:
                await self._send("POST", path, Scope.DRAFT_RETURNS, json_body={}, errors_in_body_ok=True)
                return
            except LoopError:
                if attempt == 1:
                    self.stats["draft_cancel_retries"] += 1
        self.stats["draft_cancel_failures"] += 1

    async def _cached(self, key: tuple, factory: Callable[[], Awaitable[Any]]) -> Any:
        """One call per key at a time, its answer kept for ``cache_ttl``. The call is shared by everyone who
        asks meanwhile and cancelled (its fetch aborted, its slot freed) when all of them gave up on it."""
        hit = self._cache.get(key)
        if hit and self._clock() - hit[0] < self.config.cache_ttl:
            return hit[1]
        if key not in self._in_flight:
            future = asyncio.ensure_future(factory())
            self._in_flight[key] = (future, [0])
            future.add_done_callback(lambda f, key=key: self._settle(key, f))
        future, waiters = self._in_flight[key]
        waiters[0] += 1
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            waiters[0] -= 1
            if waiters[0] == 0 and not future.done():
                future.cancel()  # nobody wants this answer any more (the agent switched tickets)
            raise

    def _settle(self, key: tuple, future: asyncio.Future) -> None:
        if self._in_flight.get(key, (None,))[0] is future:
            del self._in_flight[key]
        if future.cancelled() or future.exception() is not None:
            return
        now = self._clock()
        for old in [k for k, (at, _) in self._cache.items() if now - at >= self.config.cache_ttl]:
            del self._cache[old]
        while len(self._cache) >= self.config.cache_size:
            del self._cache[next(iter(self._cache))]  # the oldest answer
        self._cache[key] = (now, future.result())

    async def _get(self, path: str, params: dict[str, str], scope: Scope, accept: str = "application/json",
                   automatic: bool = False) -> Any:
        return await self._send("GET", path, scope, params=params, idempotent=True, accept=accept,
                                automatic=automatic)

    async def _wait_for_cooldown(self) -> None:
        """After a 429 nothing leaves until the cool-down is over; a wait longer than a lookup can bear fails."""
        remaining = self._cooldown_until - self._clock()
        if remaining > self.policy.max_retry_after:
            raise RateLimited("cooling down after a 429")
        if remaining > 0:
            self._notify_retry(429)
            await self._sleep(remaining)

    def _spend_automatic(self) -> None:
        now = self._clock()
        self._auto_sent = [t for t in self._auto_sent if now - t < 60]
        if len(self._auto_sent) >= self.config.auto_per_minute:
            raise Paused("automatic lookups paused for this minute")
        self._auto_sent.append(now)

    async def _send(self, method: str, path: str, scope: Scope, *, params: dict[str, str] | None = None,
                    json_body: Any = None, idempotent: bool = False, errors_in_body_ok: bool = False,
                    accept: str = "application/json", automatic: bool = False) -> Any:
        url = self.config.base_url.rstrip("/") + path
        if params:
            url += "?" + urlencode(params, quote_via=quote)
        headers = {"X-Authorization": self._key.get_secret_value(), "Accept": accept}
        body = None
        if json_body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(json_body).encode()
        request = Request(method, url, headers, body, self.config.timeout, self.config.max_bytes)
        attempt = 0
        while True:
            attempt += 1
            await self._wait_for_cooldown()
            if automatic:
                self._spend_automatic()
            try:
                async with self._semaphore:
                    response = await self._transport.send(request)
            except TransportError as err:
                if err.kind == "too_large":
                    raise TooLarge("body over the size cap", path=path) from None
                if self.policy.should_retry(attempt, idempotent=idempotent, transport_error=err.kind):
                    self._notify_retry(0)
                    await self._sleep(self.policy.delay(attempt) or 0)
                    continue
                if err.kind == "timeout":
                    raise Timeout("no answer before the deadline", path=path) from None
                raise Unavailable("could not connect", path=path) from None
            if response.status == 429:
                # Loop's 300/min is the whole shop's: everyone in this client waits, not only this request.
                hinted = parse_retry_after(response.headers.get("retry-after"))
                pause = hinted if hinted is not None else self.policy.delay(attempt) or self.policy.max_delay
                self._cooldown_until = max(self._cooldown_until, self._clock() + pause)
            if self.policy.should_retry(attempt, idempotent=idempotent, status=response.status):
                wait = self.policy.delay(attempt, response.headers.get("retry-after"))
                if wait is not None:
                    self._notify_retry(response.status)
                    if response.status != 429:
                        await self._sleep(wait)  # a 429's wait is the cool-down, taken at the top of the loop
                    continue
            return _interpret(response, path, scope, errors_in_body_ok)

    def _notify_retry(self, status: int) -> None:
        if self._on_retry is not None:
            self._on_retry(status)

    def _parse_return(self, row: Any) -> Return | None:
        if not isinstance(row, dict):
            return None
        try:
            return Return.model_validate(row)
        except (ValidationError, TypeError, ValueError):
            return None


def _validate(model, data: Any, path: str):
    try:
        return model.model_validate(data)
    except (ValidationError, TypeError, ValueError):
        raise BadResponse("unexpected shape", path=path) from None


def _interpret(response: Response, path: str, scope: Scope, errors_in_body_ok: bool) -> Any:
    status = response.status
    if status in (401, 403):
        raise AuthError("key rejected", scope=scope, status=status, path=path)
    if status == 429:
        raise RateLimited("still rate limited after retrying", status=status, path=path)
    if 300 <= status < 400:
        raise Unavailable("redirected away from the API", status=status, path=path)
    if status >= 500:
        raise Unavailable("server error", status=status, path=path)
    data = _parse_json(response, path)
    if status == 404:
        if any(c in NOT_FOUND_CODES for c in _error_codes(data)):
            raise NotFound("not found", status=status, path=path)
        raise UnknownRoute("no such route", status=status, path=path)  # a gateway 404, not "no returns"
    if status in (400, 409, 422) and errors_in_body_ok and isinstance(data, dict):
        return data  # the caller reads Loop's errors[].code itself (draft returns answer 422 with them)
    if status in (400, 409, 422):
        codes = _error_codes(data)
        if any(c in NOT_FOUND_CODES for c in codes):
            raise NotFound("order not found", status=status, path=path)
        raise RejectedInput("input refused", codes=codes, status=status, path=path)
    if not 200 <= status < 300:
        raise BadResponse("unexpected status", status=status, path=path)
    if not errors_in_body_ok and isinstance(data, dict) and ("error" in data or "errors" in data):
        # Loop reports some failures inside HTTP 200 bodies.
        text = json.dumps(data.get("error", data.get("errors")))[:500]
        codes = _error_codes(data)
        if any(c in NOT_FOUND_CODES for c in codes) or NOT_FOUND_WORDS.search(text):
            raise NotFound("not found (in a 200 body)", status=status, path=path)
        if re.search(r"unauthori[sz]ed|NOT_AUTHORIZED", text, re.I):
            raise AuthError("key rejected (in a 200 body)", scope=scope, status=status, path=path)
        raise BadResponse("error in a 200 body", status=status, path=path)
    return data


def _parse_json(response: Response, path: str) -> Any:
    raw = response.body.strip()
    if not raw:
        return None
    if raw[:1] == b"<":
        raise BadResponse("HTML instead of JSON", status=response.status, path=path)
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadResponse("malformed JSON", status=response.status, path=path) from None


def _error_codes(data: Any) -> tuple[str, ...]:
    """Codes from Loop's several error shapes: ["CODE"], {"code": ...}, {"errors": {"code": ...}}, [{"code"}]."""
    found: list[str] = []

    def walk(node: Any, depth: int = 0) -> None:
        if depth > 4 or len(found) > 20:
            return
        if isinstance(node, str) and re.fullmatch(r"[A-Za-z_-]{3,64}", node):
            found.append(node)
        elif isinstance(node, list):
            for item in node[:20]:
                walk(item, depth + 1)
        elif isinstance(node, dict):
            for k in ("code", "error_code", "ineligibility_code", "http_code"):
                if isinstance(node.get(k), str):
                    found.append(node[k])
            for k in ("errors", "error"):
                if k in node:
                    walk(node[k], depth + 1)

    walk(data)
    return tuple(found)


def _eligibility_from_draft(data: dict) -> Eligibility:
    """Loop's answer to creating a draft return, in either shape: errors (HTTP 422, or inside a 200), or a
    draft whose context lists the items that can and cannot be returned."""
    codes = _error_codes({"errors": data.get("errors")}) if data.get("errors") else ()
    for code in codes:
        if code == "draft-returns-not-enabled":
            return Eligibility(eligible=None, unchecked=Unchecked.DRAFTS_OFF)
        reason = Ineligibility.from_code(code)
        if reason is not None:
            return Eligibility(eligible=False, reason=reason)
    if codes:
        # validation-failed, unsupported-feature, error-retrieving-order, …: nothing said about the order.
        return Eligibility(eligible=None, unchecked=Unchecked.UNKNOWN_ANSWER)
    context = data.get("context") if isinstance(data.get("context"), dict) else {}
    ok = context.get("items_eligible_to_return") or []
    not_ok = context.get("items_not_eligible_to_return") or []
    ok = ok if isinstance(ok, list) else []
    not_ok = not_ok if isinstance(not_ok, list) else []
    if ok:
        return Eligibility(eligible=True, eligible_items=len(ok), ineligible_items=len(not_ok))
    if not not_ok:
        return Eligibility(eligible=None, unchecked=Unchecked.UNKNOWN_ANSWER)
    for item in not_ok:
        if isinstance(item, dict):
            reason = Ineligibility.from_code(str(item.get("ineligibility_code") or ""))
            if reason is not None:
                return Eligibility(eligible=False, reason=reason, ineligible_items=len(not_ok))
    # Every item is ineligible for a reason this panel cannot name: make the link and say the portal decides.
    return Eligibility(eligible=None, unchecked=Unchecked.UNKNOWN_ANSWER, ineligible_items=len(not_ok))


def _listed_drafts(data: Any) -> list[dict]:
    """Drafts from List Draft Returns: HAL (``_embedded.draft_returns``) or a plain ``draft_returns``/``data``."""
    if not isinstance(data, dict):
        return []
    embedded = data.get("_embedded") if isinstance(data.get("_embedded"), dict) else {}
    for rows in (embedded.get("draft_returns"), data.get("draft_returns"), data.get("data")):
        if isinstance(rows, list):
            return [r for r in rows[:100] if isinstance(r, dict)]
    return []


def _customer_of(row: dict) -> str | None:
    """The customer e-mail of a return row: ``customer`` in Loop's rows (``customer_email`` in some samples)."""
    for key in ("customer", "customer_email"):
        value = row.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().lower()
    return None


__all__ = ["API_HOST", "ClientConfig", "LoopClient", "TicketReturns"]
