"""The ranking of an event's pitches from the jurors' marks.

The maths are pure functions on plain frozen data (tested on hand-computed cases);
``event_board`` and ``public_results`` load that data from the database.

Every juror's marks on a pitch make one *total* on the event scale, 0 to 100: the
weighted mean of the criteria, each mark first placed on its criterion's scale
(``(value - min) / (max - min)``). Only complete sets of marks (every criterion) make
a total. For a pitch:

- ``raw``: the mean of its jurors' totals;
- ``corrected``: the mean of the bias-corrected totals. A juror's totals are
  standardised against their own mean and standard deviation over all the pitches
  they scored, then mapped back with the overall mean and standard deviation of all
  totals of the event. A juror with fewer than ``MIN_PITCHES_FOR_CORRECTION`` totals,
  or whose totals are all equal, keeps their raw totals;
- ``median``: the median of its jurors' totals;
- ``disagreement``: the population standard deviation of its jurors' totals is above
  ``DISAGREEMENT_SPREAD`` points (15 % of the scale), with at least two jurors.

Ranking order: higher corrected score, then higher median, then more jurors, then
company name (alphabetical, case-insensitive). Pitches without any total come last,
unranked.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from sqlalchemy.orm import joinedload

from pitchday.extensions import db
from pitchday.models import Event, Expert, PanelSeat, Pitch, ScheduledSession, Score
from pitchday.services import agenda, rubric, scoring

SCALE_MAX = 100.0
MIN_PITCHES_FOR_CORRECTION = 3
DISAGREEMENT_SPREAD = 0.15 * SCALE_MAX


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    weight: float
    scale_min: int
    scale_max: int


@dataclass(frozen=True)
class Mark:
    pitch: int
    juror: int
    criterion: int
    value: int


@dataclass(frozen=True)
class PitchResult:
    pitch: int
    rank: int | None
    jurors: int
    raw: float | None
    corrected: float | None
    median: float | None
    spread: float | None
    disagreement: bool


def juror_totals(criteria: list[CriterionSpec], marks: list[Mark]) -> dict[tuple[int, int], float]:
    """Each juror's total on each pitch (0-100, weighted mean), only for complete sets of marks."""
    by_id = {criterion.id: criterion for criterion in criteria}
    grouped: dict[tuple[int, int], dict[int, int]] = {}
    for mark in marks:
        if mark.criterion in by_id:
            grouped.setdefault((mark.pitch, mark.juror), {})[mark.criterion] = mark.value
    total_weight = sum(criterion.weight for criterion in criteria)
    totals = {}
    for key, values in grouped.items():
        if len(values) < len(by_id) or total_weight <= 0:
            continue
        weighted = sum(
            c.weight * (values[c.id] - c.scale_min) / (c.scale_max - c.scale_min) for c in criteria
        )
        totals[key] = SCALE_MAX * weighted / total_weight
    return totals


def corrected_totals(
    totals: dict[tuple[int, int], float], min_pitches: int = MIN_PITCHES_FOR_CORRECTION
) -> dict[tuple[int, int], float]:
    """Totals with each juror's severity removed (see the module docstring); too few marks: unchanged."""
    if len(totals) < 2:
        return dict(totals)
    overall_mean = statistics.fmean(totals.values())
    overall_sd = statistics.pstdev(totals.values())
    by_juror: dict[int, list[float]] = {}
    for (_, juror), total in totals.items():
        by_juror.setdefault(juror, []).append(total)
    # Each juror's mean and spread, once per juror (the live board recomputes this at every change).
    severity = {
        juror: (statistics.fmean(own), statistics.pstdev(own))
        for juror, own in by_juror.items()
        if len(own) >= min_pitches
    }
    corrected = {}
    for (pitch, juror), total in totals.items():
        own_mean, own_sd = severity.get(juror, (0.0, 0.0))
        if own_sd == 0:
            corrected[(pitch, juror)] = total
        else:
            corrected[(pitch, juror)] = overall_mean + (total - own_mean) / own_sd * overall_sd
    return corrected


def rank_pitches(
    pitches: dict[int, str],
    criteria: list[CriterionSpec],
    marks: list[Mark],
    min_pitches: int = MIN_PITCHES_FOR_CORRECTION,
) -> list[PitchResult]:
    """Results per pitch (id -> company name), best first.

    Tie-break: higher corrected score, then higher median, then more jurors, then company
    name (case-insensitive); pitches without a complete set of marks come last, unranked.
    """
    totals = juror_totals(criteria, marks)
    corrected = corrected_totals(totals, min_pitches)
    raw_by_pitch: dict[int, list[float]] = {}
    corrected_by_pitch: dict[int, list[float]] = {}
    for (pitch, juror), total in totals.items():
        raw_by_pitch.setdefault(pitch, []).append(total)
        corrected_by_pitch.setdefault(pitch, []).append(corrected[(pitch, juror)])
    results = []
    for pitch in pitches:
        own = raw_by_pitch.get(pitch, [])
        own_corrected = corrected_by_pitch.get(pitch, [])
        if not own:
            results.append(PitchResult(pitch, None, 0, None, None, None, None, False))
            continue
        spread = statistics.pstdev(own)
        results.append(
            PitchResult(
                pitch=pitch,
                rank=None,
                jurors=len(own),
                raw=statistics.fmean(own),
                corrected=statistics.fmean(own_corrected),
                median=statistics.median(own),
                spread=spread,
                disagreement=len(own) >= 2 and spread > DISAGREEMENT_SPREAD,
            )
        )

    def order(result: PitchResult) -> tuple:
        if result.corrected is None:
            return (1, 0.0, 0.0, 0, pitches[result.pitch].casefold())
        return (
            0,
            -round(result.corrected, 9),
            -round(result.median or 0, 9),
            -result.jurors,
            pitches[result.pitch].casefold(),
        )

    ordered = sorted(results, key=order)
    return [_with_rank(result, position) for position, result in enumerate(ordered, start=1)]


def _with_rank(result: PitchResult, position: int) -> PitchResult:
    if result.corrected is None:
        return result
    return PitchResult(
        result.pitch,
        position,
        result.jurors,
        result.raw,
        result.corrected,
        result.median,
        result.spread,
        result.disagreement,
    )


# --- From the database --------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicResult:
    rank: int
    company: str
    title: str
    score: float
    jurors: int


def marks_of(event_id: int) -> list[Mark]:
    rows = db.session.execute(
        db.select(Score.pitch_id, Score.expert_id, Score.criterion_id, Score.value)
        .join(Pitch, Pitch.id == Score.pitch_id)
        .where(Pitch.event_id == event_id)
    )
    return [Mark(pitch, juror, criterion, value) for pitch, juror, criterion, value in rows]


def criteria_specs(event: Event) -> list[CriterionSpec]:
    return [CriterionSpec(c.id, c.weight, c.scale_min, c.scale_max) for c in rubric.criteria_of(event)]


def event_ranking(event: Event) -> list[PitchResult]:
    """The event's pitches ranked from the marks stored now."""
    return rank_pitches(
        {pitch.id: pitch.company for pitch in event.pitches}, criteria_specs(event), marks_of(event.id)
    )


def public_results(event: Event) -> list[PublicResult] | None:
    """The ranking for the public pages, or None while the organiser has not published the results."""
    if not event.results_published:
        return None
    pitches = {pitch.id: pitch for pitch in event.pitches}
    return [
        PublicResult(
            result.rank,
            pitches[result.pitch].company,
            pitches[result.pitch].title,
            round(result.corrected or 0.0, 1),
            result.jurors,
        )
        for result in event_ranking(event)
        if result.rank is not None
    ]


@dataclass(frozen=True)
class JurorProfile:
    """One juror's totals beside the other jurors' totals on the same pitches: is this juror harsh or lenient?"""

    juror: int
    name: str
    own: list[float]
    panel: list[float]


def juror_profiles(event: Event) -> list[JurorProfile]:
    totals = juror_totals(criteria_specs(event), marks_of(event.id))
    profiles = []
    for expert in event.experts:
        pitches = {pitch for (pitch, juror) in totals if juror == expert.id}
        if not pitches:
            continue
        own = sorted(total for (pitch, juror), total in totals.items() if juror == expert.id)
        panel = sorted(
            total for (pitch, juror), total in totals.items() if pitch in pitches and juror != expert.id
        )
        profiles.append(JurorProfile(expert.id, expert.name, own, panel))
    return profiles


def board(event: Event) -> dict:
    """The organiser's live board as plain JSON data: per pitch, who scored, the ranking so far, the lock."""
    version = agenda.latest_published(event)
    loaded = (
        db.session.execute(
            db.select(ScheduledSession)
            .where(ScheduledSession.version_id == version.id)
            .options(joinedload(ScheduledSession.room), joinedload(ScheduledSession.pitch))
        )
        .scalars()
        .all()
        if version
        else []
    )
    sessions = {session.pitch_id: session for session in loaded}
    # The panels as plain rows: the board is recomputed at every change, and loading ~600 seats
    # with their experts as objects cost more than the whole ranking.
    panels: dict[int, list[tuple[int, str]]] = {}
    if version:
        for session_id, expert_id, name in db.session.execute(
            db.select(PanelSeat.session_id, Expert.id, Expert.name)
            .join(Expert, Expert.id == PanelSeat.expert_id)
            .join(ScheduledSession, ScheduledSession.id == PanelSeat.session_id)
            .where(ScheduledSession.version_id == version.id)
            .order_by(PanelSeat.session_id, PanelSeat.position)
        ):
            panels.setdefault(session_id, []).append((expert_id, name))
    locked = scoring.locks_of(event, loaded)
    criteria = criteria_specs(event)
    marks = marks_of(event.id)
    counts: dict[tuple[int, int], int] = {}
    for mark in marks:
        counts[(mark.pitch, mark.juror)] = counts.get((mark.pitch, mark.juror), 0) + 1
    pitches = [pitch for pitch in event.pitches if pitch.id in sessions]
    results = rank_pitches({pitch.id: pitch.company for pitch in pitches}, criteria, marks)
    by_id = {pitch.id: pitch for pitch in pitches}
    rows = []
    for result in results:
        session = sessions[result.pitch]
        marked = {
            expert_id: counts.get((result.pitch, expert_id), 0) for expert_id, _ in panels.get(session.id, [])
        }
        done = [
            name
            for expert_id, name in panels.get(session.id, [])
            if criteria and marked[expert_id] >= len(criteria)
        ]
        partial = [
            name for expert_id, name in panels.get(session.id, []) if 0 < marked[expert_id] < len(criteria)
        ]
        missing = [name for expert_id, name in panels.get(session.id, []) if not marked[expert_id]]
        rows.append(
            {
                "id": result.pitch,
                "company": by_id[result.pitch].company,
                "rank": result.rank,
                "when": f"{session.date.strftime('%d/%m')} {session.start_min // 60:02d}:{session.start_min % 60:02d}",
                "room": session.room.name,
                "raw": _rounded(result.raw),
                "corrected": _rounded(result.corrected),
                "median": _rounded(result.median),
                "spread": _rounded(result.spread),
                "disagreement": result.disagreement,
                "jurors": result.jurors,
                "scored": done,
                "partial": partial,
                "missing": missing,
                "locked": locked[result.pitch],
            }
        )
    return {"published": event.results_published, "pitches": rows}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def unfinished_pitches(event: Event) -> list[dict]:
    """The pitches some of whose jurors have not given every mark yet, and who (names), in board order.

    What the organiser must see before publishing the results: these pitches rank on fewer jurors.
    """
    return [
        {
            "id": row["id"],
            "company": row["company"],
            "when": row["when"],
            "room": row["room"],
            "partial": row["partial"],
            "missing": row["missing"],
        }
        for row in board(event)["pitches"]
        if row["partial"] or row["missing"]
    ]
