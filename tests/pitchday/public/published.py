"""Published schedules for the public pages' tests, placed by hand (no solver: fast and predictable)."""

from __future__ import annotations

from datetime import date

from pitchday.extensions import db
from pitchday.models import Event, PanelSeat, ScheduledSession, ScheduleVersion
from pitchday.services import agenda, moves, versions

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


def minutes(clock: str) -> int:
    hours, mins = clock.split(":")
    return int(hours) * 60 + int(mins)


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
