"""Changes by hand: a pitch moved, a day delayed, a re-plan started from a version, an absent juror replaced."""

from __future__ import annotations

import pytest

import scheduler
from pitchday.services import event_io, locks, moves, versions
from scheduler import data as sd
from scheduler.validate import check_schedule
from tests.builders import import_event, solved_draft


@pytest.fixture
def draft(ctx, rouen):
    return solved_draft(import_event(rouen))


def test_move_makes_a_checked_draft_and_the_changes_name_it(draft):
    event = draft.event
    session = draft.sessions[0]
    rooms_used = {(s.date, s.room_id) for s in draft.sessions}
    free_room = next((r for r in event.rooms if (session.date, r.id) not in rooms_used), None)
    target_room = free_room or session.room
    try:
        moved = moves.move_pitch(
            draft, session.pitch, day=session.date, start=session.start_min, room=target_room
        )
    except moves.PlanningError as error:  # a room not allowed to this pitch, a clash...
        assert error.reasons
        return
    assert moved.id != draft.id and moved.number is None
    changes = versions.version_changes(event, draft, moved)
    assert [change.pitch for change in changes] == [session.pitch.company]


def test_move_to_outside_the_day_is_refused_in_french(draft):
    session = draft.sessions[0]
    with pytest.raises(moves.PlanningError) as refused:
        moves.move_pitch(draft, session.pitch, day=session.date, start=23 * 60, room=session.room)
    assert any("déborde des horaires" in reason for reason in refused.value.reasons)


def test_replan_spec_keeps_locks_and_gives_the_previous_sessions(draft):
    event = draft.event
    locks.lock_session(draft.sessions[0])
    spec = moves.replan_spec(event, draft)
    assert spec.previous == versions.to_scheduler_sessions(draft)
    assert any(isinstance(lock, sd.SlotLock) for lock in spec.locks)


def test_delay_shifts_the_rest_of_a_day_and_publishes(draft):
    event = draft.event
    # Room to shift into: a later end of day, and every expert free all day.
    for day in event.days:
        day.end_min = 20 * 60
    for expert in event.experts:
        expert.windows.clear()
    versions.publish(draft)
    day = draft.sessions[-1].date
    last = max(s.start_min for s in draft.sessions if s.date == day)

    shifted = moves.delay(draft, day=day, after=last, minutes=5)

    assert shifted.number == 2
    moved = [s for s in shifted.sessions if s.date == day and s.start_min == last + 5]
    assert moved and not check_schedule(
        event_io.to_scheduler_event(event), versions.to_scheduler_sessions(shifted)
    )


def test_delay_past_the_end_of_day_is_refused(draft):
    versions.publish(draft)
    day = draft.sessions[0].date
    with pytest.raises(moves.PlanningError) as refused:
        moves.delay(draft, day=day, after=0, minutes=600)
    assert refused.value.reasons
    assert schedules_count(draft) == 1


def test_delay_with_nothing_after_is_refused(draft):
    with pytest.raises(moves.PlanningError, match="rien à décaler"):
        moves.delay(draft, day=draft.sessions[0].date, after=23 * 60, minutes=15)


def schedules_count(version) -> int:
    return len(versions.versions_of(version.event))


def test_an_absent_juror_is_replaced_touching_only_what_must_change(draft):
    event = draft.event
    versions.publish(draft)
    judged = {}
    for session in draft.sessions:
        for seat in session.seats:
            judged.setdefault(seat.expert, []).append(session)
    expert, sessions = max(judged.items(), key=lambda item: len(item[1]))
    last = max(sessions, key=lambda s: (s.date, s.start_min))
    moves.mark_absent(expert, day=last.date, from_min=last.start_min)

    spec = moves.replan_spec(event, draft, frozen_before=(last.date, last.start_min))
    result = scheduler.solve(spec, time_limit=5)

    if result.status.has_schedule:
        replaced = {s.pitch: s for s in result.sessions}[last.pitch.key]
        assert expert.key not in replaced.panel
        before = {s.pitch: s for s in versions.to_scheduler_sessions(draft)}
        for session in result.sessions:
            if (before[session.pitch].date, before[session.pitch].start) < (last.date, last.start_min):
                old = before[session.pitch]
                assert (session.date, session.start, session.room, set(session.panel)) == (
                    old.date,
                    old.start,
                    old.room,
                    set(old.panel),
                )
    else:
        assert result.status is sd.Status.INFEASIBLE
