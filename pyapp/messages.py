"""The messages between the content script and the panel: one registry, validated before anything acts.

Strict inward: unknown kinds and unexpected fields are dropped. The sender is checked by ``pyapp.browser``
(same extension, same tab, top frame) before a payload ever reaches ``parse``.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PageChanged(Message):
    """Content script -> panel: the ticket view changed; ask for a new snapshot."""

    kind: Literal["page-changed"]
    nonce: str = Field(max_length=64)


class Snapshot(Message):
    """Content script's answer to the panel's snapshot request: the page's visible structure as a JSON tree
    (``pyapp.ticket_parser``), bounded there to 40,000 elements and 400,000 characters of text."""

    url: str = Field(max_length=4096)
    title: str = Field(max_length=1000)
    tree: str = Field(max_length=2_000_000)
    truncated: bool
    replyBox: bool = False


class InsertAnswer(Message):
    """Content script's answer to "insert-reply": ``ok``, or why not (``reason``)."""

    ok: bool
    reason: str | None = Field(default=None, max_length=40)


class HostState(Message):
    """Content script -> panel: whether the page has dressed up the panel from outside (``clean`` false: a
    clip, mask, fade, filter, blend or transform on <html>, or the host's style not ours)."""

    kind: Literal["host-state"]
    nonce: str = Field(max_length=64)
    clean: bool


REGISTRY: dict[str, type[Message]] = {"page-changed": PageChanged, "host-state": HostState}


def parse(payload: Any) -> Message | None:
    """The typed message, or None for anything unknown or malformed."""
    if not isinstance(payload, dict):
        return None
    model = REGISTRY.get(payload.get("kind"))  # type: ignore[arg-type]
    if model is None:
        return None
    try:
        return model.model_validate(payload)
    except ValidationError:
        return None


def parse_snapshot(payload: Any) -> Snapshot | None:
    try:
        return Snapshot.model_validate(payload)
    except ValidationError:
        return None


def parse_insert_answer(payload: Any) -> InsertAnswer | None:
    try:
        return InsertAnswer.model_validate(payload)
    except ValidationError:
        return None
