"""Locks: a slot lock replaces the previous one and refuses moves; a juror lock is set once."""

from __future__ import annotations

import pytest

from pitchday.services import locks, moves
from tests.builders import import_event, solved_draft


@pytest.fixture
def draft(ctx, rouen):
    return solved_draft(import_event(rouen))


def test_a_slot_lock_replaces_the_previous_one_and_refuses_moves(draft):
    session = draft.sessions[0]
    locks.lock_slot(session.pitch, day=None, start=8 * 60, room=None)
    lock = locks.lock_session(session)
    assert [lk.id for lk in draft.event.locks] == [lock.id]
    with pytest.raises(moves.PlanningError, match="verrouillé"):
        moves.move_pitch(
            draft, session.pitch, day=session.date, start=session.start_min + 5, room=session.room
        )
    locks.unlock(lock)
    assert draft.event.locks == []


def test_juror_lock_twice_is_refused(draft):
    session = draft.sessions[0]
    expert = session.seats[0].expert
    locks.lock_juror(session.pitch, expert)
    with pytest.raises(moves.PlanningError, match="déjà verrouillé"):
        locks.lock_juror(session.pitch, expert)
