"""The event file, both ways: import into the database, export from it.

The format itself is the scheduler's business (``scheduler.io`` checks every field and
says what is wrong); this module only maps the checked dataclasses to the models and
back, so that the web pages, the CLI and the scheduler agree on one reading of it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields

from flask_babel import gettext as _

from pitchday.extensions import db
from pitchday.models import (
    AvailabilityWindow,
    DayBreak,
    Event,
    EventDay,
    Expert,
    ExpertConflict,
    Lock,
    Organisation,
    Pitch,
    PitchRoom,
    Room,
)
from pitchday.services import contacts
from scheduler import data as sd
from scheduler import io as sio
from scheduler.io import EventFormatError  # re-exported for the views


def import_event_file(raw: bytes) -> Event:
    """Read an event file's bytes with the one reader of event files (the web import and the CLI)."""
    return import_event(sio.read_json(raw))


def describe_refusal(error: EventFormatError) -> str:
    """Why a file was refused, in the visitor's language: the field, the value, what is expected."""
    if error.path and error.expected:
        if error.value is None and " is missing" in error.detail:
            return _(
                "Le champ « %(field)s » manque (attendu : %(expected)s).",
                field=error.path,
                expected=error.expected,
            )
        return _(
            "Champ « %(field)s » : la valeur %(value)s n'est pas acceptée (attendu : %(expected)s).",
            field=error.path,
            value=error.shown_value,
            expected=error.expected,
        )
    return _("Le fichier n'est pas lisible : %(why)s.", why=error.detail)


def import_event(data: object) -> Event:
    """Check an event-file dict and create the event; a bad file raises EventFormatError, adds nothing."""
    spec = sio.parse_event(data)
    pitch_emails = contacts.addresses_in_file(data, "pitches", "contact_email")
    expert_emails = contacts.addresses_in_file(data, "experts", "email")
    event = Event(
        slug=_unique_slug(spec.info.name),
        name=spec.info.name,
        venue=spec.info.venue,
        timezone=spec.info.timezone,
        grid_min=spec.grid_min,
        duration_min=spec.pitch_defaults.duration_min,
        qa_min=spec.pitch_defaults.qa_min,
        changeover_min=spec.pitch_defaults.changeover_min,
        panel_size=spec.panel.size,
        panel_max_per_organisation=spec.panel.max_per_organisation,
        weights=_weights_as_given(spec),
        previous=sio.sessions_to_dicts(spec.previous) if spec.previous is not None else None,
    )
    for position, day in enumerate(spec.days):
        event.days.append(
            EventDay(
                position=position,
                date=day.date,
                start_min=day.start,
                end_min=day.end,
                breaks=[
                    DayBreak(position=i, start_min=b.start, end_min=b.end, label=b.label)
                    for i, b in enumerate(day.breaks)
                ],
            )
        )
    rooms = {
        r.id: Room(key=r.id, position=i, name=r.name, capacity=r.capacity) for i, r in enumerate(spec.rooms)
    }
    event.rooms.extend(rooms.values())
    required_rank = {org_id: rank for rank, org_id in enumerate(spec.panel.required_organisations)}
    organisations = {
        o.id: Organisation(key=o.id, position=i, name=o.name, panel_required_rank=required_rank.get(o.id))
        for i, o in enumerate(spec.organisations)
    }
    event.organisations.extend(organisations.values())
    pitches = {}
    for position, p in enumerate(spec.pitches):
        pitch = Pitch(
            key=p.id,
            position=position,
            company=p.company,
            title=p.title,
            sector=p.sector,
            city=p.city,
            topics=list(p.topics),
            duration_min=p.duration_min,
            qa_min=p.qa_min,
            windows=_windows(p.available),
            contact_email=pitch_emails.get(p.id),
        )
        pitch.allowed_rooms = [PitchRoom(room=rooms[key], position=i) for i, key in enumerate(p.rooms or ())]
        pitches[p.id] = pitch
    event.pitches.extend(pitches.values())
    experts = {}
    for position, e in enumerate(spec.experts):
        expert = Expert(
            key=e.id,
            position=position,
            name=e.name,
            organisation=organisations[e.organisation],
            topics=list(e.topics),
            min_pitches=e.min_pitches,
            max_pitches=e.max_pitches,
            windows=_windows(e.available),
            email=expert_emails.get(e.id),
        )
        expert.conflicts = [
            ExpertConflict(pitch=pitches[key], position=i) for i, key in enumerate(e.conflicts or ())
        ]
        experts[e.id] = expert
    event.experts.extend(experts.values())
    for position, lock in enumerate(spec.locks or ()):
        if isinstance(lock, sd.PanelLock):
            event.locks.append(
                Lock(position=position, pitch=pitches[lock.pitch], expert=experts[lock.expert])
            )
        else:
            event.locks.append(
                Lock(
                    position=position,
                    pitch=pitches[lock.pitch],
                    date=lock.date,
                    start_min=lock.start,
                    room=rooms[lock.room] if lock.room else None,
                )
            )
    db.session.add(event)
    db.session.flush()
    return event


def export_event(event: Event) -> dict:
    """The event file of an event, as ``pitchday-event/1``, with the contact addresses (for organisers)."""
    return contacts.with_addresses(sio.event_to_dict(to_scheduler_event(event)), event)


def to_scheduler_event(event: Event) -> sd.Event:
    """The scheduler's view of an event stored in the database."""
    required = tuple(org.key for org in event.required_organisations)
    locks: list[sd.Lock] = []
    for lock in event.locks:
        if lock.expert is not None:
            locks.append(sd.PanelLock(pitch=lock.pitch.key, expert=lock.expert.key))
        else:
            locks.append(
                sd.SlotLock(
                    pitch=lock.pitch.key,
                    date=lock.date,
                    start=lock.start_min,
                    room=lock.room.key if lock.room else None,
                )
            )
    weights, weights_given = _weights_from_stored(event.weights)
    return sd.Event(
        info=sd.EventInfo(name=event.name, venue=event.venue, timezone=event.timezone),
        grid_min=event.grid_min,
        days=tuple(
            sd.Day(
                date=day.date,
                start=day.start_min,
                end=day.end_min,
                breaks=tuple(sd.Break(start=b.start_min, end=b.end_min, label=b.label) for b in day.breaks),
            )
            for day in event.days
        ),
        rooms=tuple(sd.Room(id=r.key, name=r.name, capacity=r.capacity) for r in event.rooms),
        organisations=tuple(sd.Organisation(id=o.key, name=o.name) for o in event.organisations),
        pitch_defaults=sd.PitchDefaults(
            duration_min=event.duration_min, qa_min=event.qa_min, changeover_min=event.changeover_min
        ),
        panel=sd.PanelRules(
            size=event.panel_size,
            required_organisations=required,
            max_per_organisation=event.panel_max_per_organisation,
        ),
        pitches=tuple(
            sd.Pitch(
                id=p.key,
                company=p.company,
                title=p.title,
                sector=p.sector,
                city=p.city,
                topics=tuple(p.topics),
                duration_min=p.duration_min,
                qa_min=p.qa_min,
                available=_spec_windows(p.windows),
                rooms=tuple(pr.room.key for pr in p.allowed_rooms) or None,
            )
            for p in event.pitches
        ),
        experts=tuple(
            sd.Expert(
                id=e.key,
                name=e.name,
                organisation=e.organisation.key,
                topics=tuple(e.topics),
                available=_spec_windows(e.windows),
                min_pitches=e.min_pitches,
                max_pitches=e.max_pitches,
                conflicts=tuple(c.pitch.key for c in e.conflicts) or None,
            )
            for e in event.experts
        ),
        locks=tuple(locks) or None,
        previous=sio.sessions_from_dicts(event.previous) if event.previous is not None else None,
        weights=weights,
        weights_given=weights_given,
    )


def _windows(windows: tuple[sd.Window, ...] | None) -> list[AvailabilityWindow]:
    return [
        AvailabilityWindow(position=i, date=w.date, start_min=w.start, end_min=w.end)
        for i, w in enumerate(windows or ())
    ]


def _spec_windows(windows: list[AvailabilityWindow]) -> tuple[sd.Window, ...] | None:
    if not windows:
        return None
    return tuple(sd.Window(date=w.date, start=w.start_min, end=w.end_min) for w in windows)


def _weights_as_given(spec: sd.Event) -> dict[str, int] | None:
    """The weights exactly as the file set them (file keys such as ``w_tm``)."""
    if spec.weights_given is not None:
        return dict(spec.weights_given)
    if spec.weights is None:
        return None
    return {key: getattr(spec.weights, name) for key, name in sd.Weights.FILE_KEYS.items()}


def _weights_from_stored(stored: dict[str, int] | None) -> tuple[sd.Weights | None, tuple | None]:
    if stored is None:
        return None, None
    known = {f.name for f in fields(sd.Weights)}
    values = {
        sd.Weights.FILE_KEYS[key]: value
        for key, value in stored.items()
        if sd.Weights.FILE_KEYS.get(key) in known
    }
    return sd.Weights(**values), tuple(stored.items())


def _unique_slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].rstrip("-") or "evenement"
    slug, n = base, 2
    while db.session.execute(db.select(Event.id).filter_by(slug=slug)).first():
        slug, n = f"{base}-{n}", n + 1
    return slug
