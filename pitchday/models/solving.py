"""A solve running in the background, outside the web request, and what it has found so far."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pitchday.extensions import db
from pitchday.models.event import Event, utcnow
from pitchday.models.schedule import ScheduleVersion


class SolveJob(db.Model):
    """One run of the scheduler for an event, in its own process."""

    __tablename__ = "solve_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # Holds event_id while the job runs, NULL after: the unique index lets one solve run per event.
    running_event_id: Mapped[int | None] = mapped_column(unique=True)
    # queued, running, done, stopped, failed
    status: Mapped[str] = mapped_column(String(20), default="queued")
    note: Mapped[str] = mapped_column(String(200), default="")
    time_limit: Mapped[float]
    pid: Mapped[int | None]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    stop_requested: Mapped[bool] = mapped_column(default=False)
    stop_requested_at: Mapped[datetime | None]
    best_score: Mapped[int | None]
    best_bound: Mapped[int | None]
    elapsed: Mapped[float | None]
    solutions: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    version_id: Mapped[int | None] = mapped_column(ForeignKey("schedule_versions.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship()
    version: Mapped[ScheduleVersion | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status in ("queued", "running")

    @property
    def gap(self) -> float | None:
        """Relative distance between the best score and the proved bound (0 when proved optimal)."""
        if self.best_score is None or self.best_bound is None:
            return None
        return abs(self.best_bound - self.best_score) / max(1, abs(self.best_bound))
