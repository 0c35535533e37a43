"""Order names: the one strict gate between text from a page (or an agent) and a Loop URL.

Shopify order names are a shop prefix, a number and an optional suffix (``#1001``, ``#US-1001``, ``1001-B``).
Anything else (markup, slashes, percent signs, whitespace, 10 kB strings) is not an order name and never
reaches a request.
"""

from __future__ import annotations

import re

MAX_LEN = 32
_NAME = re.compile(r"#?[A-Za-z0-9][A-Za-z0-9._-]{0,30}")


def clean_order_name(text: str | None) -> str | None:
    """The order name in ``text`` if it is one, else None."""
    if not isinstance(text, str):
        return None
    candidate = text.strip()
    if not candidate or len(candidate) > MAX_LEN or not _NAME.fullmatch(candidate):
        return None
    if not any(c.isdigit() for c in candidate) or candidate.endswith((".", "-")):
        return None
    return candidate


def order_key(name: str) -> str:
    """How two spellings of one order compare: case-insensitive, with or without the leading '#'."""
    return name.strip().lstrip("#").lower()


def spellings(name: str) -> list[str]:
    """The spellings to try with Loop, the one shown in the ticket first: ``#1001`` and ``1001``."""
    bare = name.strip().lstrip("#")
    return ["#" + bare, bare] if name.strip().startswith("#") else [bare, "#" + bare]
