"""A return's notes on its card, newest first, as text; and the agent's note for the warehouse."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pyapp.loop.models import Return
from pyapp.loop.notes import MAX_NOTE
from pyapp.panel.i18n import Translate
from pyapp.panel.sentences import error_key
from pyapp.panel.state import ReturnNotes
from pyapp.panel.vdom import VNode, h


def notes_view(
    t: Translate, r: Return, rn: ReturnNotes | None, now: datetime | None = None, prefix: str = ""
) -> VNode | None:
    """``prefix``: what the panel puts before the agent's note (``PanelState.note_prefix``); the form counts it."""
    if not r.id:
        return None
    rid, shown = r.id, rn is not None and rn.shown
    toggle = h(
        "button",
        {
            "type": "button",
            "class": "link",
            "data-action": "toggle-notes",
            "data-return": rid,
            "aria-expanded": str(shown).lower(),
            "id": f"notes-{rid}",
        },
        t("notesHide") if shown else t("notesShow"),
    )
    body: list[Any] = [toggle]
    if rn is not None and shown:
        if rn.error is not None:
            body.append(h("p", {"class": "field-error", "role": "alert"}, t(error_key(rn.error))))
        elif rn.notes is None:
            body.append(h("p", {"class": "muted", "role": "status", "aria-busy": "true"}, t("notesLoading")))
        elif not rn.notes:
            body.append(h("p", {"class": "muted"}, t("notesNone")))
        else:
            body.append(
                h(
                    "ul",
                    {"class": "note-list", "aria-label": t("notesTitle")},
                    [
                        h("li", {}, n.created_at and h("small", {"class": "muted"}, when(n.created_at, now)), n.content)
                        for n in rn.notes
                    ],
                )
            )
    if rn is not None:
        body.extend(compose(t, rid, rn, shown, MAX_NOTE - len(prefix)))
    return h("div", {"class": "notes"}, body)


def when(stamp: datetime, now: datetime | None) -> str:
    """A note's time in the agent's own time zone (Loop's are UTC)."""
    return (stamp.astimezone(now.tzinfo) if now else stamp).strftime("%Y-%m-%d %H:%M")


def compose(t: Translate, rid: str, rn: ReturnNotes, shown: bool, limit: int = MAX_NOTE) -> list[Any]:
    """Add note, or its form. Once opened the form stays in the page (hidden after Cancel or Hide notes), so
    what the agent typed is still there when they come back to it."""
    message = rn.message_key and h(
        "p",
        {
            "class": "ok" if rn.message_key == "noteSaved" else "field-error",
            "role": "status" if rn.message_key == "noteSaved" else "alert",
            "id": f"note-msg-{rid}",
        },
        t(rn.message_key),
    )
    out: list[Any] = []
    if shown and not rn.composing:
        out.append(
            h(
                "div",
                {"class": "note-add"},
                h(
                    "button",
                    {"type": "button", "data-action": "compose-note", "data-return": rid, "id": f"add-note-{rid}"},
                    t("addNote"),
                ),
                message,
            )
        )
    if not (rn.composing or rn.draft or rn.opened):
        return out
    field_id = f"note-{rid}"
    out.append(
        h(
            "form",
            {
                "class": "note-form",
                "data-action": "save-note",
                "data-return": rid,
                "hidden": not (shown and rn.composing),
            },
            h("label", {"for": field_id}, t("noteLabel")),
            h(
                "textarea",
                {
                    "id": field_id,
                    "name": "note",
                    "rows": "2",
                    "maxlength": str(limit),
                    "aria-invalid": "true" if rn.message_key and rn.message_key != "noteSaved" else None,
                    "aria-describedby": f"note-msg-{rid}" if rn.message_key else None,
                },
                rn.draft,
            ),
            h(
                "div",
                {"class": "row"},
                h("button", {"type": "submit", "class": "primary", "disabled": rn.saving}, t("saveNote")),
                h(
                    "button",
                    {"type": "button", "class": "link", "data-action": "cancel-note", "data-return": rid},
                    t("cancel"),
                ),
            ),
            rn.composing and message,
        )
    )
    return out
