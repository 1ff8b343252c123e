"""Schedules computed for an event; a published one gets a version number."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pitchday.extensions import db
from pitchday.models.event import Event, Expert, Pitch, Room, utcnow


class ScheduleVersion(db.Model):
    """One schedule of an event: a solver result, a hand edit, or a re-plan."""

    __tablename__ = "schedule_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # 1, 2, 3... once published; None while it is a draft.
    number: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20))
    score: Mapped[int | None]
    terms: Mapped[dict | None] = mapped_column(JSON)
    best_bound: Mapped[int | None]
    solve_seconds: Mapped[float | None]
    conflicts: Mapped[list | None] = mapped_column(JSON)
    # Where the version comes from, as a code and parameters worded at display
    # (pitchday.services.wording.ORIGINS): "replan" from {"number": 7} or {"draft": 11}, ...
    origin: Mapped[str] = mapped_column(String(40), default="")
    origin_params: Mapped[dict | None] = mapped_column(JSON)
    # The origin as versions made before origins were codes wrote it (French words), shown as it is.
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()
    sessions: Mapped[list[ScheduledSession]] = relationship(
        back_populates="version",
        cascade="all, delete-orphan",
        order_by="(ScheduledSession.date, ScheduledSession.start_min, ScheduledSession.room_id)",
    )

    __table_args__ = (UniqueConstraint("event_id", "number"),)


class ScheduledSession(db.Model):
    """A pitch placed in a room at a time, with its jury panel."""

    __tablename__ = "scheduled_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("schedule_versions.id", ondelete="CASCADE"), index=True
    )
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"))
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    date: Mapped[date]
    start_min: Mapped[int]
    end_min: Mapped[int]

    version: Mapped[ScheduleVersion] = relationship(back_populates="sessions")
    pitch: Mapped[Pitch] = relationship()
    room: Mapped[Room] = relationship()
    seats: Mapped[list[PanelSeat]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="PanelSeat.position"
    )

    __table_args__ = (UniqueConstraint("version_id", "pitch_id"),)


class PanelSeat(db.Model):
    __tablename__ = "panel_seats"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("scheduled_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int]

    session: Mapped[ScheduledSession] = relationship(back_populates="seats")
    expert: Mapped[Expert] = relationship()
