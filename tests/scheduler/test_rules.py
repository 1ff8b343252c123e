"""Each hard rule on one or two pitches: a case that holds and a case that cannot."""

from __future__ import annotations

from scheduler.data import PanelLock, SlotLock, Status
from tests.scheduler.builders import DAY_TWO, clock, day, event, expert, pitch, window

# Rule 1: each pitch once, inside its day, clear of breaks, in its windows and rooms.


def test_pitch_fits_between_break_and_end_of_day(solve_and_check):
    tiny = event([pitch("p")], [expert("e")], days=(day("09:00", "10:00", breaks=(("09:00", "09:30"),)),))
    result = solve_and_check(tiny)
    assert result.status is Status.OPTIMAL
    assert result.sessions[0].start == clock("09:30")


def test_pitch_that_only_fits_over_a_break_is_infeasible(solve_and_check):
    tiny = event([pitch("p")], [expert("e")], days=(day("09:00", "10:00", breaks=(("09:20", "09:40"),)),))
    assert solve_and_check(tiny).status is Status.INFEASIBLE


def test_pitch_runs_inside_its_window_and_room(solve_and_check):
    tiny = event(
        [pitch("p", available=(window("10:00", "10:30"),), rooms=("room-2",))], [expert("e")], rooms=2
    )
    session = solve_and_check(tiny).sessions[0]
    assert (session.start, session.room) == (clock("10:00"), "room-2")


def test_pitch_whose_window_is_too_short_is_infeasible(solve_and_check):
    tiny = event([pitch("p", available=(window("10:00", "10:15"), window("10:15", "10:30")))], [expert("e")])
    assert solve_and_check(tiny).status is Status.INFEASIBLE


# Rule 2: in a room, the next pitch starts after the changeover.


def test_two_pitches_with_changeover_fill_one_room(solve_and_check):
    tiny = event(
        [pitch("a"), pitch("b")], [expert("e"), expert("f")], days=(day("09:00", "10:05"),), changeover=5
    )
    first, second = sorted(solve_and_check(tiny).sessions, key=lambda s: s.start)
    assert second.start == first.end + 5


def test_room_too_short_for_the_changeover_is_infeasible(solve_and_check):
    tiny = event(
        [pitch("a"), pitch("b")], [expert("e"), expert("f")], days=(day("09:00", "10:00"),), changeover=5
    )
    assert solve_and_check(tiny).status is Status.INFEASIBLE


# Rule 3: panel size, required organisations, cap per organisation.


def test_panel_takes_one_of_each_required_organisation(solve_and_check):
    experts = [
        expert("u1", organisation="uimm"),
        expert("u2", organisation="uimm"),
        expert("c1", organisation="cetim"),
    ]
    tiny = event([pitch("p")], experts, panel_size=2, required=("uimm", "cetim"))
    assert sorted(solve_and_check(tiny).sessions[0].panel) in (["c1", "u1"], ["c1", "u2"])


def test_panel_without_a_required_organisation_is_infeasible(solve_and_check):
    experts = [expert("u1", organisation="uimm"), expert("u2", organisation="uimm")]
    tiny = event([pitch("p")], experts, panel_size=2, required=("uimm", "cetim"))
    assert solve_and_check(tiny).status is Status.INFEASIBLE


def test_panel_over_the_organisation_cap_is_infeasible(solve_and_check):
    experts = [expert("u1", organisation="uimm"), expert("u2", organisation="uimm")]
    tiny = event([pitch("p")], experts, panel_size=2, max_per_organisation=1)
    assert solve_and_check(tiny).status is Status.INFEASIBLE


# Rule 4: availability, conflicts, and a changeover between an expert's pitches in any room.


def test_pitch_follows_its_only_expert_availability(solve_and_check):
    tiny = event([pitch("p")], [expert("e", available=(window("11:00", "11:30"),))])
    assert solve_and_check(tiny).sessions[0].start == clock("11:00")


def test_expert_never_available_for_the_pitch_is_infeasible(solve_and_check):
    tiny = event(
        [pitch("p", available=(window("09:00", "10:00"),))],
        [expert("e", available=(window("10:00", "11:00"),))],
    )
    assert solve_and_check(tiny).status is Status.INFEASIBLE


def test_conflicted_expert_leaves_the_seat_to_another(solve_and_check):
    tiny = event([pitch("p")], [expert("e", conflicts=("p",)), expert("f")])
    assert solve_and_check(tiny).sessions[0].panel == ("f",)


def test_only_expert_in_conflict_is_infeasible(solve_and_check):
    tiny = event([pitch("p")], [expert("e", conflicts=("p",))])
    assert solve_and_check(tiny).status is Status.INFEASIBLE


def test_expert_walks_between_rooms_during_the_changeover(solve_and_check):
    tiny = event(
        [pitch("a", rooms=("room-1",)), pitch("b", rooms=("room-2",))],
        [expert("e")],
        rooms=2,
        days=(day("09:00", "10:05"),),
        changeover=5,
    )
    first, second = sorted(solve_and_check(tiny).sessions, key=lambda s: s.start)
    assert second.start >= first.end + 5


def test_expert_without_time_to_change_rooms_is_infeasible(solve_and_check):
    tiny = event(
        [pitch("a", rooms=("room-1",)), pitch("b", rooms=("room-2",))],
        [expert("e")],
        rooms=2,
        days=(day("09:00", "10:00"),),
        changeover=5,
    )
    assert solve_and_check(tiny).status is Status.INFEASIBLE


# Rule 5: each expert's number of pitches.


def test_expert_minimum_is_met(solve_and_check):
    tiny = event([pitch("a"), pitch("b")], [expert("e", topics=("x",)), expert("f", min_pitches=2)])
    assert all(s.panel == ("f",) for s in solve_and_check(tiny).sessions)


def test_expert_maxima_too_low_are_infeasible(solve_and_check):
    tiny = event(
        [pitch("a"), pitch("b"), pitch("c")], [expert("e", max_pitches=1), expert("f", max_pitches=1)]
    )
    assert solve_and_check(tiny).status is Status.INFEASIBLE


def test_expert_minimum_too_high_is_infeasible(solve_and_check):
    tiny = event([pitch("a")], [expert("e", min_pitches=2)])
    assert solve_and_check(tiny).status is Status.INFEASIBLE


# Rule 6: locks.


def test_slot_and_panel_locks_hold(solve_and_check):
    locks = (SlotLock("p", DAY_TWO, clock("10:00"), "room-2"), PanelLock("p", "f"))
    tiny = event(
        [pitch("p")],
        [expert("e", topics=("x",)), expert("f")],
        rooms=2,
        days=(day(), day(on=DAY_TWO)),
        locks=locks,
    )
    session = solve_and_check(tiny).sessions[0]
    assert (session.date, session.start, session.room, session.panel) == (
        DAY_TWO,
        clock("10:00"),
        "room-2",
        ("f",),
    )


def test_start_lock_without_date_holds_on_either_day(solve_and_check):
    tiny = event(
        [pitch("p", available=(window("09:00", "12:00", DAY_TWO),))],
        [expert("e")],
        days=(day(), day(on=DAY_TWO)),
        locks=(SlotLock("p", start=clock("11:00")),),
    )
    session = solve_and_check(tiny).sessions[0]
    assert (session.date, session.start) == (DAY_TWO, clock("11:00"))


def test_two_pitches_locked_in_one_room_at_once_are_infeasible(solve_and_check):
    locks = (
        SlotLock("a", start=clock("10:00"), room="room-1"),
        SlotLock("b", start=clock("10:15"), room="room-1"),
    )
    tiny = event([pitch("a"), pitch("b")], [expert("e"), expert("f")], rooms=2, locks=locks)
    assert solve_and_check(tiny).status is Status.INFEASIBLE


def test_panel_lock_on_a_conflicted_expert_is_infeasible(solve_and_check):
    tiny = event([pitch("p")], [expert("e", conflicts=("p",)), expert("f")], locks=(PanelLock("p", "e"),))
    assert solve_and_check(tiny).status is Status.INFEASIBLE
