"""Loop's HTTP layer: one request out (the key in its header), Loop's answer read into data or one error.

Budget: Loop allows 300 requests a minute per key, shared by every agent of the shop. Answers are cached for
``cache_ttl`` seconds (at most ``cache_size`` of them) and identical calls in flight are shared; one nobody
waits for any more (a ticket switch abandoned it) is cancelled, its fetch aborted and its slot freed. After a
429 every request of this client cools down (``Retry-After`` when Loop sends it) before it leaves, and
automatic requests (the ones a page's changes trigger, not the agent's clicks) stop at ``auto_per_minute``.

Trust: every body is size-capped and parsed defensively; the key travels only in ``X-Authorization`` to the
configured API host, and is absent from every repr, error and URL.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel, SecretStr, ValidationError

from pyapp.loop.errors import (
    AuthError,
    BadResponse,
    NotFound,
    Paused,
    RateLimited,
    RejectedInput,
    Scope,
    Timeout,
    TooLarge,
    Unavailable,
    UnknownRoute,
)
from pyapp.loop.retry import RetryPolicy, parse_retry_after
from pyapp.loop.transport import Response, Transport, TransportError
from pyapp.loop.wire import API_HOST as API_HOST  # re-exported
from pyapp.loop.wire import ClientConfig as ClientConfig
from pyapp.loop.wire import request

HAL_FORMS = "application/prs.hal-forms+json"
NOT_FOUND_WORDS = re.compile(r"not\s*found|no return|does not exist|unknown order", re.I)
NOT_FOUND_CODES = {"NOT_FOUND", "ORDER_NOT_FOUND", "RETURN_NOT_FOUND", "order-not-found", "return_not_found"}

M = TypeVar("M", bound=BaseModel)


class LoopHttp:
    def __init__(
        self,
        transport: Transport,
        api_key: str | SecretStr,
        config: ClientConfig,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], Awaitable[Any]],
        clock: Callable[[], float] = time.monotonic,
        on_retry: Callable[[int], None] | None = None,
    ) -> None:
        self._transport = transport
        self._key = api_key if isinstance(api_key, SecretStr) else SecretStr(api_key)
        self.config = config
        self.policy = policy
        self._sleep = sleep
        self._clock = clock
        self._on_retry = on_retry  # told before each wait, so the panel can say "retrying"
        self._semaphore = asyncio.Semaphore(config.max_concurrency)
        self._cache: dict[tuple, tuple[float, Any]] = {}
        self._in_flight: dict[tuple, tuple[asyncio.Future, list[int]]] = {}  # the shared call and its waiters
        self._cooldown_until = 0.0
        self._auto_sent: list[float] = []  # when each automatic request of the last minute left

    def __repr__(self) -> str:
        return f"LoopHttp(base_url={self.config.base_url!r}, key=SecretStr('**********'))"

    @property
    def api(self) -> str:
        """The versioned path prefix of Loop's v1 endpoints."""
        return f"/api/{self.config.version}"

    async def get(
        self, path: str, params: dict[str, str], scope: Scope, accept: str = "application/json", automatic: bool = False
    ) -> Any:
        return await self.send("GET", path, scope, params=params, idempotent=True, accept=accept, automatic=automatic)

    async def cached(self, key: tuple, factory: Callable[[], Awaitable[Any]]) -> Any:
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

    def forget(self) -> None:
        """Drop cached answers (the agent pressed Retry, or the key changed)."""
        self._cache.clear()

    def drop(self, key: tuple) -> None:
        """Forget one cached answer (a write changed what Loop would say)."""
        self._cache.pop(key, None)

    def drop_naming(self, *words: str) -> None:
        """Forget every cached answer whose key names one of ``words`` (a return id, an order name, an e-mail):
        after a write to a return, what was read of it, its order and its customer is read again."""
        wanted = {w.lower() for w in words if w}

        def names(part: object) -> bool:
            if isinstance(part, tuple):
                return any(names(x) for x in part)
            return isinstance(part, str) and part.lower() in wanted

        for key in [k for k in self._cache if names(k)]:
            del self._cache[key]

    def cache_entries(self) -> int:
        return len(self._cache)

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

    async def send(
        self,
        method: str,
        path: str,
        scope: Scope,
        *,
        params: dict[str, str] | None = None,
        json_body: Any = None,
        idempotent: bool = False,
        errors_in_body_ok: bool = False,
        accept: str = "application/json",
        automatic: bool = False,
    ) -> Any:
        body = json.dumps(json_body).encode() if json_body is not None else None
        req = request(self.config, self._key.get_secret_value(), method, path, params, body, accept)
        attempt = 0
        while True:
            attempt += 1
            await self._wait_for_cooldown()
            if automatic:
                self._spend_automatic()
            try:
                async with self._semaphore:
                    response = await self._transport.send(req)
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
            try:
                return interpret(response, path, scope, errors_in_body_ok)
            except RateLimited as err:
                err.retry_in = max(0.0, self._cooldown_until - self._clock()) or None  # what is left to wait
                raise

    async def _wait_for_cooldown(self) -> None:
        """After a 429 nothing leaves until the cool-down is over; a wait longer than a lookup can bear fails."""
        remaining = self._cooldown_until - self._clock()
        if remaining > self.policy.max_retry_after:
            raise RateLimited("cooling down after a 429", retry_in=remaining)
        if remaining > 0:
            self._notify_retry(429)
            await self._sleep(remaining)

    def _spend_automatic(self) -> None:
        now = self._clock()
        self._auto_sent = [t for t in self._auto_sent if now - t < 60]
        if len(self._auto_sent) >= self.config.auto_per_minute:
            raise Paused("automatic lookups paused for this minute")
        self._auto_sent.append(now)

    def _notify_retry(self, status: int) -> None:
        if self._on_retry is not None:
            self._on_retry(status)


def validate(model: type[M], data: Any, path: str) -> M:
    """Loop's answer (or one row of it) as ``model``, or BadResponse: the one way an answer becomes a model. A
    caller that tolerates a bad row catches BadResponse and skips it."""
    try:
        return model.model_validate(data)
    except (ValidationError, TypeError, ValueError):
        raise BadResponse("unexpected shape", path=path) from None


def interpret(response: Response, path: str, scope: Scope, errors_in_body_ok: bool) -> Any:
    """The JSON of a successful answer, or the one error that names what went wrong."""
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
        if any(c in NOT_FOUND_CODES for c in error_codes(data)):
            raise NotFound("not found", status=status, path=path)
        raise UnknownRoute("no such route", status=status, path=path)  # a gateway 404, not "no returns"
    if status in (400, 409, 422) and errors_in_body_ok and isinstance(data, dict):
        return data  # the caller reads Loop's errors[].code itself (draft returns answer 422 with them)
    if status in (400, 409, 422):
        codes = error_codes(data)
        if any(c in NOT_FOUND_CODES for c in codes):
            raise NotFound("order not found", status=status, path=path)
        raise RejectedInput("input refused", codes=codes, status=status, path=path)
    if not 200 <= status < 300:
        raise BadResponse("unexpected status", status=status, path=path)
    if not errors_in_body_ok and isinstance(data, dict) and ("error" in data or "errors" in data):
        # Loop reports some failures inside HTTP 200 bodies.
        text = json.dumps(data.get("error", data.get("errors")))[:500]
        codes = error_codes(data)
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


def error_codes(data: Any) -> tuple[str, ...]:
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


# What a Loop id (a return, note, allowlist entry, draft or label) must look like before it goes into a path: an
# answer that names "../orders" or "1?x=" as an id steers no request.
_PATH_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def path_id(value: object, path: str) -> str:
    """``value`` as one path segment, or BadResponse (and no request) if it is not an id Loop would send."""
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not _PATH_ID.fullmatch(text):
        raise BadResponse("an id that cannot go into a path", path=path)
    return text
