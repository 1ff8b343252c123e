"""The day itself: whether the event is running at a moment, what is on and next, what a delay would shift.

The organiser's version page opens on this while the event runs (on the event's own clock, which a
``?now=`` in the address may set for a demo or a test, as on the public pages).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pitchday.models import Event, EventDay, ScheduleVersion
from pitchday.services import now_next


@dataclass(frozen=True)
class DayOf:
    """The running day at ``at``: each room's pitch under way and the next one, in the published schedule."""

    at: datetime
    day: EventDay
    minute: int  # minutes after midnight, event time
    rooms: list[now_next.RoomNowNext]
    # Where a delay starts by default: the next pitch to begin in any room (what "follows" is late).
    next_start_min: int | None


def running_day(event: Event, published: ScheduleVersion | None, at: datetime) -> EventDay | None:
    """The event day under way at ``at``: from its opening to its end, or to its last pitch if later."""
    minute = at.hour * 60 + at.minute
    for day in event.days:
        if day.date != at.date():
            continue
        last_end = max(
            (s.end_min for s in (published.sessions if published else []) if s.date == day.date),
            default=day.end_min,
        )
        if day.start_min <= minute < max(day.end_min, last_end):
            return day
    return None


def day_of(event: Event, published: ScheduleVersion | None, at: datetime) -> DayOf | None:
    """What the organiser needs on the day, or None while no event day is running at ``at``."""
    day = running_day(event, published, at)
    if day is None:
        return None
    minute = at.hour * 60 + at.minute
    state = now_next.now_next(event, published, at)
    upcoming = [
        s.start_min
        for s in (published.sessions if published else [])
        if s.date == day.date and s.start_min >= minute
    ]
    return DayOf(at=at, day=day, minute=minute, rooms=state.rooms, next_start_min=min(upcoming, default=None))
