"""The model's objective against the validator, which shares no code with it (the independent oracle).

Schedules (the greedy's, and every solution CP-SAT reports) are fixed in the model, whose best
objective over its auxiliary variables is then that schedule's score in the model's eyes; it is
compared with ``validate.score``.  Where the model counts a term exactly they must be equal; where
it relaxes a term (the rooms-used bound of room changes) the model must never score a schedule
below the validator, so that its bound stays a bound.
"""

from __future__ import annotations

import random

import pytest
from ortools.sat.python import cp_model

from bench.generate import generate
from scheduler.construct import construct
from scheduler.model import ScheduleModel, _hint_completely, _whole_step_model
from scheduler.neighbourhoods import KINDS, choose_free, day_of_span, neighbourhood
from scheduler.objective import ROOMS_USED
from scheduler.timeline import pitch_options, placed_options
from scheduler.validate import check_schedule, score, score_terms


class _Solutions(cp_model.CpSolverSolutionCallback):
    def __init__(self, built: ScheduleModel):
        super().__init__()
        self.built = built
        self.found: list[tuple[int, tuple]] = []

    def on_solution_callback(self) -> None:
        self.found.append((round(self.objective_value), self.built.variables.extract(self.value)))


def _schedules(built: ScheduleModel, start: tuple, seconds: float = 1.5) -> list[tuple]:
    """``start`` and the schedules CP-SAT finds from it (light presolve, as in ``solve``)."""
    _hint_completely(built, start, 2.0)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.presolve_inclusion_work_limit = 0
    collected = _Solutions(built)
    solver.solve(built.model, collected)
    return [start] + [sessions for _, sessions in collected.found[-3:]]


def _model_score(built: ScheduleModel, sessions: tuple) -> int:
    """The model's best objective with the schedule's decisions fixed."""
    probe = built.model.clone()
    probe.clear_hints()
    for var, value in built.variables.values_of(sessions):
        probe.add(probe.get_int_var_from_proto_index(var.index) == value)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10.0
    solver.parameters.num_workers = 2
    assert solver.solve(probe) == cp_model.OPTIMAL
    return round(solver.objective_value)


def _event(size=(7, 2, 9), seed=0, tightness="loose"):
    event = generate(*size, seed=seed, tightness=tightness).event
    return event, {pitch.id: pitch_options(event, pitch) for pitch in event.pitches}


@pytest.mark.parametrize("tightness", ["loose", "tight"])
def test_the_exact_model_scores_every_schedule_as_the_validator(tightness):
    event, options = _event(tightness=tightness)
    built = ScheduleModel.build(event, options=options, exact_room_changes=True)
    for sessions in _schedules(built, construct(event, options)):
        assert check_schedule(event, sessions) == []
        assert _model_score(built, sessions) == score(event, sessions)


@pytest.mark.parametrize("size", [(7, 2, 9), (26, 3, 24)])
def test_the_rooms_used_model_never_scores_a_schedule_below_the_validator(size):
    event, options = _event(size)
    built = ScheduleModel.build(event, options=options, exact_room_changes=ROOMS_USED)
    for sessions in _schedules(built, construct(event, options)):
        assert check_schedule(event, sessions) == []
        assert _model_score(built, sessions) >= score(event, sessions)


@pytest.mark.parametrize("tightness", ["loose", "tight"])
def test_no_model_scores_a_schedule_above_the_panel_relaxation(tightness):
    """The relaxation's bound is stated as a cut in the rooms-used model (``_Best.ceiling``): valid
    only if no schedule scores more in that model, or in the topic staffing, than in the relaxation."""
    event, options = _event((26, 3, 24), seed=4, tightness=tightness)
    relaxation = ScheduleModel.build_relaxation(event, options)
    start = generate(26, 3, 24, seed=4, tightness=tightness).witness
    models = (
        ScheduleModel.build(event, options=options, exact_room_changes=ROOMS_USED),
        _whole_step_model(event, options, start, "topic staffing"),
    )
    for built in models:
        for sessions in _schedules(built, start):
            assert _model_score(built, sessions) <= _model_score(relaxation, sessions)


@pytest.mark.parametrize("tightness", ["loose", "tight"])
def test_the_day_and_room_relaxation_scores_every_schedule_at_least_its_true_score(tightness):
    """Its optimum is shown to organisers as a bound: valid only if no schedule's true score is above
    what the relaxation gives that schedule (its room changes and clashes are lower bounds)."""
    event, options = _event((26, 3, 24), seed=4, tightness=tightness)
    relaxation = ScheduleModel.build_day_and_room_relaxation(event, options)
    start = generate(26, 3, 24, seed=4, tightness=tightness).witness
    exact = ScheduleModel.build(event, options=options, exact_room_changes=ROOMS_USED)
    for sessions in _schedules(exact, start):
        assert check_schedule(event, sessions) == []
        assert score(event, sessions) <= _model_score(relaxation, sessions)


def test_the_staffing_model_counts_room_changes_exactly():
    event, options = _event((26, 3, 24), seed=1)
    greedy = construct(event, options)
    built = ScheduleModel.build(event, options=placed_options(event, options, greedy))
    for sessions in _schedules(built, greedy):
        assert check_schedule(event, sessions) == []
        assert _model_score(built, sessions) == score(event, sessions)


@pytest.mark.parametrize("tightness", ["loose", "tight"])
def test_the_rooms_step_counts_room_changes_exactly_and_keeps_times_and_panels(tightness):
    """Times and panels fixed, rooms free: the linear moves along each expert's known order of
    pitches are the validator's room changes, and nothing but the rooms moves."""
    generated = generate(26, 3, 24, seed=3, tightness=tightness)
    event, greedy = generated.event, generated.witness  # the greedy may fail on a tight event
    options = {pitch.id: pitch_options(event, pitch) for pitch in event.pitches}
    built = _whole_step_model(event, options, greedy, "rooms")
    kept = {s.pitch: (s.date, s.start, s.panel) for s in greedy}
    for sessions in _schedules(built, greedy):
        assert check_schedule(event, sessions) == []
        assert all(kept[s.pitch] == (s.date, s.start, s.panel) for s in sessions)
        assert _model_score(built, sessions) == score(event, sessions)


def test_topic_staffing_scores_every_term_but_the_room_changes_it_leaves_out():
    """The placement fixed and room changes left out of the model: its objective is the validator's
    score plus exactly the room changes' weight, so the true score of what it finds still decides."""
    event, options = _event((26, 3, 24), seed=1)
    greedy = construct(event, options)
    built = _whole_step_model(event, options, greedy, "topic staffing")
    placed = {s.pitch: (s.date, s.start, s.room) for s in greedy}
    for sessions in _schedules(built, greedy):
        assert check_schedule(event, sessions) == []
        assert all(placed[s.pitch] == (s.date, s.start, s.room) for s in sessions)
        moves = score_terms(event, sessions).room_changes * event.objective_weights.room_changes
        assert _model_score(built, sessions) == score(event, sessions) + moves


def test_rooms_used_staffing_never_scores_a_schedule_below_the_validator_and_keeps_the_placement():
    """The placement fixed, room changes counted as the rooms each expert judges in per day less
    one: a lower bound of the moves, so the model's objective is at least the validator's score,
    and exactly it when nobody moves more than once between rooms a day."""
    event, options = _event((26, 3, 24), seed=1)
    greedy = construct(event, options)
    built = _whole_step_model(event, options, greedy, "rooms-used staffing")
    placed = {s.pitch: (s.date, s.start, s.room) for s in greedy}
    for sessions in _schedules(built, greedy):
        assert check_schedule(event, sessions) == []
        assert all(placed[s.pitch] == (s.date, s.start, s.room) for s in sessions)
        assert _model_score(built, sessions) >= score(event, sessions)
        if score_terms(event, sessions).room_changes == 0:
            assert _model_score(built, sessions) == score(event, sessions)


@pytest.mark.parametrize("kind", KINDS)
def test_a_neighbourhood_keeps_the_rest_and_scores_its_day_exactly(kind):
    """Freed pitches on one day: the model's objective differs from the validator's score by the
    room changes of the other days only, the same constant for every solution."""
    event, options = _event((26, 3, 24), seed=2)
    greedy = construct(event, options)
    free, span = choose_free(event, greedy, kind, 6, random.Random(1))
    assert free and len({s.date for s in greedy if s.pitch in free}) == 1
    narrowed, panels = neighbourhood(event, options, greedy, free, span)
    built = ScheduleModel.build(
        event, options=narrowed, panels=panels, exact_room_changes=True, only_day=day_of_span(span)
    )
    offsets = set()
    kept = {s.pitch: s for s in greedy if s.pitch not in free}
    for sessions in _schedules(built, greedy):
        assert check_schedule(event, sessions) == []
        assert all(kept[s.pitch] == s for s in sessions if s.pitch in kept)
        offsets.add(score(event, sessions) - _model_score(built, sessions))
    assert len(offsets) == 1
