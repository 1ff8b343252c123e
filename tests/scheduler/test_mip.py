"""CP-SAT models solved by CBC: every kind of constraint the conversion handles, its enforcement
literals, a linear objective either way, and the models it must leave to CP-SAT."""

from __future__ import annotations

from ortools.sat.python import cp_model

from bench.generate import generate
from scheduler.mip import solve_as_mip
from scheduler.model import ScheduleModel
from scheduler.objective import optimistic_score
from scheduler.slots import _grid, _Placement
from scheduler.timeline import pitch_options


def _holds(model: cp_model.CpModel, values: list[int]) -> bool:
    """Whether CP-SAT accepts the values (every variable fixed to them)."""
    fixed = model.clone()
    for index, value in enumerate(values):
        fixed.add(fixed.get_int_var_from_proto_index(index) == value)
    return cp_model.CpSolver().solve(fixed) == cp_model.OPTIMAL


def test_every_constraint_kind_and_negated_literals_hold():
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(6)]
    n = model.new_int_var(0, 10, "n")
    model.add(sum(x) + n == 7)
    model.add_at_most_one(x[0], x[1], x[2])
    model.add_exactly_one(x[3], x[4].Not())
    model.add_bool_or(x[0].Not(), x[5])
    model.add_bool_and(x[1], x[2].Not()).only_enforce_if(x[5])
    model.add(n >= 6).only_enforce_if(x[0].Not())
    model.add(n <= 3).only_enforce_if(x[0])
    solution = solve_as_mip(model, 5.0)
    assert solution is not None
    assert _holds(model, solution.values)


def test_an_infeasible_model_has_no_solution():
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(3)]
    model.add_exactly_one(x)
    model.add(sum(x) >= 2)
    assert solve_as_mip(model, 5.0) is None


def test_it_says_when_not_even_the_linear_relaxation_has_a_solution_and_only_then():
    heard: list[str] = []
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(3)]
    model.add_exactly_one(x)
    assert solve_as_mip(model, 5.0, on_infeasible=lambda: heard.append("feasible model")) is not None
    model.add(sum(x) >= 2)
    assert solve_as_mip(model, 5.0, on_infeasible=lambda: heard.append("infeasible model")) is None
    assert heard == ["infeasible model"]


def test_an_enforced_bound_binds_only_when_its_literal_is_true():
    model = cp_model.CpModel()
    on = model.new_bool_var("on")
    n = model.new_int_var(0, 10, "n")
    model.add(n >= 8)
    model.add(n <= 2).only_enforce_if(on)
    solution = solve_as_mip(model, 5.0)
    assert solution is not None and solution.values[on.index] == 0 and solution.values[n.index] >= 8
    model.add(on == 1)
    assert solve_as_mip(model, 5.0) is None


def test_a_linear_objective_is_optimised_both_ways_as_cp_sat_would():
    for sense in ("maximize", "minimize"):
        model = cp_model.CpModel()
        x = [model.new_bool_var(f"x{i}") for i in range(4)]
        n = model.new_int_var(0, 5, "n")
        model.add_at_most_one(x[0], x[1])
        model.add(n <= 1 + x[2] + x[3])
        expression = 3 * x[0] + 2 * x[1] + x[2] + 4 * x[3].Not() + 2 * n - 7
        getattr(model, sense)(expression)
        solver = cp_model.CpSolver()
        assert solver.solve(model) == cp_model.OPTIMAL
        solution = solve_as_mip(model, 5.0)
        assert solution is not None and solution.optimal
        assert _holds(model, solution.values)
        value = 3 * solution.values[0] + 2 * solution.values[1] + solution.values[2]
        value += 4 * (1 - solution.values[3]) + 2 * solution.values[n.index] - 7
        assert value == solver.objective_value


def test_models_it_cannot_convert_are_left_to_cp_sat():
    with_intervals = cp_model.CpModel()
    start = with_intervals.new_int_var(0, 10, "start")
    with_intervals.add_no_overlap([with_intervals.new_interval_var(start, 2, start + 2, "i")])
    assert solve_as_mip(with_intervals, 5.0) is None


def test_the_slot_placement_of_a_tight_event_is_solved_and_valid():
    event = generate(60, 4, 24, seed=1, tightness="tight").event
    options = {pitch.id: pitch_options(event, pitch) for pitch in event.pitches}
    placement = _Placement(event, options, _grid(event, options, split_by_conflicts=False))
    solution = solve_as_mip(placement.model, 20.0)
    assert solution is not None
    assert _holds(placement.model, solution.values)


def test_the_panel_relaxation_has_the_same_optimum_by_cbc_as_by_cp_sat():
    """The relaxation's optimum is the bound shown to organisers: CBC's must be CP-SAT's."""
    event = generate(26, 3, 24, seed=2, tightness="tight").event
    relaxation = ScheduleModel.build_relaxation(
        event, {pitch.id: pitch_options(event, pitch) for pitch in event.pitches}
    )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    assert solver.solve(relaxation.model) == cp_model.OPTIMAL
    solution = solve_as_mip(relaxation.model, 20.0)
    assert solution is not None and solution.optimal
    assert _holds(relaxation.model, solution.values)
    assert round(solution.objective) == round(solver.objective_value)


def test_the_linear_relaxation_is_heard_first_and_bounds_the_optimum_from_above():
    """The LP bound is shown to organisers when CBC does not finish: it must never be below the
    integer optimum (GLOP's tolerances are widened), and it is tighter than the optimistic bound."""
    event = generate(26, 3, 24, seed=2, tightness="tight").event
    options = {pitch.id: pitch_options(event, pitch) for pitch in event.pitches}
    relaxation = ScheduleModel.build_relaxation(event, options)
    heard: list[float] = []
    solution = solve_as_mip(relaxation.model, 20.0, on_bound=heard.append)
    assert solution is not None and solution.optimal
    assert len(heard) == 1
    assert solution.objective <= heard[0] < optimistic_score(event, options)


def test_a_feasibility_model_has_no_linear_bound_to_hear():
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(3)]
    model.add_exactly_one(x)
    heard: list[float] = []
    assert solve_as_mip(model, 5.0, on_bound=heard.append) is not None
    assert heard == []
