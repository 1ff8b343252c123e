"""What is on now and what comes next in each room, on the event's own clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from pitchday.models import Event, Room, ScheduledSession, ScheduleVersion
from scheduler import bounds


class ClockError(ValueError):
    """A "now" given by hand that is not a date and time."""


@dataclass(frozen=True)
class RoomNowNext:
    room: Room
    current: ScheduledSession | None
    next: ScheduledSession | None
    # The label of the break under way when no pitch is ("" otherwise).
    break_label: str = ""
    in_break: bool = False


@dataclass(frozen=True)
class NowNext:
    at: datetime
    version: ScheduleVersion | None
    rooms: list[RoomNowNext]


def event_clock(timezone: str, override: str | None = None, *, utc_now: datetime | None = None) -> datetime:
    """The current time in the event's time zone (the server may run in UTC).

    ``override`` (``2023-11-30T10:05``, read as the event's local time) lets a demo or a
    test show the day of an event long past.
    """
    zone = ZoneInfo(timezone)
    if override:
        refusal = ClockError(
            _(
                "« %(given)s » n'est pas une date et heure entre %(first)s et %(last)s "
                "(attendu : 2023-11-30T10:05).",
                given=override[:40],
                first=bounds.FIRST_DATE.year,
                last=bounds.LAST_DATE.year,
            )
        )
        try:
            chosen = datetime.fromisoformat(override[:40])
            # Within the event file's dates, so that moving it to the event's zone cannot overflow
            # (9999-12-31T23:59-12:00 is past the last datetime Python has).
            if not bounds.FIRST_DATE <= chosen.date() <= bounds.LAST_DATE or len(override) > 40:
                raise refusal
            return chosen.replace(tzinfo=zone) if chosen.tzinfo is None else chosen.astimezone(zone)
        except (ValueError, OverflowError) as error:
            raise refusal from error
    return (utc_now or datetime.now(ZoneInfo("UTC"))).astimezone(zone)


def now_next(event: Event, version: ScheduleVersion | None, at: datetime) -> NowNext:
    """For each room: the pitch under way at ``at`` (local time), and the next one to start after it."""
    today, minute = at.date(), at.hour * 60 + at.minute
    breaks_today = [b for day in event.days if day.date == today for b in day.breaks]
    current_break = next((b for b in breaks_today if b.start_min <= minute < b.end_min), None)
    rooms = []
    for room in event.rooms:
        sessions = sorted(
            (s for s in (version.sessions if version else []) if s.room_id == room.id),
            key=lambda s: (s.date, s.start_min),
        )
        current = next((s for s in sessions if s.date == today and s.start_min <= minute < s.end_min), None)
        upcoming = next((s for s in sessions if (s.date, s.start_min) > (today, minute)), None)
        rooms.append(
            RoomNowNext(
                room=room,
                current=current,
                next=upcoming,
                break_label=current_break.label if current_break and not current else "",
                in_break=bool(current_break and not current),
            )
        )
    return NowNext(at=at, version=version, rooms=rooms)
