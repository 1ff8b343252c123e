"""Changes by hand to a schedule: a pitch moved, a day's delay, a re-plan's starting point, a juror absent.

Every change makes a new version (a draft, or a published one on the day) and is checked first
with ``scheduler.validate.check_schedule``: a change that breaks a hard rule is refused with the
reasons as codes (``wording.Refusal``), worded in the visitor's language when shown.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from pitchday.extensions import db
from pitchday.models import AvailabilityWindow, Event, Expert, Pitch, Room, ScheduleVersion
from pitchday.services import agenda, journal, versions
from pitchday.services.agenda import format_clock
from pitchday.services.event_io import to_scheduler_event
from pitchday.services.wording import Names, Origin, Refusal, violation_refusal
from scheduler import data as sd
from scheduler.validate import check_schedule, score_terms


class PlanningError(ValueError):
    """A change refused, with each reason as a code and parameters (``refusals``)."""

    def __init__(self, refusals: list[Refusal]) -> None:
        super().__init__(" ".join(refusal.code for refusal in refusals))
        self.refusals = refusals

    @property
    def reasons(self) -> list[str]:
        """Each reason worded in the visitor's language (read when the refusal is shown)."""
        return [str(refusal) for refusal in self.refusals]

    def __str__(self) -> str:
        return " ".join(self.reasons)


def check(event: Event, sessions: tuple[sd.Session, ...], spec: sd.Event | None = None) -> list[Refusal]:
    """The hard rules the sessions break, each once (empty: every rule holds)."""
    spec = spec or to_scheduler_event(event)
    names = Names.of(event)
    found: list[Refusal] = []
    for violation in check_schedule(spec, sessions):
        refusal = violation_refusal(violation, names)
        if refusal not in found:
            found.append(refusal)
    return found


def move_pitch(
    version: ScheduleVersion,
    pitch: Pitch,
    *,
    day: date,
    start: int,
    room: Room,
    panel: list[Expert] | None = None,
) -> ScheduleVersion:
    """A new draft with one pitch moved (and its panel changed, if given); refused if a hard rule breaks."""
    event = version.event
    spec = to_scheduler_event(event)
    sessions = list(versions.to_scheduler_sessions(version))
    index = next((i for i, s in enumerate(sessions) if s.pitch == pitch.key), None)
    if index is None:
        raise PlanningError([Refusal("pitch_not_in_version", {"pitch": pitch.company})])
    length = spec.pitch_length(spec.pitch_by_id()[pitch.key])
    old = sessions[index]
    sessions[index] = dataclasses.replace(
        old,
        date=day,
        start=start,
        end=start + length,
        room=room.key,
        panel=tuple(e.key for e in panel) if panel is not None else old.panel,
    )
    if sessions[index] == old:
        raise PlanningError([Refusal("nothing_changed")])
    moved = _save_checked(event, tuple(sessions), spec, origin=Origin("move", {"pitch": pitch.company}))
    journal.record(
        event,
        "schedule.moved",
        subject=pitch.company,
        before=_slot_words(old, version),
        after=_slot_words(sessions[index], moved),
    )
    return moved


def _slot_words(session: sd.Session, version: ScheduleVersion) -> dict:
    return {
        "version": version.id,
        "date": session.date.isoformat(),
        "start": format_clock(session.start),
        "room": session.room,
        "panel": list(session.panel),
    }


def delay(
    version: ScheduleVersion, *, day: date, after: int, minutes: int, room: Room | None = None
) -> ScheduleVersion:
    """Shift the sessions of a day starting at or after a time (in one room or all) and publish the result.

    Slot locks of the shifted pitches move with them: the day has decided, the old time no longer holds.
    """
    event = version.event
    if minutes == 0:
        raise PlanningError([Refusal("zero_delay")])
    shifted_keys = set()
    sessions = []
    for session in versions.to_scheduler_sessions(version):
        if session.date == day and session.start >= after and (room is None or session.room == room.key):
            session = dataclasses.replace(session, start=session.start + minutes, end=session.end + minutes)
            shifted_keys.add(session.pitch)
        sessions.append(session)
    if not shifted_keys:
        raise PlanningError([Refusal("nothing_to_shift")])
    if any(s.start < 0 or s.end > 24 * 60 for s in sessions):
        raise PlanningError([Refusal("shift_out_of_day")])
    spec = to_scheduler_event(event)
    spec = dataclasses.replace(
        spec,
        locks=tuple(
            dataclasses.replace(lock, start=lock.start + minutes)
            if isinstance(lock, sd.SlotLock) and lock.pitch in shifted_keys and lock.start is not None
            else lock
            for lock in spec.locks or ()
        )
        or None,
    )
    reasons = check(event, tuple(sessions), spec)
    if reasons:
        raise PlanningError(reasons)
    for lock in event.locks:
        if lock.pitch.key in shifted_keys and lock.start_min is not None:
            lock.start_min += minutes
    when = {"minutes": minutes, "time": format_clock(after)}
    origin = Origin("delay_room", when | {"room": room.name}) if room else Origin("delay_all", when)
    new = _save_checked(event, tuple(sessions), spec, origin)
    journal.record(
        event,
        "schedule.delayed",
        subject=room.name if room else str(_("toutes les salles")),
        before={"version": version.id},
        after={
            "date": day.isoformat(),
            "from": format_clock(after),
            "minutes": minutes,
            "pitches": sorted(shifted_keys),
        },
    )
    return versions.publish(new)


@dataclass(frozen=True)
class Absence:
    """A juror absent from a moment of a day on: what an absent juror's re-plan is made for."""

    expert: str  # the expert's key
    day: date
    from_min: int

    def to_json(self) -> dict:
        return {"expert": self.expert, "day": self.day.isoformat(), "from_min": self.from_min}

    @classmethod
    def from_json(cls, stored: dict) -> Absence:
        return cls(
            expert=stored["expert"], day=date.fromisoformat(stored["day"]), from_min=stored["from_min"]
        )


def replan_spec(
    event: Event,
    base: ScheduleVersion,
    *,
    frozen_before: tuple[date, int] | None = None,
    absence: Absence | None = None,
) -> sd.Event:
    """The scheduler's event for a re-plan: the base version as ``previous``, so that few things change.

    With ``frozen_before`` (date, minute), the pitches that started before that moment keep their slot and
    panel: they have happened. With ``absence``, the juror's availability ends at that moment in the
    scheduler's event only: it is stored (``apply_absence``) once a schedule without them is found.
    """
    spec = to_scheduler_event(event)
    previous = versions.to_scheduler_sessions(base)
    locks = list(spec.locks or ())
    if frozen_before is not None:
        for session in previous:
            if (session.date, session.start) < frozen_before:
                locks.append(
                    sd.SlotLock(
                        pitch=session.pitch, date=session.date, start=session.start, room=session.room
                    )
                )
                locks.extend(sd.PanelLock(pitch=session.pitch, expert=key) for key in session.panel)
    experts = spec.experts
    if absence is not None:
        expert = next(e for e in event.experts if e.key == absence.expert)
        cut = tuple(
            sd.Window(date=on, start=start, end=end) for on, start, end in _windows_until(expert, absence)
        )
        experts = tuple(
            dataclasses.replace(e, available=cut) if e.id == absence.expert else e for e in experts
        )
    return dataclasses.replace(spec, previous=previous, locks=tuple(locks) or None, experts=experts)


def _windows_until(expert: Expert, absence: Absence) -> list[tuple[date, int, int]]:
    """The expert's availability cut at the absence's moment (never empty: none would mean "any time")."""
    event = expert.event
    kept: list[tuple[date, int, int]] = []
    windows = [(w.date, w.start_min, w.end_min) for w in expert.windows] or [
        (d.date, d.start_min, d.end_min) for d in event.days
    ]
    for on, start, end in windows:
        if on < absence.day:
            kept.append((on, start, end))
        elif on == absence.day and start < absence.from_min:
            kept.append((on, start, min(end, absence.from_min)))
    if not kept:
        # An expert gone for good gets an empty stretch instead.
        first = event.days[0]
        kept = [(first.date, first.start_min, first.start_min + (event.grid_min or 5))]
    return kept


def declare_absent(expert: Expert, absence: Absence) -> None:
    """The organiser's word that the expert is away, in the journal; the availability changes with the re-plan."""
    journal.record(
        expert.event,
        "schedule.absent",
        subject=expert.name,
        before=[
            [w.date.isoformat(), format_clock(w.start_min), format_clock(w.end_min)] for w in expert.windows
        ],
        after={"absent_from": [absence.day.isoformat(), format_clock(absence.from_min)]},
    )


def apply_absence(event: Event, absence: Absence) -> None:
    """The expert cannot judge from that moment on: their stored availability ends there."""
    expert = next(e for e in event.experts if e.key == absence.expert)
    kept = _windows_until(expert, absence)
    expert.windows.clear()
    db.session.flush()
    expert.windows.extend(
        AvailabilityWindow(position=i, date=on, start_min=start, end_min=end)
        for i, (on, start, end) in enumerate(kept)
    )
    db.session.flush()


def mark_absent(expert: Expert, *, day: date, from_min: int) -> None:
    """Declare and store an absence at once (no re-plan)."""
    absence = Absence(expert=expert.key, day=day, from_min=from_min)
    declare_absent(expert, absence)
    apply_absence(expert.event, absence)


def _save_checked(
    event: Event, sessions: tuple[sd.Session, ...], spec: sd.Event, origin: Origin
) -> ScheduleVersion:
    reasons = check(event, sessions, spec)
    if reasons:
        raise PlanningError(reasons)
    # Scored as the scheduler scores a re-plan: what changed from the schedule the public knows counts.
    published = agenda.latest_published(event)
    if published is not None:
        spec = dataclasses.replace(spec, previous=versions.to_scheduler_sessions(published))
    terms = score_terms(spec, sessions)
    result = sd.Result(
        status=sd.Status.FEASIBLE, sessions=sessions, score=terms.total(spec.objective_weights), terms=terms
    )
    return versions.save_result(event, result, origin)
