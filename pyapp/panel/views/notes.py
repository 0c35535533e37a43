"""A return's notes on its card, newest first, as text; and the agent's note for the warehouse."""
from __future__ import annotations

from typing import Any

from pyapp.loop.models import Return
from pyapp.loop.notes import MAX_NOTE
from pyapp.panel.i18n import Translate
from pyapp.panel.state import ReturnNotes
from pyapp.panel.vdom import VNode, h


def notes_view(t: Translate, r: Return, rn: ReturnNotes | None) -> VNode | None:
    if not r.id:
        return None
    rid, shown = r.id, rn is not None and rn.shown
    toggle = h("button", {"type": "button", "class": "link", "data-action": "toggle-notes", "data-order": rid,
                          "aria-expanded": str(shown).lower(), "id": f"notes-{rid}"},
               t("notesHide") if shown else t("notesShow"))
    if not shown or rn is None:
        return h("div", {"class": "notes"}, toggle)
    body: list[Any] = [toggle]
    if rn.error is not None:
        body.append(h("p", {"class": "field-error", "role": "alert"}, t(rn.error.sentence_key)))
    elif rn.notes is None:
        body.append(h("p", {"class": "muted", "role": "status", "aria-busy": "true"}, t("notesLoading")))
    elif not rn.notes:
        body.append(h("p", {"class": "muted"}, t("notesNone")))
    else:
        body.append(h("ul", {"class": "note-list", "aria-label": t("notesTitle")},
                      [h("li", {}, n.created_at and h("small", {"class": "muted"},
                                                      n.created_at.strftime("%Y-%m-%d %H:%M")), n.content)
                       for n in rn.notes]))
    body.append(compose(t, rid, rn))
    return h("div", {"class": "notes"}, body)


def compose(t: Translate, rid: str, rn: ReturnNotes) -> VNode:
    message = rn.message_key and h("p", {"class": "ok" if rn.message_key == "noteSaved" else "field-error",
                                         "role": "status" if rn.message_key == "noteSaved" else "alert",
                                         "id": f"note-msg-{rid}"}, t(rn.message_key))
    if not rn.composing:
        return h("div", {"class": "note-add"},
                 h("button", {"type": "button", "data-action": "compose-note", "data-order": rid,
                              "id": f"add-note-{rid}"}, t("addNote")), message)
    field_id = f"note-{rid}"
    return h("form", {"class": "note-form", "data-action": "save-note", "data-order": rid},
             h("label", {"for": field_id}, t("noteLabel")),
             h("textarea", {"id": field_id, "name": "note", "rows": "2", "maxlength": str(MAX_NOTE),
                            "aria-invalid": "true" if rn.message_key and rn.message_key != "noteSaved" else None,
                            "aria-describedby": f"note-msg-{rid}" if rn.message_key else None}, rn.draft),
             h("div", {"class": "row"},
               h("button", {"type": "submit", "class": "primary", "disabled": rn.saving}, t("saveNote")),
               h("button", {"type": "button", "class": "link", "data-action": "cancel-note", "data-order": rid},
                 t("cancel"))),
             message)
