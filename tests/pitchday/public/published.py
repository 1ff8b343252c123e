"""Published schedules for the public pages' tests, placed by hand (no solver: fast and predictable)."""

from __future__ import annotations

from datetime import date

from pitchday.extensions import db
from pitchday.models import Event, PanelSeat, ScheduledSession, ScheduleVersion
from pitchday.services import agenda, schedules

THURSDAY = date(2023, 11, 30)
FRIDAY = date(2023, 12, 1)

# (pitch, room, date, start "HH:MM"): every pitch of the Rouen demo, 30 minutes each.
ROUEN_PLACEMENTS = [
    ("mijuin-malaunay", "amphi", THURSDAY, "09:30"),
    ("touroul-chevalerie", "salle-b", THURSDAY, "09:30"),
    ("aurthus-et-paole", "amphi", THURSDAY, "10:05"),
    ("projet-5", "salle-b", THURSDAY, "10:05"),
    ("projet-4", "amphi", THURSDAY, "14:00"),
    ("projet-6", "amphi", FRIDAY, "09:00"),
    ("projet-7", "salle-b", FRIDAY, "09:00"),
]


def minutes(clock: str) -> int:
    hours, mins = clock.split(":")
    return int(hours) * 60 + int(mins)


def publish_by_hand(event: Event, placements=ROUEN_PLACEMENTS) -> ScheduleVersion:  # noqa: ANN001
    """Publish the given placements, each pitch with a panel of the event's first four experts."""
    pitches = {pitch.key: pitch for pitch in event.pitches}
    rooms = {room.key: room for room in event.rooms}
    version = ScheduleVersion(event=event, status="feasible", note="test")
    for pitch_key, room_key, day, start in placements:
        pitch = pitches[pitch_key]
        length = (pitch.duration_min or event.duration_min) + (pitch.qa_min or event.qa_min or 0)
        version.sessions.append(ScheduledSession(
            pitch=pitch, room=rooms[room_key], date=day, start_min=minutes(start), end_min=minutes(start) + length,
            seats=[PanelSeat(expert=expert, position=i) for i, expert in enumerate(event.experts[:4])]))
    db.session.add(version)
    db.session.flush()
    schedules.publish(version)
    db.session.commit()
    return version


def publish_delay(event: Event, day: date, after: str, delay_min: int = 15) -> ScheduleVersion:
    """A copy of the latest published version with every session of ``day`` from ``after`` on moved later.

    Stands in for the organiser's "apply a delay" operation: a delay is just a newer published version.
    """
    latest = agenda.latest_published(event)
    version = ScheduleVersion(event=event, status=latest.status, note=f"retard de {delay_min} min")
    for session in latest.sessions:
        shift = delay_min if session.date == day and session.start_min >= minutes(after) else 0
        version.sessions.append(ScheduledSession(
            pitch=session.pitch, room=session.room, date=session.date,
            start_min=session.start_min + shift, end_min=session.end_min + shift,
            seats=[PanelSeat(expert=seat.expert, position=seat.position) for seat in session.seats]))
    db.session.add(version)
    db.session.flush()
    schedules.publish(version)
    db.session.commit()
    return version
