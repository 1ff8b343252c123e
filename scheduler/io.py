"""Event file <-> :class:`Event`, and :class:`Result` <-> schedule file.

The formats are the public contract of ``shared/event-format.md``.  Reading
checks everything the file format promises (types, times on the grid, unique
ids, references between records) and stops at the first problem with an
:class:`EventFormatError` that names the field, its value and what was expected.
Unknown extra fields are accepted and ignored, since the format may grow.

Writing is the exact inverse of reading: optional fields that were absent stay
absent, so ``event_to_dict(parse_event(data)) == data`` for any file that spells
out ``breaks``, ``topics``, ``required_organisations`` and break ``label``s
(missing ones are read as empty and written back as empty) and has no extra fields.
"""

from __future__ import annotations

import functools
import json
import re
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from os import PathLike
from pathlib import Path

from scheduler import bounds
from scheduler.data import (
    MINUTES_PER_DAY,
    Break,
    Change,
    Conflict,
    Day,
    Event,
    EventInfo,
    Expert,
    Lock,
    Organisation,
    PanelLock,
    PanelRules,
    Pitch,
    PitchDefaults,
    Result,
    Room,
    ScoreTerms,
    Session,
    SlotLock,
    Status,
    Weights,
    Window,
)

EVENT_FORMAT = "pitchday-event/1"
SCHEDULE_FORMAT = "pitchday-schedule/1"
DEFAULT_GRID_MIN = 5

_CLOCK = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d|24:00", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_SHOWN_VALUE_LENGTH = 60
_TERM_NAMES = tuple(Weights.FILE_KEYS.values())


# What a field should hold, by code: the format's own (English) words, for the command line and the
# logs. Whoever shows a refusal to a person words the code in their language (the app:
# pitchday.services.event_io.describe_refusal); the parameters are file names, numbers and ids.
EXPECTATIONS = {
    "event_file": "an object (the event file)",
    "schedule_file": "an object (the schedule file)",
    "object": "an object %(fields)s",
    "list": "a list %(fields)s",
    "texts": "a list of texts",
    "topics": "a list of topics (text)",
    "sessions": "a list of sessions",
    "ids": "a list of ids of %(section)s",
    "text": "text",
    "id": "a non-empty id (text)",
    "sentence": "a sentence",
    "text_max": "text of at most %(maximum)s characters (got %(length)s)",
    "text_control": "text without control characters (found U+%(code_point)s)",
    "items_max": "at most %(maximum)s items",
    "timezone": 'an IANA time zone name such as "Europe/Paris"',
    "grid_min": "a positive whole number of minutes",
    "seats": "a positive whole number of seats",
    "experts": "a whole number of experts, at least 1",
    "pitches": "a whole number of pitches, 0 or more",
    "weight": "a whole number, 0 or more",
    "whole": "a whole number",
    "whole_or_null": "a whole number or null",
    "number_max": "a number, at most %(maximum)s",
    "minutes_positive": "a positive number of minutes that is a multiple of grid_min (%(grid)s)",
    "minutes": "a whole, non-negative number of minutes that is a multiple of grid_min (%(grid)s)",
    "clock": "a clock time HH:MM (24 h)",
    "clock_on_grid": "a clock time HH:MM (24 h) on the %(grid)s-minute grid (grid_min)",
    "clock_before_midnight": "a clock time before 24:00",
    "date": "a date YYYY-MM-DD from %(first)s to %(last)s",
    "after_start": "a time after start (%(start)s)",
    "inside_day_from": "a time inside the day (from %(start)s)",
    "inside_day_until": "a time inside the day (until %(end)s)",
    "break_apart": "a break that does not overlap break %(index)s (%(start)s-%(end)s)",
    "unique_id": "an id that no other %(kind)s uses",
    "reference": "the id of one of the event's %(section)s",
    "references_once": "%(section)s ids that appear once each",
    "format": '"%(format)s"',
    "format_not_schedule": '"%(format)s" (this is a schedule file, not an event file)',
    "format_not_event": '"%(format)s" (this is an event file, not a schedule file)',
    "a_day": "at least one day",
    "a_room": "at least one room",
    "date_unique": "a date that no other day uses",
    "event_date": "the date of one of the event's days",
    "not_below_min_pitches": "a number no smaller than min_pitches (%(minimum)s)",
    "lock_one_kind": "either {pitch, expert} or {pitch, date, start, room}, not both in one lock",
    "lock_pins": "a lock that pins at least one of date, start, room (or an expert)",
    "expert_without_conflict": 'an expert without a conflict of interest with pitch "%(pitch)s"',
    "once_in_previous": "a pitch that appears once in previous",
    "weights": "an object with some of the keys %(names)s",
    "weight_key": 'one of the weights %(names)s (unknown key "%(key)s")',
    "status": "one of %(statuses)s",
    "seconds": "a number of seconds, 0 or more",
    "boolean": "true or false",
    "email": "an e-mail address, e.g. contact@entreprise.fr",
}

# Why a whole file could not be read, by code (no field to name).
FILE_PROBLEMS = {
    "no_such_file": "no such file",
    "is_directory": "is a directory, not a file",
    "permission_denied": "cannot be read: permission denied",
    "cannot_read": "cannot be read: %(reason)s",
    "utf16": "is not UTF-8 text (it is UTF-16): save the file as UTF-8",
    "not_utf8": "is not UTF-8 text (byte %(byte)s cannot be read): save the file as UTF-8",
    "nul_bytes": "is not a text file (it holds NUL bytes)",
    "json_syntax": "line %(line)s, column %(column)s: not valid JSON (%(reason)s)",
    "duplicate_key": 'not valid JSON: the key "%(key)s" appears twice in one object',
    "json_constant": "not valid JSON: %(name)s is not a number JSON allows",
    "too_deep": "not valid JSON here: nested too deep (more than about a thousand levels)",
    "too_many_digits": "not valid JSON here: a number has too many digits",
}


@dataclass(frozen=True)
class Expectation:
    """What a field should hold: a code of :data:`EXPECTATIONS` and its parameters."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return EXPECTATIONS[self.code] % self.params


def expect(code: str, **params: object) -> Expectation:
    return Expectation(code, params)


class EventFormatError(ValueError):
    """An event (or schedule) file that does not follow the format; ``str()`` is one line, in English.

    ``code`` says which kind of refusal: ``invalid`` (a field's value), ``missing`` (a field) or a
    code of :data:`FILE_PROBLEMS` with its ``params``; ``expectation`` says what the field should hold.
    """

    def __init__(
        self,
        detail: str,
        *,
        path: str = "",
        value: object = None,
        source: str = "",
        expectation: Expectation | None = None,
        code: str = "",
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.path = path  # the field, e.g. "pitches[3].duration_min"; "" for the whole file
        self.value = value
        self.source = source  # the file it was read from, when known
        self.expectation = expectation
        self.code = code
        self.params = dict(params or {})

    @property
    def expected(self) -> str:
        """What the field should hold, in the format's own (English) words; "" for a whole-file problem."""
        return str(self.expectation) if self.expectation else ""

    @property
    def shown_value(self) -> str:
        """The value as the message shows it (cut, control characters escaped)."""
        return _show(self.value)

    @classmethod
    def invalid(cls, path: str, value: object, expectation: Expectation) -> EventFormatError:
        shown = _show(value)
        where = f"{path}: " if path else ""
        return cls(
            f"{where}{shown} is not valid: expected {expectation}",
            path=path,
            value=value,
            expectation=expectation,
            code="invalid",
        )

    @classmethod
    def missing(cls, path: str, expectation: Expectation) -> EventFormatError:
        return cls(
            f"{path} is missing: expected {expectation}", path=path, expectation=expectation, code="missing"
        )

    @classmethod
    def unreadable(cls, code: str, *, source: str = "", **params: object) -> EventFormatError:
        """A whole file that cannot be read, for a reason of :data:`FILE_PROBLEMS`."""
        return cls(FILE_PROBLEMS[code] % params, source=source, code=code, params=params)

    def __str__(self) -> str:
        return f"{self.source}: {self.detail}" if self.source else self.detail

    def __reduce__(self) -> tuple[object, ...]:
        # Keeps path, value and source when the error crosses a process boundary.
        return (type(self), (self.detail,), self.__dict__)


class ScheduleFormatError(EventFormatError):
    """A schedule file that does not follow the format."""


def _show(value: object) -> str:
    try:
        shown = json.dumps(value, ensure_ascii=False)
    except RecursionError:  # a value nested about a thousand levels deep
        shown = "[[[…]]]" if isinstance(value, list) else "{…}"
    except ValueError:  # an integer of more than 4,300 digits cannot be written out
        shown = "(a number of thousands of digits)"
    # A lone surrogate ("\ud800" in the JSON) cannot be written out as UTF-8: show it escaped.
    shown = shown.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(shown) > _SHOWN_VALUE_LENGTH:
        shown = shown[: _SHOWN_VALUE_LENGTH - 1] + "…"
    return shown


def _is_unicode(text: str) -> bool:
    """False for text holding a lone surrogate, which no database or page can store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- clock and dates ---------------------------------------------------------


def parse_clock(text: str) -> int:
    """``"09:30"`` -> 570 minutes after midnight; ``"24:00"`` is the end of the day."""
    if not isinstance(text, str) or not _CLOCK.fullmatch(text):
        raise ValueError(f"{text!r} is not a clock time HH:MM")
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def format_clock(minutes: int) -> str:
    """570 -> ``"09:30"``."""
    if not 0 <= minutes <= MINUTES_PER_DAY:
        raise ValueError(f"{minutes} minutes is not a time of day")
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _join(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


# --- typed access to the decoded JSON ------------------------------------------


class _Reader:
    """Reads typed values out of decoded JSON, raising errors that name the field."""

    def __init__(
        self, error: type[EventFormatError] = EventFormatError, grid: int = DEFAULT_GRID_MIN
    ) -> None:
        self.error = error
        self.grid = grid

    def invalid(self, path: str, value: object, expectation: Expectation) -> EventFormatError:
        return self.error.invalid(path, value, expectation)

    def obj(self, value: object, path: str, expectation: Expectation) -> Mapping[str, object]:
        if not isinstance(value, dict):
            raise self.invalid(path, value, expectation)
        return value

    def required(self, record: Mapping[str, object], key: str, path: str, expectation: Expectation) -> object:
        if key not in record:
            raise self.error.missing(_join(path, key), expectation)
        return record[key]

    def items(self, value: object, path: str, expectation: Expectation) -> list[object]:
        if not isinstance(value, list):
            raise self.invalid(path, value, expectation)
        return value

    def text(
        self,
        value: object,
        path: str,
        expectation: Expectation | None = None,
        *,
        allow_empty: bool = True,
        max_length: int = bounds.NAME_LENGTH,
    ) -> str:
        if not isinstance(value, str) or (not allow_empty and not value.strip()) or not _is_unicode(value):
            raise self.invalid(path, value, expectation or expect("text"))
        if len(value) > max_length:
            raise self.invalid(path, value, expect("text_max", maximum=max_length, length=len(value)))
        control = bounds.first_control_character(value)
        if control is not None:
            raise self.invalid(path, value, expect("text_control", code_point=f"{ord(control):04X}"))
        return value

    def ident(self, value: object, path: str) -> str:
        return self.text(value, path, expect("id"), allow_empty=False, max_length=bounds.ID_LENGTH)

    def texts(
        self,
        value: object,
        path: str,
        expectation: Expectation | None = None,
        *,
        max_length: int = bounds.TOPIC_LENGTH,
        max_items: int = bounds.TOPICS_PER_ITEM,
    ) -> tuple[str, ...]:
        items = self.items(value, path, expectation or expect("texts"))
        if len(items) > max_items:
            raise self.invalid(path, value, expect("items_max", maximum=max_items))
        return tuple(self.text(item, _join(path, i), max_length=max_length) for i, item in enumerate(items))

    def whole(self, value: object, path: str, expectation: Expectation, minimum: int, maximum: int) -> int:
        # JSON tools sometimes write 15.0 for 15; bool is an int in Python but not here.
        if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.invalid(path, value, expectation)
        if value > maximum:
            raise self.invalid(path, value, expect("number_max", maximum=maximum))
        return value

    def minutes(self, value: object, path: str, *, positive: bool) -> int:
        expectation = expect("minutes_positive" if positive else "minutes", grid=self.grid)
        minutes = self.whole(value, path, expectation, 1 if positive else 0, bounds.MAX_DURATION_MIN)
        if minutes % self.grid:
            raise self.invalid(path, value, expectation)
        return minutes

    def clock(self, value: object, path: str) -> int:
        expectation = expect("clock_on_grid", grid=self.grid) if self.grid > 1 else expect("clock")
        try:
            minutes = parse_clock(value)  # type: ignore[arg-type]
        except ValueError:
            raise self.invalid(path, value, expectation) from None
        if minutes % self.grid:
            raise self.invalid(path, value, expectation)
        return minutes

    def date(self, value: object, path: str) -> date:
        expectation = _DATE_EXPECTED
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            raise self.invalid(path, value, expectation)
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise self.invalid(path, value, expectation) from None
        if not bounds.FIRST_DATE <= day <= bounds.LAST_DATE:
            raise self.invalid(path, value, expectation)
        return day

    def span(self, record: Mapping[str, object], path: str) -> tuple[int, int]:
        """The ``start`` and ``end`` clock times of a record, start before end."""
        start = self.clock(self.required(record, "start", path, expect("clock")), _join(path, "start"))
        end_value = self.required(record, "end", path, expect("clock"))
        end = self.clock(end_value, _join(path, "end"))
        if end <= start:
            raise self.invalid(
                _join(path, "end"), end_value, expect("after_start", start=format_clock(start))
            )
        return start, end

    def unique_id(self, value: object, path: str, seen: set[str], section: str) -> str:
        ident = self.ident(value, path)
        if ident in seen:
            raise self.invalid(path, value, expect("unique_id", kind=_ONE_OF[section], section=section))
        seen.add(ident)
        return ident

    def reference(self, value: object, path: str, known: Iterable[str], section: str) -> str:
        ident = self.ident(value, path)
        if ident not in known:
            raise self.invalid(path, value, expect("reference", section=section))
        return ident

    def references(self, value: object, path: str, known: Iterable[str], section: str) -> tuple[str, ...]:
        items = self.items(value, path, expect("ids", section=section))
        found: list[str] = []
        for i, item in enumerate(items):
            ident = self.reference(item, _join(path, i), known, section)
            if ident in found:
                raise self.invalid(_join(path, i), item, expect("references_once", section=section))
            found.append(ident)
        return tuple(found)


_DAY_FIELDS = "{date, start, end, breaks}"
_PITCH_FIELDS = "{id, company, title, sector, city, topics, ...}"
_EXPERT_FIELDS = "{id, name, organisation, topics, ...}"
_LOCK_FIELDS = "{pitch, date, start, room} or {pitch, expert}"
_SESSION_FIELDS = "{pitch, date, start, end, room, panel}"
_INFO_FIELDS = expect("object", fields="{name, venue, timezone}")
_DEFAULT_FIELDS = expect("object", fields="{duration_min, qa_min, changeover_min}")
_PANEL_FIELDS = expect("object", fields="{size, required_organisations, max_per_organisation}")
_DAY_LIST = expect("list", fields=_DAY_FIELDS)
_ROOM_LIST = expect("list", fields="{id, name, capacity}")
_ORGANISATION_LIST = expect("list", fields="{id, name}")
_PITCH_LIST = expect("list", fields=_PITCH_FIELDS)
_EXPERT_LIST = expect("list", fields=_EXPERT_FIELDS)

# One record of each section of the file, as the English messages name it.
_ONE_OF = {"rooms": "room", "organisations": "organisation", "pitches": "pitch", "experts": "expert"}
_DATE_EXPECTED = expect("date", first=bounds.FIRST_DATE.isoformat(), last=bounds.LAST_DATE.isoformat())


# --- event file -> Event ---------------------------------------------------------


def parse_event(data: object) -> Event:
    """Check a decoded event file and build the :class:`Event`; raise :class:`EventFormatError`."""
    read = _Reader()
    top = read.obj(data, "", expect("event_file"))
    file_format = read.required(top, "format", "", expect("format", format=EVENT_FORMAT))
    if file_format != EVENT_FORMAT:
        code = "format_not_schedule" if file_format == SCHEDULE_FORMAT else "format"
        raise read.invalid("format", file_format, expect(code, format=EVENT_FORMAT))

    grid_min = None
    if "grid_min" in top:
        grid_min = read.whole(top["grid_min"], "grid_min", expect("grid_min"), 1, bounds.MAX_GRID_MIN)
        read.grid = grid_min

    info = _parse_info(read, read.required(top, "event", "", _INFO_FIELDS))
    days = _parse_days(read, read.required(top, "days", "", _DAY_LIST))
    day_dates = {day.date for day in days}
    rooms = _parse_rooms(read, read.required(top, "rooms", "", _ROOM_LIST))
    room_ids = {room.id for room in rooms}
    organisations = _parse_organisations(read, read.required(top, "organisations", "", _ORGANISATION_LIST))
    org_ids = {org.id for org in organisations}
    defaults = _parse_pitch_defaults(read, read.required(top, "pitch_defaults", "", _DEFAULT_FIELDS))
    panel = _parse_panel(read, read.required(top, "panel", "", _PANEL_FIELDS), org_ids)
    pitches = _parse_pitches(read, read.required(top, "pitches", "", _PITCH_LIST), day_dates, room_ids)
    pitch_ids = {pitch.id for pitch in pitches}
    experts = _parse_experts(
        read, read.required(top, "experts", "", _EXPERT_LIST), day_dates, org_ids, pitch_ids
    )
    experts_by_id = {expert.id: expert for expert in experts}

    locks = None
    if "locks" in top:
        locks = _parse_locks(read, top["locks"], day_dates, room_ids, pitch_ids, experts_by_id)
    previous = None
    if "previous" in top:
        previous = sessions_from_dicts(top["previous"], "previous")
        _check_previous_references(read, previous, pitch_ids, room_ids, experts_by_id.keys())
    weights = weights_given = None
    if "weights" in top:
        weights_given = _parse_weights(read, top["weights"])
        weights = Weights(**{Weights.FILE_KEYS[key]: value for key, value in weights_given})

    return Event(
        info=info,
        days=days,
        rooms=rooms,
        organisations=organisations,
        pitch_defaults=defaults,
        panel=panel,
        pitches=pitches,
        experts=experts,
        grid_min=grid_min,
        locks=locks,
        previous=previous,
        weights=weights,
        weights_given=weights_given,
    )


def _parse_info(read: _Reader, value: object) -> EventInfo:
    record = read.obj(value, "event", _INFO_FIELDS)
    name = read.text(read.required(record, "name", "event", expect("text")), "event.name")
    venue = read.text(read.required(record, "venue", "event", expect("text")), "event.venue")
    expected_zone = expect("timezone")
    timezone = read.text(
        read.required(record, "timezone", "event", expected_zone),
        "event.timezone",
        expected_zone,
        allow_empty=False,
        max_length=bounds.TIMEZONE_LENGTH,
    )
    known_zones = _known_time_zones()
    # Without a time zone database on the machine, trust the name rather than reject every file.
    if known_zones and timezone not in known_zones:
        raise read.invalid("event.timezone", timezone, expected_zone)
    return EventInfo(name=name, venue=venue, timezone=timezone)


@functools.cache
def _known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _parse_days(read: _Reader, value: object) -> tuple[Day, ...]:
    items = read.items(value, "days", _DAY_LIST)
    if not items:
        raise read.invalid("days", value, expect("a_day"))
    days: list[Day] = []
    for i, item in enumerate(items):
        path = _join("days", i)
        record = read.obj(item, path, expect("object", fields=_DAY_FIELDS))
        day_date = read.date(read.required(record, "date", path, _DATE_EXPECTED), _join(path, "date"))
        if any(day.date == day_date for day in days):
            raise read.invalid(_join(path, "date"), record["date"], expect("date_unique"))
        start, end = read.span(record, path)
        breaks = _parse_breaks(read, record.get("breaks", []), _join(path, "breaks"), start, end)
        days.append(Day(date=day_date, start=start, end=end, breaks=breaks))
    return tuple(days)


def _parse_breaks(read: _Reader, value: object, path: str, day_start: int, day_end: int) -> tuple[Break, ...]:
    items = read.items(value, path, expect("list", fields="{start, end, label}"))
    breaks: list[Break] = []
    for i, item in enumerate(items):
        break_path = _join(path, i)
        record = read.obj(item, break_path, expect("object", fields="{start, end, label}"))
        start, end = read.span(record, break_path)
        if start < day_start:
            raise read.invalid(
                _join(break_path, "start"),
                record["start"],
                expect("inside_day_from", start=format_clock(day_start)),
            )
        if end > day_end:
            raise read.invalid(
                _join(break_path, "end"),
                record["end"],
                expect("inside_day_until", end=format_clock(day_end)),
            )
        label = read.text(
            record.get("label", ""), _join(break_path, "label"), max_length=bounds.BREAK_LABEL_LENGTH
        )
        for j, other in enumerate(breaks):
            if start < other.end and other.start < end:
                raise read.invalid(
                    break_path,
                    f"{record['start']}-{record['end']}",
                    expect(
                        "break_apart", index=j, start=format_clock(other.start), end=format_clock(other.end)
                    ),
                )
        breaks.append(Break(start=start, end=end, label=label))
    return tuple(breaks)


def _parse_rooms(read: _Reader, value: object) -> tuple[Room, ...]:
    items = read.items(value, "rooms", _ROOM_LIST)
    if not items:
        raise read.invalid("rooms", value, expect("a_room"))
    seen: set[str] = set()
    rooms: list[Room] = []
    for i, item in enumerate(items):
        path = _join("rooms", i)
        record = read.obj(item, path, expect("object", fields="{id, name, capacity}"))
        room_id = read.unique_id(
            read.required(record, "id", path, expect("id")), _join(path, "id"), seen, "rooms"
        )
        name = read.text(read.required(record, "name", path, expect("text")), _join(path, "name"))
        capacity = None
        if "capacity" in record:
            capacity = read.whole(
                record["capacity"],
                _join(path, "capacity"),
                expect("seats"),
                1,
                bounds.MAX_CAPACITY,
            )
        rooms.append(Room(id=room_id, name=name, capacity=capacity))
    return tuple(rooms)


def _parse_organisations(read: _Reader, value: object) -> tuple[Organisation, ...]:
    items = read.items(value, "organisations", _ORGANISATION_LIST)
    seen: set[str] = set()
    organisations: list[Organisation] = []
    for i, item in enumerate(items):
        path = _join("organisations", i)
        record = read.obj(item, path, expect("object", fields="{id, name}"))
        org_id = read.unique_id(
            read.required(record, "id", path, expect("id")), _join(path, "id"), seen, "organisations"
        )
        name = read.text(read.required(record, "name", path, expect("text")), _join(path, "name"))
        organisations.append(Organisation(id=org_id, name=name))
    return tuple(organisations)


def _parse_pitch_defaults(read: _Reader, value: object) -> PitchDefaults:
    path = "pitch_defaults"
    record = read.obj(value, path, _DEFAULT_FIELDS)
    duration = read.minutes(
        read.required(record, "duration_min", path, expect("minutes_positive", grid=read.grid)),
        _join(path, "duration_min"),
        positive=True,
    )
    qa = changeover = None
    if "qa_min" in record:
        qa = read.minutes(record["qa_min"], _join(path, "qa_min"), positive=False)
    if "changeover_min" in record:
        changeover = read.minutes(record["changeover_min"], _join(path, "changeover_min"), positive=False)
    return PitchDefaults(duration_min=duration, qa_min=qa, changeover_min=changeover)


def _parse_panel(read: _Reader, value: object, org_ids: set[str]) -> PanelRules:
    path = "panel"
    record = read.obj(value, path, _PANEL_FIELDS)
    size = read.whole(
        read.required(record, "size", path, expect("experts")),
        _join(path, "size"),
        expect("experts"),
        1,
        bounds.MAX_PANEL_SIZE,
    )
    required = read.references(
        record.get("required_organisations", []),
        _join(path, "required_organisations"),
        org_ids,
        "organisations",
    )
    max_per_org = None
    if "max_per_organisation" in record:
        max_per_org = read.whole(
            record["max_per_organisation"],
            _join(path, "max_per_organisation"),
            expect("experts"),
            1,
            bounds.MAX_PANEL_SIZE,
        )
    return PanelRules(size=size, required_organisations=required, max_per_organisation=max_per_org)


def _parse_windows(read: _Reader, value: object, path: str, day_dates: set[date]) -> tuple[Window, ...]:
    items = read.items(value, path, expect("list", fields="{date, start, end}"))
    windows: list[Window] = []
    for i, item in enumerate(items):
        window_path = _join(path, i)
        record = read.obj(item, window_path, expect("object", fields="{date, start, end}"))
        date_value = read.required(record, "date", window_path, _DATE_EXPECTED)
        window_date = read.date(date_value, _join(window_path, "date"))
        if window_date not in day_dates:
            raise read.invalid(_join(window_path, "date"), date_value, expect("event_date"))
        start, end = read.span(record, window_path)
        windows.append(Window(date=window_date, start=start, end=end))
    return tuple(windows)


def _parse_pitches(
    read: _Reader, value: object, day_dates: set[date], room_ids: set[str]
) -> tuple[Pitch, ...]:
    items = read.items(value, "pitches", _PITCH_LIST)
    seen: set[str] = set()
    pitches: list[Pitch] = []
    for i, item in enumerate(items):
        path = _join("pitches", i)
        record = read.obj(item, path, expect("object", fields=_PITCH_FIELDS))
        pitch_id = read.unique_id(
            read.required(record, "id", path, expect("id")), _join(path, "id"), seen, "pitches"
        )
        company, title, sector, city = (
            read.text(
                read.required(record, key, path, expect("text")),
                _join(path, key),
                max_length=length,
            )
            for key, length in (
                ("company", bounds.NAME_LENGTH),
                ("title", bounds.TITLE_LENGTH),
                ("sector", bounds.SECTOR_LENGTH),
                ("city", bounds.CITY_LENGTH),
            )
        )
        topics = read.texts(record.get("topics", []), _join(path, "topics"), expect("topics"))
        duration = qa = available = rooms = None
        if "duration_min" in record:
            duration = read.minutes(record["duration_min"], _join(path, "duration_min"), positive=True)
        if "qa_min" in record:
            qa = read.minutes(record["qa_min"], _join(path, "qa_min"), positive=False)
        if "available" in record:
            available = _parse_windows(read, record["available"], _join(path, "available"), day_dates)
        if "rooms" in record:
            rooms = read.references(record["rooms"], _join(path, "rooms"), room_ids, "rooms")
        pitches.append(
            Pitch(
                id=pitch_id,
                company=company,
                title=title,
                sector=sector,
                city=city,
                topics=topics,
                duration_min=duration,
                qa_min=qa,
                available=available,
                rooms=rooms,
            )
        )
    return tuple(pitches)


def _parse_experts(
    read: _Reader, value: object, day_dates: set[date], org_ids: set[str], pitch_ids: set[str]
) -> tuple[Expert, ...]:
    items = read.items(value, "experts", _EXPERT_LIST)
    seen: set[str] = set()
    experts: list[Expert] = []
    for i, item in enumerate(items):
        path = _join("experts", i)
        record = read.obj(item, path, expect("object", fields=_EXPERT_FIELDS))
        expert_id = read.unique_id(
            read.required(record, "id", path, expect("id")), _join(path, "id"), seen, "experts"
        )
        name = read.text(read.required(record, "name", path, expect("text")), _join(path, "name"))
        organisation = read.reference(
            read.required(record, "organisation", path, expect("reference", section="organisations")),
            _join(path, "organisation"),
            org_ids,
            "organisations",
        )
        topics = read.texts(record.get("topics", []), _join(path, "topics"), expect("topics"))
        available = min_pitches = max_pitches = conflicts = None
        if "available" in record:
            available = _parse_windows(read, record["available"], _join(path, "available"), day_dates)
        if "min_pitches" in record:
            min_pitches = read.whole(
                record["min_pitches"],
                _join(path, "min_pitches"),
                expect("pitches"),
                0,
                bounds.MAX_PITCHES_PER_EXPERT,
            )
        if "max_pitches" in record:
            max_pitches = read.whole(
                record["max_pitches"],
                _join(path, "max_pitches"),
                expect("pitches"),
                0,
                bounds.MAX_PITCHES_PER_EXPERT,
            )
            if min_pitches is not None and max_pitches < min_pitches:
                raise read.invalid(
                    _join(path, "max_pitches"),
                    record["max_pitches"],
                    expect("not_below_min_pitches", minimum=min_pitches),
                )
        if "conflicts" in record:
            conflicts = read.references(record["conflicts"], _join(path, "conflicts"), pitch_ids, "pitches")
        experts.append(
            Expert(
                id=expert_id,
                name=name,
                organisation=organisation,
                topics=topics,
                available=available,
                min_pitches=min_pitches,
                max_pitches=max_pitches,
                conflicts=conflicts,
            )
        )
    return tuple(experts)


def _parse_locks(
    read: _Reader,
    value: object,
    day_dates: set[date],
    room_ids: set[str],
    pitch_ids: set[str],
    experts_by_id: Mapping[str, Expert],
) -> tuple[Lock, ...]:
    items = read.items(value, "locks", expect("list", fields=_LOCK_FIELDS))
    locks: list[Lock] = []
    for i, item in enumerate(items):
        path = _join("locks", i)
        record = read.obj(item, path, expect("object", fields=_LOCK_FIELDS))
        pitch = read.reference(
            read.required(record, "pitch", path, expect("reference", section="pitches")),
            _join(path, "pitch"),
            pitch_ids,
            "pitches",
        )
        slot_keys = [key for key in ("date", "start", "room") if key in record]
        if "expert" in record:
            if slot_keys:
                raise read.invalid(
                    _join(path, slot_keys[0]),
                    record[slot_keys[0]],
                    expect("lock_one_kind"),
                )
            expert_path = _join(path, "expert")
            expert_id = read.reference(record["expert"], expert_path, experts_by_id.keys(), "experts")
            if pitch in experts_by_id[expert_id].conflict_set:
                raise read.invalid(expert_path, expert_id, expect("expert_without_conflict", pitch=pitch))
            locks.append(PanelLock(pitch=pitch, expert=expert_id))
            continue
        if not slot_keys:
            raise read.invalid(path, record, expect("lock_pins"))
        lock_date = start = room = None
        if "date" in record:
            lock_date = read.date(record["date"], _join(path, "date"))
            if lock_date not in day_dates:
                raise read.invalid(_join(path, "date"), record["date"], expect("event_date"))
        if "start" in record:
            start = read.clock(record["start"], _join(path, "start"))
            if start == MINUTES_PER_DAY:
                raise read.invalid(_join(path, "start"), record["start"], expect("clock_before_midnight"))
        if "room" in record:
            room = read.reference(record["room"], _join(path, "room"), room_ids, "rooms")
        locks.append(SlotLock(pitch=pitch, date=lock_date, start=start, room=room))
    return tuple(locks)


def _check_previous_references(
    read: _Reader,
    previous: Sequence[Session],
    pitch_ids: set[str],
    room_ids: set[str],
    expert_ids: Iterable[str],
) -> None:
    expert_ids = set(expert_ids)
    seen: set[str] = set()
    for i, session in enumerate(previous):
        path = _join("previous", i)
        read.reference(session.pitch, _join(path, "pitch"), pitch_ids, "pitches")
        if session.pitch in seen:
            raise read.invalid(_join(path, "pitch"), session.pitch, expect("once_in_previous"))
        seen.add(session.pitch)
        read.reference(session.room, _join(path, "room"), room_ids, "rooms")
        for j, expert in enumerate(session.panel):
            read.reference(expert, _join(_join(path, "panel"), j), expert_ids, "experts")


def _parse_weights(read: _Reader, value: object) -> tuple[tuple[str, int], ...]:
    names = ", ".join(Weights.FILE_KEYS)
    record = read.obj(value, "weights", expect("weights", names=names))
    given: list[tuple[str, int]] = []
    for key, weight in record.items():
        path = _join("weights", key)
        if key not in Weights.FILE_KEYS:
            raise read.invalid(path, weight, expect("weight_key", names=names, key=key))
        given.append((key, read.whole(weight, path, expect("weight"), 0, bounds.MAX_WEIGHT)))
    return tuple(given)


def load_event(path: str | PathLike[str]) -> Event:
    """Read and check an event file; every problem is an :class:`EventFormatError` naming the file."""
    data = _load_json(path, EventFormatError)
    try:
        return parse_event(data)
    except EventFormatError as error:
        error.source = str(path)
        raise


def _load_json(path: str | PathLike[str], error: type[EventFormatError]) -> object:
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise error.unreadable("no_such_file", source=source) from None
    except IsADirectoryError:
        raise error.unreadable("is_directory", source=source) from None
    except PermissionError:
        raise error.unreadable("permission_denied", source=source) from None
    except OSError as os_error:
        raise error.unreadable(
            "cannot_read", source=source, reason=os_error.strerror or str(os_error)
        ) from None
    return read_json(raw, error, source=source)


def read_json(raw: bytes, error: type[EventFormatError] = EventFormatError, *, source: str = "") -> object:
    """The one reader of event and schedule files (the CLI, the web import, ``load_event``).

    UTF-8 (a byte order mark allowed: some Windows editors write one); a key twice in one
    object, NaN/Infinity, numbers of thousands of digits and nesting deeper than Python's
    parser goes are refused, each with a one-line reason.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error.unreadable("utf16", source=source)
    try:
        # utf-8-sig: files saved by some Windows editors start with a byte order mark.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as decode_error:
        raise error.unreadable("not_utf8", source=source, byte=decode_error.start + 1) from None
    if "\x00" in text:
        raise error.unreadable("nul_bytes", source=source)
    try:
        return json.loads(text, object_pairs_hook=_object_without_duplicate_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as decode_error:
        raise error.unreadable(
            "json_syntax",
            source=source,
            line=decode_error.lineno,
            column=decode_error.colno,
            reason=decode_error.msg,
        ) from None
    except _DuplicateKey as duplicate:
        raise error.unreadable("duplicate_key", source=source, key=_show(duplicate.key)[1:-1]) from None
    except _ForbiddenConstant as constant:
        raise error.unreadable("json_constant", source=source, name=constant.name) from None
    except RecursionError:
        raise error.unreadable("too_deep", source=source) from None
    except ValueError:  # Python refuses to convert an integer of more than 4,300 digits
        raise error.unreadable("too_many_digits", source=source) from None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


class _ForbiddenConstant(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


def _object_without_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    record: dict[str, object] = {}
    for key, value in pairs:
        if key in record:
            raise _DuplicateKey(key)
        record[key] = value
    return record


def _no_constant(name: str) -> object:
    raise _ForbiddenConstant(name)


# --- Event -> event file -----------------------------------------------------------


def event_to_dict(event: Event) -> dict[str, object]:
    """The event file for ``event``: the exact inverse of :func:`parse_event`."""
    data: dict[str, object] = {
        "format": EVENT_FORMAT,
        "event": {"name": event.info.name, "venue": event.info.venue, "timezone": event.info.timezone},
    }
    if event.grid_min is not None:
        data["grid_min"] = event.grid_min
    data["days"] = [
        {
            "date": day.date.isoformat(),
            "start": format_clock(day.start),
            "end": format_clock(day.end),
            "breaks": [
                {"start": format_clock(b.start), "end": format_clock(b.end), "label": b.label}
                for b in day.breaks
            ],
        }
        for day in event.days
    ]
    data["rooms"] = [
        _without_none({"id": room.id, "name": room.name, "capacity": room.capacity}) for room in event.rooms
    ]
    data["organisations"] = [{"id": org.id, "name": org.name} for org in event.organisations]
    defaults = event.pitch_defaults
    data["pitch_defaults"] = _without_none(
        {
            "duration_min": defaults.duration_min,
            "qa_min": defaults.qa_min,
            "changeover_min": defaults.changeover_min,
        }
    )
    data["panel"] = _without_none(
        {
            "size": event.panel.size,
            "required_organisations": list(event.panel.required_organisations),
            "max_per_organisation": event.panel.max_per_organisation,
        }
    )
    data["pitches"] = [_pitch_to_dict(pitch) for pitch in event.pitches]
    data["experts"] = [_expert_to_dict(expert) for expert in event.experts]
    if event.locks is not None:
        data["locks"] = [_lock_to_dict(lock) for lock in event.locks]
    if event.previous is not None:
        data["previous"] = sessions_to_dicts(event.previous)
    if event.weights is not None:
        data["weights"] = _weights_to_dict(event)
    return data


def _without_none(record: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in record.items() if value is not None}


def _windows_to_dicts(windows: tuple[Window, ...] | None) -> list[dict[str, str]] | None:
    if windows is None:
        return None
    return [
        {"date": w.date.isoformat(), "start": format_clock(w.start), "end": format_clock(w.end)}
        for w in windows
    ]


def _optional_list(values: tuple[str, ...] | None) -> list[str] | None:
    return None if values is None else list(values)


def _pitch_to_dict(pitch: Pitch) -> dict[str, object]:
    return _without_none(
        {
            "id": pitch.id,
            "company": pitch.company,
            "title": pitch.title,
            "sector": pitch.sector,
            "city": pitch.city,
            "topics": list(pitch.topics),
            "duration_min": pitch.duration_min,
            "qa_min": pitch.qa_min,
            "available": _windows_to_dicts(pitch.available),
            "rooms": _optional_list(pitch.rooms),
        }
    )


def _expert_to_dict(expert: Expert) -> dict[str, object]:
    return _without_none(
        {
            "id": expert.id,
            "name": expert.name,
            "organisation": expert.organisation,
            "topics": list(expert.topics),
            "available": _windows_to_dicts(expert.available),
            "min_pitches": expert.min_pitches,
            "max_pitches": expert.max_pitches,
            "conflicts": _optional_list(expert.conflicts),
        }
    )


def _lock_to_dict(lock: Lock) -> dict[str, object]:
    if isinstance(lock, PanelLock):
        return {"pitch": lock.pitch, "expert": lock.expert}
    return _without_none(
        {
            "pitch": lock.pitch,
            "date": lock.date.isoformat() if lock.date is not None else None,
            "start": format_clock(lock.start) if lock.start is not None else None,
            "room": lock.room,
        }
    )


def _weights_to_dict(event: Event) -> dict[str, int]:
    weights = event.objective_weights
    if event.weights_given is not None:
        # Only the keys the organiser wrote, with their current values.
        return {key: getattr(weights, Weights.FILE_KEYS[key]) for key, _ in event.weights_given}
    return {key: getattr(weights, name) for key, name in Weights.FILE_KEYS.items()}


# --- sessions ---------------------------------------------------------------------


def sessions_to_dicts(sessions: Iterable[Session]) -> list[dict[str, object]]:
    """Sessions as the schedule file (and the event's ``previous``) write them."""
    return [
        {
            "pitch": s.pitch,
            "date": s.date.isoformat(),
            "start": format_clock(s.start),
            "end": format_clock(s.end),
            "room": s.room,
            "panel": list(s.panel),
        }
        for s in sessions
    ]


def sessions_from_dicts(
    value: object, path: str = "sessions", error: type[EventFormatError] = EventFormatError
) -> tuple[Session, ...]:
    """Read a ``sessions`` list; references to the event are checked elsewhere."""
    # Any grid: a schedule's times are checked against its event by scheduler.validate.
    read = _Reader(error, grid=1)
    items = read.items(value, path, expect("list", fields=_SESSION_FIELDS))
    sessions: list[Session] = []
    for i, item in enumerate(items):
        session_path = _join(path, i)
        record = read.obj(item, session_path, expect("object", fields=_SESSION_FIELDS))
        pitch = read.ident(
            read.required(record, "pitch", session_path, expect("id")), _join(session_path, "pitch")
        )
        session_date = read.date(
            read.required(record, "date", session_path, _DATE_EXPECTED), _join(session_path, "date")
        )
        start, end = read.span(record, session_path)
        room = read.ident(
            read.required(record, "room", session_path, expect("id")), _join(session_path, "room")
        )
        panel_path = _join(session_path, "panel")
        panel_items = read.items(
            read.required(record, "panel", session_path, expect("ids", section="experts")),
            panel_path,
            expect("ids", section="experts"),
        )
        panel = tuple(read.ident(expert, _join(panel_path, j)) for j, expert in enumerate(panel_items))
        sessions.append(Session(pitch=pitch, date=session_date, start=start, end=end, room=room, panel=panel))
    return tuple(sessions)


# --- Result <-> schedule file --------------------------------------------------------


def result_to_dict(result: Result) -> dict[str, object]:
    """The schedule file for ``result``.

    The spec's row "``score``: the objective above, and ``terms``: each term's
    value" is read as one object: ``"score": {"total": <objective>, "terms":
    {"topic_match": ..., "load_spread": ..., "room_changes": ..., "sector_clash":
    ..., "changes_from_previous": ...}}``, ``null`` when there is no schedule.
    Added beside the spec's fields: ``changes``, one ``{pitch, moved,
    experts_removed, experts_added}`` per pitch a re-plan changed.
    """
    score = None
    if result.score is not None:
        terms = result.terms or ScoreTerms()
        score = {"total": result.score, "terms": {name: getattr(terms, name) for name in _TERM_NAMES}}
    return {
        "format": SCHEDULE_FORMAT,
        "status": result.status.value,
        "score": score,
        "best_bound": result.best_bound,
        "solve_seconds": round(result.solve_seconds, 3),
        "sessions": sessions_to_dicts(result.sessions),
        "conflicts": [
            {"rule": c.rule, "message": c.message, "involves": list(c.involves)} for c in result.conflicts
        ],
        "changes": [
            {
                "pitch": c.pitch,
                "moved": c.moved,
                "experts_removed": list(c.experts_removed),
                "experts_added": list(c.experts_added),
            }
            for c in result.changes
        ],
    }


def parse_result(data: object) -> Result:
    """Check a decoded schedule file and build the :class:`Result`; the inverse of :func:`result_to_dict`.

    ``format``, ``status`` and ``sessions`` are required; the other fields may be
    left out of a hand-written file.
    """
    read = _Reader(ScheduleFormatError, grid=1)
    top = read.obj(data, "", expect("schedule_file"))
    file_format = read.required(top, "format", "", expect("format", format=SCHEDULE_FORMAT))
    if file_format != SCHEDULE_FORMAT:
        code = "format_not_event" if file_format == EVENT_FORMAT else "format"
        raise read.invalid("format", file_format, expect(code, format=SCHEDULE_FORMAT))
    statuses = expect("status", statuses=", ".join(f'"{status.value}"' for status in Status))
    status_value = read.required(top, "status", "", statuses)
    try:
        status = Status(status_value)
    except ValueError:
        raise read.invalid("status", status_value, statuses) from None
    sessions = sessions_from_dicts(
        read.required(top, "sessions", "", expect("sessions")),
        "sessions",
        ScheduleFormatError,
    )
    score, terms = _parse_score(read, top.get("score"))
    best_bound = top.get("best_bound")
    if best_bound is not None:
        best_bound = read.whole(best_bound, "best_bound", expect("whole_or_null"), -(2**63), 2**63 - 1)
    seconds = top.get("solve_seconds", 0.0)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise read.invalid("solve_seconds", seconds, expect("seconds"))
    return Result(
        status=status,
        sessions=sessions,
        score=score,
        terms=terms,
        best_bound=best_bound,
        solve_seconds=float(seconds),
        conflicts=_parse_conflicts(read, top.get("conflicts", [])),
        changes=_parse_changes(read, top.get("changes", [])),
    )


def parse_schedule(data: object) -> tuple[Session, ...]:
    """The sessions of a decoded schedule file, after checking the whole file."""
    return parse_result(data).sessions


def load_schedule(path: str | PathLike[str]) -> Result:
    """Read and check a schedule file; every problem is a :class:`ScheduleFormatError` naming the file."""
    data = _load_json(path, ScheduleFormatError)
    try:
        return parse_result(data)
    except EventFormatError as error:
        error.source = str(path)
        raise


def _parse_score(read: _Reader, value: object) -> tuple[int | None, ScoreTerms | None]:
    if value is None:
        return None, None
    record = read.obj(value, "score", expect("object", fields="{total, terms}"))
    total = read.whole(
        read.required(record, "total", "score", expect("whole")),
        "score.total",
        expect("whole"),
        -(2**63),
        2**63 - 1,
    )
    term_fields = expect("object", fields="{" + ", ".join(_TERM_NAMES) + "}")
    terms_record = read.obj(read.required(record, "terms", "score", term_fields), "score.terms", term_fields)
    values = {}
    for name in _TERM_NAMES:
        values[name] = read.whole(
            read.required(terms_record, name, "score.terms", expect("weight")),
            _join("score.terms", name),
            expect("weight"),
            0,
            2**63 - 1,
        )
    return total, ScoreTerms(**values)


def _parse_conflicts(read: _Reader, value: object) -> tuple[Conflict, ...]:
    items = read.items(value, "conflicts", expect("list", fields="{rule, message, involves}"))
    conflicts = []
    for i, item in enumerate(items):
        path = _join("conflicts", i)
        record = read.obj(item, path, expect("object", fields="{rule, message, involves}"))
        conflicts.append(
            Conflict(
                rule=read.ident(read.required(record, "rule", path, expect("id")), _join(path, "rule")),
                message=read.text(
                    read.required(record, "message", path, expect("sentence")), _join(path, "message")
                ),
                involves=read.texts(record.get("involves", []), _join(path, "involves")),
            )
        )
    return tuple(conflicts)


def _parse_changes(read: _Reader, value: object) -> tuple[Change, ...]:
    change_fields = "{pitch, moved, experts_removed, experts_added}"
    items = read.items(value, "changes", expect("list", fields=change_fields))
    changes = []
    for i, item in enumerate(items):
        path = _join("changes", i)
        record = read.obj(item, path, expect("object", fields=change_fields))
        moved = read.required(record, "moved", path, expect("boolean"))
        if not isinstance(moved, bool):
            raise read.invalid(_join(path, "moved"), moved, expect("boolean"))
        changes.append(
            Change(
                pitch=read.ident(read.required(record, "pitch", path, expect("id")), _join(path, "pitch")),
                moved=moved,
                experts_removed=read.texts(
                    record.get("experts_removed", []),
                    _join(path, "experts_removed"),
                    expect("ids", section="experts"),
                ),
                experts_added=read.texts(
                    record.get("experts_added", []),
                    _join(path, "experts_added"),
                    expect("ids", section="experts"),
                ),
            )
        )
    return tuple(changes)
