"""Editing an event by hand: days and breaks, rooms, organisations, pitches, experts, panel rules, rubric.

Each operation changes the models, then checks that the event is still a valid
event file (``scheduler.io.parse_event``); if not, it raises EditError with the
reason and the request rolls back. Deleting something a schedule uses is refused,
so that no published agenda loses a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from pitchday.extensions import db
from pitchday.models import (
    AvailabilityWindow,
    Criterion,
    DayBreak,
    Event,
    EventDay,
    Expert,
    ExpertConflict,
    Lock,
    Organisation,
    PanelSeat,
    Pitch,
    PitchRoom,
    Room,
    ScheduledSession,
)
from pitchday.services import contacts, journal
from pitchday.services.event_io import describe_refusal, to_scheduler_event
from scheduler import io as sio

_WINDOW = re.compile(r"(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})", re.ASCII)
_BREAK = re.compile(r"(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*(.*)", re.ASCII)


# A rubric's scale: marks between -SCALE_BOUND and SCALE_BOUND, at most MAX_SCALE_STEPS apart
# (each step is a button on the juror's sheet: 0..200,000 made a 37 MB page).
SCALE_BOUND = 1000
MAX_SCALE_STEPS = 100


class EditError(ValueError):
    """An edit refused, with the reason in French."""


def check_event(event: Event) -> None:
    """Refuse an edit that leaves the event invalid (the same checks, and bounds, as an imported event file).

    Checked before anything is written: a text longer than its column or holding NUL must be
    refused with its reason, not met by PostgreSQL's refusal at the flush (a 500).
    """
    try:
        with db.session.no_autoflush:
            sio.parse_event(sio.event_to_dict(to_scheduler_event(event)))
    except (sio.EventFormatError, ValueError) as error:
        why = describe_refusal(error) if isinstance(error, sio.EventFormatError) else str(error)
        raise EditError(
            _("Modification refusée : l'événement ne serait plus valide (%(why)s).", why=why)
        ) from None
    db.session.flush()


def split_list(text: str) -> list[str]:
    return [item.strip() for item in re.split(r"[,|\n]", text or "") if item.strip()]


def parse_windows(text: str) -> list[tuple[date, int, int]]:
    """« 2023-11-30 14:00-17:30, ... » as (date, start, end); raises EditError on a bad part."""
    windows = []
    for part in split_list(text):
        match = _WINDOW.fullmatch(part)
        try:
            if not match:
                raise ValueError
            windows.append(
                (
                    date.fromisoformat(match[1]),
                    sio.parse_clock(match[2].zfill(5)),
                    sio.parse_clock(match[3].zfill(5)),
                )
            )
        except ValueError:
            raise EditError(
                _("« %(part)s » : créneau attendu au format AAAA-MM-JJ HH:MM-HH:MM.", part=part)
            ) from None
        if windows[-1][2] <= windows[-1][1]:
            raise EditError(_("« %(part)s » : la fin doit venir après le début.", part=part))
    return windows


def format_windows(windows: list[AvailabilityWindow]) -> str:
    return ", ".join(
        f"{w.date.isoformat()} {sio.format_clock(w.start_min)}-{sio.format_clock(w.end_min)}" for w in windows
    )


def _windows(text: str) -> list[AvailabilityWindow]:
    return [
        AvailabilityWindow(position=i, date=d, start_min=s, end_min=e)
        for i, (d, s, e) in enumerate(parse_windows(text))
    ]


def _unique_key(items: list, key: str, item: object, kind: str) -> None:
    if any(other.key == key and other is not item for other in items):
        raise EditError(
            _("L'identifiant « %(key)s » est déjà pris par un(e) autre %(kind)s.", key=key, kind=kind)
        )


def _position(items: list) -> int:
    return max((item.position for item in items), default=-1) + 1


# --- days and breaks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayInput:
    date: date
    start: int
    end: int
    breaks: str  # « 12:30-14:00 Déjeuner », one per line


def parse_breaks(text: str) -> list[tuple[int, int, str]]:
    """« 12:30-14:00 Déjeuner », one per line, as (start, end, label); raises EditError on a bad line."""
    breaks = []
    for line in (line.strip() for line in (text or "").splitlines() if line.strip()):
        match = _BREAK.fullmatch(line)
        try:
            start, end = sio.parse_clock(match[1].zfill(5)), sio.parse_clock(match[2].zfill(5))
        except (TypeError, ValueError):
            raise EditError(
                _("« %(line)s » : pause attendue au format HH:MM-HH:MM libellé.", line=line)
            ) from None
        breaks.append((start, end, match[3].strip()))
    return breaks


def save_day(event: Event, day: EventDay | None, values: DayInput) -> EventDay:
    if any(other.date == values.date and other is not day for other in event.days):
        raise EditError(
            _("Le %(date)s est déjà un jour de l'événement.", date=values.date.strftime("%d/%m/%Y"))
        )
    breaks = [
        DayBreak(position=i, start_min=start, end_min=end, label=label)
        for i, (start, end, label) in enumerate(parse_breaks(values.breaks))
    ]
    if day is None:
        day = EventDay(
            position=_position(event.days), date=values.date, start_min=values.start, end_min=values.end
        )
        event.days.append(day)
    day.date, day.start_min, day.end_min = values.date, values.start, values.end
    day.breaks = breaks
    check_event(event)
    return day


def delete_day(day: EventDay) -> None:
    event = day.event
    if len(event.days) == 1:
        raise EditError(_("Un événement garde au moins un jour."))
    _refuse_if_scheduled(
        ScheduledSession.date == day.date,
        ScheduledSession.pitch.has(event_id=event.id),
        what=_("le %(date)s", date=day.date.strftime("%d/%m/%Y")),
    )
    event.days.remove(day)
    check_event(event)


# --- rooms and organisations ---------------------------------------------------------------------


def save_room(event: Event, room: Room | None, *, key: str, name: str, capacity: int | None) -> Room:
    _unique_key(event.rooms, key, room, _("salle"))
    if room is None:
        room = Room(position=_position(event.rooms), key=key, name=name)
        event.rooms.append(room)
    room.key, room.name, room.capacity = key, name, capacity
    check_event(event)
    return room


def delete_room(room: Room) -> None:
    event = room.event
    _refuse_if_scheduled(ScheduledSession.room_id == room.id, what=_("la salle %(room)s", room=room.name))
    if db.session.execute(db.select(Lock.id).filter_by(room_id=room.id)).first():
        raise EditError(_("Un verrou utilise la salle %(room)s : retirez-le d'abord.", room=room.name))
    event.rooms.remove(room)
    check_event(event)


def save_organisation(
    event: Event, organisation: Organisation | None, *, key: str, name: str, required: bool
) -> Organisation:
    _unique_key(event.organisations, key, organisation, _("organisation"))
    if organisation is None:
        organisation = Organisation(position=_position(event.organisations), key=key, name=name)
        event.organisations.append(organisation)
    organisation.key, organisation.name = key, name
    if required and organisation.panel_required_rank is None:
        organisation.panel_required_rank = (
            max(
                (o.panel_required_rank for o in event.organisations if o.panel_required_rank is not None),
                default=-1,
            )
            + 1
        )
    elif not required:
        organisation.panel_required_rank = None
    check_event(event)
    return organisation


def delete_organisation(organisation: Organisation) -> None:
    if organisation.experts:
        raise EditError(
            _("%(name)s a encore des jurés : changez-les d'organisation d'abord.", name=organisation.name)
        )
    organisation.event.organisations.remove(organisation)
    check_event(organisation.event)


# --- pitches and experts --------------------------------------------------------------------------


@dataclass(frozen=True)
class PitchInput:
    key: str
    company: str
    title: str
    sector: str
    city: str
    topics: str
    duration_min: int | None
    qa_min: int | None
    rooms: list[str]
    windows: str
    contact_email: str | None = None


def save_pitch(event: Event, pitch: Pitch | None, values: PitchInput) -> Pitch:
    _unique_key(event.pitches, values.key, pitch, _("pitch"))
    rooms = {room.key: room for room in event.rooms}
    if pitch is None:
        pitch = Pitch(position=_position(event.pitches), key=values.key)
        event.pitches.append(pitch)
    pitch.key, pitch.company, pitch.title = values.key, values.company, values.title
    pitch.sector, pitch.city, pitch.topics = values.sector, values.city, split_list(values.topics)
    pitch.duration_min, pitch.qa_min = values.duration_min, values.qa_min
    pitch.allowed_rooms = [
        PitchRoom(room=rooms[k], position=i) for i, k in enumerate(values.rooms) if k in rooms
    ]
    pitch.windows = _windows(values.windows)
    pitch.contact_email = _address(values.contact_email)
    check_event(event)
    return pitch


def _address(value: str | None) -> str | None:
    try:
        return contacts.checked_address(value)
    except contacts.InvalidAddress as error:
        raise EditError(
            _(
                "« %(value)s » n'est pas une adresse e-mail : vérifiez-la (ex. contact@entreprise.fr).",
                value=error.value,
            )
        ) from None


def delete_pitch(pitch: Pitch) -> None:
    _refuse_if_scheduled(ScheduledSession.pitch_id == pitch.id, what=pitch.company)
    pitch.event.pitches.remove(pitch)
    check_event(pitch.event)


@dataclass(frozen=True)
class ExpertInput:
    key: str
    name: str
    organisation: str
    topics: str
    min_pitches: int | None
    max_pitches: int | None
    conflicts: list[str]
    windows: str
    email: str | None = None


def save_expert(event: Event, expert: Expert | None, values: ExpertInput) -> Expert:
    _unique_key(event.experts, values.key, expert, _("juré"))
    if (
        values.min_pitches is not None
        and values.max_pitches is not None
        and values.min_pitches > values.max_pitches
    ):
        raise EditError(_("Le maximum de pitchs doit être au moins égal au minimum."))
    organisation = next((o for o in event.organisations if o.key == values.organisation), None)
    if organisation is None:
        raise EditError(_("Choisissez une organisation de l'événement."))
    pitches = {pitch.key: pitch for pitch in event.pitches}
    if expert is None:
        expert = Expert(position=_position(event.experts), key=values.key, organisation=organisation)
        event.experts.append(expert)
    expert.key, expert.name, expert.organisation = values.key, values.name, organisation
    expert.topics = split_list(values.topics)
    expert.min_pitches, expert.max_pitches = values.min_pitches, values.max_pitches
    expert.conflicts = [
        ExpertConflict(pitch=pitches[k], position=i) for i, k in enumerate(values.conflicts) if k in pitches
    ]
    expert.windows = _windows(values.windows)
    expert.email = _address(values.email)
    check_event(event)
    return expert


def delete_expert(expert: Expert) -> None:
    if db.session.execute(db.select(PanelSeat.session_id).filter_by(expert_id=expert.id)).first():
        raise EditError(
            _(
                "%(name)s siège dans un jury d'un planning enregistré : "
                "indiquez plutôt son absence (re-planification).",
                name=expert.name,
            )
        )
    expert.event.experts.remove(expert)
    check_event(expert.event)


# --- panel rules and rubric -----------------------------------------------------------------------


def save_rules(
    event: Event,
    *,
    panel_size: int,
    max_per_organisation: int | None,
    duration_min: int,
    qa_min: int | None,
    changeover_min: int | None,
) -> None:
    before = _rules_of(event)
    event.panel_size, event.panel_max_per_organisation = panel_size, max_per_organisation
    event.duration_min, event.qa_min, event.changeover_min = duration_min, qa_min, changeover_min
    check_event(event)
    if _rules_of(event) != before:
        journal.record(event, "rules.changed", before=before, after=_rules_of(event))


def _rules_of(event: Event) -> dict:
    return {
        "panel_size": event.panel_size,
        "max_per_organisation": event.panel_max_per_organisation,
        "duration_min": event.duration_min,
        "qa_min": event.qa_min,
        "changeover_min": event.changeover_min,
    }


def _criterion_of(criterion: Criterion | None) -> dict | None:
    if criterion is None:
        return None
    return {
        "label": criterion.label,
        "description": criterion.description,
        "weight": criterion.weight,
        "scale": [criterion.scale_min, criterion.scale_max],
    }


def check_criterion(*, weight: float, scale_min: int, scale_max: int) -> None:
    """The rubric's rules for one criterion (the editing page and the guided creation)."""
    if scale_min >= scale_max:
        raise EditError(_("Le bas de l'échelle doit être plus petit que le haut."))
    if not -SCALE_BOUND <= scale_min < scale_max <= SCALE_BOUND or scale_max - scale_min > MAX_SCALE_STEPS:
        raise EditError(
            _(
                "Échelle de %(low)d à %(high)d refusée : au plus %(steps)d points d'écart, "
                "entre %(min)d et %(max)d.",
                low=scale_min,
                high=scale_max,
                steps=MAX_SCALE_STEPS,
                min=-SCALE_BOUND,
                max=SCALE_BOUND,
            )
        )
    if weight <= 0:
        raise EditError(_("Le poids d'un critère doit être positif."))


def save_criterion(
    event: Event,
    criterion: Criterion | None,
    *,
    label: str,
    description: str,
    weight: float,
    scale_min: int,
    scale_max: int,
) -> Criterion:
    check_criterion(weight=weight, scale_min=scale_min, scale_max=scale_max)
    before = _criterion_of(criterion)
    if criterion is None:
        position = db.session.execute(
            db.select(db.func.max(Criterion.position)).filter_by(event_id=event.id)
        ).scalar_one()
        criterion = Criterion(event=event, position=(position if position is not None else -1) + 1)
        db.session.add(criterion)
    criterion.label, criterion.description, criterion.weight = label, description, weight
    criterion.scale_min, criterion.scale_max = scale_min, scale_max
    db.session.flush()
    if _criterion_of(criterion) != before:
        journal.record(event, "rubric.changed", subject=label, before=before, after=_criterion_of(criterion))
    return criterion


def _refuse_if_scheduled(*conditions, what: str) -> None:
    if db.session.execute(db.select(ScheduledSession.id).where(*conditions)).first():
        raise EditError(_("Impossible de supprimer %(what)s : un planning enregistré l'utilise.", what=what))
