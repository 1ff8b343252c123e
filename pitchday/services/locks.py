"""Locks: an organiser pins a pitch's slot or a juror on a panel, and the solver keeps to it."""

from __future__ import annotations

from datetime import date

from pitchday.extensions import db
from pitchday.models import Event, Expert, Lock, Pitch, Room, ScheduledSession
from pitchday.services import journal
from pitchday.services.agenda import format_clock
from pitchday.services.moves import PlanningError
from pitchday.services.wording import Refusal


def lock_slot(pitch: Pitch, *, day: date | None, start: int | None, room: Room | None) -> Lock:
    """Pin a pitch's date, start and/or room (a part left as None stays free)."""
    if day is None and start is None and room is None:
        raise PlanningError([Refusal("lock_needs_a_part")])
    return _add_lock(Lock(pitch=pitch, date=day, start_min=start, room=room))


def lock_session(session: ScheduledSession) -> Lock:
    """Pin a pitch where the schedule has put it: date, start and room."""
    return lock_slot(session.pitch, day=session.date, start=session.start_min, room=session.room)


def lock_juror(pitch: Pitch, expert: Expert) -> Lock:
    """Pin an expert on a pitch's panel."""
    if any(lock.pitch_id == pitch.id and lock.expert_id == expert.id for lock in pitch.event.locks):
        raise PlanningError([Refusal("juror_already_locked", {"juror": expert.name, "pitch": pitch.company})])
    return _add_lock(Lock(pitch=pitch, expert=expert))


def _add_lock(lock: Lock) -> Lock:
    event = lock.pitch.event
    if lock.expert is None:
        for old in [old for old in event.locks if old.pitch_id == lock.pitch.id and old.expert_id is None]:
            event.locks.remove(old)  # a new slot lock replaces the old one rather than contradict it
    lock.position = max((old.position for old in event.locks), default=-1) + 1
    event.locks.append(lock)
    db.session.flush()
    journal.record(event, "planning.locked", subject=lock.pitch.company, after=_lock_words(lock))
    return lock


def unlock(lock: Lock) -> None:
    journal.record(lock.event, "planning.unlocked", subject=lock.pitch.company, before=_lock_words(lock))
    lock.event.locks.remove(lock)
    db.session.flush()


def _lock_words(lock: Lock) -> dict:
    """A lock as the journal keeps it: what it pins, readable without the database."""
    if lock.expert is not None:
        return {"juror": lock.expert.name}
    return {
        "date": lock.date.isoformat() if lock.date else None,
        "start": format_clock(lock.start_min) if lock.start_min is not None else None,
        "room": lock.room.name if lock.room else None,
    }


def slot_locks(event: Event) -> dict[int, Lock]:
    """The event's slot locks by pitch id (a pitch has one at most)."""
    return {lock.pitch_id: lock for lock in event.locks if lock.expert_id is None}


def juror_locks(event: Event) -> set[tuple[int, int]]:
    """The (pitch id, expert id) pairs locked on panels."""
    return {(lock.pitch_id, lock.expert_id) for lock in event.locks if lock.expert_id}
