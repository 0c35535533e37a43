"""A return's notes in Loop: read (newest first) and, on an agent's explicit click, one more added.

Get Return Notes answers ``{"notes": [{id, content, created_at}]}`` and HTTP 422 when a return has none; both need
the Returns scope. Reads are cached like every answer; adding a note is a write, sent once and never retried (a
timed-out POST may have been stored), after which the cached notes of that return are dropped.
"""

from __future__ import annotations

from pyapp.loop.errors import BadResponse, RejectedInput, Scope
from pyapp.loop.fields import EPOCH, LoopId, LoopModel, Text, Timestamp
from pyapp.loop.http import LoopHttp, path_id, validate

MAX_NOTE = 254  # Loop's docs: "content is required and must be under 255 chars"
MAX_NOTES = 50


class Note(LoopModel):
    id: LoopId = None
    content: Text = None
    created_at: Timestamp = None


def _path(http: LoopHttp, return_id: str, tail: str) -> str:
    return f"{http.api}/warehouse/return/{path_id(return_id, '/warehouse/return')}/{tail}"


async def read_notes(http: LoopHttp, return_id: str, automatic: bool) -> list[Note]:
    """The return's notes, newest first ([] when Loop has none: its 422)."""

    async def fetch() -> list[Note]:
        try:
            data = await http.get(_path(http, return_id, "notes"), {}, Scope.RETURNS, automatic=automatic)
        except RejectedInput:
            return []  # Loop answers 422 when a return has no notes
        rows = data.get("notes") if isinstance(data, dict) else None
        if not isinstance(rows, list):
            raise BadResponse("notes that are not a list", path="/warehouse/return/notes")
        notes = []
        for row in rows[:MAX_NOTES]:
            try:
                note = validate(Note, row, "/warehouse/return/notes")
            except BadResponse:
                continue  # one unreadable note does not hide the others
            if note.content:
                notes.append(note)
        notes.sort(key=lambda n: n.created_at or EPOCH, reverse=True)
        return notes

    return list(await http.cached(("notes", return_id), fetch))


async def add_note(http: LoopHttp, return_id: str, content: str) -> None:
    """Store one note on the return; a text Loop would refuse (empty, too long) is refused here first."""
    text = content.strip()
    if not text or len(text) > MAX_NOTE:
        raise RejectedInput("note empty or too long", codes=("note-length",), path="/warehouse/return/note")
    await http.send("POST", _path(http, return_id, "note"), Scope.RETURNS, json_body={"content": text})
    http.drop(("notes", return_id))
