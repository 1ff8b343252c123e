"""A programme's own view: each event's state, and the dossiers with their rank within their event.

Scores are calibrated within an event only (each juror's severity is removed against the other
marks of that event, see pitchday.services.ranking): a total from Rouen and one from Lille are not
on the same footing. So the view places a dossier by its rank and percentile in its own event,
and never orders dossiers of different events by their totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pitchday.extensions import db
from pitchday.models import Event, Programme
from pitchday.services import agenda, ranking


@dataclass(frozen=True)
class EventState:
    event: Event
    city: str
    first_day: date | None
    last_day: date | None
    published_version: int | None  # the number of the agenda version the public sees
    seats_scored: int  # panel seats (juror x pitch) with a complete set of marks
    seats: int  # every panel seat of the published agenda
    results_published: bool

    @property
    def scoring_share(self) -> float:
        return self.seats_scored / self.seats if self.seats else 0.0


@dataclass(frozen=True)
class DossierPlace:
    event: Event
    city: str
    company: str
    title: str
    rank: int
    ranked: int  # how many dossiers of the event are ranked
    percentile: float  # 100 for the event's first, 0 for its last


def percentile_of(rank: int, ranked: int) -> float:
    """Where a rank stands in its event, 0-100: the share of the event's other ranked dossiers it is ahead of."""
    if ranked <= 1:
        return 100.0
    return 100.0 * (ranked - rank) / (ranked - 1)


def events_of(programme: Programme) -> list[Event]:
    """The programme's events by city, then date."""
    return sorted(programme.events, key=lambda e: (e.city.casefold(), _first_day(e) or date.max, e.name))


def _first_day(event: Event) -> date | None:
    return min((day.date for day in event.days), default=None)


def _last_day(event: Event) -> date | None:
    return max((day.date for day in event.days), default=None)


def state_of(event: Event) -> EventState:
    version = agenda.latest_published(event)
    board = ranking.board(event)["pitches"] if version else []
    scored = sum(len(row["scored"]) for row in board)
    seats = sum(len(row["scored"]) + len(row["partial"]) + len(row["missing"]) for row in board)
    return EventState(
        event,
        event.city,
        _first_day(event),
        _last_day(event),
        version.number if version else None,
        scored,
        seats,
        event.results_published,
    )


def places_in(event: Event) -> list[DossierPlace]:
    """The event's ranked dossiers, best first, with their rank and percentile within the event."""
    pitches = {pitch.id: pitch for pitch in event.pitches}
    results = [result for result in ranking.event_ranking(event) if result.rank is not None]
    return [
        DossierPlace(
            event,
            event.city,
            pitches[r.pitch].company,
            pitches[r.pitch].title,
            r.rank,
            len(results),
            percentile_of(r.rank, len(results)),
        )
        for r in results
    ]


@dataclass(frozen=True)
class ProgrammeView:
    programme: Programme
    events: list[EventState]
    places: list[tuple[EventState, list[DossierPlace]]]  # per event, never merged into one order


def view_of(programme: Programme) -> ProgrammeView:
    states = [state_of(event) for event in events_of(programme)]
    return ProgrammeView(programme, states, [(state, places_in(state.event)) for state in states])


def public_programmes() -> list[Programme]:
    return list(db.session.execute(db.select(Programme).order_by(Programme.name)).scalars())
