"""The reference model: one plain, monolithic CP-SAT model of the whole spec.

It is deliberately straightforward (the textbook encoding, no decomposition, no
symmetry breaking, no warm start) so that the real model in ``scheduler`` has a
fair yardstick to beat.  Time runs on one axis: day ``i`` adds ``i * 1440`` minutes.

* one start variable per pitch whose domain holds the allowed starts (days, breaks,
  the pitch's windows, slot locks);
* one boolean per (pitch, room) and an optional interval of length talk + questions +
  changeover in the room, with ``add_no_overlap`` per room;
* one boolean per (pitch, expert) seat, an optional interval with ``add_no_overlap``
  per expert, the expert's windows as a conditional domain on the start;
* room changes through an ``add_circuit`` per expert and day over the pitches the
  expert judges: an arc between two pitches in different rooms is a room change.
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.data import (
    Event,
    PanelLock,
    Pitch,
    Progress,
    Result,
    Session,
    SlotLock,
    Status,
)

DAY_MINUTES = 24 * 60
# Beyond this many circuit arcs the model is not even built (it would not fit in memory).
MAX_ARCS = 1_000_000


@dataclass(frozen=True)
class BaselineRun:
    """The result and the times at which each better schedule appeared."""

    result: Result
    progress: tuple[Progress, ...]
    built: bool = True


class _SolutionTimes(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float):
        super().__init__()
        self.started = started
        self.progress: list[Progress] = []

    def on_solution_callback(self) -> None:
        self.progress.append(
            Progress(
                round(self.objective_value), round(self.best_objective_bound), time.monotonic() - self.started
            )
        )


def allowed_starts(event: Event, pitch: Pitch) -> list[int]:
    """Every start (on the one time axis) that keeps the pitch in a day, out of breaks, in its windows."""
    length = event.pitch_length(pitch)
    starts = []
    for index, day in enumerate(event.days):
        for start in range(day.start, day.end - length + 1, event.grid):
            end = start + length
            if any(b.start < end and start < b.end for b in day.breaks):
                continue
            if pitch.available is not None and not any(
                w.contains(day.date, start, end) for w in pitch.available
            ):
                continue
            starts.append(index * DAY_MINUTES + start)
    for lock in event.locks or ():
        if isinstance(lock, SlotLock) and lock.pitch == pitch.id:
            starts = [
                t
                for t in starts
                if (lock.date is None or event.days[t // DAY_MINUTES].date == lock.date)
                and (lock.start is None or t % DAY_MINUTES == lock.start)
            ]
    return starts


class BaselineModel:
    """Builds the plain model; ``solve`` runs it and reads the schedule back."""

    def __init__(self, event: Event):
        self.event = event
        self.model = cp_model.CpModel()
        self.experts = event.experts
        self.build()

    def build(self) -> None:
        event, model = self.event, self.model
        co = event.changeover
        self.length = {p.id: event.pitch_length(p) for p in event.pitches}
        self.starts = {p.id: allowed_starts(event, p) for p in event.pitches}
        # A pitch with no allowed start gets a dummy one, and ``add_exactly_one`` over its no days fails.
        self.start = {
            p.id: model.new_int_var_from_domain(
                cp_model.Domain.from_values(self.starts[p.id] or [0]), f"start[{p.id}]"
            )
            for p in event.pitches
        }
        self.day_of = {}
        for p in event.pitches:
            self.day_of[p.id] = {}
            days = sorted({t // DAY_MINUTES for t in self.starts[p.id]})
            for d in days:
                lit = model.new_bool_var(f"day[{p.id},{d}]")
                model.add(self.start[p.id] >= d * DAY_MINUTES).only_enforce_if(lit)
                model.add(self.start[p.id] < (d + 1) * DAY_MINUTES).only_enforce_if(lit)
                self.day_of[p.id][d] = lit
            model.add_exactly_one(self.day_of[p.id].values())

        # Rooms.
        room_ids = [r.id for r in event.rooms]
        self.in_room: dict[tuple[str, str], cp_model.IntVar] = {}
        room_intervals = defaultdict(list)
        for p in event.pitches:
            allowed = [r for r in room_ids if p.rooms is None or r in p.rooms]
            for lock in event.locks or ():
                if isinstance(lock, SlotLock) and lock.pitch == p.id and lock.room is not None:
                    allowed = [r for r in allowed if r == lock.room]
            for r in allowed:
                lit = model.new_bool_var(f"room[{p.id},{r}]")
                self.in_room[p.id, r] = lit
                room_intervals[r].append(
                    model.new_optional_fixed_size_interval_var(
                        self.start[p.id], self.length[p.id] + co, lit, f"in[{p.id},{r}]"
                    )
                )
            model.add_exactly_one(self.in_room[p.id, r] for r in allowed)
        for intervals in room_intervals.values():
            model.add_no_overlap(intervals)
        self.room_index = {}
        for p in event.pitches:
            index = model.new_int_var(0, len(room_ids) - 1, f"room_index[{p.id}]")
            model.add(
                index
                == sum(i * self.in_room[p.id, r] for i, r in enumerate(room_ids) if (p.id, r) in self.in_room)
            )
            self.room_index[p.id] = index

        # Seats.
        self.seat: dict[tuple[str, str], cp_model.IntVar] = {}
        expert_intervals = defaultdict(list)
        for p in event.pitches:
            for e in self.experts:
                if p.id in e.conflict_set:
                    continue
                fits = self.starts[p.id]
                if e.available is not None:
                    fits = [
                        t
                        for t in fits
                        if any(
                            w.contains(
                                event.days[t // DAY_MINUTES].date,
                                t % DAY_MINUTES,
                                t % DAY_MINUTES + self.length[p.id],
                            )
                            for w in e.available
                        )
                    ]
                if not fits:
                    continue
                lit = model.new_bool_var(f"seat[{p.id},{e.id}]")
                self.seat[p.id, e.id] = lit
                if len(fits) < len(self.starts[p.id]):
                    model.add_linear_expression_in_domain(
                        self.start[p.id], cp_model.Domain.from_values(fits)
                    ).only_enforce_if(lit)
                expert_intervals[e.id].append(
                    model.new_optional_fixed_size_interval_var(
                        self.start[p.id], self.length[p.id] + co, lit, f"judge[{p.id},{e.id}]"
                    )
                )
        for intervals in expert_intervals.values():
            model.add_no_overlap(intervals)
        panel = event.panel
        org_of = {e.id: e.organisation for e in self.experts}
        for p in event.pitches:
            seats = {e: lit for (q, e), lit in self.seat.items() if q == p.id}
            model.add(sum(seats.values()) == panel.size)
            for org in {e.organisation for e in self.experts} | set(panel.required_organisations):
                members = [lit for e, lit in seats.items() if org_of[e] == org]
                if org in panel.required_organisations:
                    model.add(sum(members) >= 1)
                if members:
                    model.add(sum(members) <= panel.max_per_org)
        self.load = {}
        for e in self.experts:
            load = model.new_int_var(0, len(event.pitches), f"load[{e.id}]")
            model.add(load == sum(lit for (p, x), lit in self.seat.items() if x == e.id))
            model.add(load >= e.min_load)
            if e.max_pitches is not None:
                model.add(load <= e.max_pitches)
            self.load[e.id] = load
        for lock in event.locks or ():
            if isinstance(lock, PanelLock):
                model.add(self.seat.get((lock.pitch, lock.expert), 0) == 1)
        self.build_objective()

    def build_objective(self) -> None:
        event, model = self.event, self.model
        weights = event.objective_weights
        pitches = event.pitch_by_id()
        experts = event.expert_by_id()
        topic_match = sum(
            len(set(pitches[p].topics) & set(experts[e].topics)) * lit for (p, e), lit in self.seat.items()
        )

        most = model.new_int_var(0, len(event.pitches), "most_load")
        fewest = model.new_int_var(0, len(event.pitches), "fewest_load")
        model.add_max_equality(most, list(self.load.values()))
        model.add_min_equality(fewest, list(self.load.values()))

        room_changes = self.room_change_literals()

        sector_clashes = []
        for p, q in itertools.combinations(event.pitches, 2):
            if p.sector != q.sector:
                continue
            clash = model.new_bool_var(f"clash[{p.id},{q.id}]")
            before = model.new_bool_var("")
            after = model.new_bool_var("")
            model.add(self.start[p.id] + self.length[p.id] <= self.start[q.id]).only_enforce_if(before)
            model.add(self.start[q.id] + self.length[q.id] <= self.start[p.id]).only_enforce_if(after)
            model.add_bool_or([clash, before, after])
            sector_clashes.append(clash)

        changes = []
        room_ids = {r.id for r in event.rooms}
        for old in event.previous or ():
            if old.pitch not in pitches:
                continue
            stay = model.new_bool_var(f"stay[{old.pitch}]")
            day_index = next((i for i, d in enumerate(event.days) if d.date == old.date), None)
            old_start = None if day_index is None else day_index * DAY_MINUTES + old.start
            if (
                old_start in self.starts[old.pitch]
                and (old.pitch, old.room) in self.in_room
                and old.room in room_ids
            ):
                model.add(self.start[old.pitch] == old_start).only_enforce_if(stay)
                model.add_implication(stay, self.in_room[old.pitch, old.room])
            else:
                model.add(stay == 0)
            kept = [self.seat[old.pitch, e] for e in old.panel if (old.pitch, e) in self.seat]
            changes.append(1 - stay + max(event.panel.size, len(old.panel)) - sum(kept))

        self.objective = (
            weights.topic_match * topic_match
            - weights.load_spread * (most - fewest)
            - weights.room_changes * sum(room_changes)
            - weights.sector_clash * sum(sector_clashes)
            - weights.changes_from_previous * sum(changes)
        )
        model.maximize(self.objective)

    def room_change_literals(self) -> list[cp_model.IntVar]:
        """One circuit per expert and day through the pitches judged; arcs across rooms are changes."""
        model, co = self.model, self.event.changeover
        by_expert_day = self.pitches_by_expert_day()
        arcs_needed = sum(len(pitch_ids) ** 2 for pitch_ids in by_expert_day.values())
        if arcs_needed > MAX_ARCS:
            raise MemoryError(f"{arcs_needed} circuit arcs")
        differs: dict[tuple[str, str], cp_model.IntVar] = {}
        changes = []
        for (e, d), pitch_ids in by_expert_day.items():
            node = {p: i + 1 for i, p in enumerate(pitch_ids)}
            arcs = []
            for p in pitch_ids:
                present = model.new_bool_var(f"judges[{e},{p},{d}]")
                model.add_bool_and([self.seat[p, e], self.day_of[p][d]]).only_enforce_if(present)
                model.add_bool_or([~self.seat[p, e], ~self.day_of[p][d], present])
                arcs.append((node[p], node[p], ~present))
                arcs.append((0, node[p], model.new_bool_var("")))
                arcs.append((node[p], 0, model.new_bool_var("")))
            for p, q in itertools.permutations(pitch_ids, 2):
                if max(self.starts[q]) < min(self.starts[p]) + self.length[p] + co:
                    continue
                follows = model.new_bool_var(f"next[{e},{p},{q}]")
                model.add(self.start[q] >= self.start[p] + self.length[p] + co).only_enforce_if(follows)
                arcs.append((node[p], node[q], follows))
                key = (min(p, q), max(p, q))
                if key not in differs:
                    differs[key] = model.new_bool_var(f"differ[{key}]")
                    model.add(self.room_index[p] == self.room_index[q]).only_enforce_if(~differs[key])
                change = model.new_bool_var(f"change[{e},{p},{q}]")
                model.add_bool_or([~follows, ~differs[key], change])
                changes.append(change)
            arcs.append((0, 0, model.new_bool_var("")))
            model.add_circuit(arcs)
        return changes

    def pitches_by_expert_day(self) -> dict[tuple[str, int], list[str]]:
        by_expert_day = defaultdict(list)
        for p, e in self.seat:
            for d in self.day_of[p]:
                by_expert_day[e, d].append(p)
        return by_expert_day

    def sessions(self, solver: cp_model.CpSolver) -> tuple[Session, ...]:
        sessions = []
        for p in self.event.pitches:
            start = solver.value(self.start[p.id])
            room = next(r for (q, r), lit in self.in_room.items() if q == p.id and solver.boolean_value(lit))
            panel = tuple(
                sorted(e for (q, e), lit in self.seat.items() if q == p.id and solver.boolean_value(lit))
            )
            day = self.event.days[start // DAY_MINUTES]
            minute = start % DAY_MINUTES
            sessions.append(Session(p.id, day.date, minute, minute + self.length[p.id], room, panel))
        return tuple(sorted(sessions, key=lambda s: (s.date, s.start, s.room)))


def solve_baseline(event: Event, *, time_limit: float, workers: int = 2) -> BaselineRun:
    """Build and solve the plain model; a model too large to build comes back as ``built=False``."""
    started = time.monotonic()
    try:
        baseline = BaselineModel(event)
    except MemoryError:
        return BaselineRun(Result(Status.UNKNOWN, solve_seconds=time.monotonic() - started), (), built=False)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit - (time.monotonic() - started))
    solver.parameters.num_workers = workers
    times = _SolutionTimes(started)
    status = solver.solve(baseline.model, times)
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"invalid baseline model: {baseline.model.validate()}")
    elapsed = time.monotonic() - started
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result = Result(
            Status.OPTIMAL if status == cp_model.OPTIMAL else Status.FEASIBLE,
            sessions=baseline.sessions(solver),
            score=round(solver.objective_value),
            best_bound=round(solver.best_objective_bound),
            solve_seconds=elapsed,
        )
    elif status == cp_model.INFEASIBLE:
        result = Result(Status.INFEASIBLE, solve_seconds=elapsed)
    else:
        result = Result(Status.UNKNOWN, solve_seconds=elapsed)
    return BaselineRun(result, tuple(times.progress))
