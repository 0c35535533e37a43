"""A return's notes on its card: read by themselves, on a click, or one added by the agent.

Active returns' notes are read by themselves; the others' when the agent opens them.

Automatic reads are few (``AUTO_NOTES_PER_TICKET`` active returns per ticket), counted in the automatic budget
and cached like every answer; a note is a write, sent once on the agent's click and never retried.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from pyapp.loop.errors import LoopError, RejectedInput
from pyapp.loop.models import Return
from pyapp.loop.notes import MAX_NOTE
from pyapp.panel.action import Action
from pyapp.panel.context import PanelContext
from pyapp.panel.sentences import write_error_key
from pyapp.panel.state import ReturnNotes

AUTO_NOTES_PER_TICKET = 3


def returns_on_screen(p: PanelContext) -> Iterator[Return]:
    for card in (*p.state.cards.values(), *p.state.lookups.values()):
        yield from card.returns or []


async def read_active(p: PanelContext, generation: int) -> None:
    """The notes of the ticket's active (open, needs review) returns: at most ``AUTO_NOTES_PER_TICKET`` for the
    whole time the ticket is shown, however often its order list changes or the agent presses Retry."""
    s = p.state
    active = [r.id for card in s.cards.values() for r in card.returns or [] if r.id and r.state.is_active]
    wanted = [rid for rid in dict.fromkeys(active) if rid not in s.auto_notes]
    wanted = wanted[: max(0, AUTO_NOTES_PER_TICKET - len(s.auto_notes))]
    s.auto_notes.update(wanted)
    await asyncio.gather(*(_read(p, rid, automatic=True, generation=generation) for rid in wanted))


async def _read(p: PanelContext, return_id: str, automatic: bool, generation: int | None = None) -> None:
    client, rn = p.client, p.state.notes.setdefault(return_id, ReturnNotes())
    if client is None:
        return
    rn.shown, rn.error = True, None
    p.changed()
    try:
        notes = await client.notes(return_id, automatic=automatic)
    except LoopError as err:
        rn.error = err
    except asyncio.CancelledError:
        if rn.notes is None:
            rn.shown = False  # superseded before Loop answered: Show notes asks again, nothing stays "reading"
        raise
    else:
        rn.notes = notes
    if generation is None or generation == p.generation:
        p.changed()


def _known(p: PanelContext, return_id: str) -> bool:
    """Only a return the panel shows is asked about (the control names it; nothing else can)."""
    return any(r.id == return_id for r in returns_on_screen(p))


async def toggle_notes(p: PanelContext, return_id: str, values: dict[str, str]) -> None:
    if not _known(p, return_id):
        return
    rn = p.state.notes.setdefault(return_id, ReturnNotes())
    if rn.shown and (rn.notes is not None or rn.error is None):
        rn.shown = False
        p.changed()
        return
    await _read(p, return_id, automatic=False)


def compose(p: PanelContext, return_id: str, values: dict[str, str]) -> None:
    if _known(p, return_id):
        rn = p.state.notes.setdefault(return_id, ReturnNotes())
        rn.composing = rn.opened = True
        rn.message_key, rn.made_for = None, p.state.bound_to
        p.changed()


def stop_composing(p: PanelContext, return_id: str, values: dict[str, str]) -> None:
    rn = p.state.notes.get(return_id)
    if rn is not None:
        rn.composing = False  # the form stays in the page, hidden, with what was typed (views/notes.py)
        p.changed()


async def save(p: PanelContext, return_id: str, values: dict[str, str]) -> None:
    """Send the agent's note once; what was typed survives every failure."""
    rn, client = p.state.notes.get(return_id), p.client
    if rn is None or client is None or not rn.composing or rn.saving or not _known(p, return_id):
        return
    rn.draft = values.get("note", rn.draft)
    if rn.made_for is None or rn.made_for != p.state.bound_to:
        rn.composing, rn.message_key = False, "writeOtherCustomer"  # what was typed stays in the hidden form
        p.changed()
        return
    text = rn.draft.strip()
    if not text or len(p.state.note_prefix + text) > MAX_NOTE:
        rn.message_key = "noteEmpty" if not text else "noteTooLong"
        p.changed()
        return
    rn.saving, rn.message_key = True, None
    p.changed()
    try:
        await client.add_note(return_id, p.state.note_prefix + text)  # the warehouse finds the conversation
    except LoopError as err:
        rn.saving = False
        rn.message_key = "noteRejected" if isinstance(err, RejectedInput) else write_error_key(err)
        p.changed()
        return
    rn.saving, rn.composing, rn.opened, rn.draft, rn.message_key = False, False, False, "", "noteSaved"
    await _read(p, return_id, automatic=False)


NOTE_ACTIONS = {
    "toggle-notes": Action(toggle_notes, owned=True, by_return=True),
    "compose-note": Action(compose, owned=True, by_return=True),
    "cancel-note": Action(stop_composing, by_return=True),
    "save-note": Action(save, guarded=True, owned=True, by_return=True),
}
