"""Work done outside the web request: solves and e-mails, and what each has reached so far."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pitchday.extensions import db
from pitchday.models.event import Event, utcnow
from pitchday.models.schedule import ScheduleVersion


class SolveJob(db.Model):
    """One run of the scheduler for an event, on whichever worker claimed it.

    The row is the job's truth, whatever queue carried it: its input (``spec``), who runs it
    (``worker``), whether that worker is alive (``heartbeat_at``), and the best schedule it has
    reported (``best_sessions``), so that a worker lost mid-solve still leaves its best as a draft.
    """

    __tablename__ = "solve_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # Holds event_id while the job runs, NULL after: the unique index lets one solve run per event.
    running_event_id: Mapped[int | None] = mapped_column(unique=True)
    # queued, running, done, stopped, failed
    status: Mapped[str] = mapped_column(String(20), default="queued")
    # Why it ended, as a code worded at display (pitchday.organiser.labels.JOB_OUTCOMES); "" while it runs.
    outcome: Mapped[str] = mapped_column(String(40), default="")
    # What the solve is for, given to the version it makes (see ScheduleVersion.origin); ``note``
    # is the French words of jobs made before origins were codes.
    origin: Mapped[str] = mapped_column(String(40), default="")
    origin_params: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(200), default="")
    time_limit: Mapped[float]
    workers: Mapped[int | None]
    # The scheduler's event file for this solve (a re-plan's carries its locks and previous schedule).
    spec: Mapped[dict | None] = mapped_column(JSON)
    # An absent juror's re-plan: {"expert": key, "day": "YYYY-MM-DD", "from_min": m}. Their availability is
    # cut only once the job finds a schedule without them; with none, the absence is not kept.
    absence: Mapped[dict | None] = mapped_column(JSON)
    # "host:pid" of the worker that claimed the job: shown to the organiser, never signalled.
    worker: Mapped[str] = mapped_column(String(120), default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    stop_requested: Mapped[bool] = mapped_column(default=False)
    stop_requested_at: Mapped[datetime | None]
    best_score: Mapped[int | None]
    best_bound: Mapped[int | None]
    best_sessions: Mapped[list | None] = mapped_column(JSON)
    elapsed: Mapped[float | None]
    solutions: Mapped[int] = mapped_column(default=0)
    # A technical detail for the outcome (an exception's text), shown as it is.
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


class OutboundMail(db.Model):
    """One e-mail to send, and each attempt's result: the record the organiser reads."""

    __tablename__ = "outbound_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    # What the message is for (a code: "test", "invitation", ...), to group them on the organiser's page.
    kind: Mapped[str] = mapped_column(String(40), default="")
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # [{"filename", "content_type", "content" (base64)}]
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    # queued (waiting for its next attempt), sent, failed (gave up after the last attempt)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    event: Mapped[Event | None] = relationship()
