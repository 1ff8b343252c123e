"""A CP-SAT model of linear constraints and clauses solved as a mixed-integer program (CBC).

The slot engine's placement (``slots._Placement``) is a feasibility model whose linear relaxation
is nearly exact: CP-SAT's LP-guided dive finds it with a couple of conflicts, but re-solves the
LP at every decision and took 0.2-9 s on tight 300-pitch events under load (2 shared cores), with
the worst seeds past the 10 s goal.  CBC (shipped inside OR-Tools, no other dependency) solves the
same model in 0.3-1.4 s on every seed measured, with little spread: it goes first, and CP-SAT
stays the fallback.  The re-staffing of a fixed placement for topics (``model._staff_for_topics``)
and the panel relaxation are linear too, with an objective: CBC proves the re-staffing optimal in
0.6-0.9 s at 150 pitches and 1.2-2 s at 300 (CP-SAT's first gain came after 5.5 s there).  The conversion is generic over the constraints CP-SAT
models of that kind use (linear, at most one, exactly one, clauses, conjunctions; enforcement
literals as big-M rows; a linear objective); a model with any other constraint is not converted.
"""

from __future__ import annotations

import logging
import math
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ortools.linear_solver import linear_solver_pb2, pywraplp
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

log = logging.getLogger(__name__)

# CP-SAT writes "no bound" as +/- 2**63 - 1; anything past this is treated as none.
_UNBOUNDED = 2**62
# How far GLOP's LP optimum may be trusted, relative to its size: its primal and dual tolerances
# are 1e-7 per row; a bound widened by this is still one.
LP_TOLERANCE = 1e-5


@dataclass(frozen=True)
class MipSolution:
    """CBC's best solution: the values by proto variable index, whether it is proved optimal, and
    the objective's value in the model's own sense (0 for a feasibility model)."""

    values: list[int]
    optimal: bool
    objective: float = 0.0

    def value(self, var: cp_model.IntVar) -> int:
        """A variable's value, as ``solver.value`` would give it (for ``ScheduleVariables.extract``)."""
        return self.values[var.index]


def solve_as_mip(
    model: cp_model.CpModel,
    seconds: float,
    on_bound: Callable[[float], None] | None = None,
    on_infeasible: Callable[[], None] | None = None,
) -> MipSolution | None:
    """A solution of ``model`` (values by proto variable index), or None (not found in the time,
    infeasible, or a constraint the conversion does not handle).  A linear objective is CBC's, and
    the solution the best CBC found in the time.

    ``on_bound``: first hears the optimum of the linear relaxation (by GLOP), a bound of the model's
    objective in its own sense, for when CBC does not finish: the panel relaxation's LP was within
    a point of its integer optimum on the tight events measured (6855 / 6855 and 6740.7 / 6735 at
    150 pitches in 0.1 s, 15940.8 / 15940 at 300 in 0.7 s, where CBC took 0.5-0.6 s and 2.7 s).
    ``on_infeasible``: hears that the model has no solution at all (``None`` alone may also mean
    out of time), so that no other search is spent on it: only when not even its linear relaxation
    has one, as GLOP proves.  CBC's own ``INFEASIBLE`` is not trusted: on a feasible 150-pitch
    relaxation stopped by its time limit (0.75 s) it answered ``INFEASIBLE`` once in four runs.
    """
    began = time.perf_counter()
    converted = _convert(model)
    if converted is None:
        return None
    solver, columns, program = converted
    if on_infeasible is not None and _linear_relaxation_is_infeasible(program, seconds):
        # CBC took 15 s to prove what the LP shows in 0.02 s (the slot engine's grid at 150
        # pitches, a 3 s solve: CBC does not heed its time limit before its root is solved).
        log.debug("mip: its linear relaxation is infeasible")
        on_infeasible()
        return None
    if on_bound is not None and model.proto.has_objective():
        bound = _linear_relaxation_bound(model, program, seconds - (time.perf_counter() - began))
        if bound is not None:
            on_bound(bound)
    left = seconds - (time.perf_counter() - began)
    if left <= 0.05:
        return None
    solver.SetTimeLimit(int(1000 * left))
    status = solver.Solve()
    log.debug(
        "mip: status %d in %.2f s (%d columns, %d rows)",
        status,
        time.perf_counter() - began,
        solver.NumVariables(),
        solver.NumConstraints(),
    )
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None
    return MipSolution(
        [round(column.solution_value()) for column in columns],
        status == pywraplp.Solver.OPTIMAL,
        _in_model_sense(model, solver.Objective().Value()),
    )


def _in_model_sense(model: cp_model.CpModel, minimised: float) -> float:
    """The model's objective from the value of the proto's expression CBC or GLOP minimised: scaled
    back (-1: maximised), its offset added."""
    objective = model.proto.objective
    return (objective.scaling_factor or 1.0) * (minimised + objective.offset)


def _linear_relaxation_bound(
    model: cp_model.CpModel, program: linear_solver_pb2.MPModelProto, seconds: float
) -> float | None:
    """The converted program's LP optimum, in the model's sense and widened by GLOP's tolerances
    (a bound a hair too tight would not be a bound), or None if GLOP does not prove it in time."""
    if seconds <= 0.05:
        return None
    lp = _linear_relaxation(program, seconds)
    if lp is None or lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    value = _in_model_sense(model, lp.Objective().Value())
    margin = LP_TOLERANCE * (1.0 + abs(value))
    maximised = (model.proto.objective.scaling_factor or 1.0) < 0
    return value + margin if maximised else value - margin  # maximised: the bound is from above


def _linear_relaxation(program: linear_solver_pb2.MPModelProto, seconds: float) -> pywraplp.Solver | None:
    """GLOP loaded with the program's linear relaxation (every variable continuous), to solve."""
    relaxed = linear_solver_pb2.MPModelProto()
    relaxed.CopyFrom(program)
    for variable in relaxed.variable:
        variable.is_integer = False
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None or lp.LoadModelFromProto(relaxed):
        return None
    # The dual simplex: 1.5 s where the primal took 2.1 s on the slowest tight 300-pitch relaxation.
    lp.SetSolverSpecificParametersAsString("use_dual_simplex: true")
    lp.SetTimeLimit(int(1000 * seconds))
    return lp


def _linear_relaxation_is_infeasible(program: linear_solver_pb2.MPModelProto, seconds: float) -> bool:
    """Whether GLOP proves, in the time, that not even the linear relaxation has a solution."""
    lp = _linear_relaxation(program, seconds)
    return lp is not None and lp.Solve() == pywraplp.Solver.INFEASIBLE


def _message(model: cp_model.CpModel) -> cp_model_pb2.CpModelProto | None:
    """The model as a protobuf message, read at C speed.

    OR-Tools 9.15 wraps the model's proto without a way to serialise it but to a file; reading its
    fields through the wrapper took 0.6 s at tight 300 pitches, the file written and parsed 0.03 s.
    """
    with tempfile.TemporaryDirectory(prefix="pitchday-mip-") as folder:
        path = Path(folder) / "model.pb"  # not ".txt": the binary format
        if not model.export_to_file(str(path)):
            return None
        message = cp_model_pb2.CpModelProto()
        message.ParseFromString(path.read_bytes())
    return message


def _convert(model: cp_model.CpModel) -> tuple[pywraplp.Solver, list, linear_solver_pb2.MPModelProto] | None:
    """CBC loaded with the model as a mixed-integer program (and that program), or None.

    The program is written as a proto in bulk and loaded at once: a row and a coefficient at a time
    through the solver's wrapper took 0.5 s of the 1.7 s conversion at tight 300 pitches.
    """
    proto = _message(model)
    if proto is None or proto.HasField("floating_point_objective"):
        return None
    program = linear_solver_pb2.MPModelProto()
    bounds: list[tuple[int, int]] = []
    for variable in proto.variables:
        domain = list(variable.domain)
        bounds.append((domain[0], domain[-1]))  # holes are ignored: none in the models converted
        program.variable.add(lower_bound=domain[0], upper_bound=domain[-1], is_integer=True)

    def row(terms: list[tuple[int, int]], lower: float, upper: float) -> None:
        """``lower <= sum(coef * literal) <= upper``, a negative reference ``r`` being ``1 - x[-r-1]``."""
        constant = 0
        coefficients: dict[int, int] = {}
        for reference, coefficient in terms:
            if reference >= 0:
                coefficients[reference] = coefficients.get(reference, 0) + coefficient
            else:
                constant += coefficient
                index = -reference - 1
                coefficients[index] = coefficients.get(index, 0) - coefficient
        program.constraint.add(
            lower_bound=lower - constant if lower > -_UNBOUNDED else -math.inf,
            upper_bound=upper - constant if upper < _UNBOUNDED else math.inf,
            var_index=list(coefficients),
            coefficient=list(coefficients.values()),
        )

    for constraint in proto.constraints:
        enforced = list(constraint.enforcement_literal)
        count = len(enforced)
        kind = constraint.WhichOneof("constraint")
        if kind == "linear":
            terms = list(zip(constraint.linear.vars, constraint.linear.coeffs, strict=True))
            domain = list(constraint.linear.domain)
            if len(domain) > 2:
                return None
            lower, upper = domain[0], domain[-1]
            if not enforced:
                row(terms, lower, upper)
                continue
            # Big-M: the bound is relaxed by the expression's own range when a literal is false.
            least = sum(min(c * bounds[v][0], c * bounds[v][1]) for v, c in terms)
            most = sum(max(c * bounds[v][0], c * bounds[v][1]) for v, c in terms)
            if lower > -_UNBOUNDED and least < lower:
                slack = lower - least
                row(terms + [(e, -slack) for e in enforced], lower - slack * count, _UNBOUNDED)
            if upper < _UNBOUNDED and upper < most:
                slack = most - upper
                row(terms + [(e, slack) for e in enforced], -_UNBOUNDED, upper + slack * count)
        elif kind == "at_most_one":
            row([(r, 1) for r in constraint.at_most_one.literals], -_UNBOUNDED, 1)
        elif kind == "exactly_one":
            row([(r, 1) for r in constraint.exactly_one.literals], 1, 1)
        elif kind == "bool_or":
            row(
                [(r, 1) for r in constraint.bool_or.literals] + [(e, -1) for e in enforced],
                1 - count,
                _UNBOUNDED,
            )
        elif kind == "bool_and":
            for literal in constraint.bool_and.literals:
                row([(literal, 1)] + [(e, -1) for e in enforced], 1 - count, _UNBOUNDED)
        else:
            return None
    if proto.HasField("objective"):
        # CP-SAT keeps every objective as a minimisation (a maximisation negated and scaled by -1):
        # the same minimisation is CBC's.
        for reference, coefficient in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
            index, sign = (reference, 1) if reference >= 0 else (-reference - 1, -1)
            program.variable[index].objective_coefficient += sign * coefficient
        program.maximize = False
    solver = pywraplp.Solver.CreateSolver("CBC")
    if solver is None or solver.LoadModelFromProto(program):
        return None
    columns = solver.variables()
    if proto.solution_hint.vars:
        # The model's hint (a schedule to improve) is offered to CBC as a first incumbent.
        solver.SetHint(
            [columns[index] for index in proto.solution_hint.vars], list(proto.solution_hint.values)
        )
    return solver, columns, program
