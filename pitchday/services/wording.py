"""The event's keys and the scheduler's rule codes worded for organisers.

The scheduler speaks in keys (``p-acme``, ``e-durand``) and rule codes (``panel_size``); the
organiser's pages and the refusals of a hand move speak in names and sentences. Every such
sentence is written here, once.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pitchday.models import Event, ScheduleVersion
from scheduler.validate import Violation


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


# --- soft rules: the name of each term of the objective ---------------------------------------


TERM_LABELS = {
    "topic_match": "Thèmes en commun",
    "load_spread": "Écart de charge des jurés",
    "room_changes": "Changements de salle",
    "sector_clash": "Même secteur en même temps",
    "changes_from_previous": "Changements par rapport au planning publié",
}


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
    views: list[ConflictView] = []
    # A re-plan on the day pins the pitches already held (their slot and panel) with locks of its own:
    # the scheduler names each such lock, a line per pitch and juror. They are no organiser's decision
    # and nothing to loosen, so they are said once, where the first of them came.
    organiser_locked = {lock.pitch.key for lock in event.locks}
    held: list[str] = []
    held_at: int | None = None
    for conflict in version.conflicts or ():
        rule = conflict.get("rule", "")
        involves = tuple(conflict.get("involves", ()))
        if rule == "lock" and involves and not organiser_locked & set(involves):
            held.extend(names.any(key) for key in involves)
            held_at = len(views) if held_at is None else held_at
            continue
        involved = tuple(names.any(key) for key in involves)
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
        view = ConflictView(heading=heading, text=text, names=involved, fix=_FIX_SECTION.get(rule, "rules"))
        if view not in views:
            views.append(view)
    if held_at is not None:
        held_names = tuple(dict.fromkeys(held))
        views.insert(
            held_at,
            ConflictView(
                heading=_("Pitchs déjà passés"),
                text=_(
                    "Ils gardent l'horaire, la salle et le jury qu'ils ont eus, et comptent dans la charge "
                    "de ces jurés (concerne : %(names)s).",
                    names=", ".join(held_names),
                ),
                names=held_names,
                fix="jures",
            ),
        )
    return views
