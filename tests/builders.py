"""Data builders for the app's tests, in one module: accounts and imported events, a clock parser,
schedules solved or placed by hand and published, and a small scoring day with its fixtures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from pitchday.extensions import db
from pitchday.models import Criterion, Event, Organiser, PanelSeat, ScheduledSession, ScheduleVersion
from pitchday.services import accounts, agenda, event_io, moves, rubric, scoring, solving, teams, versions


def minutes(clock: str) -> int:
    """The tests' one clock parser: "09:30" is 570 minutes after midnight."""
    hours, mins = clock.split(":")
    return int(hours) * 60 + int(mins)


# --- accounts and events ----------------------------------------------------------------------------


ORGANISER_EMAIL = "orga@example.org"
ORGANISER_PASSWORD = "correct horse battery"


def create_organiser(email: str = ORGANISER_EMAIL, password: str = ORGANISER_PASSWORD) -> Organiser:
    """An organiser account; the tests' own organiser (the default) owns every event already there."""
    organiser = accounts.create_organiser(email, password, "Orga")
    if email == ORGANISER_EMAIL:
        for event in db.session.execute(db.select(Event)).scalars():
            teams.make_owner(event, organiser)
    db.session.commit()
    return organiser


def import_event(data: dict) -> Event:
    """Import an event file; the tests' own organiser, when it exists, is its owner (as its importer)."""
    event = event_io.import_event(data)
    owner = accounts.organiser_by_email(ORGANISER_EMAIL)
    if owner is not None:
        teams.make_owner(event, owner)
    db.session.commit()
    return event


def join_team(event: Event, email: str, role: str, password: str = ORGANISER_PASSWORD) -> Organiser:
    """An account (made if needed) holding this role in the event's team."""
    account = accounts.organiser_by_email(email) or accounts.create_organiser(email, password, email)
    teams.grant(event, account, teams.Role(role))
    db.session.commit()
    return account


def login(client, email: str = ORGANISER_EMAIL, password: str = ORGANISER_PASSWORD):
    return client.post("/organisation/connexion", data={"email": email, "password": password})


def browser_login(page, base_url: str) -> None:
    """Sign the organiser in through the login form, as a person would (browser tests)."""
    page.goto(f"{base_url}/organisation/connexion")
    page.get_by_label("Adresse e-mail").fill(ORGANISER_EMAIL)
    page.get_by_label("Mot de passe").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


# --- schedules --------------------------------------------------------------------------------------


def solved_draft(event: Event, time_limit: float = 5) -> ScheduleVersion:
    """A draft from the real solver, committed."""
    version = versions.save_result(event, solving.solve_now(event, time_limit=time_limit))
    db.session.commit()
    return version


# Published schedules for the public pages' tests, placed by hand (no solver: fast and predictable).
THURSDAY = date(2023, 11, 30)
FRIDAY = date(2023, 12, 1)

MORNING_PANEL = ("uimm-2", "cetim-1", "am-1", "cna-1")
# (pitch, room, date, start "HH:MM", panel): every pitch of the Rouen demo, 30 minutes each, a valid
# schedule (availabilities, conflicts, loads), so that the organiser's own operations accept it.
ROUEN_PLACEMENTS = [
    ("mijuin-malaunay", "amphi", THURSDAY, "09:30", MORNING_PANEL),
    ("aurthus-et-paole", "amphi", THURSDAY, "10:05", MORNING_PANEL),
    ("projet-5", "amphi", THURSDAY, "10:40", MORNING_PANEL),
    ("projet-4", "amphi", THURSDAY, "14:00", ("uimm-1", "cetim-1", "am-2", "cci-p-1")),
    ("touroul-chevalerie", "salle-b", THURSDAY, "14:00", ("uimm-2", "cetim-2", "am-1", "cci-n-1")),
    ("projet-6", "amphi", FRIDAY, "09:00", ("uimm-1", "cetim-2", "am-2", "cna-1")),
    ("projet-7", "salle-b", FRIDAY, "09:35", ("uimm-1", "cetim-2", "am-2", "cci-n-1")),
]


def publish_by_hand(event: Event, placements=ROUEN_PLACEMENTS) -> ScheduleVersion:
    """Publish the given placements as the event's next version."""
    pitches = {pitch.key: pitch for pitch in event.pitches}
    rooms = {room.key: room for room in event.rooms}
    experts = {expert.key: expert for expert in event.experts}
    version = ScheduleVersion(event=event, status="feasible", note="test")
    for pitch_key, room_key, day, start, panel in placements:
        pitch = pitches[pitch_key]
        length = (pitch.duration_min or event.duration_min) + (pitch.qa_min or event.qa_min or 0)
        version.sessions.append(
            ScheduledSession(
                pitch=pitch,
                room=rooms[room_key],
                date=day,
                start_min=minutes(start),
                end_min=minutes(start) + length,
                seats=[PanelSeat(expert=experts[key], position=i) for i, key in enumerate(panel)],
            )
        )
    db.session.add(version)
    db.session.flush()
    versions.publish(version)
    db.session.commit()
    return version


def publish_delay(event: Event, day: date, after: str, delay_min: int = 15) -> ScheduleVersion:
    """The organiser's "apply a delay": every session of ``day`` from ``after`` on moves later, published."""
    version = moves.delay(agenda.latest_published(event), day=day, after=minutes(after), minutes=delay_min)
    db.session.commit()
    return version


# --- a small published scoring day on the Rouen event: four pitches, hand-made panels, a frozen clock --


DAY = date(2023, 11, 30)
# Pitch key -> (start "HH:MM" as minutes, panel). cci-n-1 has a conflict with mijuin-malaunay yet sits on
# its panel, as a careless hand edit could do: the conflict must still win.
PANELS = {
    "mijuin-malaunay": (minutes("09:30"), ["uimm-1", "cetim-1", "cci-n-1"]),
    "aurthus-et-paole": (minutes("10:00"), ["uimm-1", "cetim-1", "am-1"]),
    "touroul-chevalerie": (minutes("10:30"), ["uimm-1", "cetim-1", "am-1"]),
    "projet-4": (minutes("11:00"), ["uimm-2", "cetim-2", "am-2"]),
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
