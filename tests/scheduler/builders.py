"""Tiny events for the model's tests, built in one line each."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from scheduler.data import (
    Break,
    Day,
    Event,
    EventInfo,
    Expert,
    Lock,
    Organisation,
    PanelRules,
    Pitch,
    PitchDefaults,
    Room,
    Session,
    Weights,
    Window,
)

DAY_ONE = date(2024, 3, 14)
DAY_TWO = date(2024, 3, 15)


def clock(text: str) -> int:
    """'09:30' -> 570."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def window(start: str, end: str, day: date = DAY_ONE) -> Window:
    return Window(day, clock(start), clock(end))


def day(
    start: str = "09:00", end: str = "12:00", on: date = DAY_ONE, breaks: tuple[tuple[str, str], ...] = ()
) -> Day:
    return Day(on, clock(start), clock(end), tuple(Break(clock(a), clock(b), "pause") for a, b in breaks))


def pitch(pitch_id: str, *, sector: str = "industrie", topics: tuple[str, ...] = (), **fields) -> Pitch:
    return Pitch(
        pitch_id,
        company=pitch_id.title(),
        title=f"Projet {pitch_id}",
        sector=sector,
        city="Rouen",
        topics=topics,
        **fields,
    )


def expert(expert_id: str, *, organisation: str = "uimm", topics: tuple[str, ...] = (), **fields) -> Expert:
    return Expert(expert_id, name=expert_id.title(), organisation=organisation, topics=topics, **fields)


def event(
    pitches: list[Pitch],
    experts: list[Expert],
    *,
    rooms: int | tuple[str, ...] = 1,
    days: tuple[Day, ...] = (),
    duration: int = 30,
    changeover: int = 0,
    panel_size: int = 1,
    required: tuple[str, ...] = (),
    max_per_organisation: int | None = None,
    locks: tuple[Lock, ...] | None = None,
    previous: tuple[Session, ...] | None = None,
    weights: Weights | None = None,
) -> Event:
    """An event of one morning (unless ``days`` says otherwise) with rooms named room-1, room-2, ..."""
    room_ids = rooms if isinstance(rooms, tuple) else tuple(f"room-{n}" for n in range(1, rooms + 1))
    organisations = sorted({e.organisation for e in experts} | set(required))
    return Event(
        info=EventInfo("Test day", "Rouen", "Europe/Paris"),
        days=days or (day(),),
        rooms=tuple(Room(room_id, room_id.title()) for room_id in room_ids),
        organisations=tuple(Organisation(org, org.upper()) for org in organisations),
        pitch_defaults=PitchDefaults(duration, 0, changeover),
        panel=PanelRules(panel_size, required, max_per_organisation),
        pitches=tuple(pitches),
        experts=tuple(experts),
        grid_min=5,
        locks=locks,
        previous=previous,
        weights=weights,
    )


def without_expert(base: Event, expert_id: str) -> Event:
    """The same event after an expert dropped out."""
    return replace(base, experts=tuple(e for e in base.experts if e.id != expert_id))
