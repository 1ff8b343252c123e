"""The scheduler's input and output: frozen, typed dataclasses.

These mirror the public event and schedule formats (``shared/event-format.md``).
Times are minutes after midnight on the event's local clock, dates are
``datetime.date``.  Optional fields of the file format stay ``None`` here when
they were absent, so that an event read from a file writes back the same file.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

MINUTES_PER_DAY = 24 * 60


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


@dataclass(frozen=True)
class EventInfo:
    name: str
    venue: str
    timezone: str


@dataclass(frozen=True)
class Window:
    """A stretch of time on one date: ``[start, end)`` in minutes after midnight."""

    date: date
    start: int
    end: int

    def __post_init__(self) -> None:
        _require(
            0 <= self.start < self.end <= MINUTES_PER_DAY,
            f"window {self.date} {self.start}-{self.end}: start must come before end",
        )

    def contains(self, day: date, start: int, end: int) -> bool:
        return day == self.date and self.start <= start and end <= self.end


@dataclass(frozen=True)
class Break:
    start: int
    end: int
    label: str = ""


@dataclass(frozen=True)
class Day:
    date: date
    start: int
    end: int
    breaks: tuple[Break, ...] = ()

    def __post_init__(self) -> None:
        _require(
            0 <= self.start < self.end <= MINUTES_PER_DAY, f"day {self.date}: start must come before end"
        )
        for pause in self.breaks:
            _require(
                pause.start < pause.end, f"day {self.date}: break '{pause.label}' must start before it ends"
            )


@dataclass(frozen=True)
class Room:
    id: str
    name: str
    capacity: int | None = None


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str


@dataclass(frozen=True)
class PitchDefaults:
    duration_min: int
    qa_min: int | None = None
    changeover_min: int | None = None

    @property
    def qa(self) -> int:
        return self.qa_min or 0

    @property
    def changeover(self) -> int:
        return self.changeover_min or 0


@dataclass(frozen=True)
class PanelRules:
    size: int
    required_organisations: tuple[str, ...] = ()
    max_per_organisation: int | None = None

    @property
    def max_per_org(self) -> int:
        return self.size if self.max_per_organisation is None else self.max_per_organisation


@dataclass(frozen=True)
class Pitch:
    id: str
    company: str
    title: str
    sector: str
    city: str
    topics: tuple[str, ...] = ()
    duration_min: int | None = None
    qa_min: int | None = None
    available: tuple[Window, ...] | None = None  # None: any time of the event
    rooms: tuple[str, ...] | None = None  # None: any room


@dataclass(frozen=True)
class Expert:
    id: str
    name: str
    organisation: str
    topics: tuple[str, ...] = ()
    available: tuple[Window, ...] | None = None  # None: the whole event
    min_pitches: int | None = None
    max_pitches: int | None = None
    conflicts: tuple[str, ...] | None = None

    @property
    def min_load(self) -> int:
        return self.min_pitches or 0

    @property
    def conflict_set(self) -> frozenset[str]:
        return frozenset(self.conflicts or ())


@dataclass(frozen=True)
class SlotLock:
    """Pins a pitch's date, start and/or room; a ``None`` part stays free."""

    pitch: str
    date: date | None = None
    start: int | None = None
    room: str | None = None


@dataclass(frozen=True)
class PanelLock:
    """Pins an expert on a pitch's panel."""

    pitch: str
    expert: str


Lock = SlotLock | PanelLock


@dataclass(frozen=True)
class Session:
    """One pitch placed: when, where, and who judges it."""

    pitch: str
    date: date
    start: int
    end: int
    room: str
    panel: tuple[str, ...]


@dataclass(frozen=True)
class Weights:
    topic_match: int = 10
    load_spread: int = 5
    room_changes: int = 2
    sector_clash: int = 3
    changes_from_previous: int = 20

    # The file format names the weights w_tm, w_ls, ...
    FILE_KEYS: ClassVar[dict[str, str]] = {
        "w_tm": "topic_match",
        "w_ls": "load_spread",
        "w_rc": "room_changes",
        "w_sc": "sector_clash",
        "w_cp": "changes_from_previous",
    }


@dataclass(frozen=True)
class Event:
    info: EventInfo
    days: tuple[Day, ...]
    rooms: tuple[Room, ...]
    organisations: tuple[Organisation, ...]
    pitch_defaults: PitchDefaults
    panel: PanelRules
    pitches: tuple[Pitch, ...]
    experts: tuple[Expert, ...]
    grid_min: int | None = None
    locks: tuple[Lock, ...] | None = None
    previous: tuple[Session, ...] | None = None
    weights: Weights | None = None
    # The weights as given in the file (only the keys present), for a faithful export.
    weights_given: tuple[tuple[str, int], ...] | None = field(default=None, compare=False)

    @property
    def grid(self) -> int:
        return self.grid_min or 5

    @property
    def objective_weights(self) -> Weights:
        return self.weights or Weights()

    def pitch_length(self, pitch: Pitch) -> int:
        """Minutes the pitch occupies its room: talk plus questions."""
        duration = pitch.duration_min if pitch.duration_min is not None else self.pitch_defaults.duration_min
        qa = pitch.qa_min if pitch.qa_min is not None else self.pitch_defaults.qa
        return duration + qa

    @property
    def changeover(self) -> int:
        return self.pitch_defaults.changeover

    def pitch_by_id(self) -> dict[str, Pitch]:
        return {p.id: p for p in self.pitches}

    def expert_by_id(self) -> dict[str, Expert]:
        return {e.id: e for e in self.experts}


class Status(enum.StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"

    @property
    def has_schedule(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE)


@dataclass(frozen=True)
class ScoreTerms:
    topic_match: int = 0
    load_spread: int = 0
    room_changes: int = 0
    sector_clash: int = 0
    changes_from_previous: int = 0

    def total(self, weights: Weights) -> int:
        return (
            self.topic_match * weights.topic_match
            - self.load_spread * weights.load_spread
            - self.room_changes * weights.room_changes
            - self.sector_clash * weights.sector_clash
            - self.changes_from_previous * weights.changes_from_previous
        )


@dataclass(frozen=True)
class Conflict:
    """One reason why no schedule exists, in an organiser's words."""

    rule: str
    message: str
    involves: tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    """What a re-plan changed for one pitch compared with ``previous``."""

    pitch: str
    moved: bool
    experts_removed: tuple[str, ...] = ()
    experts_added: tuple[str, ...] = ()


@dataclass(frozen=True)
class Progress:
    """Reported to ``on_progress`` at each better schedule found."""

    score: int
    bound: int
    elapsed: float
    # The schedule itself, so that a caller can keep the best so far if its process is lost mid-solve.
    sessions: tuple[Session, ...] = ()

    @property
    def gap(self) -> float:
        """Relative distance to the bound, 0.0 when proved optimal."""
        if self.bound == self.score:
            return 0.0
        return abs(self.bound - self.score) / max(1, abs(self.bound))


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class Result:
    status: Status
    sessions: tuple[Session, ...] = ()
    score: int | None = None
    terms: ScoreTerms | None = None
    best_bound: int | None = None
    solve_seconds: float = 0.0
    conflicts: tuple[Conflict, ...] = ()
    changes: tuple[Change, ...] = ()
