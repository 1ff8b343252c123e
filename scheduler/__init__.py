"""PitchDay's scheduler: a pure library (no Flask, no SQLAlchemy).

It turns an :class:`~scheduler.data.Event` into a :class:`~scheduler.data.Result`
with a Google OR-Tools CP-SAT model.
"""

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
from scheduler.model import solve  # noqa: F401,E402
