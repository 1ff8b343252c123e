"""Programmes above the events, the organisers' teams, their invitations and their journal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pitchday.extensions import db
from pitchday.models.event import Event, utcnow
from pitchday.models.users import Organiser


class Programme(db.Model):
    """A national programme (e.g. the 2023 accelerator) grouping events held in several cities."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    events: Mapped[list[Event]] = relationship(back_populates="programme", order_by="Event.created_at")


class TeamMember(db.Model):
    """One account's role in one event's team; an account holds at most one role per event."""

    __tablename__ = "team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisers.id", ondelete="CASCADE"), index=True)
    # One of pitchday.services.teams.Role (owner, planner, scoring, viewer).
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    organiser: Mapped[Organiser] = relationship()

    __table_args__ = (UniqueConstraint("event_id", "organiser_id"),)


class ProgrammeCoordinator(db.Model):
    """An account that reads every event of a programme, and the programme's own view."""

    __tablename__ = "programme_coordinators"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisers.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship()
    organiser: Mapped[Organiser] = relationship()

    __table_args__ = (UniqueConstraint("programme_id", "organiser_id"),)


class Invitation(db.Model):
    """An owner's invitation into an event's team: a one-time link, of which only a hash is kept."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    # SHA-256 of the link's secret, hex: a leaked database does not give working links.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("organisers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()


class JournalEntry(db.Model):
    """Append-only: which organiser did what to an event, when, and the value before and after.

    Rows are inserted and never changed: an update or a delete through the ORM raises.
    """

    __tablename__ = "journal_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # The account, and its address as it was then (kept when the account goes); None: the command line.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("organisers.id", ondelete="SET NULL"))
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    # One of pitchday.services.journal.ACTIONS.
    action: Mapped[str] = mapped_column(String(40))
    # What the action was on, in words (a company, a version number, a juror's name).
    subject: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict | list | str | int | None] = mapped_column(JSON)
    after: Mapped[dict | list | str | int | None] = mapped_column(JSON)


@sa_event.listens_for(JournalEntry, "before_update")
@sa_event.listens_for(JournalEntry, "before_delete")
def _journal_is_append_only(_mapper, _connection, entry: JournalEntry) -> None:
    raise ValueError(f"journal entry {entry.id} cannot be changed or deleted: the journal is append-only")
