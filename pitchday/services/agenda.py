"""Reading a schedule the way people look at it: by day, by room, by juror."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pitchday.extensions import db
from pitchday.models import Event, Expert, PanelSeat, ScheduledSession, ScheduleVersion


@dataclass(frozen=True)
class AgendaDay:
    date: date
    sessions: list[ScheduledSession]


def latest_published(event: Event) -> ScheduleVersion | None:
    """The schedule the public sees: the published version with the highest number."""
    return db.session.execute(
        db.select(ScheduleVersion)
        .where(ScheduleVersion.event_id == event.id, ScheduleVersion.number.is_not(None))
        .order_by(ScheduleVersion.number.desc())
    ).scalars().first()


def agenda_by_day(version: ScheduleVersion) -> list[AgendaDay]:
    by_date: dict[date, list[ScheduledSession]] = {}
    for session in sorted(version.sessions, key=lambda s: (s.date, s.start_min, s.room.position)):
        by_date.setdefault(session.date, []).append(session)
    return [AgendaDay(day, sessions) for day, sessions in by_date.items()]


def sessions_of_expert(expert: Expert) -> list[ScheduledSession]:
    """The pitches the expert judges in the latest published schedule, in time order."""
    version = latest_published(expert.event)
    if version is None:
        return []
    return list(db.session.execute(
        db.select(ScheduledSession)
        .join(PanelSeat)
        .where(ScheduledSession.version_id == version.id, PanelSeat.expert_id == expert.id)
        .order_by(ScheduledSession.date, ScheduledSession.start_min)
    ).scalars())


def format_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
