"""Words the agent reads. The catalogs are the extension's ``_locales/*/messages.json`` (chrome.i18n in the
browser); this module reads the same files on CPython so tests see the real sentences.

Placeholders are ``{name}`` and filled here, after lookup, as text.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Protocol

LOCALES = Path(__file__).resolve().parent.parent / "extension" / "_locales"


class Translate(Protocol):
    def __call__(self, key: str, **values: str) -> str: ...


def fill(template: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", str(value))
    return template


def translator(lookup: Callable[[str], str]) -> Translate:
    """Wrap a raw lookup (chrome.i18n.getMessage) so a missing key shows the English words, never ''."""
    english = catalog("en")

    def t(key: str, **values: str) -> str:
        raw = lookup(key) or english.get(key) or key
        return fill(raw, values)
    return t


def catalog(lang: str) -> dict[str, str]:
    path = LOCALES / lang / "messages.json"
    if not path.exists():
        return {}
    return {k: v["message"] for k, v in json.loads(path.read_text(encoding="utf-8")).items()}


def file_translator(lang: str = "en") -> Translate:
    messages = catalog(lang)
    return translator(lambda key: messages.get(key, ""))
