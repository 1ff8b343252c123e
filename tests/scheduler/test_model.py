"""The whole model: the Rouen seed, the result's fields, progress reports and time-outs."""

from __future__ import annotations

import time
from itertools import pairwise
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from bench.generate import generate
from scheduler.data import Event, Status
from scheduler.io import load_event
from scheduler.model import (
    ScheduleModel,
    _Best,
    _place,
    _place_for_feasibility,
    _Relaxed,
    _staff_for_topics,
)
from scheduler.timeline import pitch_options
from scheduler.validate import check_schedule, score
from tests.scheduler.builders import event, expert, pitch, window

# The copy of shared/examples/rouen-2023.json that the project ships (the app's demo).
ROUEN = Path(__file__).resolve().parents[2] / "pitchday" / "demo" / "rouen-2023.json"


@pytest.fixture
def rouen():
    return load_event(ROUEN)


def test_rouen_solves_to_optimal(solve_and_check, rouen):
    result = solve_and_check(rouen, time_limit=5.0)
    assert result.status is Status.OPTIMAL
    assert result.score == result.best_bound
    assert len(result.sessions) == len(rouen.pitches)
    assert all(len(s.panel) == rouen.panel.size for s in result.sessions)


def test_progress_reports_better_schedules_up_to_the_final_one(solve_and_check):
    reports = []
    tiny = event([pitch(p, topics=("x",)) for p in "abc"], [expert(e, topics=("x",)) for e in "efg"], rooms=2)
    result = solve_and_check(tiny, on_progress=reports.append)
    assert reports and reports[-1].score == result.score
    # Each report is a better schedule or a tighter bound (issue 13: a bound proved later is reported too).
    assert all(
        (later.score > earlier.score) or (later.score == earlier.score and later.bound < earlier.bound)
        for earlier, later in pairwise(reports)
    )
    assert all(r.bound >= r.score for r in reports)


def test_infeasible_event_is_a_result_not_an_exception(solve_and_check):
    result = solve_and_check(event([pitch("p")], []))
    assert result.status is Status.INFEASIBLE
    assert result.sessions == () and result.score is None and result.best_bound is None


def test_panel_larger_than_the_whole_jury_is_infeasible_with_its_reason(solve_and_check):
    result = solve_and_check(event([pitch("p")], [expert("e1"), expert("e2")], panel_size=3))
    assert result.status is Status.INFEASIBLE
    assert [conflict.rule for conflict in result.conflicts] == ["panel_size"]


def test_large_event_path_gives_a_valid_schedule(solve_and_check, monkeypatch):
    """Above the circuit size limit the solve alternates staffing and placing; force it on a small event."""
    monkeypatch.setattr("scheduler.objective.EXACT_ROOM_CHANGES_MAX_ARCS", 0)
    monkeypatch.setattr("scheduler.model.exact_model_fits", lambda judgeable: False)
    experts = [
        expert(f"u{n}", organisation="uimm", topics=("lin",) if n % 2 else ("coton",)) for n in range(3)
    ]
    experts += [expert(f"c{n}", organisation="cetim", topics=("textile",)) for n in range(3)]
    pitches = [pitch(f"p{n}", topics=("lin", "textile") if n % 2 else ("coton",)) for n in range(6)]
    tiny = event(pitches, experts, rooms=2, changeover=5, panel_size=2, required=("uimm", "cetim"))
    result = solve_and_check(tiny, time_limit=1.5)
    assert result.status.has_schedule
    assert result.best_bound >= result.score


def test_generated_event_gets_a_valid_schedule_quickly(solve_and_check):
    generate = pytest.importorskip("bench.generate")
    result = solve_and_check(generate.generate_event(26, 3, 24), time_limit=1.0)
    assert result.status.has_schedule


def test_event_without_pitches_is_an_empty_optimal_schedule(solve_and_check):
    result = solve_and_check(event([], [expert("e")]))
    assert result.status is Status.OPTIMAL and result.sessions == () and result.score == 0


def test_should_stop_ends_the_solve_and_keeps_the_best_schedule(solve_and_check):
    """The organiser's stop button: asked after the first schedule, the solve returns it long before its limit."""
    from bench.generate import generate_event

    reports = []
    event_of_26 = generate_event(26, 3, 24, seed=0)
    result = solve_and_check(
        event_of_26, time_limit=120.0, on_progress=reports.append, should_stop=lambda: bool(reports)
    )
    assert result.status in (Status.FEASIBLE, Status.OPTIMAL)
    assert result.score == reports[-1].score
    assert result.solve_seconds < 60.0  # far below the limit: the stop, not the clock, ended it


def _slack(event, organisations):
    """Spare capacity of a group of experts: how many more pitches their maxima allow than there are pitches."""
    capacity = sum(e.max_pitches for e in event.experts if e.organisation in organisations)
    return capacity / len(event.pitches) - 1


@pytest.mark.parametrize("size", [(7, 2, 9), (26, 3, 24)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tight_small_events_get_a_valid_schedule(solve_and_check, size, seed):
    from bench.generate import generate

    event = generate(*size, seed=seed, tightness="tight").event
    required = event.panel.required_organisations
    others = {e.organisation for e in event.experts} - set(required)
    # Under 5 % slack for every required organisation and for the pool of the other partners.
    assert all(0 <= _slack(event, {org}) <= 0.05 + 1 / len(event.pitches) for org in required)
    assert 0 <= _slack(event, others) <= 0.05 + 1 / len(event.pitches)
    # The benchmark measures the 1 s goal; on a machine shared with others a test gets more room.
    result = solve_and_check(event, time_limit=3.0)
    assert result.status.has_schedule


def test_the_issues_150_pitch_event_gets_a_valid_schedule_where_the_greedy_is_stuck(solve_and_check):
    from bench.generate import generate

    # 150 pitches, 6 rooms, 45 experts; panels of UIMM + CETIM + Arts et Métiers + one of 9 others.
    event = generate(150, 6, 45, seed=1, tightness="tight").event
    assert event.panel.size == 4 and len(event.panel.required_organisations) == 3
    assert sum(e.organisation not in event.panel.required_organisations for e in event.experts) == 9
    # The benchmark measures the 3 s goal; a test on a machine shared with others gets more room.
    result = solve_and_check(event, time_limit=8.0)
    assert result.status is Status.FEASIBLE


def test_a_tighter_bound_is_reported_without_waiting_for_a_better_schedule(rouen):
    """Issue 13, defect 2: the panel showed a 16.8 % gap while the solve had proved 1.5 %.

    A bound proved after the last better schedule was never reported: only a new schedule was.
    """
    import time

    from scheduler.model import _Best
    from scheduler.validate import score_terms
    from tests.scheduler.test_validate import ROUEN_SCHEDULE

    reports = []
    best = _Best(rouen, time.perf_counter(), reports.append)
    score = score_terms(rouen, ROUEN_SCHEDULE).total(rouen.objective_weights)
    best.tighten(score + 100)
    best.offer(ROUEN_SCHEDULE)
    assert (reports[-1].score, reports[-1].bound) == (score, score + 100)

    best.tighten(score + 7)

    assert (reports[-1].score, reports[-1].bound) == (score, score + 7)
    assert reports[-1].sessions == ROUEN_SCHEDULE
    best.tighten(score + 50)  # a looser bound proves nothing new: no report
    assert len(reports) == 2


def test_the_last_progress_report_has_the_results_score_and_bound(solve_and_check, rouen):
    reports = []
    result = solve_and_check(rouen, time_limit=5.0, on_progress=reports.append)
    assert (reports[-1].score, reports[-1].bound) == (result.score, result.best_bound)


def test_topic_staffing_keeps_the_placement_and_is_proved_by_cbc_on_a_tight_event():
    """Re-staffing a tight event's placement for topics (CBC on the all-linear model): every rule
    holds, the placement is kept, and the true score is at least the start's."""
    generated = generate(60, 4, 24, seed=4, tightness="tight")
    tight, start = generated.event, generated.witness
    options = {p.id: pitch_options(tight, p) for p in tight.pitches}
    best = _Best(tight, time.perf_counter(), None)
    best.offer(start)
    status = _staff_for_topics(tight, options, best, 60.0, 2)
    assert status == cp_model.OPTIMAL
    assert check_schedule(tight, best.sessions) == []
    assert score(tight, best.sessions) > score(tight, start)
    placed = {s.pitch: (s.date, s.start, s.room) for s in start}
    assert all(placed[s.pitch] == (s.date, s.start, s.room) for s in best.sessions)


def _relaxation_optimum(build) -> int:
    forced_move = event(
        [pitch("a", rooms=("room-1",)), pitch("b", rooms=("room-2",))], [expert("e")], rooms=2
    )
    options = {p.id: pitch_options(forced_move, p) for p in forced_move.pitches}
    relaxation = build(forced_move, options)
    solver = cp_model.CpSolver()
    assert solver.solve(relaxation.model) == cp_model.OPTIMAL
    return round(solver.objective_value)


def test_the_day_and_room_relaxation_bounds_the_moves_the_panel_relaxation_cannot_see():
    """One expert judges both pitches, each held to its own room on the one day: a move is forced,
    which the panel relaxation (no rooms) leaves out and the day-and-room relaxation counts."""
    assert _relaxation_optimum(ScheduleModel.build_relaxation) == 0
    assert _relaxation_optimum(ScheduleModel.build_day_and_room_relaxation) == -2


def _one_window_for_two() -> Event:
    """Two pitches held to the same half hour, two rooms, two experts: one expert cannot judge both."""
    held = (window("09:00", "09:30"),)
    return event(
        [pitch("a", available=held), pitch("b", available=held)], [expert("x"), expert("y")], rooms=2
    )


def test_placing_for_feasibility_places_panels_that_fit():
    tiny = _one_window_for_two()
    options = {p.id: pitch_options(tiny, p) for p in tiny.pitches}
    found, unplaceable = _place_for_feasibility(tiny, options, {"a": ("x",), "b": ("y",)}, 5.0)
    assert found is not None and unplaceable == set()
    assert check_schedule(tiny, found) == []


def test_placing_for_feasibility_names_the_panels_that_cannot_all_be_placed():
    tiny = _one_window_for_two()
    options = {p.id: pitch_options(tiny, p) for p in tiny.pitches}
    found, unplaceable = _place_for_feasibility(tiny, options, {"a": ("x",), "b": ("x",)}, 5.0)
    assert found is None
    assert unplaceable and unplaceable <= {"a", "b"}


def test_placing_for_feasibility_names_the_panels_an_experts_minimum_holds_together():
    """x must judge both pitches given (``min_pitches`` 2), which run in the same half hour: the
    panels are held by the minimum whatever the assumptions, and were not named (an empty core)."""
    held = (window("09:00", "09:30"),)
    tiny = event(
        [pitch("a", available=held), pitch("b", available=held)],
        [expert("x", min_pitches=2), expert("y")],
        rooms=2,
    )
    options = {p.id: pitch_options(tiny, p) for p in tiny.pitches}
    found, unplaceable = _place_for_feasibility(tiny, options, {"a": ("x",), "b": ("x",)}, 5.0)
    assert found is None
    assert unplaceable == {"a", "b"}


def test_placing_a_relaxations_panels_that_cannot_all_be_placed_frees_them():
    """The relaxation gave one expert both pitches of one half hour: placing frees those panels,
    and the schedule it finds keeps every rule."""
    tiny = _one_window_for_two()
    options = {p.id: pitch_options(tiny, p) for p in tiny.pitches}
    best = _Best(tiny, time.perf_counter(), None)
    status = _place(tiny, options, _Relaxed({"a": ("x",), "b": ("x",)}, 0), best, 5.0, 2, 0.0)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert check_schedule(tiny, best.sessions) == []
    assert {s.panel for s in best.sessions} == {("x",), ("y",)}
