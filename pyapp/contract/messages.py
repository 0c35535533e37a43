"""Every message between the content script and the panel, and who may send them: validated before anything acts.

Strict inward: unknown kinds and unexpected fields are dropped. ``build.py`` writes ``KINDS`` into
``extension/shared/contract.js`` and a build test checks that the JavaScript sends and handles no other kind.
The sender rules are pure functions (``from_our_content_script``), so their hostile cases run on CPython.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

Nonce = str  # the panel's secret, from its URL: the page never learns it


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- content script -> panel ---------------------------------------------------------------------------


class PageChanged(Message):
    """The ticket view changed; ask for a new snapshot."""

    kind: Literal["page-changed"]
    nonce: str = Field(max_length=64)


class HostState(Message):
    """Whether the page has dressed up the panel from outside (``clean`` false: a clip, mask, fade, filter, blend
    or transform on <html>, or the host's style not ours)."""

    kind: Literal["host-state"]
    nonce: str = Field(max_length=64)
    clean: bool


# ---- panel -> content script (Python sends these; their answers come back as the models below) -------------


class SnapshotRequest(Message):
    kind: Literal["snapshot"] = "snapshot"
    nonce: str


class Layout(Message):
    """The admin's extra order-list headings: the content script anchors the panel under that list too. (The
    panel's JavaScript sends the same kind with its ``height``.)"""

    kind: Literal["layout"] = "layout"
    nonce: str
    headings: list[str]


class HostCheck(Message):
    """Before a guarded action: is the host clean right now? Answered ``{"clean": bool}``."""

    kind: Literal["host-check"] = "host-check"
    nonce: str


class InsertReply(Message):
    """Put the link into the reply box of ``ticket`` (and of no other ticket)."""

    kind: Literal["insert-reply"] = "insert-reply"
    nonce: str
    text: str
    ticket: str
    customer: str | None = None  # the e-mail the link was made for: the page's profile must still show it


class Snapshot(Message):
    """Answer to SnapshotRequest: the page's visible structure as a JSON tree (``pyapp.ticket.page``), bounded
    by the content script to 40,000 elements and 400,000 characters of text."""

    url: str = Field(max_length=4096)
    title: str = Field(max_length=1000)
    tree: str = Field(max_length=2_000_000)
    truncated: bool
    replyBox: bool = False


class InsertAnswer(Message):
    """Answer to InsertReply: ``ok``, or why not (``reason``)."""

    ok: bool
    reason: str | None = Field(default=None, max_length=40)


# ---- panel frame / options page -> runtime, over their chrome.runtime port (pyapp.browser.runtime_app) ---------

MAX_TYPED = 40  # controls whose typed text a tab's state keeps


class Hello(Message):
    """A panel frame connected (or reconnected): the agent's UI language."""

    kind: Literal["hello"]
    lang: Literal["en", "nl"] = "en"


class PageSnapshot(Snapshot):
    """The page as the content script gave it to the panel frame (``Snapshot``), passed on unchanged."""

    kind: Literal["snapshot"]


class Act(Message):
    """The agent's click or Enter on a control: its ``data-action``, ``data-order`` and a form's values."""

    kind: Literal["act"]
    action: str = Field(pattern=r"^[a-z][a-z-]{0,39}$")
    order: str = Field(default="", max_length=200)
    values: dict[str, Annotated[str, Field(max_length=5000)]] = Field(default_factory=dict, max_length=8)


class Covered(Message):
    """A guarded click the frame withheld: the panel was covered or dressed up when the agent clicked."""

    kind: Literal["covered"]
    action: str = Field(default="", max_length=40)
    order: str = Field(default="", max_length=200)
    moved: bool = False  # the control (or the panel) moved just before the click, rather than being covered


class FrameHostState(Message):
    """``HostState``, passed on by the panel frame."""

    kind: Literal["host-state"]
    clean: bool


class Typed(Message):
    """What the agent typed into a control so far (as they type): a reloaded frame gets it back."""

    kind: Literal["typed"]
    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,80}$")
    value: str = Field(max_length=5000)


class Answer(Message):
    """A frame's answer to the runtime's request ``id`` (copy: a bool; insert: ``InsertAnswer``'s fields)."""

    kind: Literal["answer"]
    id: int = Field(strict=True)
    value: bool | dict[str, Any] | None = None


class CheckKey(Message):
    """The options page's Test connection: the key typed there, checked with read-only calls."""

    kind: Literal["check-key"]
    id: int = Field(strict=True)
    key: str = Field(min_length=1, max_length=500)


PANEL_REGISTRY: dict[str, type[Message]] = {
    "hello": Hello,
    "snapshot": PageSnapshot,
    "act": Act,
    "covered": Covered,
    "host-state": FrameHostState,
    "typed": Typed,
    "answer": Answer,
}
OPTIONS_REGISTRY: dict[str, type[Message]] = {"check-key": CheckKey}
REGISTRY: dict[str, type[Message]] = {"page-changed": PageChanged, "host-state": HostState}
# Kinds only the extension's JavaScript sends and reads (the panel frame's script and the content script).
JS_ONLY_KINDS = ("viewport", "scroll-by", "reveal")
# The runtime's own plumbing: pages -> service worker (ensure-runtime; restart-runtime, a panel's Retry after a
# failed start), runtime <-> service worker (want-settings, settings), runtime document <-> its worker (connect,
# message, disconnect, send, boot-failed), runtime -> frames (view, do).
PLUMBING_KINDS = (
    "ensure-runtime",
    "restart-runtime",
    "want-settings",
    "settings",
    "connect",
    "message",
    "disconnect",
    "send",
    "boot-failed",
    "view",
    "do",
)
KINDS = tuple(
    sorted(
        {
            *REGISTRY,
            "snapshot",
            "layout",
            "host-check",
            "insert-reply",
            *JS_ONLY_KINDS,
            *PANEL_REGISTRY,
            *OPTIONS_REGISTRY,
            *PLUMBING_KINDS,
        }
    )
)


@dataclass(frozen=True)
class Sender:
    """``chrome.runtime.MessageSender``, as plain values."""

    extension_id: str | None
    tab_id: int | None
    frame_id: int | None


def from_our_content_script(sender: Sender, *, extension_id: str, tab_id: int | None) -> bool:
    """This extension's content script, in the top frame of the panel's own tab: the only sender the panel
    hears. Another extension, another tab, a subframe (an ad, an embedded widget) or the page itself is not."""
    return (
        tab_id is not None and sender.extension_id == extension_id and sender.tab_id == tab_id and sender.frame_id == 0
    )


def accept(payload: Any, sender: Sender, *, extension_id: str, tab_id: int | None, nonce: Nonce) -> Message | None:
    """The typed message when both the sender and the nonce are right, else None."""
    if not nonce or not from_our_content_script(sender, extension_id=extension_id, tab_id=tab_id):
        return None
    message = parse(payload)
    return message if message is not None and getattr(message, "nonce", None) == nonce else None


def parse(payload: Any) -> Message | None:
    """The typed message, or None for anything unknown or malformed."""
    if not isinstance(payload, dict):
        return None
    model = REGISTRY.get(str(payload.get("kind")))
    return _validated(model, payload) if model is not None else None


def parse_panel(payload: Any) -> Message | None:
    """A panel frame's message to the runtime, typed; None for anything unknown or malformed."""
    model = PANEL_REGISTRY.get(str(payload.get("kind"))) if isinstance(payload, dict) else None
    return _validated(model, payload) if model is not None else None


def parse_options(payload: Any) -> Message | None:
    model = OPTIONS_REGISTRY.get(str(payload.get("kind"))) if isinstance(payload, dict) else None
    return _validated(model, payload) if model is not None else None


def parse_snapshot(payload: Any) -> Snapshot | None:
    return _validated(Snapshot, payload)


def parse_insert_answer(payload: Any) -> InsertAnswer | None:
    return _validated(InsertAnswer, payload)


M = TypeVar("M", bound=Message)


def _validated(model: type[M], payload: Any) -> M | None:
    try:
        return model.model_validate(payload)
    except ValidationError:
        return None
