"""A first valid schedule that does not hang on the greedy's luck: slots first, then panels per slot.

Tight events (each organisation's experts able to judge barely more than the seats it must fill,
part-time experts, narrow windows) defeat the greedy, and the whole CP-SAT model finds nothing at
150 pitches.  This engine splits the problem where it splits almost exactly:

1. **Placement under capacity** (CP-SAT, small): every pitch takes a start of the shared start
   grid (``timeline.start_grid``: back to back per break-free stretch, a step of the longest pitch
   plus the changeover, so two grid starts never overlap).  ``sits[e, t]`` says expert ``e``
   judges some pitch starting at ``t``.  Per start: as many seats as the panels there need, at
   least one per pitch from each required organisation, at most ``max_per_organisation`` per
   pitch from any, no more pitches than rooms (and than the rooms a group of restricted pitches
   may use); per expert: ``min_pitches``/``max_pitches`` over the starts, one pitch at a time.
   With those counts a start's seats can always be dealt out into valid panels (deal each
   organisation's experts round the pitches in turn: each pitch gets ``size``, and from each
   organisation the floor or ceiling of its share), except for what the counts do not see:
   conflicts of interest, windows that hold a shorter pitch but not a longer one, panel locks.
2. **Panels per start** (CP-SAT assignment, one small model for all starts): the experts sitting
   at a start are dealt to its pitches, most topics first, every rule of the panel and the expert.
3. **Rooms per start** (``SimpleLinearSumAssignment``): pitches to free allowed rooms, each
   preferring the room where most of its panel sat last that day.
4. **Repair loop**: a start whose panels or rooms cannot be completed is forbidden to hold that
   combination again (a no-good on the placement model), and the placement is solved again,
   hinted with the last one.

It gives up (``None``) when the grid leaves a pitch no start or the time is up; ``solve`` then
falls back to its other stages.  Everything it returns passed ``validate.check_schedule``.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.graph.python import linear_sum_assignment
from ortools.sat.python import cp_model

from scheduler.data import Event, Expert, Session
from scheduler.mip import solve_as_mip
from scheduler.timeline import (
    PitchOptions,
    expert_starts,
    most_pitches,
    panel_locks,
    split_absolute,
    start_grid,
)

log = logging.getLogger(__name__)

# Share of a placement's time for CBC before CP-SAT tries.
MIP_SHARE = 0.75
# Events of at most this many pitches get kinds split by conflicts of interest at once.
SPLIT_FIRST_PITCHES = 200
# Rounds of the repair loop before giving up (each adds no-goods for the starts that failed).
MAX_ROUNDS = 30
# An organisation whose experts can judge less than this much more than it must fill makes an event tight.
TIGHT_MARGIN = 0.1
# After a first valid deal of a placement's panels, this long for the most topics, when the engine
# has at least DEAL_ROOM times that left (on a 1 s goal the 0.3 s went to the first schedule's
# detriment: the later stages improve the panels anyway).
DEAL_SECONDS = 0.3
DEAL_ROOM = 4


@dataclass(frozen=True)
class _Grid:
    """The starts each group of alike pitches may take, and who may judge such a pitch at each.

    Pitches with the same starts, rooms and length are alike for the placement model (a *kind*):
    it only counts how many of each kind start at each time, which keeps it small and free of the
    symmetry between interchangeable pitches.  A pitch with a panel lock is a kind of its own.
    Kinds may also be split by the experts in conflict with them, so that the placement sees the
    conflicts (on a 7-pitch event the coarse kinds failed round after round): from the start up to
    ``SPLIT_FIRST_PITCHES``, else once a deal of panels has failed.  (With CP-SAT solving the
    placement, split kinds made a 26-pitch one take 3-5 s instead of 0.2 s; CBC takes 0.2-0.3 s.)
    """

    starts: tuple[int, ...]
    step: int  # how long a start keeps a room and its experts busy (longest pitch plus changeover)
    kinds: tuple[tuple[str, ...], ...]  # the pitches of each kind
    kind_starts: tuple[tuple[int, ...], ...]
    kind_rooms: tuple[frozenset[str], ...]
    kind_judges: dict[tuple[int, int], frozenset[str]]  # (kind, start) -> experts whose windows hold it
    kind_of: dict[str, int]
    conflicts: dict[str, frozenset[str]]  # expert -> pitches they must not judge

    def judges(self, pitch_id: str, start: int) -> list[str]:
        """The experts who may judge that pitch at that start (windows, and no conflict of interest)."""
        return [
            e
            for e in self.kind_judges.get((self.kind_of[pitch_id], start), ())
            if pitch_id not in self.conflicts[e]
        ]

    def overlapping(self) -> list[list[int]]:
        """For each start, the starts still running then (itself included), when more than one."""
        cliques = []
        for start in self.starts:
            running = [other for other in self.starts if other <= start < other + self.step]
            if len(running) > 1:
                cliques.append(running)
        return cliques


def _grid(event: Event, options: dict[str, PitchOptions], split_by_conflicts: bool) -> _Grid | None:
    starts = set(start_grid(event, options))
    # A pitch pinned off the grid (a lock on a clock time) keeps its own starts.
    for option in options.values():
        if not starts & set(option.all_starts):
            starts.update(option.all_starts)
    step = max(option.length for option in options.values()) + event.changeover
    locked = {lock.pitch for lock in panel_locks(event)}
    conflicted: dict[str, set[str]] = defaultdict(set)  # pitch -> experts who must not judge it
    for expert in event.experts:
        for pitch_id in expert.conflict_set:
            conflicted[pitch_id].add(expert.id)
    by_kind: dict[tuple, list[str]] = defaultdict(list)
    for pitch_id, option in options.items():
        allowed = tuple(sorted(starts & set(option.all_starts)))
        if not allowed:
            return None
        in_conflict = frozenset(conflicted[pitch_id]) if split_by_conflicts else frozenset()
        key = (
            allowed,
            frozenset(option.rooms),
            option.length,
            in_conflict,
            pitch_id if pitch_id in locked else None,
        )
        by_kind[key].append(pitch_id)
    kinds, kind_starts, kind_rooms, kind_of = [], [], [], {}
    kind_judges: dict[tuple[int, int], frozenset[str]] = {}
    for index, (key, pitch_ids) in enumerate(by_kind.items()):
        kinds.append(tuple(pitch_ids))
        kind_starts.append(key[0])
        kind_rooms.append(key[1])
        for pitch_id in pitch_ids:
            kind_of[pitch_id] = index
        option = options[pitch_ids[0]]
        allowed = set(key[0])
        judges: dict[int, set[str]] = defaultdict(set)
        for expert in event.experts:
            if expert.id in key[3]:
                continue
            for start in allowed.intersection(expert_starts(event, expert, option)):
                judges[start].add(expert.id)
        for start, experts in judges.items():
            kind_judges[(index, start)] = frozenset(experts)
    return _Grid(
        tuple(sorted(starts)),
        step,
        tuple(kinds),
        tuple(kind_starts),
        tuple(kind_rooms),
        kind_judges,
        kind_of,
        {expert.id: expert.conflict_set for expert in event.experts},
    )


class _Placement:
    """The placement-under-capacity model (step 1), with the no-goods the repair loop adds."""

    def __init__(self, event: Event, options: dict[str, PitchOptions], grid: _Grid):
        self.event, self.options, self.grid = event, options, grid
        model = self.model = cp_model.CpModel()
        panel = event.panel
        rooms = {room.id for room in event.rooms}
        # how_many[k, t]: pitches of kind k starting at t.
        self.how_many: dict[tuple[int, int], cp_model.IntVar] = {}
        kinds_at: dict[int, list[int]] = defaultdict(list)
        for k, pitch_ids in enumerate(grid.kinds):
            most = min(len(pitch_ids), len(grid.kind_rooms[k]))
            for t in grid.kind_starts[k]:
                self.how_many[(k, t)] = (
                    model.new_bool_var(f"at[{k},{t}]")
                    if most == 1
                    else model.new_int_var(0, most, f"how_many[{k},{t}]")
                )
                kinds_at[t].append(k)
            model.add(sum(self.how_many[(k, t)] for t in grid.kind_starts[k]) == len(pitch_ids))
        # sits[e, t]: expert e judges a pitch starting at t (only where their windows hold one).
        self.sits: dict[tuple[str, int], cp_model.IntVar] = {}
        for t, kinds in kinds_at.items():
            for expert_id in sorted(set().union(*(grid.kind_judges.get((k, t), ()) for k in kinds))):
                self.sits[(expert_id, t)] = model.new_bool_var(f"sits[{expert_id},{t}]")
        count = {}
        for t, kinds in kinds_at.items():
            count[t] = model.new_int_var(0, len(rooms), f"pitches_at[{t}]")
            model.add(count[t] == sum(self.how_many[(k, t)] for k in kinds))
        experts = event.expert_by_id()
        by_start: dict[int, dict[str, list[cp_model.IntVar]]] = defaultdict(lambda: defaultdict(list))
        experts_at: dict[int, list[str]] = defaultdict(list)
        for (expert_id, t), var in self.sits.items():
            by_start[t][experts[expert_id].organisation].append(var)
            experts_at[t].append(expert_id)
        for t, kinds in kinds_at.items():
            per_organisation = by_start[t]
            model.add(sum(sum(v) for v in per_organisation.values()) == panel.size * count[t])
            for required in panel.required_organisations:
                model.add(sum(per_organisation.get(required, [])) >= count[t])
            for members in per_organisation.values():
                if len(members) > panel.max_per_org:
                    model.add(sum(members) <= panel.max_per_org * count[t])
            # An expert sits at a start only if a pitch their windows hold runs then.
            for expert_id in experts_at[t]:
                barred = [
                    self.how_many[(k, t)] for k in kinds if expert_id not in grid.kind_judges.get((k, t), ())
                ]
                if barred:
                    model.add(self.sits[(expert_id, t)] <= count[t] - sum(barred))
        overlapping = grid.overlapping()
        for running in overlapping:
            model.add(sum(count.get(t, 0) for t in running) <= len(rooms))
        # Pitches limited to some rooms take one of them in the model itself (``in_room[k, t, r]``:
        # a pitch of kind k starting at t is in room r), each room at most once among the starts
        # running together; the other pitches fill the rooms left, so the rooms of each start can
        # always be matched.  (Hall's condition on up to 120 unions of room sets, before it, missed
        # some at 300 pitches: each miss cost a round of 1-1.5 s.)
        in_rooms: dict[tuple[int, str], list[cp_model.IntVar]] = defaultdict(list)
        for k, allowed in enumerate(grid.kind_rooms):
            if allowed == rooms:
                continue
            for t in grid.kind_starts[k]:
                placed_in = [model.new_bool_var(f"in_room[{k},{t},{r}]") for r in sorted(allowed)]
                if len(placed_in) == 1:
                    model.add(self.how_many[(k, t)] == placed_in[0])
                else:
                    model.add(self.how_many[(k, t)] == sum(placed_in))
                for r, var in zip(sorted(allowed), placed_in, strict=True):
                    in_rooms[(t, r)].append(var)
        for running in [[t] for t in kinds_at] + overlapping:
            for r in rooms:
                taken = [var for t in running for var in in_rooms.get((t, r), ())]
                if len(taken) > 1:
                    model.add_at_most_one(taken)
        for running in overlapping:
            for expert in event.experts:
                present = [self.sits[(expert.id, t)] for t in running if (expert.id, t) in self.sits]
                if len(present) > 1:
                    model.add_at_most_one(present)
        per_expert: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for (expert_id, _), var in self.sits.items():
            per_expert[expert_id].append(var)
        for expert in event.experts:
            load = sum(per_expert[expert.id])
            if expert.min_load:
                model.add(load >= expert.min_load)
            if expert.max_pitches is not None and len(per_expert[expert.id]) > expert.max_pitches:
                model.add(load <= expert.max_pitches)
        for lock in panel_locks(event):
            k = grid.kind_of[lock.pitch]  # a kind of its own
            for t in grid.kind_starts[k]:
                if (lock.expert, t) in self.sits and lock.expert in grid.judges(lock.pitch, t):
                    model.add_implication(self.how_many[(k, t)], self.sits[(lock.expert, t)])
                else:
                    model.add(self.how_many[(k, t)] == 0)

    def solve(
        self,
        seconds: float,
        workers: int | None,
    ) -> tuple[dict[int, list[str]], dict[int, list[str]]] | None:
        """Pitches and sitting experts per start, or None (no placement found in the time).

        CBC first (``mip.py``: 0.3-1.4 s at 300 pitches where CP-SAT took 0.2-9 s), CP-SAT with
        what is left when CBC finds nothing in its share, but not when the placement's linear
        relaxation has no solution: on events whose pitches differ in length or whose rooms run
        out of step the grid may hold no placement, and CP-SAT then spent the whole time failing to
        prove it (60 pitches of lengths 15-45 min: 8.9 s of a 10 s solve; GLOP's proof: 0.02 s).
        """
        began = time.perf_counter()
        proved_empty: list[bool] = []
        solution = solve_as_mip(
            self.model, MIP_SHARE * seconds, on_infeasible=lambda: proved_empty.append(True)
        )
        if proved_empty:
            log.debug("slot placement: the grid holds none (its linear relaxation has no solution)")
            return None
        if solution is not None:
            value = solution.value
        else:
            solver = cp_model.CpSolver()
            solver.parameters.max_time_in_seconds = max(0.05, seconds - (time.perf_counter() - began))
            if workers is not None:
                solver.parameters.num_workers = workers
            # Light presolve: on 300 pitches the full one (symmetries, probing, inclusions) took 3.5 s
            # of the 3.7 s; the search itself finds a placement in a fraction of a second.
            solver.parameters.symmetry_level = 0
            solver.parameters.cp_model_probing_level = 0
            solver.parameters.presolve_inclusion_work_limit = 0
            status = solver.solve(self.model)
            log.debug("slot placement: %s in %.2f s", solver.status_name(status), solver.wall_time)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return None
            value = solver.value
        self.model.clear_hints()
        for var in list(self.how_many.values()) + list(self.sits.values()):
            self.model.add_hint(var, value(var))
        sitting: dict[int, list[str]] = defaultdict(list)
        for (e, t), var in self.sits.items():
            if value(var):
                sitting[t].append(e)
        return self._choose_pitches(value, sitting), sitting

    def _choose_pitches(
        self, value: Callable[[cp_model.IntVar], int], sitting: dict[int, list[str]]
    ) -> dict[int, list[str]]:
        """Which pitch of each kind takes which of its kind's starts: the fewest sitting experts in conflict.

        An assignment per kind (``SimpleLinearSumAssignment``), each start repeated as many times as
        pitches of the kind start then.
        """
        conflicts = self.grid.conflicts
        placed: dict[int, list[str]] = defaultdict(list)
        for k, pitch_ids in enumerate(self.grid.kinds):
            places = [t for t in self.grid.kind_starts[k] for _ in range(value(self.how_many[(k, t)]))]
            if len(pitch_ids) == 1:
                placed[places[0]].append(pitch_ids[0])
                continue
            assignment = linear_sum_assignment.SimpleLinearSumAssignment()
            for i, pitch_id in enumerate(pitch_ids):
                for j, t in enumerate(places):
                    assignment.add_arc_with_cost(i, j, sum(1 for e in sitting[t] if pitch_id in conflicts[e]))
            assignment.solve()
            for i, pitch_id in enumerate(pitch_ids):
                placed[places[assignment.right_mate(i)]].append(pitch_id)
        return placed

    def forbid(self, start: int, expert_ids: list[str]) -> None:
        """Never again exactly these experts sitting at ``start`` (its panels could not be dealt)."""
        chosen = set(expert_ids)
        self.model.add_bool_or(
            [var.Not() if e in chosen else var for (e, t), var in self.sits.items() if t == start]
        )

    def forbid_together(self, start: int, pitch_ids: list[str]) -> None:
        """Never again as many of these pitches' kinds at ``start`` (their rooms could not be matched)."""
        kinds = Counter(self.grid.kind_of[p] for p in pitch_ids)
        stays = []
        for k, number in kinds.items():
            fewer = self.model.new_bool_var(f"fewer[{k},{start}]")
            self.model.add(self.how_many[(k, start)] < number).only_enforce_if(fewer)
            stays.append(fewer)
        self.model.add_bool_or(stays)


def _deal_panels(
    event: Event,
    grid: _Grid,
    placed: dict[int, list[str]],
    sitting: dict[int, list[str]],
    seconds: float,
    workers: int | None,
) -> tuple[dict[str, tuple[str, ...]], list[int]]:
    """Step 2: the panels of every start, or the starts where none can be dealt."""
    panels: dict[str, tuple[str, ...]] = {}
    failed = []
    experts, pitches = event.expert_by_id(), event.pitch_by_id()
    pinned = defaultdict(set)
    for lock in panel_locks(event):
        pinned[lock.pitch].add(lock.expert)
    model = cp_model.CpModel()
    seats: dict[int, dict[tuple[str, str], cp_model.IntVar]] = {}
    for t, pitch_ids in placed.items():
        seats[t] = {
            (e, p): model.new_bool_var(f"seat[{e},{p}]")
            for p in pitch_ids
            for e in set(sitting[t]).intersection(grid.judges(p, t))
        }
        _panel_rules(model, event, experts, pitch_ids, sitting[t], seats[t], pinned)
    # Any valid deal first, without objective nor presolve (a fraction of a second: with the
    # objective, on a loaded machine, 0.9 s went by without one), then the most topics if time is left.
    began = time.perf_counter()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.cp_model_presolve = False
    if workers is not None:
        solver.parameters.num_workers = workers
    status = solver.solve(model)
    model.maximize(
        sum(
            len(set(experts[e].topics) & set(pitches[p].topics)) * var
            for by_pair in seats.values()
            for (e, p), var in by_pair.items()
        )
    )
    left = seconds - (time.perf_counter() - began)
    log.debug("slot panels: %s in %.2f s", solver.status_name(status), solver.wall_time)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and left > DEAL_ROOM * DEAL_SECONDS:
        for var in (var for by_pair in seats.values() for var in by_pair.values()):
            model.add_hint(var, solver.value(var))
        better = cp_model.CpSolver()
        better.parameters.max_time_in_seconds = DEAL_SECONDS
        if workers is not None:
            better.parameters.num_workers = workers
        if better.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            solver = better
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # One value per seat (a value per seat and pitch took 0.5 s at 300 pitches).
        members: dict[str, list[str]] = {p: [] for pitch_ids in placed.values() for p in pitch_ids}
        for by_pair in seats.values():
            for (e, p), var in by_pair.items():
                if solver.boolean_value(var):
                    members[p].append(e)
        panels = {p: tuple(sorted(chosen)) for p, chosen in members.items()}
        return panels, []
    if status != cp_model.INFEASIBLE:
        return {}, []
    # Which starts cannot be dealt: each one alone.
    for t, pitch_ids in placed.items():
        alone = cp_model.CpModel()
        local = {
            (e, p): alone.new_bool_var(f"seat[{e},{p}]")
            for p in pitch_ids
            for e in set(sitting[t]).intersection(grid.judges(p, t))
        }
        _panel_rules(alone, event, experts, pitch_ids, sitting[t], local, pinned)
        check = cp_model.CpSolver()
        check.parameters.max_time_in_seconds = 1.0
        check.parameters.num_workers = 1
        if check.solve(alone) == cp_model.INFEASIBLE:
            failed.append(t)
    return {}, failed


def _panel_rules(
    model: cp_model.CpModel,
    event: Event,
    experts: dict[str, Expert],
    pitch_ids: list[str],
    sitting: list[str],
    seats: dict[tuple[str, str], cp_model.IntVar],
    pinned: dict[str, set[str]],
) -> None:
    """Rule 3 for the pitches of one start, each sitting expert on exactly one of them, locks held."""
    panel = event.panel
    for expert_id in sitting:
        mine = [var for (e, _), var in seats.items() if e == expert_id]
        model.add(sum(mine) == 1)
    for p in pitch_ids:
        mine = {e: var for (e, q), var in seats.items() if q == p}
        model.add(sum(mine.values()) == panel.size)
        per_organisation = defaultdict(list)
        for e, var in mine.items():
            per_organisation[experts[e].organisation].append(var)
        for required in panel.required_organisations:
            model.add_bool_or(per_organisation.get(required, []))
        for members in per_organisation.values():
            if len(members) > panel.max_per_org:
                model.add(sum(members) <= panel.max_per_org)
        for expert_id in pinned.get(p, ()):
            if expert_id in mine:
                model.add(mine[expert_id] == 1)
            else:
                model.add_bool_or([])


def _assign_rooms(
    event: Event,
    options: dict[str, PitchOptions],
    grid: _Grid,
    placed: dict[int, list[str]],
    panels: dict[str, tuple[str, ...]],
) -> tuple[dict[str, str], list[int]]:
    """Step 3: a room for each pitch, start by start in time order; the starts that cannot be matched."""
    rooms = [room.id for room in event.rooms]
    busy_until: dict[str, int] = {}
    last_room: dict[tuple[str, int], str] = {}  # (expert, day) -> room of their last pitch
    chosen: dict[str, str] = {}
    failed = []
    for t in sorted(placed):
        day = t // (24 * 60)
        pitch_ids = placed[t]
        free = [room for room in rooms if busy_until.get(room, -1) <= t]
        assignment = linear_sum_assignment.SimpleLinearSumAssignment()
        size = max(len(pitch_ids), len(free))
        arcs = 0
        for i, p in enumerate(pitch_ids):
            for j, room in enumerate(free):
                if room in options[p].rooms:
                    stay = sum(1 for e in panels[p] if last_room.get((e, day)) == room)
                    assignment.add_arc_with_cost(i, j, 10 - stay)
                    arcs += 1
        for i in range(len(pitch_ids), size):  # dummy pitches, so that every room is matched
            for j in range(len(free)):
                assignment.add_arc_with_cost(i, j, 0)
        if len(pitch_ids) > len(free) or not arcs or assignment.solve() != assignment.OPTIMAL:
            failed.append(t)
            continue
        for i, p in enumerate(pitch_ids):
            room = free[assignment.right_mate(i)]
            chosen[p] = room
            busy_until[room] = t + options[p].length + event.changeover
            for e in panels[p]:
                last_room[(e, day)] = room
    return chosen, failed


def looks_tight(event: Event, margin: float = TIGHT_MARGIN) -> bool:
    """Whether some organisation's experts can judge barely more pitches than it must fill.

    Each expert counts for their ``max_pitches`` or what their time holds; a required organisation
    fills a seat on every panel, and all experts together fill every seat.  On such events the
    greedy got stuck (it spent 0.2-1 s finding nothing at 150-300 pitches): the engine goes first.
    """
    capacity = {
        expert.id: min(
            most_pitches(event, expert),
            expert.max_pitches if expert.max_pitches is not None else len(event.pitches),
        )
        for expert in event.experts
    }
    pitches = len(event.pitches)
    if not pitches:
        return False
    for required in event.panel.required_organisations:
        if sum(capacity[e.id] for e in event.experts if e.organisation == required) < (1 + margin) * pitches:
            return True
    return sum(capacity.values()) < (1 + margin) * event.panel.size * pitches


def find_schedule(
    event: Event,
    options: dict[str, PitchOptions],
    seconds: float,
    workers: int | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[Session, ...] | None:
    """A valid schedule built on the start grid, or None (the grid holds none, or the time is up)."""
    from scheduler.validate import check_schedule  # the independent oracle guards what leaves here

    began = time.perf_counter()
    deadline = began + seconds
    if not options or not event.rooms:
        return None
    # Up to 200 pitches the kinds are split by conflicts of interest from the start: the coarse
    # kinds' panels failed on some tight 150-pitch seeds and the round it cost took 1.5-3 s under
    # load; at 300 the split kinds made CBC's placement 1.3-2.5 s slower on every seed tried.
    split = len(event.pitches) <= SPLIT_FIRST_PITCHES
    grid = _grid(event, options, split_by_conflicts=split)
    if grid is None:
        return None
    placement = _Placement(event, options, grid)
    for round_ in range(MAX_ROUNDS):
        left = deadline - time.perf_counter()
        if left <= 0.05 or (should_stop is not None and should_stop()):
            return None
        found = placement.solve(left, workers)
        if found is None:
            return None
        placed, sitting = found
        panels, failed = _deal_panels(
            event, grid, placed, sitting, max(0.05, deadline - time.perf_counter()), workers
        )
        if failed and not split:
            # Conflicts of interest are likely what the coarse kinds missed: split them, start again.
            log.debug(
                "slot round %d: panels failed at %d starts; kinds split by conflicts", round_, len(failed)
            )
            split = True
            grid = _grid(event, options, split_by_conflicts=True)
            placement = _Placement(event, options, grid)
            continue
        for t in failed:
            placement.forbid(t, sitting[t])
        if failed or not panels:
            log.debug("slot round %d: panels failed at %d starts", round_, len(failed))
            if not failed:
                return None  # out of time dealing the panels
            continue
        rooms, failed = _assign_rooms(event, options, grid, placed, panels)
        for t in failed:
            placement.forbid_together(t, placed[t])
        if failed:
            log.debug("slot round %d: rooms failed at %d starts", round_, len(failed))
            continue
        sessions = []
        for pitch in event.pitches:
            t = next(start for start, ids in placed.items() if pitch.id in ids)
            day, minute = split_absolute(event, t)
            sessions.append(
                Session(
                    pitch.id,
                    day,
                    minute,
                    minute + options[pitch.id].length,
                    rooms[pitch.id],
                    panels[pitch.id],
                )
            )
        schedule = tuple(sessions)
        violations = check_schedule(event, schedule)
        if violations:  # a rule the counts missed: log it and let the other stages try
            log.warning("slot engine produced an invalid schedule: %s", violations[:3])
            return None
        log.debug("slot engine: valid schedule in %.2f s, %d rounds", time.perf_counter() - began, round_ + 1)
        return schedule
    return None
