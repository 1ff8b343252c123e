"""Each planted cause of infeasibility is named, with its data, and nothing else is."""

from __future__ import annotations

from dataclasses import replace

from bench.generate import generate_event
from scheduler.data import Conflict, PanelLock, SlotLock
from scheduler.diagnose import _CoreSearch, diagnose
from tests.scheduler.builders import DAY_ONE, clock, day, event, expert, pitch, window


def named(conflicts: tuple[Conflict, ...]) -> list[tuple[str, set[str]]]:
    """The rules and involved ids of a diagnosis, to compare without the wording."""
    return [(conflict.rule, set(conflict.involves)) for conflict in conflicts]


def panel_of_two(*more):
    """Three experts of three organisations, enough for panels of two."""
    return [
        expert("e", organisation="uimm"),
        expert("f", organisation="cetim"),
        expert("g", organisation="cna"),
        *more,
    ]


def test_feasible_event_has_no_conflict():
    tiny = event(
        [pitch("a"), pitch("b", available=(window("10:00", "10:30"),))],
        panel_of_two(),
        rooms=2,
        panel_size=2,
        required=("uimm",),
        max_per_organisation=1,
    )
    assert diagnose(tiny, time_limit=2.0) == ()


def test_a_panel_lock_given_twice_seats_one_expert():
    """The same lock twice is one expert on the panel, not two from one organisation."""
    tiny = event(
        [pitch("a"), pitch("b")],
        panel_of_two(),
        rooms=2,
        panel_size=2,
        max_per_organisation=1,
        locks=(PanelLock("a", "e"), PanelLock("a", "e")),
    )
    assert diagnose(tiny, time_limit=2.0) == ()


def test_window_shorter_than_the_pitch():
    tiny = event(
        [pitch("a"), pitch("b", available=(window("10:00", "10:20"),))], panel_of_two(), rooms=2, panel_size=2
    )
    [conflict] = diagnose(tiny, time_limit=2.0)
    assert named((conflict,)) == [("pitch_availability", {"b"})]
    assert "30 min" in conflict.message and "20 min" in conflict.message


def test_window_only_during_a_break():
    days = (day("09:00", "12:00", breaks=(("10:00", "10:30"),)),)
    tiny = event(
        [pitch("a"), pitch("b", available=(window("09:45", "10:45"),))],
        panel_of_two(),
        days=days,
        rooms=2,
        panel_size=2,
    )
    assert named(diagnose(tiny, time_limit=2.0)) == [("pitch_availability", {"b"})]


def test_too_few_organisations_for_the_panel():
    experts = [
        expert("u1", organisation="uimm"),
        expert("u2", organisation="uimm"),
        expert("c1", organisation="cetim"),
        expert("c2", organisation="cetim"),
    ]
    tiny = event([pitch("a")], experts, panel_size=3, max_per_organisation=1)
    [conflict] = diagnose(tiny, time_limit=2.0)
    assert named((conflict,)) == [("panel_organisations", {"uimm", "cetim"})]
    assert "3 organisations" in conflict.message


def test_required_organisation_runs_out_of_pitches():
    experts = panel_of_two(expert("u2", organisation="cetim"))
    experts[0] = expert("e", organisation="uimm", max_pitches=2)
    tiny = event([pitch("a"), pitch("b"), pitch("c")], experts, rooms=3, panel_size=2, required=("uimm",))
    [conflict] = diagnose(tiny, time_limit=2.0)
    assert named((conflict,)) == [("expert_load", {"uimm", "e"})]
    assert "2 pitches at most" in conflict.message and "3 pitches" in conflict.message


def test_rooms_too_small_for_the_pitches():
    tiny = event(
        [pitch("a"), pitch("b"), pitch("c")],
        panel_of_two(),
        days=(day("09:00", "10:30"),),
        changeover=5,
        panel_size=1,
    )
    [conflict] = diagnose(tiny, time_limit=2.0)
    assert named((conflict,)) == [("room_time", {"room-1"})]


def test_pitches_that_all_need_the_one_busy_room():
    in_amphi = ("room-1",)
    tiny = event(
        [pitch("a", rooms=in_amphi), pitch("b", rooms=in_amphi), pitch("c", rooms=in_amphi), pitch("d")],
        panel_of_two(),
        days=(day("09:00", "10:00"),),
        rooms=2,
        panel_size=1,
    )
    [conflict] = diagnose(tiny, time_limit=2.0)
    assert named((conflict,)) == [("room_time", {"a", "b", "c", "room-1"})]
    assert "may only use room room-1" in conflict.message


def test_conflicts_of_interest_leave_too_few_experts():
    experts = panel_of_two()
    experts[1] = expert("f", organisation="cetim", conflicts=("b",))
    experts[2] = expert("g", organisation="cna", conflicts=("b",))
    tiny = event([pitch("a"), pitch("b")], experts, rooms=2, panel_size=2)
    [conflict] = diagnose(tiny, time_limit=2.0)
    assert named((conflict,)) == [("conflict_of_interest", {"b", "f", "g"})]
    assert "at most 1 expert can sit" in conflict.message


def test_experts_away_when_the_pitch_can_run():
    morning = (window("09:00", "10:00"),)
    experts = [
        expert("e", organisation="uimm"),
        expert("f", organisation="cetim", available=morning),
        expert("g", organisation="cna", available=morning),
    ]
    tiny = event(
        [pitch("a"), pitch("b", available=(window("11:00", "11:30"),))], experts, rooms=2, panel_size=2
    )
    assert named(diagnose(tiny, time_limit=2.0)) == [("expert_availability", {"b", "f", "g"})]


def test_required_organisation_away_when_the_pitch_can_run():
    experts = [
        expert("u1", organisation="uimm", available=(window("09:00", "10:00"),)),
        expert("c1", organisation="cetim"),
        expert("c2", organisation="cna"),
    ]
    tiny = event(
        [pitch("a", available=(window("11:00", "12:00"),))], experts, panel_size=2, required=("uimm",)
    )
    [conflict] = diagnose(tiny, time_limit=2.0)
    assert named((conflict,)) == [("expert_availability", {"a", "uimm", "u1"})]
    assert "UIMM" in conflict.message


def test_pitches_short_for_the_same_reason_are_named_together():
    afternoon = (window("11:00", "12:00"),)
    experts = [
        expert("u1", organisation="uimm", available=(window("09:00", "10:00"),)),
        expert("c1", organisation="cetim"),
        expert("c2", organisation="cna"),
    ]
    tiny = event(
        [pitch("a", available=afternoon), pitch("b", available=afternoon), pitch("c")],
        experts,
        rooms=2,
        panel_size=2,
        required=("uimm",),
    )
    [conflict] = diagnose(tiny, time_limit=2.0)
    assert named((conflict,)) == [("expert_availability", {"a", "b", "uimm", "u1"})]
    assert "2 pitches" in conflict.message and "only available 2024-03-14 09:00-10:00" in conflict.message


def test_two_locks_pin_pitches_on_top_of_each_other():
    locks = (
        SlotLock("a", DAY_ONE, clock("09:00"), "room-1"),
        SlotLock("b", DAY_ONE, clock("09:15"), "room-1"),
    )
    tiny = event([pitch("a"), pitch("b"), pitch("c")], panel_of_two(), rooms=2, panel_size=1, locks=locks)
    assert named(diagnose(tiny, time_limit=2.0)) == [("lock", {"a", "b", "room-1"})]


def test_three_pinned_pitches_name_each_overlap_once():
    locks = (
        SlotLock("a", DAY_ONE, clock("09:00"), "room-1"),
        SlotLock("b", DAY_ONE, clock("09:15"), "room-1"),
        SlotLock("c", DAY_ONE, clock("09:40"), "room-1"),
    )
    tiny = event(
        [pitch("a"), pitch("b"), pitch("c")], panel_of_two(), panel_size=1, locks=locks, changeover=5
    )
    assert named(diagnose(tiny, time_limit=2.0)) == [
        ("lock", {"a", "b", "room-1"}),
        ("lock", {"b", "c", "room-1"}),
    ]


def test_lock_against_a_conflict_of_interest():
    experts = panel_of_two()
    experts[2] = expert("g", organisation="cna", conflicts=("a",))
    tiny = event([pitch("a"), pitch("b")], experts, rooms=2, panel_size=2, locks=(PanelLock("a", "g"),))
    assert named(diagnose(tiny, time_limit=2.0)) == [("lock", {"a", "g"})]


def test_lock_outside_the_pitch_window():
    tiny = event(
        [pitch("a", available=(window("10:00", "11:00"),))],
        panel_of_two(),
        panel_size=1,
        locks=(SlotLock("a", start=clock("09:00")),),
    )
    assert named(diagnose(tiny, time_limit=2.0)) == [("lock", {"a"})]


def test_lock_takes_the_seat_a_required_organisation_needs():
    tiny = event(
        [pitch("a"), pitch("b")],
        panel_of_two(),
        rooms=2,
        panel_size=1,
        required=("uimm",),
        locks=(PanelLock("a", "g"),),
    )
    assert named(diagnose(tiny, time_limit=2.0)) == [("lock", {"a", "g", "uimm"})]


def test_only_expert_of_a_required_organisation_cannot_be_everywhere():
    """One UIMM expert, one pitch at a time: four 30-minute slots for five pitches in two rooms."""
    experts = [
        expert("u1", organisation="uimm"),
        expert("c1", organisation="cetim"),
        expert("c2", organisation="cna"),
    ]
    tiny = event(
        [pitch(name) for name in "abcde"],
        experts,
        days=(day("09:00", "11:00"),),
        rooms=2,
        panel_size=1,
        required=("uimm",),
    )
    [conflict] = diagnose(tiny, time_limit=2.0)
    assert named((conflict,)) == [("expert_load", {"uimm", "u1"})]
    assert "one pitch at a time" in conflict.message


def test_minimum_loads_exceed_the_seats():
    experts = [expert("e", min_pitches=2), expert("f", min_pitches=2), expert("g")]
    tiny = event([pitch("a"), pitch("b")], experts, rooms=2, panel_size=1)
    assert named(diagnose(tiny, time_limit=2.0)) == [("expert_load", {"e", "f"})]


def test_core_names_the_windows_that_force_two_panels_at_once():
    """Counting sees enough experts for each pitch; only together do they need four at 09:00."""
    both_at_nine = (window("09:00", "09:30"),)
    tiny = event(
        [pitch("a", available=both_at_nine), pitch("b", available=both_at_nine), pitch("c")],
        panel_of_two(),
        rooms=2,
        panel_size=2,
    )
    found = named(diagnose(tiny, time_limit=2.0))
    assert sorted(found, key=lambda item: (item[0], sorted(item[1]))) == [
        ("panel_size", set()),
        ("pitch_availability", {"a"}),
        ("pitch_availability", {"b"}),
    ]


def test_core_names_the_windows_that_crowd_one_room():
    """a must start by 09:10 and b by 09:20: in one room, half-hour pitches cannot both fit.
    Each window alone and the day's room time pass the counting checks."""
    tiny = event(
        [
            pitch("a", available=(window("09:00", "09:40"),)),
            pitch("b", available=(window("09:10", "09:50"),)),
            pitch("c"),
        ],
        panel_of_two(),
        panel_size=1,
    )
    found = named(diagnose(tiny, time_limit=2.0))
    assert sorted(found, key=lambda item: (item[0], sorted(item[1]))) == [
        ("pitch_availability", {"a"}),
        ("pitch_availability", {"b"}),
        ("room_time", {"room-1"}),
    ]


def test_core_names_the_panel_size_when_panels_cannot_run_side_by_side():
    """Three experts and panels of two: one pitch at a time, and seven half hours do not fit in three
    hours.  Each expert alone has time for six; only the experts shared over time rule it out."""
    tiny = event(
        [pitch(name) for name in "abcdefg"],
        panel_of_two(),
        rooms=2,
        days=(day("09:00", "12:00"),),
        panel_size=2,
    )
    assert named(diagnose(tiny, time_limit=2.0)) == [("panel_size", set())]


def test_seats_short_through_load_limits_and_conflicts():
    """Only e is free of conflicts, and e judges one pitch at most: 3 seats for 4."""
    experts = [
        expert("e", organisation="uimm", max_pitches=1),
        expert("f", organisation="cetim", conflicts=("a", "b")),
        expert("g", organisation="cna"),
    ]
    tiny = event([pitch("a"), pitch("b")], experts, rooms=2, panel_size=2)
    [conflict] = diagnose(tiny, time_limit=2.0)
    assert named((conflict,)) == [("expert_load", {"e", "f"})]
    assert "3 panel seats" in conflict.message


def test_core_names_the_locks_and_windows_that_clash():
    """e is pinned on two pitches that their windows force into the same half hour."""
    at_nine = (window("09:00", "09:30"),)
    tiny = event(
        [pitch("a", available=at_nine), pitch("b", available=at_nine), pitch("c")],
        panel_of_two(),
        rooms=2,
        panel_size=1,
        locks=(PanelLock("a", "e"), PanelLock("b", "e")),
    )
    found = named(diagnose(tiny, time_limit=2.0))
    assert sorted(found, key=lambda item: (item[0], sorted(item[1]))) == [
        ("lock", {"a", "e"}),
        ("lock", {"b", "e"}),
        ("pitch_availability", {"a"}),
        ("pitch_availability", {"b"}),
    ]


def test_generated_event_with_a_starved_organisation():
    """On a realistic event, capping the UIMM experts names UIMM's quota and nothing else."""
    realistic = generate_event(26, 3, 24)
    capped = replace(
        realistic,
        experts=tuple(
            replace(e, max_pitches=2, min_pitches=None) if e.organisation == "uimm" else e
            for e in realistic.experts
        ),
    )
    [conflict] = diagnose(capped, time_limit=2.0)
    uimm = {e.id for e in capped.experts if e.organisation == "uimm"}
    assert named((conflict,)) == [("expert_load", {"uimm"} | uimm)]
    assert diagnose(realistic, time_limit=2.0) == ()


def test_event_without_rooms_or_pitches():
    tiny = event([pitch("a")], panel_of_two(), rooms=(), panel_size=1)
    assert named(diagnose(tiny, time_limit=2.0)) == [("room_time", set())]
    assert diagnose(event([], panel_of_two(), panel_size=1), time_limit=2.0) == ()


def test_every_rule_instance_of_the_core_search_has_words():
    """The core search asks the rules of ``constraints`` for a literal per instance: each one, of
    every kind, is worded with the ids it involves."""
    lock, seat = SlotLock("a", start=clock("09:00"), room="room-1"), PanelLock("b", "e")
    tiny = event(
        [pitch("a", available=(window("09:00", "10:00"),), rooms=("room-1",)), pitch("b")],
        [
            expert("e", organisation="uimm", available=(window("09:00", "11:00"),), min_pitches=1),
            expert("f", organisation="cetim", conflicts=("a",), max_pitches=2),
            expert("g", organisation="cetim"),
        ],
        rooms=2,
        panel_size=2,
        required=("uimm",),
        max_per_organisation=1,
        locks=(lock, seat),
    )
    search = _CoreSearch(tiny)
    words = {rule: search.reason(rule) for rule in search.rule_of.values()}
    assert {rule[0] for rule in words} == {
        "pitch_window",
        "pitch_rooms",
        "room_time",
        "panel_size",
        "required",
        "max_per_organisation",
        "expert_window",
        "conflict",
        "min",
        "max",
        "slot_lock",
        "panel_lock",
    }
    assert words[("conflict", "f", "a")].involves == ("f", "a")
    assert words[("slot_lock", lock)].involves == ("a", "room-1")
    assert words[("min", "e")].message == "E (UIMM) judges at least 1 pitches (min_pitches)."
    assert all(conflict.message.endswith(".") for conflict in words.values())
