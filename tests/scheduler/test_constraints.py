"""The rules' enforcement literals: each rule instance holds only when its literal does.

The infeasible events are those of ``test_rules.py``, one a rule; the diagnosis builds its core
search on exactly this (``ScheduleVariables.create(relaxed=True)`` and an ``enforce`` hook).
"""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from bench.generate import generate
from scheduler.constraints import (
    HARD_RULES,
    RuleKey,
    always,
    fit_rooms_by_day,
    judge_on_their_days,
    judge_within_their_time_in_windows,
    keep_apart_pitches_without_two_panels,
    keep_rooms_apart,
    leave_each_expert_their_minimum,
    place_every_pitch,
    respect_experts,
    seat_an_expert_their_minimum,
    share_the_seats_of_panels,
    staff_pitches_over_time,
    staff_pitches_while_experts_are_there,
)
from scheduler.data import Event, PanelLock, Session, SlotLock
from scheduler.timeline import pitch_options, placed_options
from scheduler.variables import ScheduleVariables
from tests.scheduler.builders import DAY_ONE, DAY_TWO, clock, day, event, expert, pitch, window

UIMM_TWICE = [expert("u1", organisation="uimm"), expert("u2", organisation="uimm")]
LOCKED_AT_ONCE = (
    SlotLock("a", start=clock("10:00"), room="room-1"),
    SlotLock("b", start=clock("10:15"), room="room-1"),
)
LOCK_ON_CONFLICT = PanelLock("p", "e")

# (event no schedule fits, the rule instance that, relaxed alone, lets one fit)
INFEASIBLE_BY_ONE_RULE: dict[str, tuple[Event, RuleKey]] = {
    "pitch window": (
        event([pitch("p", available=(window("10:00", "10:15"), window("10:15", "10:30")))], [expert("e")]),
        ("pitch_window", "p"),
    ),
    "pitch rooms": (
        event(
            [pitch("a", rooms=("room-1",)), pitch("b", rooms=("room-1",))],
            [expert("e"), expert("f")],
            rooms=2,
            days=(day("09:00", "09:45"),),
        ),
        ("pitch_rooms", "a"),
    ),
    "room time": (
        event(
            [pitch("a"), pitch("b")], [expert("e"), expert("f")], days=(day("09:00", "10:00"),), changeover=5
        ),
        ("room_time",),
    ),
    "panel size": (event([pitch("p")], UIMM_TWICE, panel_size=2, max_per_organisation=1), ("panel_size",)),
    "cap per organisation": (
        event([pitch("p")], UIMM_TWICE, panel_size=2, max_per_organisation=1),
        ("max_per_organisation",),
    ),
    "required organisation": (
        event([pitch("p")], UIMM_TWICE, panel_size=2, required=("uimm", "cetim")),
        ("required", "cetim"),
    ),
    "expert window": (
        event(
            [pitch("p", available=(window("09:00", "10:00"),))],
            [expert("e", available=(window("10:00", "11:00"),))],
        ),
        ("expert_window", "e"),
    ),
    "conflict of interest": (event([pitch("p")], [expert("e", conflicts=("p",))]), ("conflict", "e", "p")),
    "max_pitches": (
        event([pitch("a"), pitch("b"), pitch("c")], [expert("e", max_pitches=1), expert("f", max_pitches=1)]),
        ("max", "e"),
    ),
    "min_pitches": (event([pitch("a")], [expert("e", min_pitches=2)]), ("min", "e")),
    "slot lock": (
        event([pitch("a"), pitch("b")], [expert("e"), expert("f")], rooms=2, locks=LOCKED_AT_ONCE),
        ("slot_lock", LOCKED_AT_ONCE[1]),
    ),
    "panel lock": (
        event([pitch("p")], [expert("e", conflicts=("p",)), expert("f")], locks=(LOCK_ON_CONFLICT,)),
        ("panel_lock", LOCK_ON_CONFLICT),
    ),
}


def solve_with(tiny: Event, key: RuleKey, holds: bool, *, relaxed: bool = True) -> tuple[int, list[RuleKey]]:
    """The status with the rule instance ``key`` under a literal fixed to ``holds`` (every other rule
    holding), and the keys the rules asked for."""
    model = cp_model.CpModel()
    variables = ScheduleVariables.create(model, tiny, relaxed=relaxed)
    literal = model.new_bool_var("enforced")
    asked: list[RuleKey] = []

    def enforce(rule: RuleKey) -> cp_model.IntVar | None:
        asked.append(rule)
        return literal if rule == key else None

    for rule in HARD_RULES:
        rule(model, tiny, variables, enforce=enforce)
    model.add(literal == int(holds))
    return cp_model.CpSolver().solve(model), asked


@pytest.mark.parametrize("case", INFEASIBLE_BY_ONE_RULE)
def test_a_rule_under_a_true_literal_rules_the_schedule_out(case):
    tiny, key = INFEASIBLE_BY_ONE_RULE[case]
    status, asked = solve_with(tiny, key, holds=True)
    assert key in asked
    assert status == cp_model.INFEASIBLE


@pytest.mark.parametrize("case", INFEASIBLE_BY_ONE_RULE)
def test_a_rule_under_a_false_literal_lets_a_schedule_fit(case):
    tiny, key = INFEASIBLE_BY_ONE_RULE[case]
    status, _ = solve_with(tiny, key, holds=False)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


@pytest.mark.parametrize(
    "case", ["panel size", "cap per organisation", "required organisation", "min_pitches"]
)
def test_rules_outside_the_domains_take_a_literal_on_the_main_variables_too(case):
    """Panel and load rules are constraints on any variables: a false literal relaxes them there as well."""
    tiny, key = INFEASIBLE_BY_ONE_RULE[case]
    assert solve_with(tiny, key, holds=True, relaxed=False)[0] == cp_model.INFEASIBLE
    assert solve_with(tiny, key, holds=False, relaxed=False)[0] in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_relaxed_variables_with_every_rule_held_are_the_main_model():
    """On relaxed variables the rules state what the domains leave out: with no literal, the same
    events are infeasible, and a feasible one keeps its schedule."""
    for tiny, _ in INFEASIBLE_BY_ONE_RULE.values():
        model = cp_model.CpModel()
        variables = ScheduleVariables.create(model, tiny, relaxed=True)
        for rule in HARD_RULES:
            rule(model, tiny, variables)
        assert cp_model.CpSolver().solve(model) == cp_model.INFEASIBLE
    roomy = event(
        [pitch("a", available=(window("10:00", "10:30"),), rooms=("room-2",)), pitch("b")],
        [expert("e", available=(window("10:00", "11:00"),)), expert("f", conflicts=("a",))],
        rooms=2,
        locks=(SlotLock("b", start=clock("09:00"), room="room-1"),),
    )
    model = cp_model.CpModel()
    variables = ScheduleVariables.create(model, roomy, relaxed=True)
    for rule in HARD_RULES:
        rule(model, roomy, variables)
    solver = cp_model.CpSolver()
    assert solver.solve(model) == cp_model.OPTIMAL
    sessions = {session.pitch: session for session in variables.extract(solver.value)}
    assert (sessions["a"].start, sessions["a"].room, sessions["a"].panel) == (
        clock("10:00"),
        "room-2",
        ("e",),
    )
    assert (sessions["b"].start, sessions["b"].room, sessions["b"].panel) == (
        clock("09:00"),
        "room-1",
        ("f",),
    )


def test_a_literal_is_asked_only_for_rule_instances_that_constrain_something():
    plain = event([pitch("a"), pitch("b")], [expert("e"), expert("f", organisation="cetim")], rooms=2)
    _, asked = solve_with(plain, ("room_time",), holds=True)
    assert set(asked) == {("room_time",), ("panel_size",)}
    _, on_main_variables = solve_with(plain, ("room_time",), holds=True, relaxed=False)
    assert set(on_main_variables) == {("panel_size",)}


def test_the_main_model_asks_for_no_literal():
    assert always(("room_time",)) is None


def test_the_experts_shared_over_time_hold_only_with_the_panel_size():
    """Seven pitches, three experts, panels of two: one pitch at a time, and three hours hold six."""
    tiny = event(
        [pitch(name) for name in "abcdefg"],
        [expert("e"), expert("f", organisation="cetim"), expert("g", organisation="cna")],
        rooms=2,
        days=(day("09:00", "12:00"),),
        panel_size=2,
    )
    for holds, expected in ((True, {cp_model.INFEASIBLE}), (False, {cp_model.OPTIMAL, cp_model.FEASIBLE})):
        model = cp_model.CpModel()
        variables = ScheduleVariables.create(model, tiny, relaxed=True)
        size = model.new_bool_var("panel_size")
        model.add(size == int(holds))
        staff_pitches_over_time(model, tiny, variables, enforce=lambda rule, size=size: size)
        assert cp_model.CpSolver().solve(model) in expected


# Rule 2 with every start and room fixed (re-staffing a placement): a check, no intervals, so the
# model stays linear for CBC.


def _rooms_apart_at_fixed_places(gap_minutes: int) -> int:
    """The status of rule 2 alone for two pitches fixed in one room, ``gap_minutes`` apart."""
    tiny = event([pitch("a"), pitch("b")], [expert("e")], changeover=10)
    second = clock("09:30") + gap_minutes
    sessions = (
        Session("a", DAY_ONE, clock("09:00"), clock("09:30"), "room-1", ()),
        Session("b", DAY_ONE, second, second + 30, "room-1", ()),
    )
    options = placed_options(tiny, {p.id: pitch_options(tiny, p) for p in tiny.pitches}, sessions)
    model = cp_model.CpModel()
    variables = ScheduleVariables.create(model, tiny, options=options)
    keep_rooms_apart(model, tiny, variables)
    assert not any(c.has_no_overlap() for c in model.proto.constraints)
    return cp_model.CpSolver().solve(model)


def test_rule_2_at_fixed_places_holds_a_changeover_apart():
    assert _rooms_apart_at_fixed_places(10) == cp_model.OPTIMAL


def test_rule_2_at_fixed_places_within_the_changeover_is_infeasible():
    assert _rooms_apart_at_fixed_places(5) == cp_model.INFEASIBLE


def _rooms_apart_at_fixed_times(rooms: int) -> int:
    """The status of rules 1 and 2 alone for three pitches at one fixed time, rooms to choose among
    ``rooms`` (rule 1 puts each pitch in one room)."""
    tiny = event([pitch("a"), pitch("b"), pitch("c")], [expert("e")], rooms=rooms)
    sessions = tuple(Session(name, DAY_ONE, clock("09:00"), clock("09:30"), "room-1", ()) for name in "abc")
    everywhere = {p.id: pitch_options(tiny, p) for p in tiny.pitches}
    options = placed_options(tiny, everywhere, sessions, rooms_free=True)
    model = cp_model.CpModel()
    variables = ScheduleVariables.create(model, tiny, options=options)
    place_every_pitch(model, tiny, variables)
    keep_rooms_apart(model, tiny, variables)
    assert not any(c.has_no_overlap() for c in model.proto.constraints)
    return cp_model.CpSolver().solve(model)


def test_rule_2_at_fixed_times_fits_pitches_at_once_in_as_many_rooms():
    assert _rooms_apart_at_fixed_times(3) == cp_model.OPTIMAL


def test_rule_2_at_fixed_times_with_fewer_rooms_than_pitches_at_once_is_infeasible():
    assert _rooms_apart_at_fixed_times(2) == cp_model.INFEASIBLE


def test_rule_4_at_fixed_times_has_one_clique_per_maximal_overlap_covering_every_overlapping_pair():
    """The cliques of an expert's seats at fixed times forbid exactly the pairs that overlap
    (changeover included), with no clique inside another."""
    generated = generate(26, 3, 24, seed=2, tightness="tight")
    tight = generated.event
    options = placed_options(tight, {p.id: pitch_options(tight, p) for p in tight.pitches}, generated.witness)
    model = cp_model.CpModel()
    variables = ScheduleVariables.create(model, tight, options=options)
    respect_experts(model, tight, variables)
    pitch_of = {seat.index: pair for pair, seat in variables.seat.items()}
    cliques = [
        {pitch_of[literal] for literal in constraint.at_most_one.literals}
        for constraint in model.proto.constraints
        if constraint.has_at_most_one()
    ]
    forbidden = {frozenset((a, b)) for clique in cliques for a in clique for b in clique if a != b}
    overlapping = set()
    for expert_id, seats in variables.expert_seats.items():
        spans = {p: (options[p].earliest, options[p].earliest + options[p].length) for p in seats}
        for first, (start, end) in spans.items():
            for second, (other_start, other_end) in spans.items():
                apart = end + tight.changeover <= other_start or other_end + tight.changeover <= start
                if first != second and not apart:
                    overlapping.add(frozenset(((expert_id, first), (expert_id, second))))
    assert forbidden == overlapping
    assert not any(one < other for one in cliques for other in cliques)


# The day-and-room relaxation's own rules (implied by rules 1, 2 and 4): no clock, only days and rooms.


def _fit_rooms_by_day(pitches: int) -> int:
    """The status of the room-time rule alone for ``pitches`` 50-minute pitches, one room, a morning of
    09:00-12:00 with a break 10:40-11:00 and a changeover of 10 minutes: two stretches, of 100 and 60
    minutes, that hold two pitches and one."""
    tiny = event(
        [pitch(f"p{n}") for n in range(pitches)],
        [expert("e")],
        duration=50,
        changeover=10,
        days=(day("09:00", "12:00", breaks=(("10:40", "11:00"),)),),
    )
    model = cp_model.CpModel()
    variables = ScheduleVariables.create(model, tiny)
    fit_rooms_by_day(model, tiny, variables)
    return cp_model.CpSolver().solve(model)


def test_the_room_time_of_a_day_holds_the_pitches_its_stretches_fit():
    assert _fit_rooms_by_day(3) == cp_model.OPTIMAL


def test_the_room_time_of_a_day_with_one_pitch_too_many_is_infeasible():
    assert _fit_rooms_by_day(4) == cp_model.INFEASIBLE


def _judge_on_their_days(second_day_too: bool) -> int:
    """The status of the experts' days and the room time for two pitches that need the one expert,
    who is there on day two only (or both days), one room holding one pitch a day."""
    windows = (window("09:00", "10:00", DAY_TWO),) + ((window("09:00", "10:00"),) if second_day_too else ())
    tiny = event(
        [pitch("a"), pitch("b")],
        [expert("e", available=windows)],
        duration=60,
        days=(day("09:00", "10:00"), day("09:00", "10:00", on=DAY_TWO)),
    )
    model = cp_model.CpModel()
    variables = ScheduleVariables.create(model, tiny)
    for seat in variables.seat.values():
        model.add(seat == 1)
    fit_rooms_by_day(model, tiny, variables)
    judge_on_their_days(model, tiny, variables)
    return cp_model.CpSolver().solve(model)


def test_an_expert_there_both_days_judges_a_pitch_each_day():
    assert _judge_on_their_days(second_day_too=True) == cp_model.OPTIMAL


def test_an_expert_there_one_day_cannot_judge_two_pitches_that_need_a_day_each():
    assert _judge_on_their_days(second_day_too=False) == cp_model.INFEASIBLE


def _judge_within_their_time_in_windows(window_end: str) -> int:
    """The status of the experts' time in the pitches' windows alone for two 30-minute pitches held
    to 09:00-``window_end``, both judged by the one expert."""
    held = (window("09:00", window_end),)
    tiny = event([pitch("a", available=held), pitch("b", available=held)], [expert("e")], rooms=2)
    model = cp_model.CpModel()
    variables = ScheduleVariables.create(model, tiny)
    for seat in variables.seat.values():
        model.add(seat == 1)
    judge_within_their_time_in_windows(model, tiny, variables)
    return cp_model.CpSolver().solve(model)


def test_an_expert_judges_two_pitches_of_an_hour_window_one_after_the_other():
    assert _judge_within_their_time_in_windows("10:00") == cp_model.OPTIMAL


def test_an_expert_cannot_judge_two_pitches_held_to_the_same_half_hour():
    assert _judge_within_their_time_in_windows("09:30") == cp_model.INFEASIBLE


def _staff_while_there(second_expert_from: str) -> int:
    """The status of the experts' presence alone for two 30-minute pitches held to 09:00-09:30 in
    two rooms, panels of one: one expert there all day, the other from ``second_expert_from``."""
    held = (window("09:00", "09:30"),)
    tiny = event(
        [pitch("a", available=held), pitch("b", available=held)],
        [expert("e"), expert("f", available=(window(second_expert_from, "17:00"),))],
        rooms=2,
    )
    model = cp_model.CpModel()
    variables = ScheduleVariables.create(model, tiny, panels={"a": (), "b": ()})
    place_every_pitch(model, tiny, variables)
    keep_rooms_apart(model, tiny, variables)
    staff_pitches_while_experts_are_there(model, tiny, variables)
    return cp_model.CpSolver().solve(model)


def test_two_pitches_at_once_are_staffed_by_the_two_experts_there():
    assert _staff_while_there("09:00") == cp_model.OPTIMAL


def test_two_pitches_at_once_cannot_be_placed_while_one_expert_is_away():
    assert _staff_while_there("09:30") == cp_model.INFEASIBLE


def test_an_expert_back_at_the_changeover_can_judge_the_pitch_then():
    """Away until 10:00 with a 5-minute changeover: a pitch may start at 10:00 (the expert needs no
    changeover before their first pitch), not at 09:55."""
    tiny = event(
        [pitch("a", available=(window("09:55", "10:30"),))],
        [expert("f", available=(window("10:00", "17:00"),))],
        changeover=5,
    )
    model = cp_model.CpModel()
    variables = ScheduleVariables.create(model, tiny, panels={"a": ()})
    place_every_pitch(model, tiny, variables)
    staff_pitches_while_experts_are_there(model, tiny, variables)
    solver = cp_model.CpSolver()
    assert solver.solve(model) == cp_model.OPTIMAL
    assert solver.value(variables.start["a"]) % 1440 == clock("10:00")


def _staff_from_outside(second_from: str) -> int:
    """The status of the experts' presence alone for two pitches held to 09:00-09:30 in two rooms,
    panels of two, UIMM required, one per organisation: three UIMM experts and two others, the
    second of them from ``second_from``."""
    held = (window("09:00", "09:30"),)
    tiny = event(
        [pitch("a", available=held), pitch("b", available=held)],
        [
            *(expert(f"u{i}", organisation="uimm") for i in range(3)),
            expert("c1", organisation="cetim"),
            expert("c2", organisation="cetim", available=(window(second_from, "17:00"),)),
        ],
        rooms=2,
        panel_size=2,
        required=("uimm",),
        max_per_organisation=1,
    )
    model = cp_model.CpModel()
    variables = ScheduleVariables.create(model, tiny, panels={"a": (), "b": ()})
    place_every_pitch(model, tiny, variables)
    keep_rooms_apart(model, tiny, variables)
    staff_pitches_while_experts_are_there(model, tiny, variables)
    return cp_model.CpSolver().solve(model)


def test_two_pitches_at_once_get_their_second_seats_from_the_two_others_there():
    assert _staff_from_outside("09:00") == cp_model.OPTIMAL


def test_two_pitches_at_once_cannot_both_seat_the_one_other_there():
    """Five experts for four seats, three of UIMM for two: one per organisation leaves the second
    seats to the other organisations, and only one of their experts is there."""
    assert _staff_from_outside("09:30") == cp_model.INFEASIBLE


def _leave_the_minimum(windows: tuple[tuple[str, str], ...]) -> tuple[int, list[int]]:
    """The status of a placement with no panels of two 30-minute pitches in two rooms, an expert
    who must judge both there only in ``windows``, and another there all day; and its starts."""
    tiny = event(
        [pitch("a"), pitch("b")],
        [expert("e"), expert("f", min_pitches=2, available=tuple(window(*w) for w in windows))],
        rooms=2,
    )
    model = cp_model.CpModel()
    variables = ScheduleVariables.create(model, tiny, panels={"a": (), "b": ()})
    place_every_pitch(model, tiny, variables)
    keep_rooms_apart(model, tiny, variables)
    leave_each_expert_their_minimum(model, tiny, variables)
    solver = cp_model.CpSolver()
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, []
    return status, sorted(session.start for session in variables.extract(solver.value))


def test_an_experts_minimum_is_placed_in_their_two_windows():
    """The count of a window takes a pitch only if it starts there (``placed_among`` implies it)."""
    status, starts = _leave_the_minimum((("09:00", "09:30"), ("10:00", "10:30")))
    assert status == cp_model.OPTIMAL
    assert starts == [clock("09:00"), clock("10:00")]


def test_an_experts_minimum_of_two_does_not_fit_in_one_half_hour_even_in_two_rooms():
    """Both pitches fit in 09:00-09:30 at once, one a room: the expert can judge only one of them."""
    assert _leave_the_minimum((("09:00", "09:30"),))[0] == cp_model.INFEASIBLE


def _seat_the_minimum(pitch_window: tuple[str, str]) -> int:
    """The status of a placement with no panels of two 30-minute pitches in two rooms, both held to
    ``pitch_window``, and the seats of an expert there 09:00-10:00 who must judge both."""
    held = (window(*pitch_window),)
    tiny = event(
        [pitch("a", available=held), pitch("b", available=held)],
        [expert("e"), expert("f", min_pitches=2, available=(window("09:00", "10:00"),))],
        rooms=2,
    )
    model = cp_model.CpModel()
    variables = ScheduleVariables.create(model, tiny, panels={"a": (), "b": ()})
    place_every_pitch(model, tiny, variables)
    keep_rooms_apart(model, tiny, variables)
    seat_an_expert_their_minimum(model, tiny, variables, tiny.expert_by_id()["f"])
    return cp_model.CpSolver().solve(model)


def _seat_beside_a_lock(locks: tuple[PanelLock, ...]) -> int:
    """The status of one 30-minute pitch, panels of one, and the seats of an expert who must judge it."""
    tiny = event([pitch("a")], [expert("e"), expert("f", min_pitches=1)], locks=locks)
    model = cp_model.CpModel()
    variables = ScheduleVariables.create(model, tiny, panels={"a": ()})
    place_every_pitch(model, tiny, variables)
    seat_an_expert_their_minimum(model, tiny, variables, tiny.expert_by_id()["f"])
    return cp_model.CpSolver().solve(model)


def test_an_expert_sits_their_minimum_on_a_pitch_whose_lock_is_theirs():
    assert _seat_beside_a_lock((PanelLock("a", "f"),)) == cp_model.OPTIMAL


def test_an_expert_cannot_sit_their_minimum_on_a_pitch_whose_lock_fills_its_panel():
    assert _seat_beside_a_lock((PanelLock("a", "e"),)) == cp_model.INFEASIBLE


def test_an_expert_sits_their_minimum_on_pitches_one_after_the_other():
    assert _seat_the_minimum(("09:00", "10:00")) == cp_model.OPTIMAL


def test_an_expert_cannot_sit_their_minimum_on_two_pitches_held_to_the_same_half_hour():
    """Their window holds two pitches one after the other (so the count of the pitches in it does
    not object), but these two can only run at once."""
    assert _seat_the_minimum(("09:00", "09:30")) == cp_model.INFEASIBLE


def _share_the_seats(second_organisation: str) -> int:
    """The status of one pitch, panels of two at most one per organisation, and the seats of two
    experts who must each judge it: one of UIMM, the other of ``second_organisation``."""
    tiny = event(
        [pitch("a")],
        [
            expert("f", min_pitches=1),
            expert("g", organisation=second_organisation, min_pitches=1),
            expert("h", organisation="cetim"),
        ],
        panel_size=2,
        max_per_organisation=1,
    )
    model = cp_model.CpModel()
    variables = ScheduleVariables.create(model, tiny, panels={"a": ()})
    place_every_pitch(model, tiny, variables)
    seated = {}
    for e in tiny.experts[:2]:
        for pitch_id, seat in seat_an_expert_their_minimum(model, tiny, variables, e).items():
            seated.setdefault(pitch_id, []).append((e, seat))
    share_the_seats_of_panels(model, tiny, seated)
    return cp_model.CpSolver().solve(model)


def test_two_experts_of_two_organisations_share_a_panel():
    assert _share_the_seats("cetim") == cp_model.OPTIMAL


def test_two_experts_of_one_organisation_cannot_share_a_panel_of_one_per_organisation():
    assert _share_the_seats("uimm") == cp_model.INFEASIBLE


def _keep_apart(conflicts_of_f: tuple[str, ...], locks: tuple[PanelLock, ...] = ()) -> int:
    """The status of a placement with no panels of two 30-minute pitches held to 09:00-09:30 in two
    rooms, panels of one, the experts e and f (in conflict with ``conflicts_of_f``)."""
    held = (window("09:00", "09:30"),)
    tiny = event(
        [pitch("a", available=held), pitch("b", available=held)],
        [expert("e"), expert("f", conflicts=conflicts_of_f)],
        rooms=2,
        locks=locks,
    )
    model = cp_model.CpModel()
    variables = ScheduleVariables.create(model, tiny, panels={"a": (), "b": ()})
    place_every_pitch(model, tiny, variables)
    keep_rooms_apart(model, tiny, variables)
    keep_apart_pitches_without_two_panels(model, tiny, variables)
    return cp_model.CpSolver().solve(model)


def test_two_pitches_with_a_judge_each_run_at_once():
    assert _keep_apart(("a",)) == cp_model.OPTIMAL


def test_two_pitches_that_only_one_expert_may_judge_cannot_run_at_once():
    assert _keep_apart(("a", "b")) == cp_model.INFEASIBLE


def test_two_pitches_whose_panels_are_locked_to_one_expert_cannot_run_at_once():
    assert _keep_apart((), (PanelLock("a", "e"), PanelLock("b", "e"))) == cp_model.INFEASIBLE
