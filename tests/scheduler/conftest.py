"""Fixtures of the scheduler tests: every schedule a test obtains goes through the validator."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scheduler.data import Event, Result
from scheduler.model import solve

try:
    from scheduler import validate
except ImportError:  # the validator lands in its own commit; the check switches on with it
    validate = None

SolveAndCheck = Callable[..., Result]


def check_result(event: Event, result: Result) -> None:
    """A schedule breaks no hard rule and its score is the objective recomputed independently."""
    if not result.status.has_schedule:
        return
    assert result.score == result.terms.total(event.objective_weights)
    assert result.best_bound is not None and result.best_bound >= result.score
    if validate is not None:
        assert validate.check_schedule(event, result.sessions) == []
        assert validate.score_terms(event, result.sessions) == result.terms
        assert validate.score(event, result.sessions) == result.score


@pytest.fixture
def solve_and_check() -> SolveAndCheck:
    """``solve`` with a short time limit, then the validator on whatever schedule came out."""

    def run(event: Event, *, time_limit: float = 2.0, **options) -> Result:
        result = solve(event, time_limit=time_limit, workers=2, **options)
        check_result(event, result)
        return result

    return run
