"""Schedules in the database: keep a solver result as a draft, publish it as a numbered version."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from flask_babel import gettext as _

import scheduler
from pitchday.extensions import db
from pitchday.models import Event, PanelSeat, ScheduledSession, ScheduleVersion
from pitchday.services import journal, notifications
from pitchday.services.event_io import to_scheduler_event
from scheduler import data as sd


class ScheduleError(ValueError):
    """A schedule operation that cannot be carried out, with the reason for the organiser."""


def solve_now(event: Event, *, time_limit: float = 10.0, workers: int | None = None) -> sd.Result:
    """Solve the event in this process (the CLI and the demo; the web pages solve in the background)."""
    return scheduler.solve(to_scheduler_event(event), time_limit=time_limit, workers=workers)


def save_result(event: Event, result: sd.Result, note: str = "") -> ScheduleVersion:
    """Keep a solver result as a draft version (infeasible ones too: their diagnosis is worth keeping)."""
    version = ScheduleVersion(
        event=event,
        status=result.status.value,
        score=result.score,
        terms=asdict(result.terms) if result.terms else None,
        best_bound=result.best_bound,
        solve_seconds=result.solve_seconds,
        conflicts=[asdict(conflict) | {"involves": list(conflict.involves)} for conflict in result.conflicts],
        note=note,
    )
    rooms = {room.key: room for room in event.rooms}
    pitches = {pitch.key: pitch for pitch in event.pitches}
    experts = {expert.key: expert for expert in event.experts}
    for session in result.sessions:
        version.sessions.append(
            ScheduledSession(
                pitch=pitches[session.pitch],
                room=rooms[session.room],
                date=session.date,
                start_min=session.start,
                end_min=session.end,
                seats=[PanelSeat(expert=experts[key], position=i) for i, key in enumerate(session.panel)],
            )
        )
    db.session.add(version)
    db.session.flush()
    return version


def publish(version: ScheduleVersion) -> ScheduleVersion:
    """Make a draft the public schedule, under the next version number."""
    if version.number is not None:
        raise ScheduleError(_("Ce planning est déjà publié (version %(number)d).", number=version.number))
    if not version.sessions:
        raise ScheduleError(_("Un planning sans aucun pitch placé ne peut pas être publié."))
    last = db.session.execute(
        db.select(db.func.max(ScheduleVersion.number)).where(ScheduleVersion.event_id == version.event_id)
    ).scalar_one()
    previous = (
        db.session.execute(
            db.select(ScheduleVersion).filter_by(event_id=version.event_id, number=last)
        ).scalar_one_or_none()
        if last
        else None
    )
    version.number = (last or 0) + 1
    version.published_at = datetime.now(UTC)
    db.session.flush()
    notifications.version_published(version, previous)
    journal.record(
        version.event, "schedule.published", subject=version.note or "", before=last, after=version.number
    )
    return version


def to_scheduler_sessions(version: ScheduleVersion) -> tuple[sd.Session, ...]:
    """A stored schedule as the scheduler's sessions (for validation, re-planning and export)."""
    return tuple(
        sd.Session(
            pitch=s.pitch.key,
            date=s.date,
            start=s.start_min,
            end=s.end_min,
            room=s.room.key,
            panel=tuple(seat.expert.key for seat in s.seats),
        )
        for s in sorted(version.sessions, key=lambda s: (s.date, s.start_min, s.room.position))
    )
