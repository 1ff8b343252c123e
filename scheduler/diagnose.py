"""Why no schedule exists, in an organiser's words.

Two stages.  First, counting checks: each looks at one rule and the data it touches
(a pitch's windows, an organisation's experts and their ``max_pitches``, the room time
of the days...) and, when that alone makes a schedule impossible, says so in one
sentence.  They are fast and their findings are as small as a reason can be.

When counting finds nothing, the main model's own rules (``constraints.HARD_RULES``) are
stated on relaxed variables (the days' grid, every room, a seat for every pair), each rule
instance behind its own assumption literal (one pitch's windows, one expert's windows, one
conflict of interest, one lock, one organisation required on panels...).  The solver returns a set
of assumptions that cannot hold together; deleting them one at a time while the rest
stays infeasible shrinks it to a minimal set, and each literal left is read back as a
sentence naming its data.  Each check starts from a greedy schedule of the rules it keeps,
so that the feasible relaxations are found quickly and the set is proved minimal;
a check that runs out of time keeps its literal (the set stays sufficient, perhaps not minimal).
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from ortools.sat.python import cp_model

from scheduler.constraints import HARD_RULES, RuleKey, staff_pitches_over_time
from scheduler.data import (
    Conflict,
    Event,
    Expert,
    PanelLock,
    Pitch,
    Session,
    SlotLock,
    Window,
)
from scheduler.io import format_clock
from scheduler.timeline import (
    PitchOptions,
    break_free_stretches,
    expert_starts,
    may_sit,
    most_in,
    most_pitches,
    panel_locks,
    pitch_options,
    slot_locks,
    split_absolute,
    starts_within,
)
from scheduler.variables import ScheduleVariables


def diagnose(event: Event, *, time_limit: float = 10.0) -> tuple[Conflict, ...]:
    """The smallest set of rules and data that rule out every schedule; () if none is found."""
    found = _Counting(event).conflicts()
    if found:
        return tuple(found)
    return _CoreSearch(event).explain(time_limit)


# --- words -------------------------------------------------------------------------------------


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def _span(day: date, start: int, end: int) -> str:
    return f"{day.isoformat()} {format_clock(start)}-{format_clock(end)}"


def _windows(windows: Iterable[Window]) -> str:
    return ", ".join(_span(w.date, w.start, w.end) for w in windows)


def _ids(values: Iterable[str]) -> str:
    return ", ".join(values)


def _count(number: int, noun: str, plural: str = "") -> str:
    """'1 expert', '3 experts'."""
    return f"{number} {noun}" if number == 1 else f"{number} {plural or noun + 's'}"


def _sentence(text: str) -> str:
    """Capitalise the first letter only (``str.capitalize`` would lower the names)."""
    return text[:1].upper() + text[1:]


class _Names:
    """How an organiser calls pitches, experts and organisations."""

    def __init__(self, event: Event):
        self.organisation_names = {o.id: o.name for o in event.organisations}
        self.experts = event.expert_by_id()
        self.pitches = event.pitch_by_id()

    def org(self, org_id: str) -> str:
        return self.organisation_names.get(org_id, org_id)

    def expert(self, expert_id: str) -> str:
        expert = self.experts[expert_id]
        return f"{expert.name} ({self.org(expert.organisation)})"

    def pitch_list(self, pitch_ids: Iterable[str], most: int = 8) -> str:
        """'"Tissage Lemaire", "Fonderie Duval" and 3 more'."""
        companies = [f'"{self.pitches[p].company}"' if p in self.pitches else f'"{p}"' for p in pitch_ids]
        shown = ", ".join(companies[:most])
        return shown if len(companies) <= most else f"{shown} and {len(companies) - most} more"

    def pitch(self, pitch_id: str) -> str:
        return (
            f'pitch "{self.pitches[pitch_id].company}"' if pitch_id in self.pitches else f'pitch "{pitch_id}"'
        )


# --- where and when a pitch may run --------------------------------------------------------------


def _describe_lock(names: _Names, lock: SlotLock | PanelLock) -> str:
    if isinstance(lock, PanelLock):
        return f"a lock puts {names.expert(lock.expert)} on the panel of {names.pitch(lock.pitch)}"
    parts = [
        part
        for part in (
            lock.date.isoformat() if lock.date else None,
            format_clock(lock.start) if lock.start is not None else None,
            f"room {lock.room}" if lock.room else None,
        )
        if part
    ]
    return f"a lock pins {names.pitch(lock.pitch)} to {' '.join(parts)}"


def _dated(event: Event, option: PitchOptions) -> list[tuple[date, int]]:
    """The starts a pitch may take, as (date, minute)."""
    return [split_absolute(event, start) for start in option.all_starts]


@dataclass(frozen=True)
class _ShortPanel:
    """Why a pitch cannot get a full panel: a required organisation missing, or too few experts."""

    rule: str
    missing: tuple[str, ...]  # required organisations with no usable expert
    size: int | None  # the most experts that can sit together, when no organisation is missing
    conflicted: tuple[str, ...]
    unavailable: tuple[str, ...]


# --- stage 1: counting ----------------------------------------------------------------------------


class _Counting:
    """Checks that each look at one rule; a pitch or rule found impossible is not looked at again."""

    def __init__(self, event: Event):
        self.event = event
        self.names = _Names(event)
        self.found: list[Conflict] = []
        self.placements: dict[str, PitchOptions] = {}  # where each pitch may go, from timeline

    def conflicts(self) -> list[Conflict]:
        if not self.event.pitches:
            return []
        if not self.event.days or not self.event.rooms:
            missing = "day" if not self.event.days else "room"
            self.add(
                "room_time",
                f"The event has no {missing}: its {len(self.event.pitches)} pitches cannot take place.",
                [],
            )
            return self.found
        panel_possible = self.check_panel_rules()
        for pitch in self.event.pitches:
            placement = self.place(pitch)
            if placement is not None:
                self.placements[pitch.id] = placement
        self.check_pinned_pitches_clash()
        self.check_room_time()
        if panel_possible:
            self.check_panel_locks()
            self.check_panels_per_pitch()
            self.check_loads()
        return self.found

    def add(self, rule: str, message: str, involves: Iterable[str]) -> None:
        self.found.append(Conflict(rule, message, tuple(dict.fromkeys(involves))))

    # Rule 3, event-wide: can any panel be formed at all?
    def check_panel_rules(self) -> bool:
        event, names, panel = self.event, self.names, self.event.panel
        per_org = Counter(e.organisation for e in event.experts)
        ok = True
        for org in panel.required_organisations:
            if per_org[org] == 0:
                self.add(
                    "panel_organisations",
                    f"Every panel needs an expert from {names.org(org)}, but {names.org(org)} "
                    f"sends no expert.",
                    [org],
                )
                ok = False
        if len(panel.required_organisations) > panel.size:
            self.add(
                "panel_organisations",
                f"Panels have {panel.size} seats but {len(panel.required_organisations)} organisations "
                f"are required on each ({_ids(map(names.org, panel.required_organisations))}).",
                panel.required_organisations,
            )
            return False
        if len(event.experts) < panel.size:
            self.add(
                "panel_size",
                f"Panels need {panel.size} experts but the event has only {len(event.experts)}.",
                [e.id for e in event.experts],
            )
            return False
        seats = sum(min(count, panel.max_per_org) for count in per_org.values())
        if seats < panel.size:
            needed = math.ceil(panel.size / max(1, panel.max_per_org))
            self.add(
                "panel_organisations",
                f"A panel of {panel.size} with at most {panel.max_per_org} per organisation needs experts "
                f"from {needed} organisations, but only {len(per_org)} send experts "
                f"({_ids(map(names.org, sorted(per_org)))}).",
                sorted(per_org),
            )
            return False
        return ok

    # Rule 1 and slot locks: can the pitch be placed at all?
    def place(self, pitch: Pitch) -> PitchOptions | None:
        event, names = self.event, self.names
        length = event.pitch_length(pitch)
        if not starts_within(event, length):
            longest = max((b - a for day in event.days for a, b in break_free_stretches(day)), default=0)
            self.add(
                "pitch_length",
                f"{_sentence(names.pitch(pitch.id))} lasts {length} min, longer than "
                f"any stretch of a day between breaks (the longest is {longest} min).",
                [pitch.id],
            )
            return None
        room_ids = [r.id for r in event.rooms]
        rooms = [r for r in room_ids if pitch.rooms is None or r in pitch.rooms]
        if not rooms:
            self.add(
                "pitch_rooms",
                f"{_sentence(names.pitch(pitch.id))} may only use room(s) "
                f"{_ids(pitch.rooms or ())}, which the event does not have.",
                [pitch.id, *(pitch.rooms or ())],
            )
            return None
        if not starts_within(event, length, windows=pitch.available):
            self.explain_no_window(pitch, length)
            return None
        locks = slot_locks(event, pitch.id)
        options = pitch_options(event, pitch)
        if not options.all_starts:
            self.explain_lock_time(pitch, locks, length)
            return None
        if not options.rooms:
            self.explain_lock_room(pitch, locks)
            return None
        return options

    def explain_no_window(self, pitch: Pitch, length: int) -> None:
        event, name = self.event, _sentence(self.names.pitch(pitch.id))
        windows = pitch.available or ()
        days = {day.date: day for day in event.days}
        during_days = [
            w for w in windows if w.date in days and w.start < days[w.date].end and days[w.date].start < w.end
        ]
        longest = max(w.end - w.start for w in windows)
        if not during_days:
            message = f"{name} is only available {_windows(windows)}, when no day of the event runs."
        elif longest < length:
            message = (
                f"{name} lasts {length} min but its longest availability window is {longest} min "
                f"({_windows(windows)})."
            )
        else:
            message = (
                f"{name} lasts {length} min but is only available {_windows(windows)}: within the "
                f"day's hours and outside its breaks that leaves no {length}-minute stretch."
            )
        self.add("pitch_availability", message, [pitch.id])

    def explain_lock_time(self, pitch: Pitch, locks: list[SlotLock], length: int) -> None:
        event, names = self.event, self.names
        timed = [lock for lock in locks if lock.date is not None or lock.start is not None]
        dates = {lock.date for lock in timed if lock.date is not None}
        starts = {lock.start for lock in timed if lock.start is not None}
        if len(dates) > 1 or len(starts) > 1:
            self.add(
                "lock",
                f"Two locks pin {names.pitch(pitch.id)} to different times: "
                f"{'; '.join(_describe_lock(names, lock) for lock in timed)}.",
                [pitch.id],
            )
            return
        fits_day = starts_within(event, length, locks=tuple(timed))
        what = "; ".join(_describe_lock(names, lock) for lock in timed)
        if not fits_day:
            self.add(
                "lock",
                f"{_sentence(what)}, but a {length}-minute pitch there would run outside "
                f"the day's hours or into a break.",
                [pitch.id],
            )
        else:
            self.add(
                "lock",
                f"{_sentence(what)}, but {names.pitch(pitch.id)} is only available "
                f"{_windows(pitch.available or ())}.",
                [pitch.id],
            )

    def explain_lock_room(self, pitch: Pitch, locks: list[SlotLock]) -> None:
        names = self.names
        room_locks = [lock for lock in locks if lock.room is not None]
        what = "; ".join(_describe_lock(names, lock) for lock in room_locks)
        if len({lock.room for lock in room_locks}) > 1:
            message = f"Locks put {names.pitch(pitch.id)} in different rooms: {what}."
        else:
            message = f"{_sentence(what)}, but it may only use room(s) {_ids(pitch.rooms or ())}."
        self.add("lock", message, [pitch.id, *(lock.room for lock in room_locks)])

    # Rule 2 with locks: pitches pinned to one time and room must not overlap.
    def check_pinned_pitches_clash(self) -> None:
        event, names = self.event, self.names
        pinned = {
            pid: (p.earliest, p.rooms[0], p.length)
            for pid, p in self.placements.items()
            if len(p.all_starts) == 1 and len(p.rooms) == 1 and slot_locks(event, pid)
        }
        ordered = sorted(pinned.items(), key=lambda item: item[1])
        changeover = f" (with the {event.changeover}-minute changeover)" if event.changeover else ""
        for index, (first, (start, room, length)) in enumerate(ordered):
            day, minute = split_absolute(event, start)
            for second, (other_start, other_room, _) in ordered[index + 1 :]:
                other_day, other_minute = split_absolute(event, other_start)
                if other_room != room or other_day != day:
                    continue
                if start + length + event.changeover > other_start:
                    self.add(
                        "lock",
                        f"Locks pin {names.pitch(first)} and {names.pitch(second)} in room {room} "
                        f"on {day.isoformat()} at {format_clock(minute)} and "
                        f"{format_clock(other_minute)}: they would overlap{changeover}.",
                        [first, second, room],
                    )
                    for pid in (first, second):
                        self.placements.pop(pid, None)

    # Rule 2, counted: do the pitches fit in the rooms and days?
    def check_room_time(self) -> None:
        event = self.event
        co = event.changeover
        failing: list[tuple[int, str, list[str]]] = []
        # The most specific regions first: on a tie in pitches involved, the first failing one is named.
        windows = sorted(
            {w for p in event.pitches for w in p.available or ()}, key=lambda w: (w.date, w.start, w.end)
        )
        regions: list[tuple[str, Window | None, tuple[str, ...] | None]] = [
            *((f"room {room.id}", None, (room.id,)) for room in event.rooms if len(event.rooms) > 1),
            *((_span(w.date, w.start, w.end), w, None) for w in windows),
            *(
                (f"day {day.date.isoformat()}", Window(day.date, day.start, day.end), None)
                for day in event.days
                if len(event.days) > 1
            ),
            ("the days", None, None),
        ]
        for label, window, only_rooms in regions:
            group = [
                pid
                for pid, p in self.placements.items()
                if (
                    window is None
                    or all(window.contains(day, t, t + p.length) for day, t in _dated(event, p))
                )
                and (only_rooms is None or set(p.rooms) <= set(only_rooms))
            ]
            if not group:
                continue
            rooms = only_rooms or tuple(sorted({r for pid in group for r in self.placements[pid].rooms}))
            shortest = min(self.placements[pid].length for pid in group)
            capacity = most_in(event, None if window is None else (window,), shortest) * len(rooms)
            if len(group) > capacity:
                need = sum(self.placements[pid].length for pid in group) + co * (len(group) - 1)
                if only_rooms is not None:
                    message = (
                        f"{len(group)} pitches may only use room {only_rooms[0]}, which can hold at most "
                        f"{capacity} of them over the days ({self.names.pitch_list(sorted(group))})."
                    )
                    involves = [*sorted(group), only_rooms[0]]
                elif window is None:
                    message = (
                        f"Total room time: the {len(group)} pitches need {_hours(need)} with changeovers, "
                        f"but the {len(rooms)} room(s) can hold at most {capacity} pitches "
                        f"of {shortest} min over the days."
                    )
                    involves = list(rooms)
                else:
                    message = (
                        f"{len(group)} pitches can only take place during {label} "
                        f"({self.names.pitch_list(sorted(group))}), but the {len(rooms)} room(s) can "
                        f"hold at most {capacity} of them then."
                    )
                    involves = [*sorted(group), *rooms]
                failing.append((len(group), message, involves))
        if failing:
            _, message, involves = min(failing, key=lambda item: item[0])
            self.add("room_time", message, involves)

    # Locks on panels.
    def check_panel_locks(self) -> None:
        event, names, panel = self.event, self.names, self.event.panel
        experts = event.expert_by_id()
        by_pitch: dict[str, list[str]] = defaultdict(list)
        by_expert: dict[str, list[str]] = defaultdict(list)
        for lock in panel_locks(event):
            if lock.expert not in experts or lock.pitch not in self.placements:
                continue
            expert, placement = experts[lock.expert], self.placements[lock.pitch]
            what = _sentence(_describe_lock(names, lock))
            if lock.pitch in expert.conflict_set:
                self.add(
                    "lock",
                    f"{what}, but {names.expert(lock.expert)} has a conflict of interest with it.",
                    [lock.pitch, lock.expert],
                )
            elif not expert_starts(event, expert, placement):
                self.add(
                    "lock",
                    f"{what}, but {names.expert(lock.expert)} is only available "
                    f"{_windows(expert.available or ())}, never when the pitch can take place.",
                    [lock.pitch, lock.expert],
                )
            else:
                by_pitch[lock.pitch].append(lock.expert)
                by_expert[lock.expert].append(lock.pitch)
        for pitch_id, locked in by_pitch.items():
            per_org = Counter(experts[e].organisation for e in set(locked))  # a lock given twice seats one
            if len(set(locked)) > panel.size:
                self.add(
                    "lock",
                    f"Locks put {len(set(locked))} experts on the panel of {names.pitch(pitch_id)}, "
                    f"which has {panel.size} seats.",
                    [pitch_id, *locked],
                )
            uncovered = [org for org in panel.required_organisations if org not in per_org]
            if len(set(locked)) <= panel.size < len(set(locked)) + len(uncovered):
                self.add(
                    "lock",
                    f"Locks put {_ids(map(names.expert, sorted(set(locked))))} on the panel of "
                    f"{names.pitch(pitch_id)}, which has {_count(panel.size, 'seat')} and needs an "
                    f"expert from {_ids(map(names.org, uncovered))} too.",
                    [pitch_id, *sorted(set(locked)), *uncovered],
                )
            for org, count in per_org.items():
                if count > panel.max_per_org:
                    self.add(
                        "lock",
                        f"Locks put {count} experts from {names.org(org)} on the panel of "
                        f"{names.pitch(pitch_id)}; at most {panel.max_per_org} per organisation "
                        f"may sit on a panel.",
                        [pitch_id, org, *sorted(e for e in set(locked) if experts[e].organisation == org)],
                    )
        for expert_id, pitches in by_expert.items():
            limit = experts[expert_id].max_pitches
            if limit is not None and len(set(pitches)) > limit:
                self.add(
                    "lock",
                    f"Locks put {names.expert(expert_id)} on {len(set(pitches))} panels, but they "
                    f"judge at most {limit} pitches (max_pitches).",
                    [expert_id, *pitches],
                )

    # Rules 3 and 4, per pitch: are there enough experts at one time?
    def check_panels_per_pitch(self) -> None:
        """Pitches short of experts for the same reason are named together in one conflict."""
        event, panel = self.event, self.event.panel
        short: dict[_ShortPanel, list[str]] = defaultdict(list)
        for pitch_id, placement in self.placements.items():
            at = {e.id: frozenset(expert_starts(event, e, placement)) for e in event.experts}

            def seats(
                use_conflicts: bool, use_availability: bool, *, pid=pitch_id, place=placement, at=at
            ) -> tuple:
                best_size = 0
                for start in place.all_starts:
                    eligible = [
                        e
                        for e in event.experts
                        if not (use_conflicts and pid in e.conflict_set)
                        and not (use_availability and start not in at[e.id])
                    ]
                    per_org = Counter(e.organisation for e in eligible)
                    size = sum(min(count, panel.max_per_org) for count in per_org.values())
                    has_required = all(per_org[org] > 0 for org in panel.required_organisations)
                    best_size = max(best_size, size)
                    if has_required and size >= panel.size:
                        return best_size, True
                return best_size, False

            size, met = seats(True, True)
            if met:
                continue
            reason = self.short_panel(
                pitch_id,
                placement,
                size,
                fixed_without_conflicts=seats(False, True)[1],
                fixed_without_availability=seats(True, False)[1],
            )
            short[reason].append(pitch_id)
            self.placements[pitch_id] = replace(placement, starts_by_day=())
        for reason, pitch_ids in short.items():
            self.add(
                reason.rule,
                self.describe_short_panel(reason, pitch_ids),
                [*pitch_ids, *reason.missing, *reason.conflicted, *reason.unavailable],
            )

    def short_panel(
        self,
        pitch_id: str,
        placement: PitchOptions,
        size: int,
        *,
        fixed_without_conflicts: bool,
        fixed_without_availability: bool,
    ) -> _ShortPanel:
        """Which experts conflicts of interest or availability keep off the pitch's panel."""
        event, panel = self.event, self.event.panel
        conflicted = [e.id for e in event.experts if pitch_id in e.conflict_set]
        unavailable = [e.id for e in event.experts if not expert_starts(event, e, placement)]
        if fixed_without_conflicts and not fixed_without_availability:
            rule, unavailable = "conflict_of_interest", []
        elif fixed_without_availability and not fixed_without_conflicts:
            rule, conflicted = "expert_availability", []
        else:
            rule = "expert_availability"
        missing = [
            org
            for org in panel.required_organisations
            if not any(
                e.organisation == org and e.id not in conflicted and e.id not in unavailable
                for e in event.experts
            )
        ]
        if missing and size >= panel.size:
            organisation_of = {e.id: e.organisation for e in event.experts}
            return _ShortPanel(
                rule,
                tuple(missing),
                None,
                tuple(e for e in conflicted if organisation_of[e] in missing),
                tuple(e for e in unavailable if organisation_of[e] in missing),
            )
        return _ShortPanel(rule, (), size, tuple(conflicted), tuple(unavailable))

    def describe_short_panel(self, reason: _ShortPanel, pitch_ids: list[str]) -> str:
        names, experts = self.names, self.event.expert_by_id()
        one = len(pitch_ids) == 1
        excluded = []
        if reason.conflicted:
            excluded.append(
                f"{_ids(map(names.expert, reason.conflicted))} "
                f"{'has' if len(reason.conflicted) == 1 else 'have'} a conflict of interest with "
                f"{'it' if one else 'them'}"
            )
        if reason.unavailable:
            windows = {experts[e].available for e in reason.unavailable}
            when = f"only available {_windows(windows.pop() or ())}" if len(windows) == 1 else "not available"
            excluded.append(
                f"{_ids(map(names.expert, reason.unavailable))} "
                f"{'is' if len(reason.unavailable) == 1 else 'are'} {when}"
            )
        why = "; ".join(excluded)
        pitches = names.pitch(pitch_ids[0]) if one else names.pitch_list(pitch_ids)
        if reason.size is None:
            organisations = _ids(map(names.org, reason.missing))
            if one:
                return (
                    f"The panel of {pitches} needs an expert from {organisations}, but none is available and "
                    f"free of conflicts of interest when it can take place ({why})."
                )
            return (
                f"The panels of {len(pitch_ids)} pitches ({pitches}) need an expert from {organisations}, "
                f"but none is available and free of conflicts of interest when they can take place ({why})."
            )
        panel_size = self.event.panel.size
        if one:
            return (
                f"{_sentence(pitches)}: at any time it can take place, at most {_count(reason.size, 'expert')} "
                f"can sit on its panel (available and free of conflicts of interest), the panel needs "
                f"{panel_size} ({why})."
            )
        return (
            f"{len(pitch_ids)} pitches ({pitches}): at any time they can take place, at most "
            f"{_count(reason.size, 'expert')} can sit on their panels (available and free of conflicts of "
            f"interest), a panel needs {panel_size} ({why})."
        )

    # Rule 5, counted.
    def check_loads(self) -> None:
        event, names, panel = self.event, self.names, self.event.panel
        placed = {pid: p for pid, p in self.placements.items() if p.all_starts}
        if len(placed) < len(event.pitches):
            return  # some pitch is already impossible: loads would only echo it
        n = len(event.pitches)
        can_judge = {
            e.id: min(most_pitches(event, e), sum(1 for p in placed.values() if may_sit(event, e, p)))
            for e in event.experts
        }
        cap = {
            e.id: can_judge[e.id] if e.max_pitches is None else min(e.max_pitches, can_judge[e.id])
            for e in event.experts
        }
        for expert in event.experts:
            if expert.max_pitches is not None and expert.min_load > expert.max_pitches:
                self.add(
                    "expert_load",
                    f"{names.expert(expert.id)} must judge at least {expert.min_load} pitches "
                    f"(min_pitches) but at most {expert.max_pitches} (max_pitches).",
                    [expert.id],
                )
            elif expert.min_load > can_judge[expert.id]:
                self.add(
                    "expert_load",
                    f"{names.expert(expert.id)} must judge at least {expert.min_load} pitches "
                    f"(min_pitches), but only {can_judge[expert.id]} fit their availability "
                    f"and conflicts of interest, one pitch at a time.",
                    [expert.id],
                )
        if self.found:
            return
        members: dict[str, list[Expert]] = defaultdict(list)
        for expert in event.experts:
            members[expert.organisation].append(expert)
        for org in panel.required_organisations:
            total = sum(cap[e.id] for e in members[org])
            if total < n:
                limited = [e.id for e in members[org] if e.max_pitches is not None]
                self.add(
                    "expert_load",
                    f"The {_count(len(members[org]), 'expert')} from {names.org(org)} "
                    f"can judge {_count(total, 'pitch', 'pitches')} at most (max_pitches, "
                    f"availability, conflicts of interest, one pitch at a time), but all {n} "
                    f"pitches need one.",
                    [org, *(limited or [e.id for e in members[org]])],
                )
        if self.found:
            return
        seats = sum(min(sum(cap[e.id] for e in group), panel.max_per_org * n) for group in members.values())
        if seats < n * panel.size:
            self.add(
                "expert_load",
                f"The experts can fill {seats} panel seats at most (max_pitches, availability, "
                f"conflicts of interest, one pitch at a time), but {n} panels of {panel.size} need "
                f"{n * panel.size}.",
                [e.id for e in event.experts if cap[e.id] < n],
            )
        minimum = sum(e.min_load for e in event.experts)
        if minimum > n * panel.size:
            self.add(
                "expert_load",
                f"The experts must judge {minimum} pitches in all (min_pitches), but the "
                f"{n} panels of {panel.size} have only {n * panel.size} seats.",
                [e.id for e in event.experts if e.min_load],
            )
        for org, group in members.items():
            org_minimum = sum(e.min_load for e in group)
            if org_minimum > panel.max_per_org * n and minimum <= n * panel.size:
                self.add(
                    "expert_load",
                    f"The experts from {names.org(org)} must judge {org_minimum} pitches in "
                    f"all (min_pitches), but at most {panel.max_per_org} per panel can sit, "
                    f"{panel.max_per_org * n} over the {n} pitches.",
                    [org, *(e.id for e in group if e.min_load)],
                )


# --- stage 2: an unsatisfiable core ------------------------------------------------------------


class _CoreSearch:
    """The rules of ``constraints`` with one assumption literal per rule instance, and a minimal core.

    The model is the main model's own rules (``constraints.HARD_RULES``) on relaxed variables
    (``ScheduleVariables.create(relaxed=True)``: the days' grid and every room, a seat for every
    pair), each rule instance enforced by the literal ``assume`` gives for its key; ``reason``
    words each key for the organiser.
    """

    def __init__(self, event: Event):
        self.event = event
        self.names = _Names(event)
        self.model = cp_model.CpModel()
        self.literals: dict[int, cp_model.IntVar] = {}  # assumption literals by index, in creation order
        self.rule_of: dict[int, RuleKey] = {}
        self.literal_of: dict[RuleKey, cp_model.IntVar] = {}
        self.variables = ScheduleVariables.create(self.model, event, relaxed=True)
        for rule in (*HARD_RULES, staff_pitches_over_time):
            rule(self.model, event, self.variables, enforce=self.assume)
        self.available = {  # (expert, pitch) -> the starts at which the expert's windows let them judge it
            (expert.id, pitch_id): frozenset(expert_starts(event, expert, option))
            for expert in event.experts
            for pitch_id, option in self.variables.options.items()
        }

    def assume(self, rule: RuleKey) -> cp_model.IntVar:
        """The literal that enforces ``rule`` (a key such as ("pitch_window", pitch id)) when assumed."""
        literal = self.literal_of.get(rule)
        if literal is None:
            literal = self.model.new_bool_var(str(rule))
            self.literal_of[rule] = literal
            self.rule_of[literal.index] = rule
            self.literals[literal.index] = literal
        return literal

    def reason(self, rule: RuleKey) -> Conflict:
        """A rule instance of the core, in an organiser's words, with the ids it involves."""
        event, names, panel = self.event, self.names, self.event.panel
        kind, *subject = rule
        experts, pitches = event.expert_by_id(), event.pitch_by_id()
        if kind == "room_time":
            room_ids = tuple(room.id for room in event.rooms)
            return Conflict(
                "room_time",
                f"Each of the {len(room_ids)} room(s) holds one pitch at a time, with "
                f"{event.changeover} min of changeover, during the days' hours "
                f"({'; '.join(_span(d.date, d.start, d.end) for d in event.days)}).",
                room_ids,
            )
        if kind in ("pitch_window", "expert_window"):
            (who,) = subject
            if kind == "pitch_window":
                code, name, windows = (
                    "pitch_availability",
                    _sentence(names.pitch(who)),
                    pitches[who].available,
                )
            else:
                code, name, windows = "expert_availability", names.expert(who), experts[who].available
            return Conflict(code, f"{name} is only available {_windows(windows or ())}.", (who,))
        if kind == "pitch_rooms":
            pitch = pitches[subject[0]]
            return Conflict(
                "pitch_rooms",
                f"{_sentence(names.pitch(pitch.id))} may only use room(s) {_ids(pitch.rooms or ())}.",
                (pitch.id, *(pitch.rooms or ())),
            )
        if kind == "conflict":
            expert_id, pitch_id = subject
            return Conflict(
                "conflict_of_interest",
                f"{names.expert(expert_id)} has a conflict of interest with {names.pitch(pitch_id)}.",
                (expert_id, pitch_id),
            )
        if kind == "panel_size":
            return Conflict("panel_size", f"Every panel has {_count(panel.size, 'expert')}.", ())
        if kind == "required":
            org = subject[0]
            return Conflict(
                "panel_organisations", f"Every panel needs an expert from {names.org(org)}.", (org,)
            )
        if kind == "max_per_organisation":
            return Conflict(
                "panel_organisations",
                f"A panel has at most {panel.max_per_org} expert(s) from any one organisation.",
                (),
            )
        if kind in ("min", "max"):
            expert = experts[subject[0]]
            bound = (
                f"at least {expert.min_load} pitches (min_pitches)"
                if kind == "min"
                else f"at most {expert.max_pitches} pitches (max_pitches)"
            )
            return Conflict("expert_load", f"{names.expert(expert.id)} judges {bound}.", (expert.id,))
        if kind == "slot_lock":
            lock = subject[0]
            return Conflict(
                "lock",
                _sentence(_describe_lock(names, lock)) + ".",
                tuple(x for x in (lock.pitch, lock.room) if x),
            )
        if kind == "panel_lock":
            lock = subject[0]
            return Conflict("lock", _sentence(_describe_lock(names, lock)) + ".", (lock.pitch, lock.expert))
        raise ValueError(f"no words for the rule {rule!r}")

    def greedy_schedule(self, enforced: set[int]) -> list[tuple[cp_model.IntVar, int]]:
        """A schedule keeping the ``enforced`` rules, built greedily (most constrained pitch first), as a hint.

        The relaxations tried while shrinking the core are mostly feasible, but the single-thread
        search takes seconds to find a schedule from nothing; from a valid hint it takes none.
        Pitches the greedy cannot place are left to the solver.  It is not ``construct``'s greedy:
        that one keeps every rule, this one only those enforced (any panel size, rooms that hold
        several pitches at once...), and places what it can rather than give up.
        """
        event, panel, co, v = self.event, self.event.panel, self.event.changeover, self.variables
        on = {self.rule_of[index] for index in enforced}
        size = panel.size if ("panel_size",) in on else 0
        required = [org for org in panel.required_organisations if ("required", org) in on]
        per_org_cap = panel.max_per_org if ("max_per_organisation",) in on else panel.size
        pinned: dict[str, list[str]] = defaultdict(list)
        for lock in panel_locks(event):
            if ("panel_lock", lock) in on:
                pinned[lock.pitch].append(lock.expert)
        experts = event.expert_by_id()
        room_busy: dict[str, list[tuple[int, int]]] = defaultdict(list)
        expert_busy: dict[str, list[tuple[int, int]]] = defaultdict(list)
        load: Counter[str] = Counter()

        def free(busy: list[tuple[int, int]], start: int, end: int) -> bool:
            return all(end + co <= a or b + co <= start for a, b in busy)

        def locks(pitch: Pitch) -> tuple[SlotLock, ...]:
            return tuple(lock for lock in slot_locks(event, pitch.id) if ("slot_lock", lock) in on)

        def starts(pitch: Pitch) -> tuple[int, ...]:
            windows = pitch.available if ("pitch_window", pitch.id) in on else None
            return starts_within(event, v.options[pitch.id].length, windows=windows, locks=locks(pitch))

        def rooms(pitch: Pitch) -> list[str]:
            return [
                room
                for room in v.in_room[pitch.id]
                if (("pitch_rooms", pitch.id) not in on or room in (pitch.rooms or ()))
                and all(lock.room in (None, room) for lock in locks(pitch))
            ]

        def can_sit(expert: Expert, pitch: Pitch, absolute: int, length: int) -> bool:
            return (
                ("conflict", expert.id, pitch.id) not in on
                and (
                    ("expert_window", expert.id) not in on or absolute in self.available[expert.id, pitch.id]
                )
                and (("max", expert.id) not in on or load[expert.id] < (expert.max_pitches or 0))
                and free(expert_busy[expert.id], absolute, absolute + length)
            )

        def choose_panel(pitch: Pitch, absolute: int, length: int) -> list[str] | None:
            eligible = sorted(
                (e for e in event.experts if can_sit(e, pitch, absolute, length)),
                key=lambda e: (load[e.id] - e.min_load, e.id),
            )
            usable = {e.id for e in eligible}
            if any(expert_id not in usable for expert_id in pinned[pitch.id]):
                return None
            chosen = list(dict.fromkeys(pinned[pitch.id]))
            per_org = Counter(experts[e].organisation for e in chosen)
            for org in required:
                if per_org[org] == 0:
                    member = next((e for e in eligible if e.organisation == org and e.id not in chosen), None)
                    if member is None:
                        return None
                    chosen.append(member.id)
                    per_org[org] += 1
            for expert in eligible:
                if len(chosen) >= size:
                    break
                if expert.id not in chosen and per_org[expert.organisation] < per_org_cap:
                    chosen.append(expert.id)
                    per_org[expert.organisation] += 1
            if size and len(chosen) != size or any(count > per_org_cap for count in per_org.values()):
                return None
            return chosen

        sessions: list[Session] = []
        crowded: list[str] = []
        placements = {p.id: starts(p) for p in event.pitches}
        for pitch in sorted(event.pitches, key=lambda p: (len(placements[p.id]), p.id)):
            length, allowed = v.options[pitch.id].length, rooms(pitch)
            if not allowed:
                continue
            for absolute in placements[pitch.id]:
                room = next((r for r in allowed if free(room_busy[r], absolute, absolute + length)), None)
                if room is None and ("room_time",) in on:
                    continue
                chosen = choose_panel(pitch, absolute, length)
                if chosen is None:
                    continue
                if room is not None:
                    room_busy[room].append((absolute, absolute + length))
                else:
                    crowded.append(pitch.id)
                day, start = split_absolute(event, absolute)
                sessions.append(
                    Session(pitch.id, day, start, start + length, room or allowed[0], tuple(chosen))
                )
                for expert_id in chosen:
                    expert_busy[expert_id].append((absolute, absolute + length))
                    load[expert_id] += 1
                break
        hint = dict(v.values_of(tuple(sessions)))
        for pitch_id in crowded:  # in a room whose time another pitch already takes
            hint.update((var, 0) for var in v.occupies[pitch_id].values())
        hint.update((v.load[e.id], load[e.id]) for e in event.experts)
        return list(hint.items())

    def solve(self, assumed: list[int], time_limit: float) -> tuple[int, set[int]]:
        """The status with only the ``assumed`` literals enforced, and a core when infeasible."""
        started = time.monotonic()
        self.model.clear_assumptions()
        self.model.add_assumptions([self.literals[index] for index in assumed])
        self.model.clear_hints()
        enforced = set(assumed)
        for index, literal in self.literals.items():  # the rules not assumed are best relaxed
            self.model.add_hint(literal, index in enforced)
        for variable, value in self.greedy_schedule(enforced):
            self.model.add_hint(variable, value)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, time_limit - (time.monotonic() - started))
        solver.parameters.num_workers = 1  # cores come back from the single-thread search
        solver.parameters.repair_hint = True
        solver.parameters.cp_model_probing_level = 0  # probing costs seconds per solve on large events
        status = solver.solve(self.model)
        core = (
            set(solver.sufficient_assumptions_for_infeasibility()) if status == cp_model.INFEASIBLE else set()
        )
        return status, core

    def explain(self, time_limit: float) -> tuple[Conflict, ...]:
        """Solve with every rule; if infeasible, shrink the core by deleting literals one at a time."""
        deadline = time.monotonic() + time_limit
        everything = list(self.literals)
        status, core = self.solve(everything, time_limit)
        if status != cp_model.INFEASIBLE:
            return ()
        kept = [index for index in everything if index in core] or everything
        for index in list(kept):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or index not in kept:
                continue
            trial = [other for other in kept if other != index]
            status, smaller = self.solve(trial, min(remaining, max(0.2, time_limit / 10)))
            if status == cp_model.INFEASIBLE:
                kept = [other for other in trial if other in smaller] or trial
        if not kept:
            return (
                Conflict(
                    "no_schedule",
                    "No schedule fits the days, rooms and panels, whichever rule is relaxed.",
                    (),
                ),
            )
        return tuple(self.reason(self.rule_of[index]) for index in kept)
