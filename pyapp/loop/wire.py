"""Loop requests as plain values, without pydantic: the client's settings, URLs, and the customer lookup's request.

``pyapp.loop.http`` and ``pyapp.loop.lookup`` build their requests here, so one question is always one request
(and one cache entry).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

from pyapp.loop.transport import Request

API_HOST = "https://api.loopreturns.com"
CUSTOMER_LOOKUP = "/api/v2/returns"  # the v2 list by e-mail, as Loop's Gladly app uses it


@dataclass(frozen=True)
class ClientConfig:
    base_url: str = API_HOST
    version: str = "v1"  # pinned: 'latest' moves between versions without notice
    timeout: float = 8.0  # past that an agent has moved on; the panel says Loop did not answer and offers Retry
    max_bytes: int = 2_000_000
    max_concurrency: int = 4
    cache_ttl: float = 60.0
    cache_size: int = 200  # answers kept: a shift's worth of customers must not pile up in memory
    auto_per_minute: int = 60  # automatic requests a minute, of the 300 Loop allows the whole shop
    customer_lookback_days: int = 365
    customer_limit: int = 50


def url_of(config: ClientConfig, path: str, params: dict[str, str] | None) -> str:
    url = config.base_url.rstrip("/") + path
    return url + "?" + urlencode(params, quote_via=quote) if params else url


def customer_lookup_params(email: str, now: datetime, config: ClientConfig) -> dict[str, str]:
    since = (now - timedelta(days=config.customer_lookback_days)).strftime("%Y-%m-%d")
    return {
        "filter": "updated_at",
        "limit": str(config.customer_limit),
        "from": since,
        "customer_email": email.strip().lower(),
    }


def request(
    config: ClientConfig,
    key: str,
    method: str,
    path: str,
    params: dict[str, str] | None = None,
    body: bytes | None = None,
    accept: str = "application/json",
) -> Request:
    headers = {"X-Authorization": key, "Accept": accept}
    if body is not None:
        headers["Content-Type"] = "application/json"
    return Request(
        method, url_of(config, path, params), headers, body, timeout=config.timeout, max_bytes=config.max_bytes
    )
