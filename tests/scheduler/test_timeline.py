"""The time rules worked out before solving, shared by the model, the slot engine and the diagnosis."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from scheduler.data import PanelLock, PanelRules, SlotLock
from scheduler.timeline import (
    day_offset,
    day_starts,
    expert_starts,
    expert_starts_by_window,
    grid_options,
    locked_panels,
    locks_leave_a_seat,
    most_in,
    most_pitches,
    pitch_options,
    pitches_each_may_judge,
    starts_within,
)
from tests.scheduler.builders import clock, day, event, expert, pitch, window

DAY_TWO = date(2024, 11, 29)


def _two_days():
    return (
        day("09:00", "11:00", breaks=(("10:00", "10:15"),)),
        day("14:00", "15:00", on=DAY_TWO),
    )


def test_day_starts_keep_a_pitch_inside_its_day_and_clear_of_breaks():
    starts = day_starts(event([pitch("a")], [expert("e")], days=_two_days(), duration=30), 30)
    assert starts == [
        (0, clock("09:00")),
        (0, clock("09:05")),
        (0, clock("09:10")),
        (0, clock("09:15")),
        (0, clock("09:20")),
        (0, clock("09:25")),
        (0, clock("09:30")),
        (0, clock("10:15")),
        (0, clock("10:20")),
        (0, clock("10:25")),
        (0, clock("10:30")),
        (1, clock("14:00")),
        (1, clock("14:05")),
        (1, clock("14:10")),
        (1, clock("14:15")),
        (1, clock("14:20")),
        (1, clock("14:25")),
        (1, clock("14:30")),
    ]


def test_day_starts_are_the_starts_of_a_pitch_without_windows_or_locks():
    free, narrow = pitch("free"), pitch("narrow", available=(window("09:00", "09:40"),))
    shared = event([free, narrow], [expert("e")], days=_two_days(), duration=30)
    every = {day_offset(i) + t for i, t in day_starts(shared, 30)}
    assert set(pitch_options(shared, free).all_starts) == every
    assert set(pitch_options(shared, narrow).all_starts) < every


def test_most_pitches_counts_back_to_back_pitches_per_stretch_of_presence():
    whole = expert("whole")
    morning = expert("morning", available=(window("09:00", "10:00"),))
    shared = event([pitch("a")], [whole, morning], days=_two_days(), duration=30, changeover=5)
    # 09:00-10:00 holds 1 (30 + 5 + 30 > 60 would need 65 min), 10:15-11:00 one, 14:00-15:00 one.
    assert most_pitches(shared, morning) == 1
    assert most_pitches(shared, whole) == 3


def test_the_starts_under_part_of_a_pitchs_data_meet_in_its_options():
    """The diagnosis states windows and each lock on its own: together they are the pitch's options."""
    lock = SlotLock("a", date=DAY_TWO, start=clock("14:20"))
    narrow = pitch(
        "a", available=(window("14:00", "15:00", DAY_TWO), window("09:00", "09:45")), rooms=("room-2",)
    )
    shared = event([narrow], [expert("e")], days=_two_days(), rooms=2, locks=(lock,))
    inside = starts_within(shared, 30, windows=narrow.available)
    at_lock = starts_within(shared, 30, locks=(lock,))
    assert at_lock == (day_offset(1) + clock("14:20"),)
    assert set(inside) & set(at_lock) == set(pitch_options(shared, narrow).all_starts)
    assert clock("09:15") in inside and clock("09:20") not in inside
    relaxed = grid_options(shared, narrow)
    assert relaxed.all_starts == starts_within(shared, 30)
    assert relaxed.rooms == ("room-1", "room-2")


def test_most_in_counts_a_rooms_time_in_windows_or_over_the_days():
    shared = event([pitch("a")], [expert("e")], days=_two_days(), duration=30, changeover=5)
    assert most_in(shared, None, 30) == 3
    assert most_in(shared, (window("09:00", "11:00"),), 30) == 2
    assert most_in(shared, (window("09:00", "11:00"),), 20) == 4  # two of 20 min in each stretch


def test_an_experts_starts_are_given_window_by_window():
    """30-minute pitches on the 5-minute grid; windows of 09:00-09:45 and 10:30-11:00."""
    tiny = event([pitch("p")], [], days=(day("09:00", "12:00"),))
    windows = (window("09:00", "09:45"), window("10:30", "11:00"))
    away = expert("f", available=windows)
    option = pitch_options(tiny, tiny.pitches[0])
    by_window = expert_starts_by_window(tiny, away, option)
    assert [(w, [s % 1440 for s in starts]) for w, starts in by_window] == [
        (windows[0], [clock("09:00") + 5 * step for step in range(4)]),
        (windows[1], [clock("10:30")]),
    ]
    assert expert_starts(tiny, away, option) == tuple(s for _, starts in by_window for s in starts)
    assert expert_starts_by_window(tiny, expert("e"), option) == [(None, option.all_starts)]


def test_the_pitches_each_expert_may_judge_leave_out_conflicts_and_times_away():
    """Two 30-minute pitches, one in the morning's first hour; an expert there only at 11:00 cannot
    judge it, one in conflict with the other cannot judge that one."""
    morning = event(
        [pitch("early", available=(window("09:00", "10:00"),)), pitch("any")],
        [
            expert("always"),
            expert("late", available=(window("11:00", "12:00"),)),
            expert("conflicted", conflicts=("any",)),
        ],
        days=(day("09:00", "12:00"),),
    )
    options = {p.id: pitch_options(morning, p) for p in morning.pitches}
    assert pitches_each_may_judge(morning, options) == {"always": 2, "late": 1, "conflicted": 1}


def test_locks_leave_a_seat_where_size_caps_and_required_organisations_allow():
    """Panels of three, one from CETIM required, at most two of an organisation; UIMM's u1 and u2
    locked on "a": no third UIMM, no one of another organisation but CETIM."""
    experts = [
        expert("u1"),
        expert("u2"),
        expert("u3"),
        expert("c", organisation="cetim"),
        expert("b", organisation="bpi"),
    ]
    tiny = event([pitch("a")], experts, locks=(PanelLock("a", "u1"), PanelLock("a", "u2")))
    tiny = replace(tiny, panel=PanelRules(3, ("cetim",), 2))
    by_id = tiny.expert_by_id()
    locked = locked_panels(tiny)
    assert [e.id for e in locked["a"]] == ["u1", "u2"]
    assert [e.id for e in experts if locks_leave_a_seat(tiny, e, locked["a"])] == ["u1", "u2", "c"]
    assert locks_leave_a_seat(tiny, by_id["b"], ())
