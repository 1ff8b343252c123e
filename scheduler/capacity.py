"""A first schedule where no grid holds one: the placement under the experts' presence, then panels.

The greedy and the slot engine work on a grid of starts shared by every room, a step of the longest
pitch apart.  On events whose pitches differ in length, or whose rooms run out of step, or whose
pitches are pinned off that grid, the grid holds no schedule, and CP-SAT's search of the whole
model found none in 10 s even at 26 pitches (``bench/adversary.py``).  Yet each half alone is easy:
placing the pitches in rooms and times takes CP-SAT 0.1 s at 60 pitches, and staffing a fixed
placement is a handful of cliques per expert.  So, as a logic-based decomposition:

1. **Placement**: starts and rooms (rules 1 and 2) such that at any time the pitches running need
   no more experts, nor of each required organisation, nor from outside a set of organisations,
   than are there then (``constraints.staff_pitches_while_experts_are_there``), and each expert's
   ``min_pitches`` fit among the pitches placed in their windows
   (``constraints.leave_each_expert_their_minimum``), and two pitches whose candidates cannot make
   two panels do not run at once (``constraints.keep_apart_pitches_without_two_panels``).
2. **Panels** for those times (rules 3-6), each pitch's panel and each expert's ``min_pitches``
   held under an assumption.  When there are none, the core of assumptions names pitches whose
   times together rule every panel out (and, for an expert's minimum, every pitch they might
   judge); the placement is solved again with a *no-good*: not all of those pitches at those
   times.  Every no-good is valid (those times have no panels whatever the rest), so the
   placement search only ever loses placements that have no schedule.  An expert whose minimum a
   core blamed also gets seats in the placement, one pitch at a time
   (``constraints.seat_an_expert_their_minimum``), shared within each panel's size and
   organisation caps (``constraints.share_the_seats_of_panels``).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from itertools import count

from ortools.sat.python import cp_model

from scheduler.constraints import (
    HARD_RULES,
    bound_expert_loads,
    compose_panels,
    hold_locks,
    keep_apart_pitches_without_two_panels,
    keep_rooms_apart,
    leave_each_expert_their_minimum,
    place_every_pitch,
    seat_an_expert_their_minimum,
    share_the_seats_of_panels,
    staff_pitches_while_experts_are_there,
)
from scheduler.cores import Held
from scheduler.data import Event, Session
from scheduler.stopping import stopped_when_asked
from scheduler.timeline import PitchOptions, expert_starts, panel_locks, panels_can_sit, placed_options
from scheduler.variables import ScheduleVariables

log = logging.getLogger(__name__)

# Share of the time left that the panels' search of a round may take.  Nearly all: the search is
# quick when it finds panels or proves there are none (0.01-0.1 s at 60 pitches), and when it runs
# out of time the engine gives up, so a share kept for later rounds was never used (with a half,
# 60-pitch events whose first placement took most of the time were lost with their panels'
# search cut at 0.05 s).
PANELS_SHARE = 0.9


def find_schedule(
    event: Event,
    options: dict[str, PitchOptions],
    seconds: float,
    workers: int | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[Session, ...] | None:
    """A valid schedule (panels chosen for feasibility, not topics), or None in the time."""
    from scheduler.validate import check_schedule  # the independent oracle guards what leaves here

    deadline = time.perf_counter() + seconds
    options = _staffable(event, options)
    if any(not option.all_starts for option in options.values()):
        return None  # a pitch with no time at which a panel can sit (the diagnosis's to say why)
    model = cp_model.CpModel()
    where = ScheduleVariables.create(model, event, options=options, panels={p: () for p in options})
    place_every_pitch(model, event, where)
    keep_rooms_apart(model, event, where)
    staff_pitches_while_experts_are_there(model, event, where)
    leave_each_expert_their_minimum(model, event, where)
    keep_apart_pitches_without_two_panels(model, event, where)
    experts = event.expert_by_id()
    seated: set[str] = set()  # the experts whose minimum has its seats in the placement
    seats_by_pitch: dict[str, list] = defaultdict(list)
    for round_ in count(1):
        left = deadline - time.perf_counter()
        if left <= 0.05 or (should_stop is not None and should_stop()):
            return None
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = left
        if workers is not None:
            solver.parameters.num_workers = workers
        # Light presolve: the model changes by one clause a round, and the first placement is all
        # that is asked for.
        solver.parameters.symmetry_level = 0
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.presolve_inclusion_work_limit = 0
        with stopped_when_asked(solver, should_stop, "capacity placement"):
            status = solver.solve(model)
        log.debug(
            "capacity placement, round %d: %s in %.2f s", round_, solver.status_name(status), solver.wall_time
        )
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        placed = where.extract(solver.value)  # panels empty: the placement alone
        seconds_for_panels = PANELS_SHARE * (deadline - time.perf_counter())
        schedule, clash, minimums = _panels_for(event, options, placed, seconds_for_panels, should_stop)
        if schedule is not None:
            violations = check_schedule(event, schedule)
            if violations:  # a rule the decomposition missed: let the other stages try
                log.warning("capacity engine produced an invalid schedule: %s", violations[:3])
                return None
            log.debug("capacity engine: valid schedule in round %d", round_)
            return schedule
        if not clash:
            return None  # out of time for the panels
        log.debug(
            "capacity round %d: %d pitches' times leave no panels (minimums blamed: %s)",
            round_,
            len(clash),
            minimums,
        )
        seated_now: set[str] = set()  # the pitches with new seats: the others' caps hold already
        for expert_id in minimums:
            if expert_id in seated:
                continue
            seated.add(expert_id)
            for pitch_id, seat in seat_an_expert_their_minimum(
                model, event, where, experts[expert_id]
            ).items():
                seats_by_pitch[pitch_id].append((experts[expert_id], seat))
                seated_now.add(pitch_id)
        share_the_seats_of_panels(model, event, {p: seats_by_pitch[p] for p in sorted(seated_now)})
        model.clear_hints()
        for var in where.start.values():
            model.add_hint(var, solver.value(var))
        moved = []
        # In a fixed order: a set's order changes with the process's hash seed, and the rounds after
        # with the model's (one 26-pitch event was found in 0.2-0.7 s under one hash seed in four,
        # and not in 1 s under the others): the CLI and the app's worker build the same model.
        for pitch_id in sorted(clash):
            moves = model.new_bool_var(f"moves[{pitch_id},{round_}]")
            model.add(where.start[pitch_id] != solver.value(where.start[pitch_id])).only_enforce_if(moves)
            moved.append(moves)
        model.add_bool_or(moved)


def _staffable(event: Event, options: dict[str, PitchOptions]) -> dict[str, PitchOptions]:
    """Each pitch's starts narrowed to those at which the experts who may judge it (there then, not
    in conflict, its locked ones among them) can make a panel on their own: otherwise each such
    start costs a round of its own (60 pitches, a few with all but one outsider in conflict: six
    rounds of a one-pitch no-good, and no schedule in 2 s)."""
    locked = defaultdict(set)
    for lock in panel_locks(event):
        locked[lock.pitch].add(lock.expert)
    narrowed = {}
    for pitch_id, option in options.items():
        judges: dict[int, list[str]] = defaultdict(list)  # start -> organisations of those there
        present: dict[int, set[str]] = defaultdict(set)
        for expert in event.experts:
            if pitch_id in expert.conflict_set:
                continue
            for start in expert_starts(event, expert, option):
                judges[start].append(expert.organisation)
                present[start].add(expert.id)

        starts_by_day = tuple(
            (day, kept)
            for day, starts in option.starts_by_day
            if (
                kept := tuple(
                    start
                    for start in starts
                    if locked[pitch_id] <= present[start] and panels_can_sit(event, judges[start])
                )
            )
        )
        narrowed[pitch_id] = replace(option, starts_by_day=starts_by_day)
    return narrowed


def _panels_for(
    event: Event,
    options: dict[str, PitchOptions],
    placed: tuple[Session, ...],
    seconds: float,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[tuple[Session, ...] | None, set[str], list[str]]:
    """Panels for the placement; or the pitches whose times rule them out, with the experts whose
    minimum the core names; or neither, out of time."""
    model = cp_model.CpModel()
    v = ScheduleVariables.create(model, event, options=placed_options(event, options, placed))
    held = Held(model)
    for rule in HARD_RULES:
        if rule is compose_panels:
            for pitch_id, seats in v.panel_seats.items():
                literal = held.literal(("panel", pitch_id))
                one = replace(v, panel_seats={pitch_id: seats})
                compose_panels(model, event, one, enforce=lambda _, literal=literal: literal)
        elif rule is bound_expert_loads:
            rule(model, event, v, enforce=held.minimum)
        elif rule is hold_locks:
            rule(
                model,
                event,
                v,
                enforce=lambda key: held.literal(("panel", key[1].pitch)) if key[0] == "panel_lock" else None,
            )
        else:
            rule(model, event, v)
    solver = held.solver(seconds)
    with stopped_when_asked(solver, should_stop, "capacity panels"):
        status = solver.solve(model)
    log.debug("capacity panels: %s in %.2f s", solver.status_name(status), solver.wall_time)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return v.extract(solver.value), set(), []
    if status != cp_model.INFEASIBLE:
        return None, set(), []
    # An expert's minimum names every pitch they might judge: at these times, maybe none.
    return None, held.blamed_pitches(solver, event, options), held.blamed_minimums(solver)
