"""The organiser's scoring board: live ranking, locks, audit log, exports, publication of results,
and the moderation of the jurors' feedback to the companies."""

from pitchday.scoreboard import feedback, views  # noqa: F401  (each adds its pages to bp)
from pitchday.scoreboard.blueprint import bp

__all__ = ["bp"]
