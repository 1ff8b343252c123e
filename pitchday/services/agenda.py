"""Reading a schedule the way people look at it: by day, by room, by juror, by sector."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.sql.selectable import ScalarSelect

from pitchday.extensions import db
from pitchday.models import Event, Expert, PanelSeat, ScheduledSession, ScheduleVersion


@dataclass(frozen=True)
class AgendaDay:
    date: date
    sessions: list[ScheduledSession]


@dataclass(frozen=True)
class AgendaItem:
    """One line of a day's flow: a pitch (``session`` set) or a break (``label`` set)."""

    start_min: int
    end_min: int
    session: ScheduledSession | None = None
    label: str = ""

    @property
    def is_break(self) -> bool:
        return self.session is None


@dataclass(frozen=True)
class PublicDay:
    """A day as students read it: its pitches and breaks in time order."""

    date: date
    items: list[AgendaItem]

    def shows_any(self, only: AgendaFilter) -> bool:
        """Whether any of the day's pitches passes the filter."""
        return any(only.keeps(item.session) for item in self.items if item.session is not None)


@dataclass(frozen=True)
class AgendaFilter:
    """What a student narrowed the agenda to; empty strings mean everything."""

    sector: str = ""
    room: str = ""

    def keeps(self, session: ScheduledSession) -> bool:
        return (not self.sector or session.pitch.sector == self.sector) and (
            not self.room or session.room.key == self.room
        )


EVERYTHING = AgendaFilter()


def latest_published_id(event_id: object) -> ScalarSelect[int]:
    """The id of the schedule the public sees, as a subquery: the published version with the highest number.

    ``event_id``: a value, a column or a bound parameter (the jurors' hot path prepares its statement once).
    """
    return (
        db.select(ScheduleVersion.id)
        .where(ScheduleVersion.event_id == event_id, ScheduleVersion.number.is_not(None))
        .order_by(ScheduleVersion.number.desc())
        .limit(1)
        .scalar_subquery()
    )


def latest_published(event: Event) -> ScheduleVersion | None:
    """The schedule the public sees (``latest_published_id``)."""
    return db.session.execute(
        db.select(ScheduleVersion).where(ScheduleVersion.id == latest_published_id(event.id))
    ).scalar_one_or_none()


def agenda_by_day(version: ScheduleVersion) -> list[AgendaDay]:
    by_date: dict[date, list[ScheduledSession]] = {}
    for session in sorted(version.sessions, key=lambda s: (s.date, s.start_min, s.room.position)):
        by_date.setdefault(session.date, []).append(session)
    return [AgendaDay(day, sessions) for day, sessions in by_date.items()]


def public_agenda(version: ScheduleVersion) -> list[PublicDay]:
    """Each day of the schedule with its pitches and its breaks, in time order (a room's pitches by room order)."""
    sessions_by_date: dict[date, list[ScheduledSession]] = {}
    for session in version.sessions:
        sessions_by_date.setdefault(session.date, []).append(session)
    days = []
    for day in version.event.days:
        items = [AgendaItem(s.start_min, s.end_min, session=s) for s in sessions_by_date.get(day.date, [])]
        items += [AgendaItem(b.start_min, b.end_min, label=b.label) for b in day.breaks]
        if sessions_by_date.get(day.date):
            items.sort(key=lambda item: (item.start_min, item.session.room.position if item.session else -1))
            days.append(PublicDay(day.date, items))
    return days


def sectors(event: Event) -> list[str]:
    """The sectors of the event's pitches, in the order they first appear."""
    return list(dict.fromkeys(pitch.sector for pitch in event.pitches))


def sessions_of_expert(expert: Expert) -> list[ScheduledSession]:
    """The pitches the expert judges in the latest published schedule, in time order."""
    version = latest_published(expert.event)
    if version is None:
        return []
    return list(
        db.session.execute(
            db.select(ScheduledSession)
            .join(PanelSeat)
            .where(ScheduledSession.version_id == version.id, PanelSeat.expert_id == expert.id)
            .order_by(ScheduledSession.date, ScheduledSession.start_min)
        ).scalars()
    )


def local_moment(day: date, minutes: int, timezone: str) -> datetime:
    """``minutes`` after midnight of ``day`` on the event's clock; 1440 (24:00, a legal end) is the next midnight."""
    return datetime.combine(day, time(0, 0), ZoneInfo(timezone)) + timedelta(minutes=minutes)


def format_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
