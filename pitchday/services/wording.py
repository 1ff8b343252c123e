"""The event's keys and the scheduler's rule codes worded for organisers.

The scheduler speaks in keys (``p-acme``, ``e-durand``) and rule codes (``panel_size``); the
organiser's pages and the refusals of a hand move speak in names and sentences. Every such
sentence is written here, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pitchday.models import Event, ScheduleVersion, SolveJob
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
    "topic_match": _l("Thèmes en commun"),
    "load_spread": _l("Écart de charge des jurés"),
    "room_changes": _l("Changements de salle"),
    "sector_clash": _l("Même secteur en même temps"),
    "changes_from_previous": _l("Changements par rapport au planning publié"),
}


# --- where a version comes from ----------------------------------------------------------------

# ScheduleVersion.origin / SolveJob.origin, by code; the parameters are stored beside the code.
ORIGINS = {
    "generated": _l("Génération"),
    "demo": _l("Démonstration"),
    "replan_published": _l("Re-planification depuis la version publiée %(number)s"),
    "replan_draft": _l("Re-planification depuis le brouillon n° %(draft)s"),
    "replacement": _l("Remplacement de %(juror)s"),
    "move": _l("Déplacement de %(pitch)s"),
    "delay_room": _l("Retard de %(minutes)s min dès %(time)s (%(room)s)"),
    "delay_all": _l("Retard de %(minutes)s min dès %(time)s (toutes les salles)"),
}


@dataclass(frozen=True)
class Origin:
    """Where a version comes from: a code of :data:`ORIGINS` and its parameters, worded when shown."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        words = ORIGINS.get(self.code)
        if words is None:
            return self.code
        return str(words) % self.params if self.params else str(words)


def replanned_from(base: ScheduleVersion) -> Origin:
    """A re-plan's origin, naming its base as the organiser sees it: a published number or a draft's."""
    if base.number is not None:
        return Origin("replan_published", {"number": base.number})
    return Origin("replan_draft", {"draft": base.id})


def origin_words(item: ScheduleVersion | SolveJob) -> str:
    """Where a version (or a solve) comes from, in the visitor's language; an old row's own words."""
    if item.origin:
        return str(Origin(item.origin, item.origin_params or {}))
    return item.note or ""


# --- why a change to a schedule is refused ------------------------------------------------------

# A broken hard rule (scheduler.validate's rule codes) or a change the services refuse, by code.
# ``first``, ``second`` and ``third`` are the names of what the rule's ``involves`` lists, in order.
REFUSALS = {
    "pitch_missing": _l("%(first)s n'est pas placé."),
    "pitch_duplicate": _l("%(first)s est placé plusieurs fois."),
    "pitch_unknown": _l("« %(first)s » n'est pas un pitch de l'événement."),
    "time_grid": _l("%(first)s ne tombe pas sur la grille horaire de l'événement."),
    "pitch_length": _l("La durée de %(first)s ne correspond pas à sa présentation et ses questions."),
    "event_day": _l("%(first)s tombe un jour où l'événement n'a pas lieu."),
    "day_hours": _l("%(first)s déborde des horaires de la journée."),
    "break_overlap": _l("%(first)s empiète sur une pause."),
    "pitch_availability": _l("%(first)s n'est pas disponible à cet horaire."),
    "room_unknown": _l("%(first)s est dans une salle inconnue."),
    "room_allowed": _l("%(first)s ne peut pas avoir lieu dans %(second)s."),
    "room_changeover": _l(
        "Dans %(third)s, %(second)s commence avant la fin de %(first)s (battement compris)."
    ),
    "expert_unknown": _l("Le jury de %(first)s compte un juré inconnu."),
    "expert_duplicate": _l("%(second)s siège deux fois dans le jury de %(first)s."),
    "panel_size": _l("Le jury de %(first)s n'a pas le bon nombre de jurés."),
    "panel_organisations": _l("Le jury de %(first)s n'a aucun expert de %(second)s."),
    "panel_max_per_organisation": _l("Le jury de %(first)s a trop d'experts de %(second)s."),
    "expert_conflict": _l("%(second)s a un conflit d'intérêts avec %(first)s."),
    "expert_availability": _l("%(second)s n'est pas disponible pendant %(first)s."),
    "expert_changeover": _l("%(first)s juge %(second)s et %(third)s sans assez de temps entre les deux."),
    "expert_min_pitches": _l("%(first)s juge moins de pitchs que son minimum."),
    "expert_max_pitches": _l("%(first)s juge plus de pitchs que son maximum."),
    "lock_panel": _l("%(second)s est verrouillé dans le jury de %(first)s mais n'y siège plus."),
    "lock_slot": _l("%(first)s est verrouillé sur un autre horaire ou une autre salle."),
    # Refused by the services before any rule is checked.
    "pitch_not_in_version": _l("%(pitch)s n'est pas dans ce planning."),
    "nothing_changed": _l("Rien n'a changé : le pitch est déjà à cet endroit avec ce jury."),
    "zero_delay": _l("Indiquez un retard différent de zéro."),
    "nothing_to_shift": _l("Aucun pitch ne commence à cette heure ou après ce jour-là : rien à décaler."),
    "shift_out_of_day": _l("Le décalage ferait passer un pitch hors de la journée."),
    "lock_needs_a_part": _l("Choisissez au moins une date, une heure ou une salle à verrouiller."),
    "juror_already_locked": _l("%(juror)s est déjà verrouillé dans le jury de %(pitch)s."),
}


@dataclass(frozen=True)
class Refusal:
    """Why a change is refused: a code of :data:`REFUSALS` and its parameters, worded when shown."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        words = REFUSALS.get(self.code)
        if words is None:  # a rule the scheduler added since: its own (English) message
            return str(self.params.get("message", self.code))
        return str(words) % self.params if self.params else str(words)


def violation_refusal(violation: Violation, names: Names) -> Refusal:
    """A broken hard rule as a refusal naming the pitches, experts and rooms concerned."""
    who = [names.any(key) for key in violation.involves] + ["", "", ""]
    params = {"first": who[0], "second": who[1], "third": who[2]}
    if violation.rule not in REFUSALS:
        params["message"] = violation.message
    return Refusal(violation.rule, params)


def explain_violation(violation: Violation, names: Names) -> str:
    """A broken hard rule as a sentence in the visitor's language."""
    return str(violation_refusal(violation, names))


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
