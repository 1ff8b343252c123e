"""An event made in the browser, step by step, without an event file.

The guided creation gathers what an event file holds (name, venue and time zone; days and
breaks; rooms; partner organisations and panel rules) plus the scoring rubric, one step at a
time, in a *draft*: a fragment of an event file kept in the visitor's session until the last
step. Each step is checked by the one reader of event files (``scheduler.io.parse_event``),
the parts not yet given replaced by placeholders that always pass, so that a wizard field obeys
exactly the rules of an imported file; the last step creates the event with
``event_io.import_event`` (the importer of event files) and the rubric with
``editing.save_criterion`` (the rubric's rules), and makes its creator the owner. Pitches and
experts come afterwards, from the editing pages or the CSV import.

A refusal is a :class:`CreationError` carrying the step's row and field it concerns, so that the
page shows it beside what the organiser typed. The views keep a step in the session only once it
is accepted, so a refused step leaves the draft as it was and the page as it was typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date

from flask_babel import gettext as _

from pitchday.models import Event, Organiser
from pitchday.services import editing, event_io, rubric, teams
from scheduler import io as sio

# The steps, in order: each one's name is also its URL part.
STEPS = ("evenement", "jours", "salles", "jury", "grille")

# What each step fills in the event file: a refusal whose path starts with one of these is this step's.
_SECTIONS = {
    "evenement": ("event",),
    "jours": ("days",),
    "salles": ("rooms",),
    "jury": ("organisations", "pitch_defaults", "panel"),
}

DEFAULT_TIMEZONE = "Europe/Paris"
DEFAULT_PITCH = {"duration_min": 15, "qa_min": 10, "changeover_min": 5}
DEFAULT_PANEL_SIZE = 3

# Always valid, whatever the other parts hold: they stand for the steps not yet given.
_PLACEHOLDERS = {
    "event": {"name": "", "venue": "", "timezone": "UTC"},
    "days": [{"date": "2000-01-01", "start": "00:00", "end": "24:00"}],
    "rooms": [{"id": "room", "name": "room"}],
    "organisations": [],
    "pitch_defaults": {"duration_min": 5},
    "panel": {"size": 1},
}

_PATH_ROW = re.compile(r"^(?P<section>[a-z_]+)(?:\[(?P<row>\d+)\])?(?:\.(?P<rest>.*))?$")


class CreationError(ValueError):
    """A step refused: the message in the visitor's language, and where it belongs on the page."""

    def __init__(self, message: str, *, section: str = "", row: int | None = None, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.section = section  # the event file's part, e.g. "days"
        self.row = row  # which of the step's rows (days, rooms, organisations), when it is one
        self.field = field  # the row's field in the event file's words, e.g. "breaks[0].start"


# --- what each step takes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakInput:
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class DayInput:
    date: date
    start: int
    end: int
    breaks: tuple[BreakInput, ...] = ()


@dataclass(frozen=True)
class RoomInput:
    name: str
    capacity: int | None = None


@dataclass(frozen=True)
class OrganisationInput:
    name: str
    required: bool = False


@dataclass(frozen=True)
class PanelInput:
    organisations: tuple[OrganisationInput, ...]
    size: int
    max_per_organisation: int | None
    duration_min: int
    qa_min: int | None
    changeover_min: int | None


@dataclass(frozen=True)
class CriterionInput:
    label: str
    weight: float
    description: str = ""
    scale_min: int = 0
    scale_max: int = 10


@dataclass
class Draft:
    """The event file being written, as JSON (it lives in the session), and the steps already given."""

    event: dict = field(default_factory=lambda: {"name": "", "venue": "", "timezone": DEFAULT_TIMEZONE})
    days: list = field(default_factory=list)
    rooms: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    pitch_defaults: dict = field(default_factory=lambda: dict(DEFAULT_PITCH))
    panel: dict = field(default_factory=lambda: {"size": DEFAULT_PANEL_SIZE, "required_organisations": []})
    rubric: list = field(
        default_factory=lambda: [
            asdict(CriterionInput(label=label, weight=weight, description=description))
            for label, description, weight in rubric.DEFAULT_RUBRIC
        ]
    )
    done: list = field(default_factory=list)

    @classmethod
    def from_session(cls, stored: object) -> Draft:
        """The draft kept in the session, or a fresh one when there is none (or it is unreadable)."""
        if isinstance(stored, dict):
            try:
                return cls(**stored)
            except TypeError:
                pass
        return cls()

    def to_session(self) -> dict:
        return asdict(self)

    def first_missing_step(self) -> str:
        """The first step not yet given (the last one when all the others are)."""
        return next((step for step in STEPS if step not in self.done), STEPS[-1])

    def may_open(self, step: str) -> bool:
        """A step opens once every step before it has been given."""
        return all(earlier in self.done for earlier in STEPS[: STEPS.index(step)])

    def event_file(self) -> dict:
        """The event file the draft describes: no pitches, no experts yet."""
        return {
            "format": sio.EVENT_FORMAT,
            "event": self.event,
            "days": self.days,
            "rooms": self.rooms,
            "organisations": self.organisations,
            "pitch_defaults": self.pitch_defaults,
            "panel": self.panel,
            "pitches": [],
            "experts": [],
        }


# --- the steps ---------------------------------------------------------------------------------------


def breaks_from_text(text: str) -> tuple[BreakInput, ...]:
    """A day's breaks as typed on the day pages (« 12:30-14:00 Déjeuner », one per line)."""
    try:
        return tuple(BreakInput(start, end, label) for start, end, label in editing.parse_breaks(text))
    except editing.EditError as error:
        raise CreationError(str(error), section="days", field="breaks") from None


def give_event(draft: Draft, *, name: str, venue: str, timezone: str) -> None:
    draft.event = {"name": name.strip(), "venue": venue.strip(), "timezone": timezone}
    _check(draft, "evenement")


def give_days(draft: Draft, days: list[DayInput]) -> None:
    draft.days = [
        {
            "date": day.date.isoformat(),
            "start": sio.format_clock(day.start),
            "end": sio.format_clock(day.end),
            "breaks": [
                {"start": sio.format_clock(b.start), "end": sio.format_clock(b.end), "label": b.label.strip()}
                for b in day.breaks
            ],
        }
        for day in sorted(days, key=lambda day: day.date)
    ]
    _check(draft, "jours")


def give_rooms(draft: Draft, rooms: list[RoomInput]) -> None:
    ids = ids_from_names([room.name for room in rooms])
    draft.rooms = [
        {"id": room_id, "name": room.name.strip(), **({"capacity": room.capacity} if room.capacity else {})}
        for room_id, room in zip(ids, rooms, strict=True)
    ]
    _check(draft, "salles")


def give_panel(draft: Draft, values: PanelInput) -> None:
    ids = ids_from_names([org.name for org in values.organisations])
    draft.organisations = [
        {"id": org_id, "name": org.name.strip()}
        for org_id, org in zip(ids, values.organisations, strict=True)
    ]
    draft.panel = {
        "size": values.size,
        "required_organisations": [
            org_id for org_id, org in zip(ids, values.organisations, strict=True) if org.required
        ],
        **({"max_per_organisation": values.max_per_organisation} if values.max_per_organisation else {}),
    }
    draft.pitch_defaults = {
        "duration_min": values.duration_min,
        **({"qa_min": values.qa_min} if values.qa_min is not None else {}),
        **({"changeover_min": values.changeover_min} if values.changeover_min is not None else {}),
    }
    _check(draft, "jury")


def give_rubric(draft: Draft, criteria: list[CriterionInput]) -> None:
    """The rubric, each criterion checked by the rubric's own rules (``editing.check_criterion``)."""
    if not criteria:
        raise CreationError(_("Indiquez au moins un critère de notation."), section="rubric")
    for row, criterion in enumerate(criteria):
        try:
            editing.check_criterion(
                weight=criterion.weight, scale_min=criterion.scale_min, scale_max=criterion.scale_max
            )
        except editing.EditError as error:
            raise CreationError(str(error), section="rubric", row=row) from None
    draft.rubric = [asdict(criterion) for criterion in criteria]
    _mark_done(draft, "grille")


def create(draft: Draft, creator: Organiser) -> Event:
    """The event of a complete draft, its rubric, and its creator as owner; flushed, never committed.

    A refusal (a rule of the rubric, or a part of the event that no longer holds) raises
    CreationError after some rows were flushed: the request must roll back (the views answer 422).
    """
    for step in STEPS[:-1]:
        _check(draft, step)
    try:
        event = event_io.import_event(draft.event_file())
    except sio.EventFormatError as error:
        raise _refusal(error) from None
    teams.make_owner(event, creator)
    for row, values in enumerate(draft.rubric):
        try:
            editing.save_criterion(
                event,
                None,
                label=values["label"],
                description=values["description"],
                weight=float(values["weight"]),
                scale_min=int(values["scale_min"]),
                scale_max=int(values["scale_max"]),
            )
        except editing.EditError as error:
            raise CreationError(str(error), section="rubric", row=row) from None
    return event


# --- checks ------------------------------------------------------------------------------------------


def _check(draft: Draft, step: str) -> None:
    """Read the draft with the event files' reader: the steps after ``step`` stand in as placeholders."""
    given = set(STEPS[: STEPS.index(step) + 1])
    file = draft.event_file()
    for later in STEPS:
        if later not in given:
            for section in _SECTIONS.get(later, ()):
                file[section] = _PLACEHOLDERS[section]
    try:
        sio.parse_event(file)
    except sio.EventFormatError as error:
        raise _refusal(error) from None
    _mark_done(draft, step)


def _refusal(error: sio.EventFormatError) -> CreationError:
    match = _PATH_ROW.match(error.path or "")
    section = match["section"] if match else ""
    row = int(match["row"]) if match and match["row"] is not None else None
    return CreationError(
        event_io.describe_field_refusal(error),
        section=section,
        row=row,
        field=(match["rest"] or "") if match else "",
    )


def _mark_done(draft: Draft, step: str) -> None:
    if step not in draft.done:
        draft.done.append(step)


def ids_from_names(names: list[str]) -> list[str]:
    """Ids for the event file made from names (« Salle Seine » → ``salle-seine``), each one unique."""
    ids: list[str] = []
    for name in names:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:70].rstrip("-") or "id"
        candidate, n = base, 2
        while candidate in ids:
            candidate, n = f"{base}-{n}", n + 1
        ids.append(candidate)
    return ids
