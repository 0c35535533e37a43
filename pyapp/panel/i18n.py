"""Words the agent reads, never a message key.

The catalogs are the extension's ``_locales/*/messages.json``: chrome.i18n in the
browser, and a copy inside the panel's own package (``pyapp/panel/locales/*.json``, written by build.py) as the real
fallback when chrome.i18n answers "" (seen once in a dozen fresh profiles). On CPython this module reads the
source files, so tests see the real sentences. A message key is never shown to anyone.

Placeholders are ``{name}`` and filled here, after lookup, as text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

SHIPPED = Path(__file__).resolve().parent / "locales"  # inside the wheel the panel runs
LOCALES = Path(__file__).resolve().parents[2] / "extension" / "_locales"  # the source tree


class Translate(Protocol):
    def __call__(self, key: str, **values: str) -> str: ...


def fill(template: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", str(value))
    return template


def translator(lookup: Callable[[str], str], lang: str = "en") -> Translate:
    """Wrap a raw lookup (chrome.i18n.getMessage): when it answers nothing, the shipped catalog of the UI
    language, then English; a key missing everywhere is a bug, shown as nothing rather than as the key."""
    own, english = catalog(lang), catalog("en")

    def t(key: str, **values: str) -> str:
        try:
            raw = lookup(key)
        except Exception:  # noqa: BLE001 - a broken browser lookup is the reason for the fallback
            raw = ""
        return fill(raw or own.get(key) or english.get(key) or "", values)

    return t


def catalog(lang: str) -> dict[str, str]:
    lang = lang if lang in ("en", "nl") else "en"
    shipped = SHIPPED / f"{lang}.json"
    if shipped.exists():
        return json.loads(shipped.read_text(encoding="utf-8"))
    path = LOCALES / lang / "messages.json"
    if not path.exists():
        return {}
    return {k: v["message"] for k, v in json.loads(path.read_text(encoding="utf-8")).items()}


def file_translator(lang: str = "en", strict: bool = False) -> Translate:
    """The catalog on CPython; ``strict`` (the tests) raises on a key the catalog lacks instead of showing ""."""
    messages = catalog(lang)

    def lookup(key: str) -> str:
        if strict and key not in messages:
            raise KeyError(f"message key {key!r} is missing from the {lang} catalog")
        return messages.get(key, "")

    if strict:
        return lambda key, **values: fill(lookup(key), values)
    return translator(lookup, lang)
