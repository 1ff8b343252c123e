"""Where and when each pitch may run, and which experts may sit on it: the static part of the rules.

The model works on one absolute clock: the minute ``t`` of the event's ``i``-th day is
``i * MINUTES_PER_DAY + t``.  Pitches on different days then never overlap, so one
no-overlap constraint per room or expert covers the whole event.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache

from scheduler.data import MINUTES_PER_DAY, Day, Event, Expert, PanelLock, Pitch, Session, SlotLock, Window


@dataclass(frozen=True)
class PitchOptions:
    """Everything a pitch may be given: the absolute starts allowed per day, and the rooms."""

    pitch: Pitch
    length: int  # minutes in its room: talk plus questions
    starts_by_day: tuple[tuple[int, tuple[int, ...]], ...]  # (day index, absolute starts), days with a start
    rooms: tuple[str, ...]

    @cached_property
    def all_starts(self) -> tuple[int, ...]:
        return tuple(start for _, starts in self.starts_by_day for start in starts)

    @property
    def days(self) -> tuple[int, ...]:
        return tuple(day for day, _ in self.starts_by_day)

    @property
    def earliest(self) -> int:
        return self.starts_by_day[0][1][0] if self.starts_by_day else 0

    @property
    def latest(self) -> int:
        return self.starts_by_day[-1][1][-1] if self.starts_by_day else 0


def day_offset(day_index: int) -> int:
    return day_index * MINUTES_PER_DAY


def split_absolute(event: Event, absolute: int) -> tuple[date, int]:
    """Turn an absolute minute back into (date, minute after midnight)."""
    day_index, minute = divmod(absolute, MINUTES_PER_DAY)
    return event.days[day_index].date, minute


def day_index_of(event: Event) -> dict[date, int]:
    return {day.date: index for index, day in enumerate(event.days)}


def _clear_of_breaks(day: Day, start: int, end: int) -> bool:
    return all(end <= pause.start or pause.end <= start for pause in day.breaks)


def inside_some_window(windows: tuple[Window, ...] | None, day: date, start: int, end: int) -> bool:
    return windows is None or any(window.contains(day, start, end) for window in windows)


def slot_locks(event: Event, pitch_id: str) -> list[SlotLock]:
    return [lock for lock in event.locks or () if isinstance(lock, SlotLock) and lock.pitch == pitch_id]


def panel_locks(event: Event) -> list[PanelLock]:
    return [lock for lock in event.locks or () if isinstance(lock, PanelLock)]


def locked_panels(event: Event) -> dict[str, tuple[Expert, ...]]:
    """The experts each pitch's panel locks hold, by pitch id (pitches without a lock left out)."""
    experts = event.expert_by_id()
    locked: dict[str, list[Expert]] = {}
    for lock in panel_locks(event):
        if lock.expert in experts:
            locked.setdefault(lock.pitch, []).append(experts[lock.expert])
    return {pitch_id: tuple(held) for pitch_id, held in locked.items()}


def locks_leave_a_seat(event: Event, expert: Expert, locked: tuple[Expert, ...]) -> bool:
    """Whether a panel holding the ``locked`` experts (rule 6) can seat ``expert`` too under rule 3:
    a seat left, their organisation under its cap, and seats left for the required organisations
    still missing."""
    if any(e.id == expert.id for e in locked):
        return True  # locked on it themselves
    panel = event.panel
    per_organisation = Counter(e.organisation for e in locked)
    if per_organisation[expert.organisation] >= panel.max_per_org:
        return False
    missing = set(panel.required_organisations) - set(per_organisation) - {expert.organisation}
    return len(locked) + 1 + len(missing) <= panel.size


def pitch_options(event: Event, pitch: Pitch) -> PitchOptions:
    """Rule 1 and the slot locks of rule 6, worked out on the grid before any solving."""
    length = event.pitch_length(pitch)
    locks = slot_locks(event, pitch.id)
    starts_by_day = _starts_by_day(
        event.days, event.grid, length, pitch.available, tuple((lock.date, lock.start) for lock in locks)
    )
    rooms = tuple(
        room.id
        for room in event.rooms
        if (pitch.rooms is None or room.id in pitch.rooms)
        and all(lock.room is None or lock.room == room.id for lock in locks)
    )
    return PitchOptions(pitch, length, tuple(starts_by_day), rooms)


@lru_cache(maxsize=4096)
def _starts_by_day(
    days: tuple[Day, ...],
    grid: int,
    length: int,
    available: tuple[Window, ...] | None,
    locked: tuple[tuple[date | None, int | None], ...],
) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """The starts of ``pitch_options``, once per kind of pitch (most pitches share length and windows:
    at 300 pitches this took half a second of a 10 s goal on a loaded machine)."""
    starts_by_day = []
    for index, day in enumerate(days):
        if any(lock_date is not None and lock_date != day.date for lock_date, _ in locked):
            continue
        first = -(-day.start // grid) * grid
        starts = tuple(
            day_offset(index) + start
            for start in range(first, day.end - length + 1, grid)
            if _clear_of_breaks(day, start, start + length)
            and inside_some_window(available, day.date, start, start + length)
            and all(lock_start is None or lock_start == start for _, lock_start in locked)
        )
        if starts:
            starts_by_day.append((index, starts))
    return tuple(starts_by_day)


def starts_within(
    event: Event, length: int, *, windows: tuple[Window, ...] | None = None, locks: tuple[SlotLock, ...] = ()
) -> tuple[int, ...]:
    """The absolute grid starts of a pitch of that length inside its day, clear of breaks, inside
    ``windows`` (None: any time) and at the date and start of each of ``locks``: rule 1 with only
    some of the pitch's data, for the diagnosis, which states each part on its own."""
    locked = tuple((lock.date, lock.start) for lock in locks)
    return tuple(
        start
        for _, starts in _starts_by_day(event.days, event.grid, length, windows, locked)
        for start in starts
    )


def day_starts(event: Event, length: int) -> list[tuple[int, int]]:
    """(day index, minute) of every grid start that keeps a pitch of that length inside its day and
    clear of breaks: rule 1 before the pitch's own windows and locks (the diagnosis relaxes those)."""
    return [divmod(start, MINUTES_PER_DAY) for start in starts_within(event, length)]


def grid_options(event: Event, pitch: Pitch) -> PitchOptions:
    """Rule 1 without the pitch's own data: any start of the days' grid clear of breaks, any room.

    The diagnosis builds its variables on these, so that the pitch's windows, rooms and slot locks
    are constraints it can relax one at a time (``constraints`` states them when
    ``ScheduleVariables.relaxed``) rather than values missing from the domains.
    """
    length = event.pitch_length(pitch)
    starts_by_day = _starts_by_day(event.days, event.grid, length, None, ())
    return PitchOptions(pitch, length, starts_by_day, tuple(room.id for room in event.rooms))


def placed_options(
    event: Event, options: dict[str, PitchOptions], sessions: tuple[Session, ...], rooms_free: bool = False
) -> dict[str, PitchOptions]:
    """The options narrowed to the start and room each pitch has in ``sessions`` (none if not allowed).

    ``rooms_free``: narrowed to the start only, the pitch's rooms left as they were.
    """
    days = day_index_of(event)
    narrowed = dict(options)
    for session in sessions:
        option = options[session.pitch]
        absolute = day_offset(days[session.date]) + session.start if session.date in days else None
        starts_by_day = tuple(
            (day, (absolute,)) for day, starts in option.starts_by_day if absolute in starts
        )
        kept_room = (session.room,) if session.room in option.rooms else ()
        rooms = option.rooms if rooms_free else kept_room
        narrowed[session.pitch] = PitchOptions(option.pitch, option.length, starts_by_day, rooms)
    return narrowed


def on_days(options: dict[str, PitchOptions], days: dict[str, int]) -> dict[str, PitchOptions]:
    """The options narrowed to the day each pitch of ``days`` is given (its starts that day only)."""
    narrowed = dict(options)
    for pitch_id, day in days.items():
        option = options[pitch_id]
        starts_by_day = tuple((d, starts) for d, starts in option.starts_by_day if d == day)
        narrowed[pitch_id] = PitchOptions(option.pitch, option.length, starts_by_day, option.rooms)
    return narrowed


def most_pitches(event: Event, expert: Expert) -> int:
    """How many pitches the expert could judge at most, from the break-free time they are there.

    A pitch lies inside one break-free stretch of a day and inside one of the expert's windows, and two
    of one expert's pitches are a changeover apart: a stretch of ``m`` minutes holds at most
    ``(m + changeover) // (shortest pitch + changeover)`` of them.
    """
    shortest = min((event.pitch_length(pitch) for pitch in event.pitches), default=1)
    return most_in(event, expert.available, shortest)


def most_in(event: Event, windows: tuple[Window, ...] | None, shortest: int) -> int:
    """How many pitches of ``shortest`` minutes or more one room, or one expert, can hold inside
    ``windows`` (None: the whole days), one at a time with the changeover between two."""
    step = shortest + event.changeover
    total = 0
    for day in event.days:
        for stretch_start, stretch_end in break_free_stretches(day):
            inside = windows if windows is not None else (Window(day.date, day.start, day.end),)
            for window in inside:
                if window.date != day.date:
                    continue
                minutes = min(window.end, stretch_end) - max(window.start, stretch_start)
                if minutes >= shortest:
                    total += (minutes + event.changeover) // step
    return total


def break_free_stretches(day: Day) -> list[tuple[int, int]]:
    """The parts of a day between its breaks, in order."""
    stretches, cursor = [], day.start
    for pause in sorted(day.breaks, key=lambda b: b.start):
        if pause.start > cursor:
            stretches.append((cursor, min(pause.start, day.end)))
        cursor = max(cursor, pause.end)
    if cursor < day.end:
        stretches.append((cursor, day.end))
    return stretches


def expert_starts(event: Event, expert: Expert, options: PitchOptions) -> tuple[int, ...]:
    """The starts of a pitch at which the expert may judge it (rule 4's availability part)."""
    if expert.available is None:
        return options.all_starts
    return tuple(
        sorted({start for _, starts in expert_starts_by_window(event, expert, options) for start in starts})
    )


def expert_starts_by_window(
    event: Event, expert: Expert, options: PitchOptions
) -> list[tuple[Window | None, tuple[int, ...]]]:
    """For each of the expert's windows (None: there all the time), the pitch's starts inside it."""
    if expert.available is None:
        return [(None, options.all_starts)]
    by_window = []
    for window in expert.available:
        inside: list[int] = []
        for day_index, starts in options.starts_by_day:
            if event.days[day_index].date == window.date:
                offset = day_offset(day_index)
                first = bisect_left(starts, offset + window.start)
                last = bisect_right(starts, offset + window.end - options.length)
                inside.extend(starts[first:last])
        by_window.append((window, tuple(inside)))
    return by_window


def may_sit(event: Event, expert: Expert, options: PitchOptions) -> bool:
    """Whether the expert could judge the pitch in some placement: no conflict and some common time."""
    return options.pitch.id not in expert.conflict_set and bool(expert_starts(event, expert, options))


def pitches_each_may_judge(event: Event, options: dict[str, PitchOptions]) -> dict[str, int]:
    """How many pitches each expert may judge (``may_sit``), by expert id: the size of the models
    built over their seats (the room-change circuits, the panel relaxation)."""
    return {
        expert.id: sum(1 for option in options.values() if may_sit(event, expert, option))
        for expert in event.experts
    }


def panels_can_sit(event: Event, organisations: Iterable[str], panels: int = 1) -> bool:
    """Whether experts of these organisations (one entry each) can make ``panels`` panels at once,
    with rule 3's required organisations and ``max_per_organisation``, on their own."""
    per_organisation = Counter(organisations)
    panel = event.panel
    return all(per_organisation[o] >= panels for o in panel.required_organisations) and (
        sum(min(n, panels * panel.max_per_org) for n in per_organisation.values()) >= panels * panel.size
    )


def start_grid(event: Event, options: dict[str, PitchOptions]) -> list[int]:
    """Every room's back-to-back starts in each break-free stretch, plus every pinned start.

    The step is the longest pitch plus the changeover, so pitches at two different grid starts of
    a stretch never overlap: the greedy and the slot engine (``scheduler.slots``) both work on it.
    """
    if not options:
        return []
    step = max(option.length for option in options.values()) + event.changeover
    shortest = min(option.length for option in options.values())
    grid = set()
    for index, day in enumerate(event.days):
        for stretch_start, stretch_end in break_free_stretches(day):
            start = stretch_start
            while start + shortest <= stretch_end:
                grid.add(day_offset(index) + start)
                start += step
    grid.update(option.earliest for option in options.values() if len(option.all_starts) == 1)
    return sorted(grid)


def away_spans(event: Event, expert: Expert) -> list[tuple[int, int]]:
    """The absolute spans ``[start, end)`` of the event's days the expert is not there (none for an
    expert there all the time; windows that touch are one presence here)."""
    if expert.available is None:
        return []
    spans = []
    for index, day in enumerate(event.days):
        cursor = 0
        for window in sorted((w for w in expert.available if w.date == day.date), key=lambda w: w.start):
            if window.start > cursor:
                spans.append((day_offset(index) + cursor, day_offset(index) + window.start))
            cursor = max(cursor, window.end)
        spans.append((day_offset(index) + cursor, day_offset(index) + MINUTES_PER_DAY))
    return spans
