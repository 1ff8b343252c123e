"""Schedule versions in the database: a solver result kept as a numbered draft, published under the next
version number, listed, and compared with another (what moved, whose seat changed)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _

from pitchday.extensions import db
from pitchday.models import Event, PanelSeat, ScheduledSession, ScheduleVersion
from pitchday.services import journal, notifications
from pitchday.services.agenda import format_clock
from pitchday.services.wording import Names, Origin, origin_words
from scheduler import data as sd
from scheduler.replan import changes_between


class ScheduleError(ValueError):
    """A schedule operation that cannot be carried out, with the reason for the organiser."""


def save_result(
    event: Event, result: sd.Result, origin: Origin | None = None, *, note: str = ""
) -> ScheduleVersion:
    """Keep a solver result as a draft version (infeasible ones too: their diagnosis is worth keeping).

    ``origin`` says where it comes from (a code worded at display); ``note`` only carries the words
    of a solve started before origins were codes.
    """
    version = ScheduleVersion(
        event=event,
        status=result.status.value,
        score=result.score,
        terms=asdict(result.terms) if result.terms else None,
        best_bound=result.best_bound,
        solve_seconds=result.solve_seconds,
        conflicts=[asdict(conflict) | {"involves": list(conflict.involves)} for conflict in result.conflicts],
        origin=origin.code if origin else "",
        origin_params=dict(origin.params) if origin and origin.params else None,
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
        version.event, "schedule.published", subject=origin_words(version), before=last, after=version.number
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


# --- the versions of an event, and what changed from one to the next ------------------------------


def versions_of(event: Event) -> list[ScheduleVersion]:
    """Every version of the event, newest first."""
    return list(
        db.session.execute(
            db.select(ScheduleVersion)
            .where(ScheduleVersion.event_id == event.id)
            .order_by(ScheduleVersion.id.desc())
        ).scalars()
    )


@dataclass(frozen=True)
class PitchChange:
    pitch: str
    before: str
    after: str
    moved: bool
    experts_removed: tuple[str, ...]
    experts_added: tuple[str, ...]


def version_changes(event: Event, old: ScheduleVersion, new: ScheduleVersion) -> list[PitchChange]:
    """The pitches moved and the panel seats changed from one version to the next, named for people."""
    names = Names.of(event)
    before = {s.pitch: s for s in to_scheduler_sessions(old)}
    after = {s.pitch: s for s in to_scheduler_sessions(new)}
    found = []
    for change in changes_between(tuple(before.values()), tuple(after.values())):
        found.append(
            PitchChange(
                pitch=names.pitches.get(change.pitch, change.pitch),
                before=describe_slot(before[change.pitch], names),
                after=describe_slot(after[change.pitch], names),
                moved=change.moved,
                experts_removed=tuple(names.experts.get(k, k) for k in change.experts_removed),
                experts_added=tuple(names.experts.get(k, k) for k in change.experts_added),
            )
        )
    return found


def describe_slot(session: sd.Session, names: Names) -> str:
    return (
        f"{session.date.strftime('%d/%m')} {format_clock(session.start)}–{format_clock(session.end)}, "
        f"{names.rooms.get(session.room, session.room)}"
    )


def compared_by_default(shown: ScheduleVersion, published: ScheduleVersion | None) -> ScheduleVersion | None:
    """A draft against the schedule on line; the schedule on line against the one it replaced."""
    if published is None:
        return None
    if published.id != shown.id:
        return published
    return db.session.execute(
        db.select(ScheduleVersion).filter_by(event_id=shown.event_id, number=shown.number - 1)
    ).scalar_one_or_none()
