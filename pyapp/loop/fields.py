"""Loop's values as the models read them: ids, timestamps, money, text and links, each coerced or dropped.

Loop's quirks handled here (see shared/loop-api.md): ids as numbers in one endpoint and strings in another
(always ``str``: Shopify ids exceed JavaScript's safe integers); two timestamp formats (``2023-08-22 14:08:31``
and ISO-8601 with ``Z`` or an offset); ``"N/A"`` placeholders (absent); reasons wrapped in literal quotes; money
as plain decimal strings only; links only as https.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # what a missing timestamp sorts as

PLACEHOLDERS = {"", "n/a", "na", "none", "null", "-"}


def _absent_if_placeholder(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in PLACEHOLDERS:
        return None
    return value


def _to_str_id(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, (int, str)):
        text = str(value).strip()
        return text or None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def _to_datetime(value: Any) -> Any:
    value = _absent_if_placeholder(value)
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", text):
            # Get Return Details' format: no zone. Loop's other endpoints speak UTC, so read it as UTC.
            return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


# Money as Loop sends it: a plain decimal string ("164.58") or a number. No exponents, no NaN or Infinity, no
# underscores: "1e10000000" is a valid Decimal whose text is ten megabytes long.
PLAIN_DECIMAL = re.compile(r"-?\d{1,12}(?:\.\d{1,6})?")


def _to_decimal(value: Any) -> Any:
    value = _absent_if_placeholder(value)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    elif isinstance(value, float):
        value = f"{value:.6f}" if abs(value) < 1e12 else ""
    if not isinstance(value, str) or not PLAIN_DECIMAL.fullmatch(value.strip()):
        return None
    try:
        return Decimal(value.strip())
    except (InvalidOperation, ValueError):
        return None


def unquote_reason(value: Any) -> Any:
    value = _absent_if_placeholder(value)
    if isinstance(value, str):
        text = value.strip()
        while len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
            text = text[1:-1].strip()
        return text or None
    return value


def https_url_or_none(value: Any) -> str | None:
    """Only absolute https URLs with a host become links; anything else (javascript:, data:, http:) is dropped."""
    value = _absent_if_placeholder(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) > 2048 or any(c in text for c in "\x00\r\n\t <>\"'`\\"):
        return None
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
        return None
    return text


LoopId = Annotated[str | None, BeforeValidator(_to_str_id)]
Text = Annotated[str | None, BeforeValidator(_absent_if_placeholder)]
Money = Annotated[Decimal | None, BeforeValidator(_to_decimal)]
Timestamp = Annotated[datetime | None, BeforeValidator(_to_datetime)]
HttpsUrl = Annotated[str | None, BeforeValidator(https_url_or_none)]


class LoopModel(BaseModel):
    """Loop adds fields without notice: ignore what we do not use."""

    model_config = ConfigDict(extra="ignore", frozen=True)
