"""The Loop Returns REST client the panel and the options page use.

Trust: Loop's answers are data, never markup, and never trusted to be well formed: every body is size-capped,
parsed defensively and validated by ``pyapp.models`` (extra fields ignored). The key travels only in the
``X-Authorization`` header to the configured API host; it is a ``SecretStr``, absent from every repr, error and
URL.

Budget: Loop allows 300 requests a minute per key, shared by every agent of the shop. A ticket costs one call
when the customer lookup (the v2 list by e-mail that Loop's Gladly app uses) works, and otherwise one call per
order; answers are cached for ``cache_ttl`` seconds and identical lookups in flight are shared.
"""
from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Callable
from urllib.parse import quote, urlencode, urlsplit

from pydantic import SecretStr, ValidationError

from pyapp.errors import (AuthError, BadResponse, LoopError, NotFound, RateLimited, RejectedInput, Scope,
                          Timeout, TooLarge, Unavailable)
from pyapp.models import DeepLink, Eligibility, Ineligibility, QrCode, Return, ScopeCheck
from pyapp.order_names import name_forms, order_key
from pyapp.retry import RetryPolicy
from pyapp.transport import Request, Response, Transport, TransportError

API_HOST = "https://api.loopreturns.com"
HAL_FORMS = "application/prs.hal-forms+json"
NOT_FOUND_WORDS = re.compile(r"not\s*found|no return|does not exist|unknown order", re.I)
_NO_RETURN = object()
NOT_FOUND_CODES = {"NOT_FOUND", "ORDER_NOT_FOUND", "RETURN_NOT_FOUND", "order-not-found"}


@dataclass(frozen=True)
class ClientConfig:
    base_url: str = API_HOST
    version: str = "v1"  # pinned: 'latest' moves between versions without notice
    timeout: float = 10.0
    max_bytes: int = 2_000_000
    max_concurrency: int = 4
    cache_ttl: float = 60.0
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
        self._in_flight: dict[tuple, asyncio.Future] = {}
        self._customer_lookup_supported: bool | None = None
        self._customer_lookup_refused = False  # it answered 401/403: maybe not offered, maybe a bad key
        self._confirmed_name_form: str | None = None  # "hash" or "bare", once Loop answered one of them

    def __repr__(self) -> str:
        return f"LoopClient(base_url={self.config.base_url!r}, key=SecretStr('**********'))"

    # ---- public API -------------------------------------------------------------------------------

    async def returns_for_ticket(self, email: str | None, order_names: list[str]) -> TicketReturns:
        """All returns the panel shows for a ticket: the customer's, plus any of the listed orders'."""
        result = TicketReturns()
        wanted = {order_key(n): n for n in order_names}
        if email:
            found = await self.customer_returns(email)
            if found is None and not wanted and self._customer_lookup_refused:
                # Nothing else to ask on this ticket, and a refusal cannot tell "lookup not offered" from
                # "key rejected": one read-only probe (cached) says which, so a bad key is not "no orders".
                await self._cached(("probe", "returns"), lambda: self._get(
                    *self._returns_probe(), Scope.RETURNS))
                self._customer_lookup_refused = False  # the key works: the lookup is simply not offered
            if found is not None:
                result.via_customer_lookup = True
                for ret in found:
                    result.by_order.setdefault(order_key(ret.order_name or ""), []).append(ret)
                complete = len(found) < self.config.customer_limit
                if complete:
                    for key in wanted:
                        result.by_order.setdefault(key, [])
                    wanted = {}
                else:
                    wanted = {k: n for k, n in wanted.items() if k not in result.by_order}

        # Phase 1: every order in the spelling the ticket shows (or the one Loop confirmed for this shop),
        # concurrently. Phase 2, only while no spelling is confirmed: the other one, for orders not found.
        pending = dict(wanted)
        plan = {key: self._forms_to_try(name) for key, name in wanted.items()}
        for phase in (0, 1):
            async def one(key: str, name: str) -> None:
                forms = plan[key]
                # Not found in phase 0 and Loop meanwhile confirmed that very spelling: it is really "none".
                if phase >= len(forms) or (phase == 1 and self._confirmed_name_form == forms[0][0]):
                    result.by_order[key] = []
                    pending.pop(key, None)
                    return
                form, spelled = forms[phase]
                try:
                    found = await self._lookup_form(spelled, form)
                except LoopError as err:
                    result.failures[key] = err
                    pending.pop(key, None)
                    return
                if found is not None or phase == len(forms) - 1:
                    result.by_order[key] = found or []
                    pending.pop(key, None)

            await asyncio.gather(*(one(k, n) for k, n in list(pending.items())))
            if not pending:
                break
        for returns in result.by_order.values():
            returns.sort(key=lambda r: r.created_at or datetime.min.replace(tzinfo=timezone.utc), reverse=True)
        if wanted and len(result.failures) == len(wanted) and not result.via_customer_lookup:
            # Every lookup failed (a rejected key, Loop down): one clear message instead of one per order.
            failures = list(result.failures.values())
            raise next((e for e in failures if isinstance(e, AuthError)), failures[0])
        return result

    async def customer_returns(self, email: str) -> list[Return] | None:
        """Every return of a customer in one call, or None when this key/shop does not offer the lookup."""
        if self._customer_lookup_supported is False:
            return None
        since = (self._now() - timedelta(days=self.config.customer_lookback_days)).strftime("%Y-%m-%d")
        params = {"filter": "updated_at", "limit": str(self.config.customer_limit), "from": since,
                  "customer_email": email.strip().lower()}
        try:
            data = await self._cached(("customer", email.strip().lower()),
                                      lambda: self._get("/api/v2/returns", params, Scope.RETURNS))
        except AuthError:
            self._customer_lookup_supported = False
            self._customer_lookup_refused = True
            return None
        except (NotFound, RejectedInput, BadResponse):
            # Not in Loop's public v1 reference: a refusal or an odd answer here means "use the documented
            # per-order lookup", not "the key is broken" (a broken key shows there). Loop being down or
            # rate limited is not a reason to switch: the per-order calls would fail the same way.
            self._customer_lookup_supported = False
            return None
        rows = data.get("data") if isinstance(data, dict) else None
        if not isinstance(rows, list):
            self._customer_lookup_supported = False
            return None
        self._customer_lookup_supported = True
        return [r for r in (self._parse_return(row) for row in rows) if r is not None]

    async def order_returns(self, order_name: str) -> list[Return]:
        """The returns Loop reports for one order name ([] when it has none).

        Get Return Details answers with a single return per order (shared/loop-api.md Q3). Loop's docs show
        the order name both with and without '#' (Q1): the name is sent as shown in the ticket, and the other
        form is tried on "not found" only until Loop has confirmed which form this shop uses.
        """
        for form, name in self._forms_to_try(order_name):
            found = await self._lookup_form(name, form)
            if found is not None:
                return found
        return []

    def _forms_to_try(self, order_name: str) -> list[tuple[str, str]]:
        forms = name_forms(order_name)
        if self._confirmed_name_form:
            return [f for f in forms if f[0] == self._confirmed_name_form]
        return forms

    async def _lookup_form(self, name: str, form: str) -> list[Return] | None:
        """Returns of one spelling of an order name; None when Loop says it has nothing for it."""
        async def fetch() -> Any:
            try:
                return await self._get(f"/api/{self.config.version}/warehouse/return/details",
                                       {"order_name": name}, Scope.RETURNS)
            except NotFound:
                return _NO_RETURN  # cached like any answer: "no return" is the common case for an order

        data = await self._cached(("order", name), fetch)
        if data is _NO_RETURN:
            return None
        ret = self._parse_return(data)
        if ret is None:
            raise BadResponse("return details without a return", path="/warehouse/return/details")
        self._confirmed_name_form = form
        return [ret]

    async def deep_link(self, order_name: str, lookup_value: str, gift: bool = False) -> str:
        """A link that signs the customer into the returns portal for this order (Orders scope)."""
        body = {"name": order_name, "zip": lookup_value, "gift": gift}
        data = await self._send("POST", f"/api/{self.config.version}/order/link", Scope.ORDERS, json_body=body)
        link = _validate(DeepLink, data, "/order/link")
        if not link.url:
            raise BadResponse("deep link without an https url", path="/order/link")
        return link.url

    async def qr_code(self, order_name: str, lookup_value: str, size: int = 300) -> QrCode:
        body = {"name": order_name, "zip": lookup_value, "type": "png", "size": size}
        data = await self._send("POST", f"/api/{self.config.version}/order/qr", Scope.ORDERS, json_body=body)
        qr = _validate(QrCode, data, "/order/qr")
        if not qr.deeplink_url:
            raise BadResponse("QR answer without an https deep link", path="/order/qr")
        return qr

    async def eligibility(self, order_name: str, lookup_value: str) -> Eligibility:
        """Ask Loop's Return Create API whether the order can be returned; the draft is always cancelled.

        Raises AuthError(scope=DRAFT_RETURNS) when the key lacks the Draft Returns scopes.
        """
        path = f"/api/{self.config.version}/draft-returns"
        body = {"order_name": order_name, "secondary_input": lookup_value, "is_gift": False}
        data = await self._send("POST", path, Scope.DRAFT_RETURNS, json_body=body, errors_in_body_ok=True,
                                accept="application/json")
        if not isinstance(data, dict):
            raise BadResponse("draft return answer is not an object", path=path)
        draft = data.get("draft_return") if isinstance(data.get("draft_return"), dict) else {}
        draft_id = draft.get("id")
        try:
            return _eligibility_from_draft(data)
        finally:
            if draft_id is not None:
                await self._cancel_draft(str(draft_id))

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
            except NotFound:
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

    def forget(self) -> None:
        """Drop cached answers (the agent pressed Retry, or the key changed)."""
        self._cache.clear()

    # ---- plumbing -----------------------------------------------------------------------------------

    async def _cancel_draft(self, draft_id: str) -> None:
        path = f"/api/{self.config.version}/draft-returns/{quote(draft_id, safe='')}/cancel"
        try:
            await self._send("POST", path, Scope.DRAFT_RETURNS, json_body={}, errors_in_body_ok=True,
                             idempotent=True)  # cancelling twice is harmless, so a retry is safe
        except LoopError:
            pass  # drafts expire on Loop's side too; the agent's answer does not depend on this

    async def _cached(self, key: tuple, factory: Callable[[], Awaitable[Any]]) -> Any:
        hit = self._cache.get(key)
        if hit and self._clock() - hit[0] < self.config.cache_ttl:
            return hit[1]
        if key in self._in_flight:
            return await asyncio.shield(self._in_flight[key])
        future = asyncio.ensure_future(factory())
        self._in_flight[key] = future
        try:
            value = await asyncio.shield(future)
            self._cache[key] = (self._clock(), value)
            return value
        finally:
            self._in_flight.pop(key, None)

    async def _get(self, path: str, params: dict[str, str], scope: Scope, accept: str = "application/json") -> Any:
        return await self._send("GET", path, scope, params=params, idempotent=True, accept=accept)

    async def _send(self, method: str, path: str, scope: Scope, *, params: dict[str, str] | None = None,
                    json_body: Any = None, idempotent: bool = False, errors_in_body_ok: bool = False,
                    accept: str = "application/json") -> Any:
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
            if self.policy.should_retry(attempt, idempotent=idempotent, status=response.status):
                wait = self.policy.delay(attempt, response.headers.get("retry-after"))
                if wait is not None:
                    self._notify_retry(response.status)
                    await self._sleep(wait)
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
        raise NotFound("not found", status=status, path=path)
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


# Draft errors that say nothing about the order's eligibility: the check could not be made.
UNKNOWN_ELIGIBILITY_CODES = {"draft-returns-not-enabled", "validation-failed", "error-retrieving-order",
                             "shop-not-found", "order-lookup-failed-temporarily"}


def _eligibility_from_draft(data: dict) -> Eligibility:
    codes = _error_codes({"errors": data.get("errors")}) if data.get("errors") else ()
    if codes and codes[0] in UNKNOWN_ELIGIBILITY_CODES:
        return Eligibility(eligible=None)
    if codes:
        reason = Ineligibility.from_code(codes[0])
        if codes[0] in ("order-not-found", "order-lookup-failed"):
            reason = Ineligibility.NOT_FOUND
        return Eligibility(eligible=False, reason=reason)
    context = data.get("context") if isinstance(data.get("context"), dict) else {}
    ok = context.get("items_eligible_to_return") or []
    not_ok = context.get("items_not_eligible_to_return") or []
    ok = ok if isinstance(ok, list) else []
    not_ok = not_ok if isinstance(not_ok, list) else []
    if ok:
        return Eligibility(eligible=True, eligible_items=len(ok), ineligible_items=len(not_ok))
    reason = Ineligibility.OTHER
    for item in not_ok:
        if isinstance(item, dict) and item.get("ineligibility_code"):
            reason = Ineligibility.from_code(str(item["ineligibility_code"]))
            break
    return Eligibility(eligible=False, reason=reason, ineligible_items=len(not_ok))


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


__all__ = ["API_HOST", "ClientConfig", "LoopClient", "TicketReturns"]
