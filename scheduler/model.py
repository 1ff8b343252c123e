"""Build the CP-SAT model of an event, solve it within a time limit, and turn the answer into a Result.

The solve is staged (see README.md for the measurements behind it):

1. a first schedule: the *greedy* (``construct.py``), or a greedy *repair* of ``previous`` in a
   re-plan; on tight events, or when the greedy is stuck, the *slot engine* (``slots.py``);
2. on large events, *topic staffing*: that schedule's placement re-staffed for topics and loads,
   solved by CBC (``mip.py``) since with the placement fixed the model is all linear;
3. the *panel relaxation*: the panel rules and the panel terms only, no clock.  It gives a bound
   on the whole score (time can only cost more) and the panels with the most topics;
4. on mid-size events, the *day-and-room relaxation*: the panel relaxation with a day and a room
   for each pitch and room changes bounded below: a tighter bound, and panels that share rooms;
   on large events, *rooms*: the rooms re-solved with times and panels kept;
5. *placing* the relaxations' panels (when their score beats the best schedule): a greedy
   placement, or one that only keeps the rules (freeing the panels that cannot all be placed),
   then the full model with the panels fixed (times and rooms, exact room changes);
6. on small events, the *rooms-used model* (every rule, every term, room changes bounded below
   by the rooms each expert uses per day less one) from the best schedule, which finds and proves;
7. the *alternation* until the time is up: topic staffing, rooms, staffing (placement fixed, exact
   room changes along the fixed start times), placing (panels fixed), and large neighbourhoods,
   each picked by what it paid.

A stage stops as soon as a schedule reaches the best bound (Rouen: proved in the third stage).

Every schedule found is scored by plain arithmetic (``validate.score_terms``) and the best is kept,
so ``Result.score`` is the spec's score whatever model found it.  ``best_bound`` comes only from
models that relax the whole problem (the panel relaxation, the day-and-room relaxation, the
rooms-used model), so it is a true bound.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from scheduler import capacity
from scheduler.constraints import (
    DAY_AND_ROOM_RULES,
    HARD_RULES,
    PANEL_RULES,
    bound_expert_loads,
    cap_loads_by_time,
    compose_panels,
)
from scheduler.construct import construct, meets_minimum_loads, place_panels, repair
from scheduler.cores import Held
from scheduler.data import Conflict, Event, Progress, ProgressCallback, Result, Session, Status
from scheduler.mip import solve_as_mip
from scheduler.neighbourhoods import KINDS, Chooser, choose_free, day_of_span, neighbourhood
from scheduler.objective import (
    LEFT_OUT,
    ROOMS_USED,
    ObjectiveTerms,
    build_objective,
    exact_model_fits,
    optimistic_score,
)
from scheduler.replan import changes_between
from scheduler.slots import find_schedule, looks_tight
from scheduler.stopping import stopped_when_asked
from scheduler.timeline import (
    PitchOptions,
    may_sit,
    on_days,
    pitch_options,
    pitches_each_may_judge,
    placed_options,
)
from scheduler.validate import score_terms
from scheduler.variables import ScheduleVariables

log = logging.getLogger(__name__)

# Share of the time limit the panel relaxation may take before its best answer is used.
RELAXATION_SHARE = 0.25
# On large events, solved by CBC, it may take this share of the time left if that is more.
LARGE_RELAXATION_SHARE_OF_LEFT = 0.7
# Share of the time limit for the rooms-used model on small events (every rule, room changes bounded
# below by the rooms each expert uses per day less one): it both finds and proves there, so it gets
# most of the time (at 5 s, tight 26 pitches, 10 seeds: 6 proved optimal with 85 %, 4 with 50 %).
SMALL_PROOF_SHARE = 0.85
# Share of the time limit for the day-and-room relaxation, on the events it fits.
DAY_AND_ROOM_SHARE = 0.2
# ...whose size (see _day_and_room_fits) is at most this (60 pitches, 4 rooms, 24 experts: 11,520).
DAY_AND_ROOM_MAX_CLAUSES = 20_000
# ...and with at least this long for it: in 0.2 s (60 pitches at 1 s) it found too little to pay
# for its time (tight median gap 18.6 % -> 21.2 %).
DAY_AND_ROOM_MIN_SECONDS = 1.0
# How many times placing looks for a placement that keeps the rules, freeing the panels that
# cannot all be placed each time.
PLACING_REPAIRS = 4
# Share of the time limit for placing the relaxation's panels.
PLACING_SHARE = 0.3
# On small events the rooms-used model both finds and proves better: placing gets less before it.
SMALL_PLACING_SHARE = 0.1
# ...unless no schedule has been found yet: then placing is the likeliest to find one.
NO_SCHEDULE_PLACING_SHARE = 0.6
# Share of the time left for the capacity engine (scheduler.capacity) when no grid held a schedule:
# three quarters, since on the events it is there for the stages after it seldom find a first one
# (the adversary's 60-pitch events at 1 s, 60 seeds of six profiles: 8 found with no capacity
# engine; 11-12 with a half and a quarter on small events, 16-17 with three quarters and a half,
# in one run each, the panels' search given nearly all of the engine's time in both)...
CAPACITY_ENGINE_SHARE = 0.75
# ...on small events (whose rooms-used model is built) a half: that model finds some the engine
# does not (26 pitches, same run: 43 found with a quarter, 47-48 with a half, 45 with three
# quarters).  Events left infeasible keep a quarter of the time for the relaxation that proves it.
SMALL_CAPACITY_ENGINE_SHARE = 0.5
# From this many pitches, a tight event (``slots.looks_tight``) goes to the slot engine before the greedy.
ENGINE_FIRST_PITCHES = 100
# Share of the time left that the slot engine may take when the greedy got stuck.
SLOT_ENGINE_SHARE = 0.9
# ...below ENGINE_FIRST_PITCHES a third: where a grid holds a schedule it finds one in 0.1-0.2 s
# (tight 26 and 60 pitches of bench/generate.py), and where none does (the adversary's events) the
# capacity engine after it needs the time (26 pitches at 1 s, 60 seeds of six profiles: 44 found,
# 42 with nine tenths; free-experts: 10 of 10, 8).
SMALL_SLOT_ENGINE_SHARE = 0.35
# The first re-staffing of a large event's first schedule for topics may take this share of the time
# left (CBC takes 1.2-2 s of a 10 s solve at tight 300 pitches, after the slot engine's 2-3 s).
TOPIC_STAFFING_SHARE = 0.85
# ...and at most this long: CBC does not hear the organiser's stop button until it returns.
TOPIC_STAFFING_MAX_SECONDS = 20.0
SMALL_TOPIC_STAFFING_SHARE = 0.25
# Each staffing or placing step of the alternation gets this share of the time limit.
STEP_SHARE = 0.1
# A large-neighbourhood step gets this share of the time limit, within these bounds (seconds).
LNS_SHARE = 0.03
LNS_MIN_SECONDS = 0.5
LNS_MAX_SECONDS = 4.0
# Time allowed to complete a hint (solving the model with a schedule fixed).
PROBE_SECONDS = 5.0
# A stage is not started with less time than this left (building its model alone may take it).
MIN_STAGE_SECONDS = 0.1
# Building the panel relaxation takes about this long per pair of an expert and a pitch they may
# judge (twice what was measured: see _relaxation_build_guess).
RELAXATION_BUILD_SECONDS_PER_PAIR = 70e-6
# Building a model of the whole event takes up to this many times the panel relaxation's build.
BUILD_RATIO = 3.0


@dataclass(frozen=True)
class ScheduleModel:
    """One CP-SAT model of the event (whole or part): its variables and objective terms."""

    event: Event
    model: cp_model.CpModel
    variables: ScheduleVariables
    terms: ObjectiveTerms

    @classmethod
    def build(
        cls,
        event: Event,
        *,
        options: dict[str, PitchOptions] | None = None,
        panels: dict[str, tuple[str, ...]] | None = None,
        exact_room_changes: bool | None = None,
        only_day: int | None = None,
    ) -> ScheduleModel:
        """Every hard rule and every term; ``options``/``panels`` fix the placement or the panels.

        ``only_day``: a neighbourhood with every other day fixed, room changes followed on that day.
        """
        model = cp_model.CpModel()
        variables = ScheduleVariables.create(model, event, options=options, panels=panels)
        for rule in HARD_RULES:
            rule(model, event, variables)
        cap_loads_by_time(model, event, variables)
        terms = build_objective(model, event, variables, exact_room_changes, only_day=only_day)
        return cls(event, model, variables, terms)

    def panels(self, value: Callable) -> dict[str, tuple[str, ...]]:
        """The panels of a solution."""
        return {
            pitch: tuple(e for e, seat in seats.items() if value(seat))
            for pitch, seats in self.variables.panel_seats.items()
        }

    @classmethod
    def build_relaxation(cls, event: Event, options: dict[str, PitchOptions]) -> ScheduleModel:
        """The panel rules and panel terms only: its optimum bounds the score of any schedule."""
        model = cp_model.CpModel()
        variables = ScheduleVariables.create(model, event, options=options)
        for rule in PANEL_RULES:
            rule(model, event, variables)
        terms = build_objective(model, event, variables, timed=False)
        return cls(event, model, variables, terms)

    @classmethod
    def build_day_and_room_relaxation(cls, event: Event, options: dict[str, PitchOptions]) -> ScheduleModel:
        """The panel relaxation with a day and a room for each pitch, still no clock: a room's pitches
        of a day fit in its time, experts judge on their days, and room changes count as the rooms
        each expert judges in per day less one.  A tighter bound, and panels that share rooms."""
        model = cp_model.CpModel()
        variables = ScheduleVariables.create(model, event, options=options)
        for rule in DAY_AND_ROOM_RULES:
            rule(model, event, variables)
        terms = build_objective(model, event, variables, ROOMS_USED, timed=False)
        return cls(event, model, variables, terms)

    def days(self, value: Callable) -> dict[str, int]:
        """The day index of each pitch in a solution."""
        return {
            pitch: next(day for day, on_day in days.items() if value(on_day))
            for pitch, days in self.variables.on_day.items()
        }


@dataclass(frozen=True)
class _Relaxed:
    """A relaxation's solution to place: its panels, its score, and the days it gave (if it did)."""

    panels: dict[str, tuple[str, ...]]
    score: int
    days: dict[str, int] | None = None


class _Best:
    """The best schedule found so far (by true score) and the best proved bound."""

    def __init__(
        self,
        event: Event,
        started: float,
        on_progress: ProgressCallback | None,
        should_stop: Callable[[], bool] | None = None,
    ):
        self.event = event
        self.started = started
        self.on_progress = on_progress
        self.should_stop = should_stop
        self.stopped = False
        self.sessions: tuple[Session, ...] = ()
        self.score: int | None = None
        self.bound: int | None = None
        # A bound of every model's objective, not only of the true score: the panel relaxation's (or
        # the optimistic one).  Each model's penalties are at least the relaxation's and at most the
        # true ones, so no model scores a schedule above it, and it may be stated as a cut.
        self.ceiling: int | None = None

    def offer(self, sessions: tuple[Session, ...]) -> None:
        score = score_terms(self.event, sessions).total(self.event.objective_weights)
        if self.score is not None and score <= self.score:
            return
        self.sessions, self.score = sessions, score
        log.debug("better schedule %d at %.2f s", score, time.perf_counter() - self.started)
        if self.on_progress is not None:
            bound = score if self.bound is None else max(self.bound, score)
            self.on_progress(Progress(score, bound, time.perf_counter() - self.started, sessions))

    def stop_requested(self) -> bool:
        """Whether the caller asked to stop; once asked, the answer stays yes."""
        if not self.stopped and self.should_stop is not None and self.should_stop():
            self.stopped = True
        return self.stopped

    def tighten(self, bound: float, *, of_every_model: bool = False) -> None:
        proved = math.floor(bound + 1e-6)
        if of_every_model:
            self.ceiling = proved if self.ceiling is None else min(self.ceiling, proved)
        before = self.bound
        self.bound = proved if self.bound is None else min(self.bound, proved)
        if self.on_progress is not None and self.score is not None and self.bound != before:
            # A proof narrows the gap as much as a better schedule: the organiser's panel must hear of
            # it now, not at the next schedule found (which may never come).
            bound = max(self.bound, self.score)
            elapsed = time.perf_counter() - self.started
            self.on_progress(Progress(self.score, bound, elapsed, self.sessions))

    @property
    def proved_optimal(self) -> bool:
        return self.score is not None and self.bound is not None and self.score >= self.bound


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Hands every solution the solver finds to ``on_solution`` (given the callback's ``value``),
    and stops the search when it answers True (the bound of another model is reached)."""

    def __init__(self, on_solution: Callable[[Callable], bool | None]):
        super().__init__()
        self._on_solution = on_solution

    def on_solution_callback(self) -> None:
        if self._on_solution(self.value):
            self.stop_search()


def _run(
    stage: str,
    model: cp_model.CpModel,
    seconds: float,
    workers: int | None,
    on_solution: Callable[[Callable], bool | None],
    light_presolve: bool = False,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[int, float]:
    """Solve one model for at most ``seconds``: its status and best bound.

    ``light_presolve`` skips probing and inclusion checks: on the hinted models of large events they
    took the whole time limit (6 s of presolve on 150 pitches) before the search even began.
    """
    began = time.perf_counter()
    solver = cp_model.CpSolver()
    if light_presolve:
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.presolve_inclusion_work_limit = 0
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    if workers is not None:
        solver.parameters.num_workers = workers
    with stopped_when_asked(solver, should_stop, stage):
        status = solver.solve(model, _Reporter(on_solution))
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"invalid CP-SAT model: {model.validate()}")
    log.debug(
        "%s: %s in %.2f s of %.2f s, bound %s",
        stage,
        solver.status_name(status),
        time.perf_counter() - began,
        seconds,
        solver.best_objective_bound,
    )
    return status, solver.best_objective_bound


def _search(
    stage: str,
    built: ScheduleModel,
    best: _Best,
    seconds: float,
    workers: int | None,
    hint: tuple[Session, ...] = (),
    light_presolve: bool = True,
) -> tuple[int, float]:
    """Solve a schedule model from ``hint``, offering each schedule found to ``best``."""
    began = time.perf_counter()
    if hint:
        _hint_completely(built, hint, seconds / 2)

    def offer(value: Callable) -> bool:
        best.offer(built.variables.extract(value))
        return best.proved_optimal

    return _run(
        stage,
        built.model,
        seconds - (time.perf_counter() - began),
        workers,
        offer,
        light_presolve=light_presolve,
        should_stop=best.stop_requested,
    )


def _hint_completely(built: ScheduleModel, sessions: tuple[Session, ...], seconds: float) -> None:
    """Hint every variable, auxiliary ones included, so the solver starts from the schedule at once.

    A hint of the decision variables alone leaves CP-SAT to complete it by search, which on large
    models takes seconds or fails.  Solving a copy with the schedule fixed gives every value.
    """
    probe = built.model.clone()
    probe.clear_hints()
    for var, value in built.variables.values_of(sessions):
        probe.add(probe.get_int_var_from_proto_index(var.index) == value)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = min(PROBE_SECONDS, max(0.05, seconds))
    solver.parameters.num_workers = 1
    solver.parameters.stop_after_first_solution = True
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.presolve_inclusion_work_limit = 0
    status = solver.solve(probe)
    log.debug("hint completed: %s in %.2f s", solver.status_name(status), solver.wall_time)
    built.model.clear_hints()
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for index, value in enumerate(solver.response_proto.solution):
            built.model.add_hint(built.model.get_int_var_from_proto_index(index), value)
    else:
        built.variables.hint(built.model, sessions)


def _explain(event: Event, time_limit: float) -> tuple[Conflict, ...]:
    """Why the event has no schedule, when the diagnosis module is there."""
    try:
        from scheduler.diagnose import diagnose
    except ImportError:
        return ()
    return diagnose(event, time_limit=time_limit)


def solve(
    event: Event,
    *,
    time_limit: float = 30.0,
    workers: int | None = None,
    on_progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Result:
    """Schedule the event: the best schedule found in ``time_limit`` seconds, with the proved bound.

    ``should_stop`` (polled a few times a second) ends the solve early, keeping the best schedule
    found so far: the organiser's "stop" button.
    """
    started = time.perf_counter()
    deadline = started + time_limit
    best = _Best(event, started, on_progress, should_stop)
    options = {pitch.id: pitch_options(event, pitch) for pitch in event.pitches}
    if any(not option.starts_by_day or not option.rooms for option in options.values()):
        return _infeasible(event, started, time_limit)  # rule 1 (or a slot lock) leaves a pitch nowhere to go
    best.tighten(optimistic_score(event, options), of_every_model=True)

    def left() -> float:
        return 0.0 if best.stop_requested() else deadline - time.perf_counter()

    step = max(STEP_SHARE * time_limit, 0.2)
    if event.previous and _is_complete(event, event.previous):
        best.offer(event.previous)
    # The greedy takes 0.01 s on small events and schedules most tight ones; from ~100 pitches on
    # it spent up to 1 s failing on tight events, where the slot engine goes first.
    tight = not event.previous and len(event.pitches) >= ENGINE_FIRST_PITCHES and looks_tight(event)
    from_engine = False  # whether the first schedule is the slot engine's, whose panels ignore topics
    if best.score is None and not tight:
        _start_greedily(event, options, best, min(left(), step), workers)
    if best.score is None and left() > 0:
        # The greedy got stuck (a tight event): the slot engine does not depend on its luck.
        # Not all the time: if it finds nothing, the panel relaxation may still prove the event
        # infeasible (and the diagnosis say why) in what is left.  (A tenth: on a loaded machine
        # the engine needed most of 3 s at 150 pitches.)
        share = SLOT_ENGINE_SHARE if len(event.pitches) >= ENGINE_FIRST_PITCHES else SMALL_SLOT_ENGINE_SHARE
        found = find_schedule(event, options, share * left(), workers, should_stop=best.stop_requested)
        if found is not None:
            best.offer(found)
            from_engine = True
        elif tight and left() > MIN_STAGE_SECONDS:
            _start_greedily(event, options, best, min(left(), step), workers)
    judgeable = pitches_each_may_judge(event, options)
    small = exact_model_fits(judgeable)
    if best.score is None and left() > MIN_STAGE_SECONDS:
        # No grid holds a schedule (pitches of their own lengths, rooms out of step, pitches pinned
        # off the grid): the placement under the experts' presence, then panels, no grid at all.
        # Not all of what is left: placing the relaxation's panels, and on small events the
        # rooms-used model, find some that this does not.
        share = SMALL_CAPACITY_ENGINE_SHARE if small else CAPACITY_ENGINE_SHARE
        found = capacity.find_schedule(
            event, options, share * left(), workers, should_stop=best.stop_requested
        )
        if found is not None:
            best.offer(found)
            from_engine = True

    if left() <= _relaxation_build_guess(judgeable) + MIN_STAGE_SECONDS:
        # Out of time: building the relaxation alone would overrun (150 pitches: 0.3-0.4 s, and its
        # LP after it; a 3 s solve ran 3.7 s).
        return _finished(event, best, started)
    # The schedule each whole step of the alternation was last proved optimal from (see _alternate).
    settled: dict[str, tuple[Session, ...]] = {}
    if (from_engine or not small) and best.score is not None and left() > MIN_STAGE_SECONDS:
        # A first schedule's panels are rarely the best for its times (the slot engine's ignore
        # topics): re-staffing its placement for topics, first, gives the organiser a good agenda
        # early (tight 150 pitches: +50 % in 2 s; tight 300 had 0.2 s left for it after the
        # relaxation at a 10 s limit).
        seconds = min(TOPIC_STAFFING_SHARE * left(), TOPIC_STAFFING_MAX_SECONDS)
        if small:
            # A tight small event the greedy could not start (CBC needs 0.05-0.2 s at 26 pitches).
            seconds = min(seconds, SMALL_TOPIC_STAFFING_SHARE * time_limit)
        if _staff_for_topics(event, options, best, seconds, workers) == cp_model.OPTIMAL:
            # Proved for this placement, which the best schedule has whether it gained or not.
            settled["topic staffing"] = best.sessions
    building = time.perf_counter()
    relaxation = ScheduleModel.build_relaxation(event, options)
    # A model of the whole event (every rule) took up to 3 times as long to build as the relaxation.
    build_guess = BUILD_RATIO * (time.perf_counter() - building)
    if best.score is not None:
        relaxation.variables.hint(relaxation.model, best.sessions)
    relaxed: list[_Relaxed] = []
    # On large events CBC first: the relaxation is all linear, and CBC proved it at tight 300
    # pitches in 3.3 s where CP-SAT had no answer in 2.5 s (the bound stayed the optimistic one,
    # a third above the score).  The bound is the gap the organiser is shown: CBC may take most of
    # what the topic staffing left.
    began = time.perf_counter()
    seconds = min(left(), RELAXATION_SHARE * time_limit)
    if not small:
        seconds = min(left(), max(seconds, LARGE_RELAXATION_SHARE_OF_LEFT * left()))
    # Its LP first: near exact, and a bound to show when CBC does not finish (tight 300 pitches at
    # 10 s: the optimistic bound, 19,900 for a relaxation of 15,940, half the gap shown).
    solution = (
        None
        if small
        else solve_as_mip(
            relaxation.model, seconds, on_bound=lambda lp: best.tighten(lp, of_every_model=True)
        )
    )
    if solution is not None and solution.optimal:
        relaxed.append(_Relaxed(relaxation.panels(solution.value), round(solution.objective)))
        status, bound = cp_model.OPTIMAL, solution.objective
    else:
        status, bound = _run(
            "panel relaxation",
            relaxation.model,
            min(left(), seconds - (time.perf_counter() - began)),
            workers,
            lambda value: relaxed.append(
                _Relaxed(relaxation.panels(value), value(relaxation.terms.score(event)))
            ),
            should_stop=best.stop_requested,
        )
    if status == cp_model.INFEASIBLE:
        return _infeasible(event, started, time_limit)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        best.tighten(bound, of_every_model=True)
    to_place = relaxed[-1:]  # the relaxations' panels to place, best first
    if (
        not small  # the rooms-used model does this and more there (days, rooms and times)
        and _day_and_room_fits(event, options)
        and best.score is not None
        and not best.proved_optimal
        and min(left(), DAY_AND_ROOM_SHARE * time_limit) >= DAY_AND_ROOM_MIN_SECONDS
    ):
        # Its panels have the most topics, but rarely share rooms: placed, their experts move from
        # room to room (loose 60 pitches: 30 moves at 30 s, the whole gap).  With days and rooms the
        # relaxation picks panels that can stay in a room, and bounds the moves too.
        found = _relax_days_and_rooms(
            event, options, best, min(left(), DAY_AND_ROOM_SHARE * time_limit), workers
        )
        if found is not None:
            # Its days are not always placeable (the room time of a day is all it knows of the
            # clock): then the panel relaxation's panels, then its own on any day (loose 60
            # pitches, seed 1: its days were infeasible, and its panels on any day found nothing
            # in 8.5 s, where the panel relaxation's had placed 1602).
            to_place = [found, *to_place, _Relaxed(found.panels, found.score)]

    if not small and best.score is not None and left() > build_guess + MIN_STAGE_SECONDS:
        # Then its rooms, for those panels (before the placing of the relaxation's panels, which on
        # tight events may find nothing).
        sessions = best.sessions
        status, _ = _search(
            "rooms",
            _whole_step_model(event, options, sessions, "rooms"),
            best,
            min(step, left()),
            workers,
            hint=sessions,
        )
        if status == cp_model.OPTIMAL and best.sessions is sessions:
            settled["rooms"] = sessions
    placing_share = SMALL_PLACING_SHARE if small else PLACING_SHARE
    if best.score is None and not small:
        # Nothing found yet: placing the relaxation's panels is the search that can find a first
        # schedule where the greedy and the slot engine's grid could not (pitches of different
        # lengths, rooms out of step: 60 pitches at 1 s had 0.07 s for it, and found nothing).
        placing_share = NO_SCHEDULE_PLACING_SHARE
    placing_ends = time.perf_counter() + placing_share * time_limit
    for tried, candidate in enumerate(to_place):
        if best.proved_optimal or left() <= 0 or placing_ends <= time.perf_counter():
            break
        if best.score is not None and candidate.score <= best.score:
            continue  # placing can only lose points from a relaxation's score: nothing to gain
        # A relaxation's panels have the most topics a schedule can have; placing them (times and
        # rooms, room changes exact) is a small model and starts the alternation near the bound.
        # Each gets an equal share of what is left for placing, whether the one before placed its
        # panels or not (tight 60 pitches at 30 s, seed 1: 1701-1847 when the first success ended
        # the placing, 1790-1806 with every candidate placed); one that is infeasible is proved so
        # in a fraction of a second, and leaves its time to the next.
        seconds = (placing_ends - time.perf_counter()) / (len(to_place) - tried)
        _place(event, options, candidate, best, min(left(), seconds), workers, build_guess)
    if small and not best.proved_optimal and left() > MIN_STAGE_SECONDS:
        status = _prove_small(event, options, best, min(left(), SMALL_PROOF_SHARE * time_limit), workers)
        if status == cp_model.INFEASIBLE:
            return _infeasible(event, started, time_limit)
    # On small events the rooms-used model was that search (the whole model differs only by its
    # room-change circuits, which took 1.3 s to build at 60 pitches: a 1 s solve ran 2.25 s).
    if best.score is None and not small and left() > build_guess + MIN_STAGE_SECONDS:
        status, bound = _search(
            "whole model", ScheduleModel.build(event, options=options), best, left(), workers
        )
        if status == cp_model.INFEASIBLE:
            return _infeasible(event, started, time_limit)
    if best.score is not None:
        _alternate(event, options, best, deadline, step, workers, build_guess, settled)

    return _finished(event, best, started)


def _finished(event: Event, best: _Best, started: float) -> Result:
    """The result of the best schedule found (none: unknown)."""
    if best.score is None:
        return Result(Status.UNKNOWN, solve_seconds=time.perf_counter() - started)
    return Result(
        status=Status.OPTIMAL if best.proved_optimal else Status.FEASIBLE,
        sessions=best.sessions,
        score=best.score,
        terms=score_terms(event, best.sessions),
        best_bound=best.bound,
        solve_seconds=time.perf_counter() - started,
        changes=changes_between(event.previous, best.sessions) if event.previous else (),
    )


def _relaxation_build_guess(judgeable: Mapping[str, int]) -> float:
    """How long building the panel relaxation may take: it grows with the pairs of an expert and a
    pitch they may judge (22-35 us a pair from 26 to 300 pitches, measured on the adversary's
    events; twice that here, for a loaded machine)."""
    return RELAXATION_BUILD_SECONDS_PER_PAIR * sum(judgeable.values())


def _prove_small(
    event: Event, options: dict[str, PitchOptions], best: _Best, seconds: float, workers: int | None
) -> int:
    """The rooms-used model from the best schedule: every rule, every term, room changes bounded
    below by the rooms each expert uses per day less one.  Its bound is a true bound of the spec's
    score, and on small events it both finds the best schedules and proves them."""
    exact = ScheduleModel.build(event, options=options, exact_room_changes=ROOMS_USED)
    if best.ceiling is not None:
        # Valid (no schedule scores above it in this model) and what the proof needs: with it, the
        # search has only to rule out the few points between the best schedule and the relaxation.
        exact.model.add(exact.terms.score(event) <= best.ceiling)
    status, bound = _search(
        "rooms-used model", exact, best, seconds, workers, hint=best.sessions, light_presolve=False
    )
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        best.tighten(bound)
    return status


def _day_and_room_fits(event: Event, options: dict[str, PitchOptions]) -> bool:
    """Whether the day-and-room relaxation is small enough to help in the time: its rooms-used
    clauses, one per expert, pitch, day and room, number at most ``DAY_AND_ROOM_MAX_CLAUSES``."""
    clauses = sum(
        len(option.days) * len(option.rooms)
        for expert in event.experts
        for option in options.values()
        if may_sit(event, expert, option)
    )
    return clauses <= DAY_AND_ROOM_MAX_CLAUSES


def _relax_days_and_rooms(
    event: Event, options: dict[str, PitchOptions], best: _Best, seconds: float, workers: int | None
) -> _Relaxed | None:
    """The day-and-room relaxation from the best schedule: its bound, and its best panels and days."""
    relaxation = ScheduleModel.build_day_and_room_relaxation(event, options)
    relaxation.variables.hint(relaxation.model, best.sessions)
    found: list[_Relaxed] = []

    def keep(value: Callable) -> None:
        score = value(relaxation.terms.score(event))
        found.append(_Relaxed(relaxation.panels(value), score, relaxation.days(value)))

    status, bound = _run(
        "day-and-room relaxation", relaxation.model, seconds, workers, keep, should_stop=best.stop_requested
    )
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # A bound of the true score (each of its terms is at most the spec's), not of every model's
        # objective: a model that leaves room changes out may score a schedule above it.
        best.tighten(bound)
    return found[-1] if found else None


def _place(
    event: Event,
    options: dict[str, PitchOptions],
    relaxed: _Relaxed,
    best: _Best,
    seconds: float,
    workers: int | None,
    build_guess: float,
) -> int:
    """Times and rooms for a relaxation's panels (on its days, if it gave them), room changes exact;
    the search's status (``INFEASIBLE``: not even with the panels freed below).

    The greedy places them first; when it cannot, a placement that only keeps the rules
    (``_place_for_feasibility``) starts the search: on tight 150 pitches the search with its
    objective found none in 17 s where that found one in 3 s.  A relaxation knows each expert's time
    only expert by expert, so on tight events a few of its panels cannot all be placed (tight 60
    pitches: two panels held to the common time of two part-time experts, and two pitches of a
    narrow window, gave a third expert four pitches in 105 minutes).  Those panels are then chosen
    again by the search, the rest kept.
    """
    began = time.perf_counter()
    placing_options = options if relaxed.days is None else on_days(options, relaxed.days)
    panels = dict(relaxed.panels)
    start = place_panels(event, placing_options, panels)
    if start is not None:
        best.offer(start)
    everyone = tuple(expert.id for expert in event.experts)
    for _ in range(PLACING_REPAIRS):
        if start is not None:
            break
        found, unplaceable = _place_for_feasibility(
            event, placing_options, panels, seconds - (time.perf_counter() - began), best.stop_requested
        )
        if found is not None:
            best.offer(found)
            start = found
        elif not unplaceable:
            break  # neither found nor ruled out in the time: the search tries from the best schedule
        panels.update(dict.fromkeys(unplaceable, everyone))
    left = seconds - (time.perf_counter() - began)
    if left <= build_guess + MIN_STAGE_SECONDS:
        return cp_model.FEASIBLE if start is not None else cp_model.UNKNOWN
    placing = ScheduleModel.build(event, options=placing_options, panels=panels)
    status, _ = _search(
        "placing the relaxation's panels", placing, best, left, workers, hint=start or best.sessions
    )
    return status


def _place_for_feasibility(
    event: Event,
    options: dict[str, PitchOptions],
    panels: dict[str, tuple[str, ...]],
    seconds: float,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[tuple[Session, ...] | None, set[str]]:
    """A schedule with the given panels (a pitch given more candidates than its panel's size has
    its panel chosen), no objective; or, when there is none, the pitches whose panels cannot all
    be placed together (a small set, not always the smallest); or neither, out of time.

    Every hard rule holds but the panels' own, which hold for the pitches to choose for; each
    other pitch's panel is held under an assumption, and CP-SAT names a core of those that rule
    out every schedule.  So is each expert's ``min_pitches``: an expert may sit only on the panels
    given, so one whose minimum needs every pitch they were given forces those panels whatever the
    assumptions, and the core came out empty (60 pitches, a third of the experts at an exact load:
    no panel named, no repair).  Such an expert in the core frees every kept panel they might sit on."""
    model = cp_model.CpModel()
    variables = ScheduleVariables.create(model, event, options=options, panels=panels)
    held = Held(model)
    for rule in HARD_RULES:
        if rule is bound_expert_loads:
            rule(model, event, variables, enforce=held.minimum)
        elif rule is not compose_panels:
            rule(model, event, variables)
    # The panels' own rules hold wherever the seats are not exactly one panel (short of one, too).
    to_choose = {p: seats for p, seats in variables.panel_seats.items() if len(seats) != event.panel.size}
    compose_panels(model, event, replace(variables, panel_seats=to_choose))
    kept = {p: options[p] for p in variables.panel_seats if p not in to_choose}
    for pitch_id in kept:
        for seat in variables.panel_seats[pitch_id].values():
            model.add_implication(held.literal(("panel", pitch_id)), seat)
    solver = held.solver(seconds)
    with stopped_when_asked(solver, should_stop, "placing for feasibility"):
        status = solver.solve(model)
    log.debug("placing for feasibility: %s in %.2f s", solver.status_name(status), solver.wall_time)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return variables.extract(solver.value), set()
    if status != cp_model.INFEASIBLE:
        return None, set()
    # An expert's minimum frees their panels, and any they might sit on.
    unplaceable = held.blamed_pitches(solver, event, kept)
    log.debug("%d panels cannot all be placed", len(unplaceable))
    return None, unplaceable


def _start_greedily(
    event: Event, options: dict[str, PitchOptions], best: _Best, seconds: float, workers: int | None
) -> None:
    """The greedy schedule (a repair of ``previous`` in a re-plan); if it leaves a minimum load unmet,
    its placement re-staffed by CP-SAT."""
    sessions = repair(event, options, event.previous) if event.previous else None
    sessions = sessions or construct(event, options)
    if sessions is None:
        return
    if meets_minimum_loads(event, sessions):
        best.offer(sessions)
        return
    staffing = ScheduleModel.build(event, options=placed_options(event, options, sessions))
    staffing.variables.hint(staffing.model, sessions)
    _run(
        "greedy re-staffing",
        staffing.model,
        seconds,
        workers,
        lambda value: best.offer(staffing.variables.extract(value)),
        should_stop=best.stop_requested,
    )


# The steps of the alternation that re-solve the whole schedule with one part of it fixed.
WHOLE_KINDS = ("topic staffing", "rooms-used staffing", "rooms", "staffing", "placing")
# The re-staffings of a fixed placement that CBC solves (all linear), and how each counts room changes.
STAFFINGS_BY_CBC = {"topic staffing": LEFT_OUT, "rooms-used staffing": ROOMS_USED}


def _alternate(
    event: Event,
    options: dict[str, PitchOptions],
    best: _Best,
    deadline: float,
    step: float,
    workers: int | None,
    build_guess: float,
    settled: dict[str, tuple[Session, ...]],
) -> None:
    """Improve the best schedule until the time is up, by steps chosen by what they pay.

    *Topic staffing* re-staffs the whole placement for topics and loads (room changes left out of
    the model, counted by the true score), *rooms* re-assigns the rooms with times and panels kept
    (room changes exact), *staffing* re-staffs with room changes exact along the fixed times,
    *placing* re-places the whole set of panels; the large neighbourhoods of ``neighbourhoods.py``
    free a stretch of time, a room's day, or the pitches of the experts who move most, and keep the
    rest.  Each kind is picked in proportion to the points per second it earned so far.  A whole
    step solved to optimality is not run again until the best schedule changes (it would find the
    same); one that ran out of time without a gain doubles its next time (CP-SAT's own
    neighbourhoods need longer once the easy gains are made); a neighbourhood grows when solved to
    optimality and shrinks when nothing was found.
    """
    time_limit = deadline - best.started
    chooser = Chooser(WHOLE_KINDS + KINDS, size=max(4, 2 * len(event.rooms)))
    lns_seconds = min(LNS_MAX_SECONDS, max(LNS_MIN_SECONDS, LNS_SHARE * time_limit))
    steps = dict.fromkeys(WHOLE_KINDS, step)
    # How long building each kind's model takes, first guessed, then as last measured: a step whose
    # model cannot be built in the time left is not started (at 300 pitches under load, building
    # the placing model alone took 3-6 s and the solve overran its limit by as much).
    building = dict.fromkeys(chooser.kinds, build_guess)
    # ``settled``: the schedule each whole kind last solved to optimality from (the stages before
    # included): nothing more to find there.
    # Topic staffing, then rooms, first: the panels and rooms of a first schedule (greedy or slot
    # engine) are rarely the best for its times, and re-solving them paid most (tight 150 pitches,
    # from the slot engine's schedule: +50 % in 6 s).  Then the rooms-used staffing, which needs
    # longer (8.7 s at tight 150 pitches), and the rooms for its panels.
    first = ["topic staffing", "rooms", "rooms-used staffing", "rooms"]
    while not best.proved_optimal and not best.stop_requested():
        began = time.perf_counter()
        fitting = tuple(
            kind
            for kind in chooser.kinds
            if building[kind] + MIN_STAGE_SECONDS < deadline - began
            and settled.get(kind) is not best.sessions
        )
        if not fitting:
            break
        while first and first[0] not in fitting:
            first.pop(0)
        kind = first.pop(0) if first else chooser.pick(among=fitting)
        before, sessions = best.score, best.sessions

        def left() -> float:
            return deadline - time.perf_counter()

        if kind in WHOLE_KINDS:
            if kind in STAFFINGS_BY_CBC:
                seconds = min(steps[kind], left(), TOPIC_STAFFING_MAX_SECONDS)
                status = _staff_for_topics(event, options, best, seconds, workers, kind)
                building[kind] = 0.0  # a fixed placement's model builds at once
            else:
                built = _whole_step_model(event, options, sessions, kind)
                building[kind] = time.perf_counter() - began
                status, _ = _search(kind, built, best, min(steps[kind], left()), workers, hint=sessions)
            if status == cp_model.OPTIMAL and best.sessions is sessions:
                settled[kind] = sessions
            elif best.score == before:
                steps[kind] *= 2
        else:
            free, span = choose_free(event, sessions, kind, chooser.size, chooser.rng)
            parts = neighbourhood(event, options, sessions, free, span)
            if parts is None:
                chooser.size = max(2, chooser.size * 2 // 3)
                continue
            built = ScheduleModel.build(
                event, options=parts[0], panels=parts[1], exact_room_changes=True, only_day=day_of_span(span)
            )
            building[kind] = time.perf_counter() - began
            status, _ = _search(kind, built, best, min(lns_seconds, left()), workers, hint=sessions)
            if status == cp_model.OPTIMAL:
                chooser.size = min(len(event.pitches), chooser.size + max(1, len(event.rooms) // 2))
            elif status == cp_model.UNKNOWN:
                chooser.size = max(2, chooser.size * 2 // 3)
        chooser.record(kind, best.score - before, time.perf_counter() - began)


def _staff_for_topics(
    event: Event,
    options: dict[str, PitchOptions],
    best: _Best,
    seconds: float,
    workers: int | None,
    kind: str = "topic staffing",
) -> int:
    """Re-staff the best schedule's placement for topics and loads, room changes left out of the
    model (the true score still counts them); its status (``OPTIMAL``: nothing better for topics).

    The *rooms-used staffing* counts the rooms each expert judges in per day, less one, instead: a
    lower bound of their moves that keeps the model linear and staffs each room's pitches from the
    same experts (tight 150 pitches, from the topic staffing's 5179: 5373 by CBC in 8.7 s, the
    same topics; tight 60: 1613 -> 1681 in 1.1 s).  It needs more time, so it comes later.

    With the placement fixed the model is all linear and CBC solves it to optimality far sooner than
    CP-SAT improves it (tight 300 pitches: CBC optimal, 13079, in 4.8 s; CP-SAT 10454 after 10 s,
    its first gain after 5.5 s; tight 150: 0.9 s against 2-4 s).  CP-SAT searches on when CBC
    finds nothing in its time.
    """
    began = time.perf_counter()
    built = _whole_step_model(event, options, best.sessions, kind)
    # No hint for CBC: from the schedule's values it took as long (4.2-5.2 s at 300 pitches).
    solution = solve_as_mip(built.model, seconds - (time.perf_counter() - began))
    if solution is not None:
        best.offer(built.variables.extract(solution.value))
        return cp_model.OPTIMAL if solution.optimal else cp_model.FEASIBLE
    left = seconds - (time.perf_counter() - began)
    if left <= MIN_STAGE_SECONDS:
        return cp_model.UNKNOWN
    status, _ = _search(kind, built, best, left, workers, hint=best.sessions)
    return status


def _whole_step_model(
    event: Event, options: dict[str, PitchOptions], sessions: tuple[Session, ...], kind: str
) -> ScheduleModel:
    """The model of one whole step of the alternation, with the part of ``sessions`` it keeps fixed."""
    panels = {s.pitch: s.panel for s in sessions}
    if kind in STAFFINGS_BY_CBC:
        placed = placed_options(event, options, sessions)
        return ScheduleModel.build(event, options=placed, exact_room_changes=STAFFINGS_BY_CBC[kind])
    if kind == "staffing":
        return ScheduleModel.build(event, options=placed_options(event, options, sessions))
    if kind == "rooms":
        timed = placed_options(event, options, sessions, rooms_free=True)
        return ScheduleModel.build(event, options=timed, panels=panels, exact_room_changes=True)
    return ScheduleModel.build(event, options=options, panels=panels)


def _is_complete(event: Event, sessions: tuple[Session, ...]) -> bool:
    """Whether a schedule (such as ``previous``) places every pitch and breaks no hard rule."""
    try:
        from scheduler.validate import check_schedule
    except ImportError:
        return False
    return {s.pitch for s in sessions} == {p.id for p in event.pitches} and not check_schedule(
        event, sessions
    )


def _infeasible(event: Event, started: float, time_limit: float) -> Result:
    return Result(
        Status.INFEASIBLE, solve_seconds=time.perf_counter() - started, conflicts=_explain(event, time_limit)
    )
