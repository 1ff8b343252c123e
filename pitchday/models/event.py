"""The event as the organiser describes it: days, rooms, partners, pitches, experts, locks.

Identifiers from the event file (``"id": "amphi"``) are kept as ``key``, unique within
an event; ``position`` keeps the order of the file so that an export reproduces it.
Times are minutes after midnight, local to the event's time zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pitchday.extensions import db

if TYPE_CHECKING:
    from pitchday.models.teams import Programme


def utcnow() -> datetime:
    return datetime.now(UTC)


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    venue: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    grid_min: Mapped[int | None]
    duration_min: Mapped[int]
    qa_min: Mapped[int | None]
    changeover_min: Mapped[int | None]
    panel_size: Mapped[int]
    panel_max_per_organisation: Mapped[int | None]
    # Only the weights the organiser set; the scheduler fills in the defaults.
    weights: Mapped[dict | None] = mapped_column(JSON)
    # The sessions of a schedule published elsewhere, kept as the event file gave them.
    previous: Mapped[list | None] = mapped_column(JSON)
    results_published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The programme the event belongs to (at most one), and the city it is listed under there.
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="SET NULL"), index=True
    )
    city: Mapped[str] = mapped_column(String(100), default="", server_default="")

    days: Mapped[list[EventDay]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventDay.position"
    )
    rooms: Mapped[list[Room]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Room.position"
    )
    organisations: Mapped[list[Organisation]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Organisation.position"
    )
    pitches: Mapped[list[Pitch]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Pitch.position"
    )
    experts: Mapped[list[Expert]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Expert.position"
    )
    locks: Mapped[list[Lock]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Lock.position"
    )
    programme: Mapped[Programme | None] = relationship(back_populates="events")

    __table_args__ = (
        CheckConstraint("panel_size >= 1", name="panel_size_positive"),
        CheckConstraint("duration_min > 0", name="duration_positive"),
    )

    @property
    def required_organisations(self) -> list[Organisation]:
        required = [org for org in self.organisations if org.panel_required_rank is not None]
        return sorted(required, key=lambda org: org.panel_required_rank or 0)


class EventDay(db.Model):
    __tablename__ = "event_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    date: Mapped[date]
    start_min: Mapped[int]
    end_min: Mapped[int]

    event: Mapped[Event] = relationship(back_populates="days")
    breaks: Mapped[list[DayBreak]] = relationship(
        back_populates="day", cascade="all, delete-orphan", order_by="DayBreak.position"
    )

    __table_args__ = (UniqueConstraint("event_id", "date"),)


class DayBreak(db.Model):
    __tablename__ = "day_breaks"

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("event_days.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    start_min: Mapped[int]
    end_min: Mapped[int]
    label: Mapped[str] = mapped_column(String(120), default="")

    day: Mapped[EventDay] = relationship(back_populates="breaks")


class Room(db.Model):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int | None]

    event: Mapped[Event] = relationship(back_populates="rooms")

    __table_args__ = (UniqueConstraint("event_id", "key"),)


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    # Set when every panel needs one expert of this organisation; the rank keeps the file's order.
    panel_required_rank: Mapped[int | None]

    event: Mapped[Event] = relationship(back_populates="organisations")
    experts: Mapped[list[Expert]] = relationship(back_populates="organisation")

    __table_args__ = (UniqueConstraint("event_id", "key"),)


class PitchRoom(db.Model):
    """A room a pitch may use; a pitch with none may use any room."""

    __tablename__ = "pitch_rooms"

    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"), primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int]

    room: Mapped[Room] = relationship()


class Pitch(db.Model):
    __tablename__ = "pitches"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    company: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    sector: Mapped[str] = mapped_column(String(80))
    city: Mapped[str] = mapped_column(String(120))
    # The company's contact, told of a new slot and sent its feedback link; None: nobody is told.
    contact_email: Mapped[str | None] = mapped_column(String(254))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    duration_min: Mapped[int | None]
    qa_min: Mapped[int | None]

    event: Mapped[Event] = relationship(back_populates="pitches")
    allowed_rooms: Mapped[list[PitchRoom]] = relationship(
        cascade="all, delete-orphan", order_by="PitchRoom.position"
    )
    windows: Mapped[list[AvailabilityWindow]] = relationship(
        back_populates="pitch", cascade="all, delete-orphan", order_by="AvailabilityWindow.position"
    )

    __table_args__ = (UniqueConstraint("event_id", "key"),)


class ExpertConflict(db.Model):
    """A pitch the expert must never judge (conflict of interest)."""

    __tablename__ = "expert_conflicts"

    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), primary_key=True)
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int]

    pitch: Mapped[Pitch] = relationship()


class Expert(db.Model):
    """A partner expert who sits on jury panels (a juror)."""

    __tablename__ = "experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    # Where the expert is told of a change in their panels or times; None: they are not told.
    email: Mapped[str | None] = mapped_column(String(254))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    min_pitches: Mapped[int | None]
    max_pitches: Mapped[int | None]

    event: Mapped[Event] = relationship(back_populates="experts")
    organisation: Mapped[Organisation] = relationship(back_populates="experts")
    conflicts: Mapped[list[ExpertConflict]] = relationship(
        cascade="all, delete-orphan", order_by="ExpertConflict.position"
    )
    windows: Mapped[list[AvailabilityWindow]] = relationship(
        back_populates="expert", cascade="all, delete-orphan", order_by="AvailabilityWindow.position"
    )

    __table_args__ = (
        UniqueConstraint("event_id", "key"),
        CheckConstraint(
            "min_pitches IS NULL OR max_pitches IS NULL OR min_pitches <= max_pitches",
            name="load_limits_ordered",
        ),
    )


class AvailabilityWindow(db.Model):
    """When a pitch can be given or an expert can judge; none at all means any time."""

    __tablename__ = "availability_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    pitch_id: Mapped[int | None] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    date: Mapped[date]
    start_min: Mapped[int]
    end_min: Mapped[int]

    pitch: Mapped[Pitch | None] = relationship(back_populates="windows")
    expert: Mapped[Expert | None] = relationship(back_populates="windows")

    __table_args__ = (
        CheckConstraint("(pitch_id IS NULL) <> (expert_id IS NULL)", name="one_owner"),
        CheckConstraint("start_min < end_min", name="start_before_end"),
    )


class Lock(db.Model):
    """A decision the organiser pinned: a pitch's date/start/room, or an expert on its panel."""

    __tablename__ = "locks"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"))
    date: Mapped[date | None]
    start_min: Mapped[int | None]
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"))

    event: Mapped[Event] = relationship(back_populates="locks")
    pitch: Mapped[Pitch] = relationship()
    room: Mapped[Room | None] = relationship()
    expert: Mapped[Expert | None] = relationship()
