"""A small published scoring day on the Rouen event: four pitches, hand-made panels, a frozen clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from pitchday.extensions import db
from pitchday.models import Criterion, Event, PanelSeat, ScheduledSession, ScheduleVersion
from pitchday.services import accounts, event_io, rubric, scoring, versions

DAY = date(2023, 11, 30)
# Pitch key -> (start "HH:MM" as minutes, panel). cci-n-1 has a conflict with mijuin-malaunay yet sits on
# its panel, as a careless hand edit could do: the conflict must still win.
PANELS = {
    "mijuin-malaunay": (9 * 60 + 30, ["uimm-1", "cetim-1", "cci-n-1"]),
    "aurthus-et-paole": (10 * 60, ["uimm-1", "cetim-1", "am-1"]),
    "touroul-chevalerie": (10 * 60 + 30, ["uimm-1", "cetim-1", "am-1"]),
    "projet-4": (11 * 60, ["uimm-2", "cetim-2", "am-2"]),
}
# 10:10 in Rouen on the first day: aurthus-et-paole is under way, nothing is locked yet.
DURING_THE_DAY = datetime(2023, 11, 30, 10, 10, tzinfo=ZoneInfo("Europe/Paris"))


@dataclass(frozen=True)
class ScoringDay:
    slug: str
    event_id: int
    tokens: dict[str, str]
    pitches: dict[str, int]
    criteria: list[int]


def published_scoring_day(data: dict) -> ScoringDay:
    """Import the event, give it the default rubric, publish the hand-made panels, commit."""
    event = event_io.import_event(data)
    rubric.ensure_default_rubric(event)
    rooms = {room.key: room for room in event.rooms}
    experts = {expert.key: expert for expert in event.experts}
    pitches = {pitch.key: pitch for pitch in event.pitches}
    version = ScheduleVersion(event=event, status="feasible", note="tests")
    for key, (start, panel) in PANELS.items():
        version.sessions.append(
            ScheduledSession(
                pitch=pitches[key],
                room=rooms["amphi"],
                date=DAY,
                start_min=start,
                end_min=start + 30,
                seats=[PanelSeat(expert=experts[name], position=i) for i, name in enumerate(panel)],
            )
        )
    db.session.add(version)
    db.session.flush()
    versions.publish(version)
    tokens = {access.expert.key: access.token for access in accounts.ensure_juror_links(event)}
    db.session.commit()
    return ScoringDay(
        event.slug,
        event.id,
        tokens,
        {key: pitch.id for key, pitch in pitches.items()},
        [criterion.id for criterion in rubric.criteria_of(event)],
    )


def criteria_of(event_id: int) -> list[Criterion]:
    return rubric.criteria_of(db.session.get(Event, event_id))


@pytest.fixture
def clock(monkeypatch) -> list[datetime]:
    """The scoring service's clock, frozen during the day; a test moves it with ``clock[0] = ...``."""
    moments = [DURING_THE_DAY]
    monkeypatch.setattr(scoring, "now_utc", lambda: moments[0])
    return moments


@pytest.fixture
def day(app, rouen, clock) -> ScoringDay:
    with app.app_context():
        return published_scoring_day(rouen)
