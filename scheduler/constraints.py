"""The hard rules of the event format, one function each, in the order of the spec (rules 1-6)."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from ortools.sat.python import cp_model

from scheduler.data import Event
from scheduler.timeline import expert_starts, most_pitches, panel_locks
from scheduler.variables import ScheduleVariables


def _infeasible(model: cp_model.CpModel) -> None:
    """An empty clause: the model has no solution (the diagnosis explains why)."""
    model.add_bool_or([])


def place_every_pitch(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """Rule 1: each pitch once, on one day, at an allowed start (day, breaks, windows), in an allowed room."""
    for pitch_id, option in v.options.items():
        if not option.starts_by_day or not option.rooms:
            _infeasible(model)
            continue
        model.add_exactly_one(v.on_day[pitch_id].values())
        model.add_exactly_one(v.in_room[pitch_id].values())
        for day, starts in option.starts_by_day:
            model.add_linear_expression_in_domain(
                v.start[pitch_id], cp_model.Domain.from_values(starts)
            ).only_enforce_if(v.on_day[pitch_id][day])


def keep_rooms_apart(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """Rule 2: in a room, a pitch starts no earlier than the previous one's end plus the changeover."""
    intervals = defaultdict(list)
    for pitch_id, option in v.options.items():
        for room, present in v.in_room[pitch_id].items():
            intervals[room].append(
                model.new_optional_fixed_size_interval_var(
                    v.start[pitch_id],
                    option.length + event.changeover,
                    present,
                    f"in_room[{pitch_id},{room}]",
                )
            )
    for room_intervals in intervals.values():
        if len(room_intervals) > 1:
            model.add_no_overlap(room_intervals)


def compose_panels(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """Rule 3: panel size, one expert at least from each required organisation, a cap per organisation."""
    organisation = {expert.id: expert.organisation for expert in event.experts}
    for seats in v.panel_seats.values():
        model.add(sum(seats.values()) == event.panel.size)
        by_organisation = defaultdict(list)
        for expert_id, var in seats.items():
            by_organisation[organisation[expert_id]].append(var)
        for required in event.panel.required_organisations:
            model.add_bool_or(by_organisation[required])
        for members in by_organisation.values():
            if len(members) > event.panel.max_per_org:
                model.add(sum(members) <= event.panel.max_per_org)


def respect_experts(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """Rule 4: availability, conflicts of interest, and a changeover between any two of one's pitches.

    Conflicts and pairs with no common time have no seat variable at all (see ``ScheduleVariables``).
    When the placement is fixed, the changeover rule is a handful of cliques per expert instead of
    optional intervals, which presolve would otherwise spend seconds on.
    """
    if v.placement_is_fixed:
        _seat_cliques_at_fixed_times(model, event, v)
        return
    for expert in event.experts:
        intervals = []
        for pitch_id, seat in v.expert_seats[expert.id].items():
            option = v.options[pitch_id]
            allowed = expert_starts(event, expert, option)
            if len(allowed) < len(option.all_starts):
                model.add_linear_expression_in_domain(
                    v.start[pitch_id], cp_model.Domain.from_values(allowed)
                ).only_enforce_if(seat)
            intervals.append(
                model.new_optional_fixed_size_interval_var(
                    v.start[pitch_id], option.length + event.changeover, seat, f"seat[{expert.id},{pitch_id}]"
                )
            )
        if len(intervals) > 1:
            model.add_no_overlap(intervals)


def _seat_cliques_at_fixed_times(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """At most one seat per expert among the pitches that run (changeover included) at each start time."""
    for seats in v.expert_seats.values():
        spans = sorted(
            (
                (v.options[p].earliest, v.options[p].earliest + v.options[p].length + event.changeover, seat)
                for p, seat in seats.items()
            ),
            key=lambda span: span[:2],
        )
        active: list[tuple[int, cp_model.IntVar]] = []
        for start, end, seat in spans:
            active = [(until, other) for until, other in active if until > start] + [(end, seat)]
            if len(active) > 1:
                model.add_at_most_one(other for _, other in active)


def bound_expert_loads(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """Rule 5: each expert judges between ``min_pitches`` and ``max_pitches`` pitches."""
    for expert in event.experts:
        load = v.load[expert.id]
        model.add(load == sum(v.expert_seats[expert.id].values()))
        model.add(load >= expert.min_load)
        if expert.max_pitches is not None:
            model.add(load <= expert.max_pitches)


def hold_locks(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """Rule 6: panel locks seat their expert (slot locks already shaped the pitch's options)."""
    for lock in panel_locks(event):
        seat = v.seat.get((lock.expert, lock.pitch))
        if seat is None:
            _infeasible(model)
        else:
            model.add(seat == 1)


def cap_loads_by_time(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """Implied by rule 4, stated for the LP relaxation: no expert judges more pitches than their time holds."""
    for expert in event.experts:
        if v.expert_seats[expert.id]:
            model.add(v.load[expert.id] <= most_pitches(event, expert))


def share_a_time_on_each_panel(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """Implied by rules 1 and 4, stated for the panel relaxation: a panel's experts share a start.

    Experts with the same windows can judge a pitch at the same starts, so the check runs per group
    of windows: two groups with no start in common never sit on one panel together.
    """
    experts = event.expert_by_id()
    for pitch_id, seats in v.panel_seats.items():
        groups: dict[object, list[cp_model.IntVar]] = {}
        starts: dict[object, frozenset[int]] = {}
        for expert_id, seat in seats.items():
            windows = experts[expert_id].available
            if windows not in starts:
                starts[windows] = frozenset(expert_starts(event, experts[expert_id], v.options[pitch_id]))
            groups.setdefault(windows, []).append(seat)
        used = {}
        for one, other in combinations(groups, 2):
            if starts[one] & starts[other]:
                continue
            for windows in (one, other):
                if windows not in used:
                    used[windows] = model.new_bool_var(f"panel_uses_windows[{pitch_id},{len(used)}]")
                    for seat in groups[windows]:
                        model.add_implication(seat, used[windows])
            model.add(used[one] + used[other] <= 1)


HARD_RULES = (
    place_every_pitch,
    keep_rooms_apart,
    compose_panels,
    respect_experts,
    bound_expert_loads,
    hold_locks,
)

# The rules that do not depend on time: with them alone the model is a relaxation that bounds the score.
PANEL_RULES = (compose_panels, bound_expert_loads, hold_locks, cap_loads_by_time, share_a_time_on_each_panel)


def add_hard_rules(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    for rule in HARD_RULES:
        rule(model, event, v)
    cap_loads_by_time(model, event, v)
