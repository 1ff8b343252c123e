"""What a schedule costs: each broken preference (soft rule) with its points, the objective's terms,
and the experts whose data make every schedule look unbalanced."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from itertools import combinations, pairwise

from flask_babel import format_date
from flask_babel import gettext as _

from pitchday import numbers
from pitchday.models import Event, Expert, ScheduleVersion
from pitchday.services import versions
from pitchday.services.agenda import format_clock
from pitchday.services.event_io import to_scheduler_event
from pitchday.services.wording import TERM_LABELS, Names
from scheduler import data as sd
from scheduler import timeline
from scheduler.validate import score_terms


@dataclass(frozen=True)
class SoftItem:
    """One preference the schedule does not meet, and the points it costs."""

    term: str
    text: str  # worded in the visitor's language (the breakdown is worked out for the page that shows it)
    cost: int
    pitch_keys: tuple[str, ...] = ()


def soft_breakdown(event: Event, version: ScheduleVersion) -> list[SoftItem]:
    """Each broken preference of a schedule, with its cost under the event's weights."""
    spec = to_scheduler_event(event)
    sessions = versions.to_scheduler_sessions(version)
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
                        _(
                            "%(juror)s juge %(pitch)s sans thème en commun (%(topics)s).",
                            juror=names.experts[expert_key],
                            pitch=names.pitches[session.pitch],
                            topics=", ".join(pitch.topics),
                        ),
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
                _(
                    "%(busiest)s : %(most)s pitchs ; %(idlest)s : %(fewest)s.",
                    busiest=busiest,
                    most=numbers.number(most),
                    idlest=idlest,
                    fewest=numbers.number(fewest),
                ),
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
                            _(
                                "%(juror)s passe de %(room)s à %(other_room)s le %(day)s à %(time)s.",
                                juror=names.experts.get(expert_key, expert_key),
                                room=names.rooms[first.room],
                                other_room=names.rooms[second.room],
                                day=format_date(second.date, "d MMM"),
                                time=format_clock(second.start),
                            ),
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
                    _(
                        "%(pitch)s et %(other_pitch)s (secteur %(sector)s) se chevauchent le %(day)s.",
                        pitch=names.pitches[first.pitch],
                        other_pitch=names.pitches[second.pitch],
                        sector=pitches[first.pitch].sector,
                        day=format_date(first.date, "d MMM"),
                    ),
                    weights.sector_clash,
                    (first.pitch, second.pitch),
                )
            )
    return items


def version_terms(event: Event, version: ScheduleVersion) -> sd.ScoreTerms:
    """The objective's terms of a stored schedule, as the scheduler counted them when it was made.

    Every term is recounted from the event's data, except the changes from the previous schedule:
    those are counted against the schedule the version was made from (a re-plan's base, the published
    version a delay or a hand move changed), which only its making knew, and which it stored. Recounted
    against the event alone they read 0, and the table no longer added up to the version's score.
    """
    terms = score_terms(to_scheduler_event(event), versions.to_scheduler_sessions(version))
    stored = (version.terms or {}).get("changes_from_previous")
    return replace(terms, changes_from_previous=stored) if isinstance(stored, int) else terms


def score_of(event: Event, version: ScheduleVersion) -> int:
    """The version's score: the sum of its terms table."""
    return version_terms(event, version).total(to_scheduler_event(event).objective_weights)


def terms_table(event: Event, version: ScheduleVersion) -> list[tuple[str, int, int, int]]:
    """(label, value, weight, signed points) for each objective term of the schedule."""
    terms = version_terms(event, version)
    weights = to_scheduler_event(event).objective_weights
    rows = []
    for name, label in TERM_LABELS.items():
        value, weight = getattr(terms, name), getattr(weights, name)
        rows.append((label, value, weight, value * weight if name == "topic_match" else -value * weight))
    return rows


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
