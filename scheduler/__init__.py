"""PitchDay's scheduler: a pure library (no Flask, no SQLAlchemy).

It turns an :class:`~scheduler.data.Event` into a :class:`~scheduler.data.Result`
with a Google OR-Tools CP-SAT model.
"""

from typing import TYPE_CHECKING

from scheduler.data import (  # noqa: F401
    Change,
    Conflict,
    Event,
    Progress,
    Result,
    ScoreTerms,
    Session,
    Status,
    Weights,
)

if TYPE_CHECKING:
    from scheduler.model import solve  # noqa: F401


def __getattr__(name: str):
    """Load OR-Tools only when a solve is asked for: reading and checking files stays fast."""
    if name == "solve":
        from scheduler.model import solve

        return solve
    raise AttributeError(f"module 'scheduler' has no attribute {name!r}")
