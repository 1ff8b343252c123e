"""Working on a schedule: what it costs, what changed, locks, moves by hand, delays and re-plans.

Every change of a schedule makes a new version (a draft, or a published one on
the day) and is checked first with ``scheduler.validate.check_schedule``: a
change that breaks a hard rule is refused with the reasons in French.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import combinations, pairwise

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pitchday.extensions import db
from pitchday.models import (
    AvailabilityWindow,
    Event,
    Expert,
    Lock,
    Pitch,
    Room,
    ScheduledSession,
    ScheduleVersion,
)
from pitchday.services import journal, schedules
from pitchday.services.agenda import format_clock
from pitchday.services.event_io import to_scheduler_event
from scheduler import data as sd
from scheduler import timeline
from scheduler.replan import changes_between
from scheduler.validate import Violation, check_schedule, score_terms


class PlanningError(ValueError):
    """A change refused, with each reason in French."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class Names:
    """Keys of the event file turned into the names organisers know."""

    pitches: dict[str, str]
    experts: dict[str, str]
    rooms: dict[str, str]
    organisations: dict[str, str]

    @classmethod
    def of(cls, event: Event) -> Names:
        return cls(
            pitches={p.key: p.company for p in event.pitches},
            experts={e.key: e.name for e in event.experts},
            rooms={r.key: r.name for r in event.rooms},
            organisations={o.key: o.name for o in event.organisations},
        )

    def any(self, key: str) -> str:
        for table in (self.pitches, self.experts, self.rooms, self.organisations):
            if key in table:
                return table[key]
        return key


# --- soft rules: the cost of each broken preference -----------------------------------------------


@dataclass(frozen=True)
class SoftItem:
    """One preference the schedule does not meet, and the points it costs."""

    term: str
    text: str
    cost: int
    pitch_keys: tuple[str, ...] = ()


TERM_LABELS = {
    "topic_match": "Thèmes en commun",
    "load_spread": "Écart de charge des jurés",
    "room_changes": "Changements de salle",
    "sector_clash": "Même secteur en même temps",
    "changes_from_previous": "Changements par rapport au planning publié",
}


def soft_breakdown(event: Event, version: ScheduleVersion) -> list[SoftItem]:
    """Each broken preference of a schedule, with its cost under the event's weights."""
    spec = to_scheduler_event(event)
    sessions = schedules.to_scheduler_sessions(version)
    weights = spec.objective_weights
    names = Names.of(event)
    pitches, experts = spec.pitch_by_id(), spec.expert_by_id()
    items: list[SoftItem] = []
    for session in sessions:
        pitch = pitches.get(session.pitch)
        for expert_key in session.panel:
            expert = experts.get(expert_key)
            if pitch and expert and pitch.topics and not set(pitch.topics) & set(expert.topics):
                items.append(
                    SoftItem(
                        "topic_match",
                        f"{names.experts[expert_key]} juge "
                        f"{names.pitches[session.pitch]} sans thème en commun "
                        f"({', '.join(pitch.topics)}).",
                        weights.topic_match,
                        (session.pitch,),
                    )
                )
    judged: dict[str, list[sd.Session]] = {expert.id: [] for expert in spec.experts}
    for session in sessions:
        for expert_key in session.panel:
            judged.setdefault(expert_key, []).append(session)
    loads = {key: len(found) for key, found in judged.items()}
    if loads and max(loads.values()) > min(loads.values()):
        most, fewest = max(loads.values()), min(loads.values())
        busiest = ", ".join(names.experts.get(k, k) for k, n in loads.items() if n == most)
        idlest = ", ".join(names.experts.get(k, k) for k, n in loads.items() if n == fewest)
        items.append(
            SoftItem(
                "load_spread",
                f"{busiest} : {most} pitchs ; {idlest} : {fewest}.",
                (most - fewest) * weights.load_spread,
            )
        )
    for expert_key, found in judged.items():
        by_day: dict[date, list[sd.Session]] = defaultdict(list)
        for session in found:
            by_day[session.date].append(session)
        for on_day in by_day.values():
            on_day.sort(key=lambda s: (s.start, s.end))
            for first, second in pairwise(on_day):
                if first.room != second.room:
                    items.append(
                        SoftItem(
                            "room_changes",
                            f"{names.experts.get(expert_key, expert_key)} passe de "
                            f"{names.rooms[first.room]} à {names.rooms[second.room]} le "
                            f"{second.date.strftime('%d/%m')} à {format_clock(second.start)}.",
                            weights.room_changes,
                            (first.pitch, second.pitch),
                        )
                    )
    for first, second in combinations(sessions, 2):
        if (
            first.pitch in pitches
            and second.pitch in pitches
            and pitches[first.pitch].sector == pitches[second.pitch].sector
            and first.date == second.date
            and first.start < second.end
            and second.start < first.end
        ):
            items.append(
                SoftItem(
                    "sector_clash",
                    f"{names.pitches[first.pitch]} et {names.pitches[second.pitch]} "
                    f"(secteur {pitches[first.pitch].sector}) se chevauchent le {first.date.strftime('%d/%m')}.",
                    weights.sector_clash,
                    (first.pitch, second.pitch),
                )
            )
    return items


def terms_table(event: Event, version: ScheduleVersion) -> list[tuple[str, int, int, int]]:
    """(label, value, weight, signed points) for each objective term of the schedule."""
    spec = to_scheduler_event(event)
    terms = score_terms(spec, schedules.to_scheduler_sessions(version))
    weights = spec.objective_weights
    rows = []
    for name, label in TERM_LABELS.items():
        value, weight = getattr(terms, name), getattr(weights, name)
        rows.append((label, value, weight, value * weight if name == "topic_match" else -value * weight))
    return rows


# --- what changed between two versions ------------------------------------------------------------


@dataclass(frozen=True)
class PitchChange:
    pitch: str
    before: str
    after: str
    moved: bool
    experts_removed: tuple[str, ...]
    experts_added: tuple[str, ...]


def version_changes(event: Event, old: ScheduleVersion, new: ScheduleVersion) -> list[PitchChange]:
    """The pitches moved and the panel seats changed from one version to the next, named for people."""
    names = Names.of(event)
    before = {s.pitch: s for s in schedules.to_scheduler_sessions(old)}
    after = {s.pitch: s for s in schedules.to_scheduler_sessions(new)}
    found = []
    for change in changes_between(tuple(before.values()), tuple(after.values())):
        found.append(
            PitchChange(
                pitch=names.pitches.get(change.pitch, change.pitch),
                before=describe_slot(before[change.pitch], names),
                after=describe_slot(after[change.pitch], names),
                moved=change.moved,
                experts_removed=tuple(names.experts.get(k, k) for k in change.experts_removed),
                experts_added=tuple(names.experts.get(k, k) for k in change.experts_added),
            )
        )
    return found


def describe_slot(session: sd.Session, names: Names) -> str:
    return (
        f"{session.date.strftime('%d/%m')} {format_clock(session.start)}–{format_clock(session.end)}, "
        f"{names.rooms.get(session.room, session.room)}"
    )


# --- hard rules in French ---------------------------------------------------------------------------


def explain_violation(violation: Violation, names: Names) -> str:
    """A broken hard rule as a French sentence naming the pitches, experts and rooms concerned."""
    who = [names.any(key) for key in violation.involves]
    first = who[0] if who else ""
    second = who[1] if len(who) > 1 else ""
    third = who[2] if len(who) > 2 else ""
    sentences = {
        "pitch_missing": f"{first} n'est pas placé.",
        "pitch_duplicate": f"{first} est placé plusieurs fois.",
        "pitch_unknown": f"« {first} » n'est pas un pitch de l'événement.",
        "time_grid": f"{first} ne tombe pas sur la grille horaire de l'événement.",
        "pitch_length": f"La durée de {first} ne correspond pas à sa présentation et ses questions.",
        "event_day": f"{first} tombe un jour où l'événement n'a pas lieu.",
        "day_hours": f"{first} déborde des horaires de la journée.",
        "break_overlap": f"{first} empiète sur une pause.",
        "pitch_availability": f"{first} n'est pas disponible à cet horaire.",
        "room_unknown": f"{first} est dans une salle inconnue.",
        "room_allowed": f"{first} ne peut pas avoir lieu dans {second}.",
        "room_changeover": f"Dans {third}, {second} commence avant la fin de {first} (battement compris).",
        "expert_unknown": f"Le jury de {first} compte un juré inconnu.",
        "expert_duplicate": f"{second} siège deux fois dans le jury de {first}.",
        "panel_size": f"Le jury de {first} n'a pas le bon nombre de jurés.",
        "panel_organisations": f"Le jury de {first} n'a aucun expert de {second}.",
        "panel_max_per_organisation": f"Le jury de {first} a trop d'experts de {second}.",
        "expert_conflict": f"{second} a un conflit d'intérêts avec {first}.",
        "expert_availability": f"{second} n'est pas disponible pendant {first}.",
        "expert_changeover": f"{first} juge {second} et {third} sans assez de temps entre les deux.",
        "expert_min_pitches": f"{first} juge moins de pitchs que son minimum.",
        "expert_max_pitches": f"{first} juge plus de pitchs que son maximum.",
        "lock_panel": f"{second} est verrouillé dans le jury de {first} mais n'y siège plus.",
        "lock_slot": f"{first} est verrouillé sur un autre horaire ou une autre salle.",
    }
    return sentences.get(violation.rule, violation.message)


CONFLICT_HEADINGS = {
    "panel_size": _l("Taille des jurys"),
    "panel_organisations": _l("Organisations requises dans les jurys"),
    "pitch_length": _l("Durée d'un pitch"),
    "pitch_rooms": _l("Salles autorisées"),
    "pitch_availability": _l("Disponibilités d'un pitch"),
    "lock": _l("Verrous"),
    "room_time": _l("Place dans les salles"),
    "conflict_of_interest": _l("Conflits d'intérêts"),
    "expert_availability": _l("Disponibilités des jurés"),
    "expert_load": _l("Charge des jurés (minimum et maximum de pitchs)"),
}


@dataclass(frozen=True)
class ConflictView:
    heading: str
    text: str
    names: tuple[str, ...]
    fix: str  # the section of the edit page that fixes it (rules, pitchs, jures, salles, jours) or locks


_FIX_SECTION = {
    "panel_size": "rules",
    "panel_organisations": "organisations",
    "pitch_length": "rules",
    "pitch_rooms": "pitchs",
    "pitch_availability": "pitchs",
    "lock": "locks",
    "room_time": "jours",
    "conflict_of_interest": "jures",
    "expert_availability": "jures",
    "expert_load": "jures",
}


def explain_conflicts(event: Event, version: ScheduleVersion) -> list[ConflictView]:
    """Why no schedule exists, rule by rule, in French, with the part of the event to edit."""
    names = Names.of(event)
    views = []
    for conflict in version.conflicts or ():
        rule = conflict.get("rule", "")
        involved = tuple(names.any(key) for key in conflict.get("involves", ()))
        heading = CONFLICT_HEADINGS.get(rule, rule)
        if involved:
            text = _(
                "Cette règle ne peut pas être tenue en même temps que les autres : %(rule)s "
                "(concerne : %(names)s).",
                rule=heading.lower(),
                names=", ".join(involved),
            )
        else:
            text = _(
                "Cette règle ne peut pas être tenue en même temps que les autres : %(rule)s.",
                rule=heading.lower(),
            )
        views.append(
            ConflictView(heading=heading, text=text, names=involved, fix=_FIX_SECTION.get(rule, "rules"))
        )
    return views


# --- locks ----------------------------------------------------------------------------------------


def lock_slot(pitch: Pitch, *, day: date | None, start: int | None, room: Room | None) -> Lock:
    """Pin a pitch's date, start and/or room (a part left as None stays free)."""
    if day is None and start is None and room is None:
        raise PlanningError(["Choisissez au moins une date, une heure ou une salle à verrouiller."])
    return _add_lock(Lock(pitch=pitch, date=day, start_min=start, room=room))


def lock_session(session: ScheduledSession) -> Lock:
    """Pin a pitch where the schedule has put it: date, start and room."""
    return lock_slot(session.pitch, day=session.date, start=session.start_min, room=session.room)


def lock_juror(pitch: Pitch, expert: Expert) -> Lock:
    """Pin an expert on a pitch's panel."""
    if any(lock.pitch_id == pitch.id and lock.expert_id == expert.id for lock in pitch.event.locks):
        raise PlanningError([f"{expert.name} est déjà verrouillé dans le jury de {pitch.company}."])
    return _add_lock(Lock(pitch=pitch, expert=expert))


def _add_lock(lock: Lock) -> Lock:
    event = lock.pitch.event
    if lock.expert is None:
        for old in [old for old in event.locks if old.pitch_id == lock.pitch.id and old.expert_id is None]:
            event.locks.remove(old)  # a new slot lock replaces the old one rather than contradict it
    lock.position = max((old.position for old in event.locks), default=-1) + 1
    event.locks.append(lock)
    db.session.flush()
    journal.record(event, "planning.locked", subject=lock.pitch.company, after=_lock_words(lock))
    return lock


def unlock(lock: Lock) -> None:
    journal.record(lock.event, "planning.unlocked", subject=lock.pitch.company, before=_lock_words(lock))
    lock.event.locks.remove(lock)
    db.session.flush()


def _lock_words(lock: Lock) -> dict:
    """A lock as the journal keeps it: what it pins, readable without the database."""
    if lock.expert is not None:
        return {"juror": lock.expert.name}
    return {
        "date": lock.date.isoformat() if lock.date else None,
        "start": format_clock(lock.start_min) if lock.start_min is not None else None,
        "room": lock.room.name if lock.room else None,
    }


# --- moves by hand, delays, re-plans --------------------------------------------------------------


def check(event: Event, sessions: tuple[sd.Session, ...], spec: sd.Event | None = None) -> list[str]:
    """The hard rules the sessions break, in French (empty: every rule holds)."""
    spec = spec or to_scheduler_event(event)
    names = Names.of(event)
    return list(dict.fromkeys(explain_violation(v, names) for v in check_schedule(spec, sessions)))


def move_pitch(
    version: ScheduleVersion,
    pitch: Pitch,
    *,
    day: date,
    start: int,
    room: Room,
    panel: list[Expert] | None = None,
) -> ScheduleVersion:
    """A new draft with one pitch moved (and its panel changed, if given); refused if a hard rule breaks."""
    event = version.event
    spec = to_scheduler_event(event)
    sessions = list(schedules.to_scheduler_sessions(version))
    index = next((i for i, s in enumerate(sessions) if s.pitch == pitch.key), None)
    if index is None:
        raise PlanningError([f"{pitch.company} n'est pas dans ce planning."])
    length = spec.pitch_length(spec.pitch_by_id()[pitch.key])
    old = sessions[index]
    sessions[index] = dataclasses.replace(
        old,
        date=day,
        start=start,
        end=start + length,
        room=room.key,
        panel=tuple(e.key for e in panel) if panel is not None else old.panel,
    )
    if sessions[index] == old:
        raise PlanningError(["Rien n'a changé : le pitch est déjà à cet endroit avec ce jury."])
    moved = _save_checked(event, tuple(sessions), spec, note=f"Déplacement de {pitch.company}")
    journal.record(
        event,
        "schedule.moved",
        subject=pitch.company,
        before=_slot_words(old, version),
        after=_slot_words(sessions[index], moved),
    )
    return moved


def _slot_words(session: sd.Session, version: ScheduleVersion) -> dict:
    return {
        "version": version.id,
        "date": session.date.isoformat(),
        "start": format_clock(session.start),
        "room": session.room,
        "panel": list(session.panel),
    }


def delay(
    version: ScheduleVersion, *, day: date, after: int, minutes: int, room: Room | None = None
) -> ScheduleVersion:
    """Shift the sessions of a day starting at or after a time (in one room or all) and publish the result.

    Slot locks of the shifted pitches move with them: the day has decided, the old time no longer holds.
    """
    event = version.event
    if minutes == 0:
        raise PlanningError(["Indiquez un retard différent de zéro."])
    shifted_keys = set()
    sessions = []
    for session in schedules.to_scheduler_sessions(version):
        if session.date == day and session.start >= after and (room is None or session.room == room.key):
            session = dataclasses.replace(session, start=session.start + minutes, end=session.end + minutes)
            shifted_keys.add(session.pitch)
        sessions.append(session)
    if not shifted_keys:
        raise PlanningError(["Aucun pitch ne commence à cette heure ou après ce jour-là : rien à décaler."])
    if any(s.start < 0 or s.end > 24 * 60 for s in sessions):
        raise PlanningError(["Le décalage ferait passer un pitch hors de la journée."])
    spec = to_scheduler_event(event)
    spec = dataclasses.replace(
        spec,
        locks=tuple(
            dataclasses.replace(lock, start=lock.start + minutes)
            if isinstance(lock, sd.SlotLock) and lock.pitch in shifted_keys and lock.start is not None
            else lock
            for lock in spec.locks or ()
        )
        or None,
    )
    reasons = check(event, tuple(sessions), spec)
    if reasons:
        raise PlanningError(reasons)
    for lock in event.locks:
        if lock.pitch.key in shifted_keys and lock.start_min is not None:
            lock.start_min += minutes
    label = room.name if room else "toutes les salles"
    new = _save_checked(
        event, tuple(sessions), spec, note=f"Retard de {minutes} min dès {format_clock(after)} ({label})"
    )
    journal.record(
        event,
        "schedule.delayed",
        subject=label,
        before={"version": version.id},
        after={
            "date": day.isoformat(),
            "from": format_clock(after),
            "minutes": minutes,
            "pitches": sorted(shifted_keys),
        },
    )
    return schedules.publish(new)


def replan_spec(
    event: Event, base: ScheduleVersion, *, frozen_before: tuple[date, int] | None = None
) -> sd.Event:
    """The scheduler's event for a re-plan: the base version as ``previous``, so that few things change.

    With ``frozen_before`` (date, minute), the pitches that started before that moment keep their slot and
    panel: they have happened.
    """
    spec = to_scheduler_event(event)
    previous = schedules.to_scheduler_sessions(base)
    locks = list(spec.locks or ())
    if frozen_before is not None:
        for session in previous:
            if (session.date, session.start) < frozen_before:
                locks.append(
                    sd.SlotLock(
                        pitch=session.pitch, date=session.date, start=session.start, room=session.room
                    )
                )
                locks.extend(sd.PanelLock(pitch=session.pitch, expert=key) for key in session.panel)
    return dataclasses.replace(spec, previous=previous, locks=tuple(locks) or None)


def mark_absent(expert: Expert, *, day: date, from_min: int) -> None:
    """The expert cannot judge from that moment on: their availability ends there."""
    event = expert.event
    kept: list[tuple[date, int, int]] = []
    windows = [(w.date, w.start_min, w.end_min) for w in expert.windows] or [
        (d.date, d.start_min, d.end_min) for d in event.days
    ]
    for on, start, end in windows:
        if on < day:
            kept.append((on, start, end))
        elif on == day and start < from_min:
            kept.append((on, start, min(end, from_min)))
    journal.record(
        event,
        "schedule.absent",
        subject=expert.name,
        before=[
            [w.date.isoformat(), format_clock(w.start_min), format_clock(w.end_min)] for w in expert.windows
        ],
        after={"absent_from": [day.isoformat(), format_clock(from_min)]},
    )
    expert.windows.clear()
    db.session.flush()
    if not kept:
        # No window at all would mean "any time": an expert gone for good gets an empty stretch instead.
        first = event.days[0]
        kept = [(first.date, first.start_min, first.start_min + (event.grid_min or 5))]
    expert.windows.extend(
        AvailabilityWindow(position=i, date=on, start_min=start, end_min=end)
        for i, (on, start, end) in enumerate(kept)
    )
    db.session.flush()


def _save_checked(
    event: Event, sessions: tuple[sd.Session, ...], spec: sd.Event, note: str
) -> ScheduleVersion:
    reasons = check(event, sessions, spec)
    if reasons:
        raise PlanningError(reasons)
    terms = score_terms(spec, sessions)
    result = sd.Result(
        status=sd.Status.FEASIBLE, sessions=sessions, score=terms.total(spec.objective_weights), terms=terms
    )
    return schedules.save_result(event, result, note=note)


def experts_who_cannot_sit(event: Event) -> list[Expert]:
    """Experts no pitch can have on its panel (availability, conflicts of interest, max_pitches 0).

    The spec's load_spread counts them as judging 0 pitches, so one such expert makes every
    schedule look unbalanced: the organiser is warned and can fix their data or remove them.
    """
    spec = to_scheduler_event(event)
    options = [timeline.pitch_options(spec, pitch) for pitch in spec.pitches]
    stuck = {
        expert.id
        for expert in spec.experts
        if expert.max_pitches == 0 or not any(timeline.may_sit(spec, expert, o) for o in options)
    }
    return [expert for expert in event.experts if expert.key in stuck]


def versions_of(event: Event) -> list[ScheduleVersion]:
    """Every version of the event, newest first."""
    return list(
        db.session.execute(
            db.select(ScheduleVersion)
            .where(ScheduleVersion.event_id == event.id)
            .order_by(ScheduleVersion.id.desc())
        ).scalars()
    )
