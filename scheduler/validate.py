"""A solver-independent check of any schedule against the spec's hard rules, and its score.

Plain Python on purpose: it shares no code with the CP-SAT model, so a test
that runs both catches a rule the model forgot or got wrong.  Rule numbers
refer to the "Hard rules" and "Objective" sections of ``shared/event-format.md``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations, pairwise

from scheduler.data import Change, Event, Expert, PanelLock, Pitch, ScoreTerms, Session, SlotLock
from scheduler.io import format_clock


@dataclass(frozen=True)
class Violation:
    """One broken hard rule: a short rule name, a sentence, and the ids concerned."""

    rule: str
    message: str
    involves: tuple[str, ...] = ()


def check_schedule(event: Event, sessions: Iterable[Session]) -> list[Violation]:
    """Every hard rule the sessions break; an empty list means the schedule is valid."""
    sessions = tuple(sessions)
    pitches = event.pitch_by_id()
    experts = event.expert_by_id()
    violations = _check_each_pitch_once(event, sessions)
    for session in sessions:
        if session.pitch in pitches:
            violations += _check_placement(event, pitches[session.pitch], session)
            violations += _check_panel(event, session, experts)
    violations += _check_room_changeovers(event, sessions)
    violations += _check_expert_timetables(event, sessions)
    violations += _check_expert_loads(event, sessions)
    violations += _check_locks(event, sessions)
    return violations


def _when(session: Session) -> str:
    return f"{session.date.isoformat()} {format_clock(session.start)}-{format_clock(session.end)}"


# Rule 1: every pitch exactly once.
def _check_each_pitch_once(event: Event, sessions: Sequence[Session]) -> list[Violation]:
    counts = Counter(session.pitch for session in sessions)
    violations = [
        Violation(
            "pitch_unknown", f'The schedule places "{pitch}", which is not a pitch of the event.', (pitch,)
        )
        for pitch in counts
        if pitch not in event.pitch_by_id()
    ]
    for pitch in event.pitches:
        if counts[pitch.id] == 0:
            violations.append(
                Violation("pitch_missing", f'Pitch "{pitch.id}" is not scheduled.', (pitch.id,))
            )
        elif counts[pitch.id] > 1:
            violations.append(
                Violation(
                    "pitch_duplicate",
                    f'Pitch "{pitch.id}" is scheduled {counts[pitch.id]} times instead of once.',
                    (pitch.id,),
                )
            )
    return violations


# Rule 1: on a day, inside its hours, off its breaks, inside an available window, in an allowed room.
def _check_placement(event: Event, pitch: Pitch, session: Session) -> list[Violation]:
    violations: list[Violation] = []
    what = f'Pitch "{pitch.id}" ({_when(session)}, room "{session.room}")'
    if session.start % event.grid or session.end % event.grid:
        violations.append(
            Violation("time_grid", f"{what} is not on the {event.grid}-minute grid.", (pitch.id,))
        )
    length = event.pitch_length(pitch)
    if session.end - session.start != length:
        violations.append(
            Violation(
                "pitch_length",
                f"{what} lasts {session.end - session.start} min instead of {length} min "
                "(talk plus questions).",
                (pitch.id,),
            )
        )
    day = next((day for day in event.days if day.date == session.date), None)
    if day is None:
        violations.append(Violation("event_day", f"{what} is not on a day of the event.", (pitch.id,)))
    else:
        if session.start < day.start or session.end > day.end:
            violations.append(
                Violation(
                    "day_hours",
                    f"{what} is outside the day's hours ({format_clock(day.start)}-{format_clock(day.end)}).",
                    (pitch.id,),
                )
            )
        for pause in day.breaks:
            if session.start < pause.end and pause.start < session.end:
                name = f'the break "{pause.label}"' if pause.label else "a break"
                violations.append(
                    Violation(
                        "break_overlap",
                        f"{what} overlaps {name} ({format_clock(pause.start)}-{format_clock(pause.end)}).",
                        (pitch.id,),
                    )
                )
    # One single window must hold the whole pitch: touching windows are not merged.
    if pitch.available is not None and not any(
        window.contains(session.date, session.start, session.end) for window in pitch.available
    ):
        violations.append(
            Violation(
                "pitch_availability",
                f"{what} is not inside one of the pitch's available windows.",
                (pitch.id,),
            )
        )
    if session.room not in {room.id for room in event.rooms}:
        violations.append(
            Violation(
                "room_unknown", f"{what} is in a room the event does not have.", (pitch.id, session.room)
            )
        )
    elif pitch.rooms is not None and session.room not in pitch.rooms:
        violations.append(
            Violation(
                "room_allowed",
                f"{what} is in a room it may not use (allowed: {', '.join(pitch.rooms)}).",
                (pitch.id, session.room),
            )
        )
    return violations


# Rule 2: in a room, a pitch starts no earlier than the previous one's end plus changeover.
def _check_room_changeovers(event: Event, sessions: Sequence[Session]) -> list[Violation]:
    by_room_day: dict[tuple[str, date], list[Session]] = defaultdict(list)
    for session in sessions:
        by_room_day[session.room, session.date].append(session)
    changeover = f" plus the {event.changeover}-minute changeover" if event.changeover else ""
    violations = []
    for (room, _), in_room in by_room_day.items():
        for first, second in _ordered_pairs(in_room):
            if second.start < first.end + event.changeover:
                violations.append(
                    Violation(
                        "room_changeover",
                        f'In room "{room}", pitch "{second.pitch}" ({_when(second)}) starts before pitch '
                        f'"{first.pitch}" ({_when(first)}) has ended{changeover}.',
                        (first.pitch, second.pitch, room),
                    )
                )
    return violations


def _ordered_pairs(sessions: list[Session]) -> Iterable[tuple[Session, Session]]:
    """Every pair of sessions, the one that starts first in front."""
    return combinations(sorted(sessions, key=lambda session: (session.start, session.end)), 2)


# Rules 3 and 4 for one panel: size, organisations, known experts, conflicts, availability.
def _check_panel(event: Event, session: Session, experts: dict[str, Expert]) -> list[Violation]:
    pitch = session.pitch
    violations = []
    for expert_id, seats in Counter(session.panel).items():
        if expert_id not in experts:
            violations.append(
                Violation(
                    "expert_unknown",
                    f'The panel of pitch "{pitch}" names "{expert_id}", who is not an expert of the event.',
                    (pitch, expert_id),
                )
            )
        if seats > 1:
            violations.append(
                Violation(
                    "expert_duplicate",
                    f'Expert "{expert_id}" sits {seats} times on the panel of pitch "{pitch}".',
                    (pitch, expert_id),
                )
            )
    members = [experts[expert_id] for expert_id in dict.fromkeys(session.panel) if expert_id in experts]
    if len(set(session.panel)) != event.panel.size:
        violations.append(
            Violation(
                "panel_size",
                f'The panel of pitch "{pitch}" has {len(set(session.panel))} experts instead '
                f"of {event.panel.size}.",
                (pitch,),
            )
        )
    per_organisation = Counter(member.organisation for member in members)
    for organisation in event.panel.required_organisations:
        if per_organisation[organisation] == 0:
            violations.append(
                Violation(
                    "panel_organisations",
                    f'The panel of pitch "{pitch}" has no expert from "{organisation}".',
                    (pitch, organisation),
                )
            )
    for organisation, count in per_organisation.items():
        if count > event.panel.max_per_org:
            violations.append(
                Violation(
                    "panel_max_per_organisation",
                    f'The panel of pitch "{pitch}" has {count} experts from "{organisation}", '
                    f"more than {event.panel.max_per_org}.",
                    (pitch, organisation),
                )
            )
    for member in members:
        if pitch in member.conflict_set:
            violations.append(
                Violation(
                    "expert_conflict",
                    f'Expert "{member.id}" judges pitch "{pitch}" despite a conflict of interest.',
                    (pitch, member.id),
                )
            )
        if member.available is not None and not any(
            window.contains(session.date, session.start, session.end) for window in member.available
        ):
            violations.append(
                Violation(
                    "expert_availability",
                    f'Expert "{member.id}" judges pitch "{pitch}" ({_when(session)}) outside '
                    "their available windows.",
                    (pitch, member.id),
                )
            )
    return violations


def _sessions_by_expert(event: Event, sessions: Iterable[Session]) -> dict[str, list[Session]]:
    """The sessions each expert of the event judges (each session once), every expert present."""
    judged: dict[str, list[Session]] = {expert.id: [] for expert in event.experts}
    for session in sessions:
        for expert_id in dict.fromkeys(session.panel):
            if expert_id in judged:
                judged[expert_id].append(session)
    return judged


# Rule 4: an expert needs the changeover between two pitches, in the same room or not.
def _check_expert_timetables(event: Event, sessions: Sequence[Session]) -> list[Violation]:
    gap_needed = (
        f"with less than {event.changeover} min between them" if event.changeover else "at overlapping times"
    )
    violations = []
    for expert_id, judged in _sessions_by_expert(event, sessions).items():
        by_day: dict[date, list[Session]] = defaultdict(list)
        for session in judged:
            by_day[session.date].append(session)
        for on_day in by_day.values():
            for first, second in _ordered_pairs(on_day):
                if second.start < first.end + event.changeover:
                    violations.append(
                        Violation(
                            "expert_changeover",
                            f'Expert "{expert_id}" judges pitch "{first.pitch}" ({_when(first)}, room "{first.room}") '
                            f'and pitch "{second.pitch}" ({_when(second)}, room "{second.room}"), '
                            f"{gap_needed}.",
                            (expert_id, first.pitch, second.pitch),
                        )
                    )
    return violations


# Rule 5: between min_pitches and max_pitches.
def _check_expert_loads(event: Event, sessions: Sequence[Session]) -> list[Violation]:
    violations = []
    judged = _sessions_by_expert(event, sessions)
    for expert in event.experts:
        load = len(judged[expert.id])
        if load < expert.min_load:
            violations.append(
                Violation(
                    "expert_min_pitches",
                    f'Expert "{expert.id}" judges {load} pitches, fewer than their minimum '
                    f"of {expert.min_load}.",
                    (expert.id,),
                )
            )
        if expert.max_pitches is not None and load > expert.max_pitches:
            violations.append(
                Violation(
                    "expert_max_pitches",
                    f'Expert "{expert.id}" judges {load} pitches, more than their maximum '
                    f"of {expert.max_pitches}.",
                    (expert.id,),
                )
            )
    return violations


# Rule 6: every lock holds.
def _check_locks(event: Event, sessions: Sequence[Session]) -> list[Violation]:
    placed = {}
    for session in sessions:
        placed.setdefault(session.pitch, session)
    violations = []
    for lock in event.locks or ():
        session = placed.get(lock.pitch)
        if session is None:
            continue  # already reported as pitch_missing
        if isinstance(lock, PanelLock) and lock.expert not in session.panel:
            violations.append(
                Violation(
                    "lock_panel",
                    f'Expert "{lock.expert}" is locked on the panel of pitch "{lock.pitch}" '
                    "but does not sit on it.",
                    (lock.pitch, lock.expert),
                )
            )
        if isinstance(lock, SlotLock):
            broken = []
            if lock.date is not None and session.date != lock.date:
                broken.append(f"date {lock.date.isoformat()}")
            if lock.start is not None and session.start != lock.start:
                broken.append(f"start {format_clock(lock.start)}")
            if lock.room is not None and session.room != lock.room:
                broken.append(f'room "{lock.room}"')
            if broken:
                violations.append(
                    Violation(
                        "lock_slot",
                        f'Pitch "{lock.pitch}" is locked to {", ".join(broken)} but is '
                        f'scheduled {_when(session)} in room "{session.room}".',
                        (lock.pitch,),
                    )
                )
    return violations


# --- objective -------------------------------------------------------------------------------


def score_terms(event: Event, sessions: Iterable[Session]) -> ScoreTerms:
    """Each objective term of the spec, recomputed from the sessions alone."""
    sessions = tuple(sessions)
    pitches = event.pitch_by_id()
    experts = event.expert_by_id()
    known = [session for session in sessions if session.pitch in pitches]

    topic_match = sum(
        len(set(pitches[session.pitch].topics) & set(experts[expert_id].topics))
        for session in known
        for expert_id in dict.fromkeys(session.panel)
        if expert_id in experts
    )

    judged = _sessions_by_expert(event, sessions)
    loads = [len(expert_sessions) for expert_sessions in judged.values()]
    load_spread = max(loads) - min(loads) if loads else 0

    room_changes = 0
    for expert_sessions in judged.values():
        by_day: dict[date, list[Session]] = defaultdict(list)
        for session in expert_sessions:
            by_day[session.date].append(session)
        for on_day in by_day.values():
            on_day.sort(key=lambda session: (session.start, session.end))
            room_changes += sum(first.room != second.room for first, second in pairwise(on_day))

    # Touching is no clash, and the changeover does not count.
    sector_clash = sum(
        1
        for first, second in combinations(known, 2)
        if pitches[first.pitch].sector == pitches[second.pitch].sector
        and first.date == second.date
        and first.start < second.end
        and second.start < first.end
    )

    return ScoreTerms(
        topic_match=topic_match,
        load_spread=load_spread,
        room_changes=room_changes,
        sector_clash=sector_clash,
        changes_from_previous=sum(_change_count(change) for change in changes(event, sessions)),
    )


def score(event: Event, sessions: Iterable[Session]) -> int:
    """The objective of the spec with the event's weights (higher is better)."""
    return score_terms(event, sessions).total(event.objective_weights)


def changes(event: Event, sessions: Iterable[Session]) -> tuple[Change, ...]:
    """What the sessions change against ``event.previous``, one entry per changed pitch."""
    if event.previous is None:
        return ()
    previous = {session.pitch: session for session in event.previous}
    found = []
    for session in sessions:
        old = previous.get(session.pitch)
        if old is None:
            continue  # a pitch absent from previous counts nothing
        moved = (session.date, session.start, session.room) != (old.date, old.start, old.room)
        removed = tuple(expert for expert in dict.fromkeys(old.panel) if expert not in session.panel)
        added = tuple(expert for expert in dict.fromkeys(session.panel) if expert not in old.panel)
        if moved or removed or added:
            found.append(
                Change(pitch=session.pitch, moved=moved, experts_removed=removed, experts_added=added)
            )
    return tuple(found)


def _change_count(change: Change) -> int:
    """A moved pitch counts once; panels compared as sets count max(len(new), len(old)) - len(new & old)."""
    return int(change.moved) + max(len(change.experts_removed), len(change.experts_added))
