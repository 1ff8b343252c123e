"""The event file, both ways: import into the database, export from it.

The format itself is the scheduler's business (``scheduler.io`` checks every field and
says what is wrong); this module only maps the checked dataclasses to the models and
back, so that the web pages, the CLI and the scheduler agree on one reading of it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import fields

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pitchday import numbers
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


# What a field of an event or schedule file should hold (scheduler.io.EXPECTATIONS), for people.
EXPECTED_WORDS = {
    "event_file": _l("un objet JSON (le fichier d'événement)"),
    "schedule_file": _l("un objet JSON (le fichier de planning)"),
    "object": _l("un objet %(fields)s"),
    "list": _l("une liste %(fields)s"),
    "texts": _l("une liste de textes"),
    "topics": _l("une liste de thèmes (textes)"),
    "sessions": _l("une liste de séances"),
    "ids": _l("une liste d'identifiants de %(section)s"),
    "text": _l("un texte"),
    "id": _l("un identifiant non vide (texte)"),
    "sentence": _l("une phrase"),
    "text_max": _l("un texte d'au plus %(maximum)s caractères (celui-ci en a %(length)s)"),
    "text_control": _l("un texte sans caractère de contrôle (trouvé : U+%(code_point)s)"),
    "items_max": _l("au plus %(maximum)s éléments"),
    "timezone": _l("un nom de fuseau horaire IANA comme « Europe/Paris »"),
    "grid_min": _l("un nombre entier de minutes, au moins 1"),
    "seats": _l("un nombre entier de places, au moins 1"),
    "experts": _l("un nombre entier d'experts, au moins 1"),
    "pitches": _l("un nombre entier de pitchs, 0 ou plus"),
    "weight": _l("un nombre entier, 0 ou plus"),
    "whole": _l("un nombre entier"),
    "whole_or_null": _l("un nombre entier ou null"),
    "number_max": _l("un nombre d'au plus %(maximum)s"),
    "minutes_positive": _l("un nombre de minutes, au moins 1, multiple de grid_min (%(grid)s)"),
    "minutes": _l("un nombre entier de minutes, 0 ou plus, multiple de grid_min (%(grid)s)"),
    "clock": _l("une heure HH:MM (sur 24 h)"),
    "clock_on_grid": _l("une heure HH:MM (sur 24 h) sur la grille de %(grid)s minutes (grid_min)"),
    "clock_before_midnight": _l("une heure avant 24:00"),
    "date": _l("une date AAAA-MM-JJ entre %(first)s et %(last)s"),
    "after_start": _l("une heure après le début (%(start)s)"),
    "inside_day_from": _l("une heure dans la journée (à partir de %(start)s)"),
    "inside_day_until": _l("une heure dans la journée (jusqu'à %(end)s)"),
    "break_apart": _l("une pause qui ne chevauche pas la pause %(index)s (%(start)s-%(end)s)"),
    "unique_id": _l("un identifiant qu'aucun autre élément de %(section)s n'utilise"),
    "reference": _l("l'identifiant d'un élément de %(section)s de l'événement"),
    "references_once": _l("des identifiants de %(section)s présents une seule fois chacun"),
    "format": _l("« %(format)s »"),
    "format_not_schedule": _l("« %(format)s » (ceci est un fichier de planning, pas un fichier d'événement)"),
    "format_not_event": _l("« %(format)s » (ceci est un fichier d'événement, pas un fichier de planning)"),
    "a_day": _l("au moins une journée"),
    "a_room": _l("au moins une salle"),
    "date_unique": _l("une date qu'aucune autre journée n'utilise"),
    "event_date": _l("la date d'une des journées de l'événement"),
    "not_below_min_pitches": _l("un nombre au moins égal à min_pitches (%(minimum)s)"),
    "lock_one_kind": _l(
        "soit {pitch, expert}, soit {pitch, date, start, room}, pas les deux dans un même verrou"
    ),
    "lock_pins": _l("un verrou qui fixe au moins la date, l'heure ou la salle (ou un expert)"),
    "expert_without_conflict": _l("un expert sans conflit d'intérêts avec le pitch « %(pitch)s »"),
    "once_in_previous": _l("un pitch présent une seule fois dans previous"),
    "weights": _l("un objet avec certaines des clés %(names)s"),
    "weight_key": _l("l'un des poids %(names)s (clé inconnue « %(key)s »)"),
    "status": _l("l'une des valeurs %(statuses)s"),
    "seconds": _l("un nombre de secondes, 0 ou plus"),
    "boolean": _l("true ou false"),
    "email": _l("une adresse e-mail, par exemple contact@entreprise.fr"),
}

# Why a whole file could not be read (scheduler.io.FILE_PROBLEMS), for people.
FILE_PROBLEM_WORDS = {
    "no_such_file": _l("ce fichier n'existe pas"),
    "is_directory": _l("c'est un dossier, pas un fichier"),
    "permission_denied": _l("le fichier ne peut pas être lu (permission refusée)"),
    "cannot_read": _l("le fichier ne peut pas être lu (%(reason)s)"),
    "utf16": _l("le texte n'est pas en UTF-8 (il est en UTF-16) : enregistrez le fichier en UTF-8"),
    "not_utf8": _l(
        "le texte n'est pas en UTF-8 (l'octet %(byte)s est illisible) : enregistrez le fichier en UTF-8"
    ),
    "nul_bytes": _l("ce n'est pas un fichier texte (il contient des octets NUL)"),
    "json_syntax": _l("ligne %(line)s, colonne %(column)s : ce n'est pas du JSON valide"),
    "duplicate_key": _l(
        "ce n'est pas du JSON valide : la clé « %(key)s » apparaît deux fois dans un même objet"
    ),
    "json_constant": _l("ce n'est pas du JSON valide : %(name)s n'est pas un nombre que JSON admet"),
    "too_deep": _l("ce n'est pas du JSON valide : imbrication trop profonde (plus d'un millier de niveaux)"),
    "too_many_digits": _l("ce n'est pas du JSON valide : un nombre a trop de chiffres"),
}


def _worded(words, params: Mapping[str, object]) -> str:
    """A catalogue entry filled with its parameters, whole numbers in the visitor's locale."""
    shown = {
        name: numbers.number(value) if isinstance(value, int) and not isinstance(value, bool) else value
        for name, value in params.items()
    }
    return str(words) % shown if shown else str(words)


def describe_refusal(error: EventFormatError) -> str:
    """Why a file was refused, in the visitor's language: the field, the value, what is expected.

    The scheduler gives codes and parameters (``error.code``, ``error.expectation``); the words are
    the catalogue's, so that an English page never shows French and a French one never English.
    """
    expectation = error.expectation
    if error.code in ("invalid", "missing") and expectation is not None:
        words = EXPECTED_WORDS.get(expectation.code)
        expected = _worded(words, expectation.params) if words is not None else str(expectation)
        if error.code == "missing":
            return _(
                "Le champ « %(field)s » manque (attendu : %(expected)s).", field=error.path, expected=expected
            )
        return _(
            "Champ « %(field)s » : la valeur %(value)s n'est pas acceptée (attendu : %(expected)s).",
            field=error.path,
            value=error.shown_value,
            expected=expected,
        )
    words = FILE_PROBLEM_WORDS.get(error.code)
    why = _worded(words, error.params) if words is not None else error.detail
    return _("Le fichier n'est pas lisible : %(why)s.", why=why)


def describe_field_refusal(error: EventFormatError) -> str:
    """Why a field's value was refused, for a form that shows it beside the field (no file path in it)."""
    expectation = error.expectation
    if error.code == "invalid" and expectation is not None and expectation.code in EXPECTED_WORDS:
        return _(
            "La valeur %(value)s n'est pas acceptée (attendu : %(expected)s).",
            value=error.shown_value,
            expected=_worded(EXPECTED_WORDS[expectation.code], expectation.params),
        )
    return describe_refusal(error)


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
