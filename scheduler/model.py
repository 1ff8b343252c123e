"""Build the CP-SAT model of an event, solve it within a time limit, and turn the answer into a Result."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.constraints import add_hard_rules
from scheduler.data import Conflict, Event, Progress, ProgressCallback, Result, Session, Status
from scheduler.objective import ObjectiveTerms, build_objective, evaluate
from scheduler.replan import changes_between
from scheduler.variables import ScheduleVariables


@dataclass(frozen=True)
class ScheduleModel:
    """The CP-SAT model of one event: its variables and objective terms."""

    event: Event
    model: cp_model.CpModel
    variables: ScheduleVariables
    terms: ObjectiveTerms

    @classmethod
    def build(cls, event: Event, *, exact_room_changes: bool | None = None) -> ScheduleModel:
        model = cp_model.CpModel()
        variables = ScheduleVariables.create(model, event)
        add_hard_rules(model, event, variables)
        terms = build_objective(model, event, variables, exact_room_changes)
        return cls(event, model, variables, terms)


class _BestSchedule(cp_model.CpSolverSolutionCallback):
    """Keeps the schedule of best true score among the solver's solutions and reports each improvement."""

    def __init__(self, built: ScheduleModel, started: float, on_progress: ProgressCallback | None):
        super().__init__()
        self._built = built
        self._started = started
        self._on_progress = on_progress
        self.sessions: tuple[Session, ...] = ()
        self.score: int | None = None

    def on_solution_callback(self) -> None:
        self.offer(self._built.variables.extract(self.value), math.floor(self.best_objective_bound + 1e-6))

    def offer(self, sessions: tuple[Session, ...], bound: int) -> None:
        """Keep the schedule if its true score beats the best so far."""
        score = evaluate(self._built.event, sessions).total(self._built.event.objective_weights)
        if self.score is not None and score <= self.score:
            return
        self.sessions, self.score = sessions, score
        if self._on_progress is not None:
            self._on_progress(Progress(score, max(bound, score), time.perf_counter() - self._started))


def _explain(event: Event, time_limit: float) -> tuple[Conflict, ...]:
    """Why the event has no schedule, when the diagnosis module is there."""
    try:
        from scheduler.diagnose import diagnose
    except ImportError:
        return ()
    return diagnose(event, time_limit=time_limit)


def solve(event: Event, *, time_limit: float = 30.0, workers: int | None = None,
          on_progress: ProgressCallback | None = None) -> Result:
    """Schedule the event: the best schedule found in ``time_limit`` seconds, with the proved bound."""
    started = time.perf_counter()
    built = ScheduleModel.build(event)
    if event.previous:
        built.variables.hint(built.model, event.previous)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit - (time.perf_counter() - started))
    if workers is not None:
        solver.parameters.num_workers = workers
    best = _BestSchedule(built, started, on_progress)
    status = solver.solve(built.model, best)
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"invalid CP-SAT model: {built.model.validate()}")
    if status == cp_model.INFEASIBLE:
        return Result(Status.INFEASIBLE, solve_seconds=time.perf_counter() - started,
                      conflicts=_explain(event, time_limit))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Result(Status.UNKNOWN, solve_seconds=time.perf_counter() - started)
    bound = math.floor(solver.best_objective_bound + 1e-6)
    best.offer(built.variables.extract(solver.value), bound)
    proved = best.score >= bound
    return Result(
        status=Status.OPTIMAL if proved else Status.FEASIBLE,
        sessions=best.sessions,
        score=best.score,
        terms=evaluate(event, best.sessions),
        best_bound=bound,
        solve_seconds=time.perf_counter() - started,
        changes=changes_between(event.previous, best.sessions) if event.previous else (),
    )
