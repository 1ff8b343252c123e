"""Core searches: which of the parts of a model held under assumptions rule out every solution.

Placing for feasibility (``model._place_for_feasibility``) and the capacity engine's panels
(``capacity._panels_for``) hold each pitch's panel, and each expert's ``min_pitches``, under an
assumption literal; when there is no solution, CP-SAT's core of assumptions names the pitches to
free or move.  An expert's minimum in the core blames every pitch the expert might judge.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.constraints import RuleKey
from scheduler.data import Event
from scheduler.timeline import PitchOptions, may_sit


class Held:
    """The assumption literals of one core search, keyed ``("panel", pitch)`` or ``("min", expert)``."""

    def __init__(self, model: cp_model.CpModel):
        self.model = model
        self.literals: dict[RuleKey, cp_model.IntVar] = {}

    def literal(self, key: RuleKey) -> cp_model.IntVar:
        if key not in self.literals:
            self.literals[key] = self.model.new_bool_var(f"holds{list(key)}")
        return self.literals[key]

    def minimum(self, rule: RuleKey) -> cp_model.IntVar | None:
        """``bound_expert_loads``'s ``enforce``: each expert's minimum under a literal of its own."""
        return self.literal(rule) if rule[0] == "min" else None

    def solver(self, seconds: float) -> cp_model.CpSolver:
        """A solver for the model under every literal so far, whose core can be trusted."""
        self.model.clear_assumptions()
        self.model.add_assumptions(list(self.literals.values()))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        solver.parameters.num_workers = 1  # the core of assumptions comes from a single search
        # Nor from presolve, whose infeasibility leaves the core empty (or names literals that are
        # no assumption: or-tools issue 5141).
        solver.parameters.cp_model_presolve = False
        return solver

    def blamed_minimums(self, solver: cp_model.CpSolver) -> list[str]:
        """The experts whose minimum the infeasible search's core names, in a fixed order."""
        core = set(solver.sufficient_assumptions_for_infeasibility())
        return sorted(
            name for (kind, name), literal in self.literals.items() if kind == "min" and literal.index in core
        )

    def blamed_pitches(
        self, solver: cp_model.CpSolver, event: Event, options: dict[str, PitchOptions]
    ) -> set[str]:
        """The pitches of ``options`` the infeasible search's core names: a panel held, or any pitch
        an expert whose minimum is held might judge."""
        core = set(solver.sufficient_assumptions_for_infeasibility())
        experts = event.expert_by_id()
        blamed = set()
        for (kind, name), literal in self.literals.items():
            if literal.index not in core:
                continue
            if kind == "panel":
                blamed.add(name)
            else:
                blamed.update(p for p, option in options.items() if may_sit(event, experts[name], option))
        return blamed & options.keys()
