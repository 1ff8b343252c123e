"""Re-planning against a published schedule: what changed, pitch by pitch."""

from __future__ import annotations

from scheduler.data import Change, Session


def changes_between(previous: tuple[Session, ...], sessions: tuple[Session, ...]) -> tuple[Change, ...]:
    """The pitches of ``previous`` whose slot or panel differs in ``sessions``, in the new schedule's order."""
    before = {session.pitch: session for session in previous}
    changes = []
    for session in sessions:
        old = before.get(session.pitch)
        if old is None:
            continue
        moved = (session.date, session.start, session.room) != (old.date, old.start, old.room)
        removed = tuple(expert for expert in old.panel if expert not in session.panel)
        added = tuple(expert for expert in session.panel if expert not in old.panel)
        if moved or removed or added:
            changes.append(Change(session.pitch, moved, removed, added))
    return tuple(changes)
