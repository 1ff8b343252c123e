"""A version's grid drawn to time: one CSS grid row per minute, so length on screen is length in time.

A 30-minute pitch is twice as tall as a 15-minute one, and a gap or a break takes the room it takes
in the day. The page places each item by its first and last row (``grid.js`` sets them, since the
site's content security policy forbids inline styles); without scripts the items still read in time
order, room by room.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pitchday.models import Event, Room, ScheduledSession, ScheduleVersion

# A time mark on the left every this many minutes.
MARK_EVERY_MIN = 30


@dataclass(frozen=True)
class Placed:
    """A pitch or a break in a room's column, from ``start_min`` to ``end_min`` of its day."""

    start_min: int
    end_min: int
    session: ScheduledSession | None = None
    label: str = ""  # a break's name

    @property
    def is_break(self) -> bool:
        return self.session is None

    @property
    def minutes(self) -> int:
        return self.end_min - self.start_min


@dataclass(frozen=True)
class GridColumn:
    room: Room
    items: list[Placed]


@dataclass(frozen=True)
class GridDay:
    """One day of the grid: the minutes it spans (the day's hours, stretched to any pitch outside them)."""

    date: date
    start_min: int
    end_min: int
    step_min: int  # where a dropped pitch may start: the event's time grid
    columns: list[GridColumn]
    marks: list[int]  # minutes of the day with a time written beside the grid

    @property
    def minutes(self) -> int:
        return self.end_min - self.start_min

    def row_of(self, minute: int) -> int:
        """The CSS grid line where ``minute`` falls (line 1 is the day's first minute)."""
        return minute - self.start_min + 1


def version_grid(event: Event, version: ScheduleVersion) -> list[GridDay]:
    """Every day of the event that has pitches in the version, its rooms as columns, breaks in every room."""
    by_date: dict[date, list[ScheduledSession]] = {}
    for session in version.sessions:
        by_date.setdefault(session.date, []).append(session)
    days = []
    for day in event.days:
        sessions = by_date.get(day.date, [])
        if not sessions:
            continue
        # A delay may push the last pitches past the day's end: the grid follows them.
        start = min([day.start_min] + [s.start_min for s in sessions])
        end = max([day.end_min] + [s.end_min for s in sessions])
        columns = []
        for room in event.rooms:
            items = [Placed(s.start_min, s.end_min, session=s) for s in sessions if s.room_id == room.id]
            items += [Placed(b.start_min, b.end_min, label=b.label) for b in day.breaks]
            items.sort(key=lambda item: (item.start_min, not item.is_break))
            columns.append(GridColumn(room, items))
        first_mark = -(-start // MARK_EVERY_MIN) * MARK_EVERY_MIN
        days.append(
            GridDay(
                date=day.date,
                start_min=start,
                end_min=end,
                step_min=event.grid_min or 5,
                columns=columns,
                marks=list(range(first_mark, end, MARK_EVERY_MIN)),
            )
        )
    return days
