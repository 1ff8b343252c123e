"""The objective terms of the event format, named, as model expressions and as plain arithmetic.

``score = topic_match·w_tm − load_spread·w_ls − room_changes·w_rc − sector_clash·w_sc
− changes_from_previous·w_cp`` (higher is better).

Every term is exact in the model except ``room_changes`` on large events: following each expert
from pitch to pitch needs a circuit per expert, whose arcs grow with the square of the pitches.
Above ``EXACT_ROOM_CHANGES_MAX_ARCS`` the model leaves the term at 0, a lower bound, so the model's
objective is never below the true score and the solver's bound stays a true bound.  (With the
placement fixed, or the panels fixed, the term is exact again at any size.)  The score reported is
always recomputed by ``validate.score_terms``, the one plain-arithmetic copy of the spec's terms,
which shares no code with these expressions: ``tests/scheduler/test_objective_oracle.py`` checks
the model's objective against it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations, pairwise

from ortools.sat.python import cp_model

from scheduler.data import Event
from scheduler.timeline import PitchOptions, day_index_of, day_offset, may_sit
from scheduler.variables import ScheduleVariables

EXACT_ROOM_CHANGES_MAX_ARCS = 60_000
# ``exact_room_changes=ROOMS_USED``: the term is the "rooms used less one" lower bound (a relaxation),
# with the placement fixed too.
ROOMS_USED = "rooms used"
# ``exact_room_changes=LEFT_OUT``: the term is 0, its lower bound, even with the placement fixed.  A
# re-staffing that ignores room changes searched far better than one that follows them (tight
# 150 pitches, 6 s from the slot engine's schedule: 5014 against 4434 by the true score), and the
# true score of what it finds is what counts.
LEFT_OUT = "left out"


@dataclass(frozen=True)
class ObjectiveTerms:
    """Each term of the objective as a linear expression of the model."""

    topic_match: cp_model.LinearExprT
    load_spread: cp_model.LinearExprT
    room_changes: cp_model.LinearExprT
    sector_clash: cp_model.LinearExprT
    changes_from_previous: cp_model.LinearExprT

    def score(self, event: Event) -> cp_model.LinearExprT:
        weights = event.objective_weights
        return (
            weights.topic_match * self.topic_match
            - weights.load_spread * self.load_spread
            - weights.room_changes * self.room_changes
            - weights.sector_clash * self.sector_clash
            - weights.changes_from_previous * self.changes_from_previous
        )


def topic_match(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> cp_model.LinearExprT:
    """Over every panel seat, the topics the pitch and its expert share."""
    experts, pitches = event.expert_by_id(), event.pitch_by_id()
    return sum(len(set(experts[e].topics) & set(pitches[p].topics)) * seat for (e, p), seat in v.seat.items())


def load_spread(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> cp_model.LinearExprT:
    """The most pitches any expert judges minus the fewest, over all experts.

    The seats add up to ``size × pitches``, so the busiest expert judges at least the average and the
    least busy at most: stating it lets the LP relaxation bound this term at once.
    """
    if not event.experts:
        return 0
    seats = event.panel.size * len(event.pitches)
    # min(): with panels larger than the whole jury the ceiling exceeds the pitch count; the panel
    # rule already makes such an event infeasible, and an empty domain would make the model invalid.
    most = model.new_int_var(
        min(-(-seats // len(event.experts)), len(event.pitches)), len(event.pitches), "most_pitches"
    )
    fewest = model.new_int_var(0, seats // len(event.experts), "fewest_pitches")
    for load in v.load.values():
        model.add(most >= load)
        model.add(fewest <= load)
    return most - fewest


def _other_day(model: cp_model.CpModel, v: ScheduleVariables, first: str, second: str):
    """A literal that may be true only when the two pitches run on different days, or None if never."""
    common = set(v.on_day[first]) & set(v.on_day[second])
    if not common:
        return model.new_constant(1)
    if len(v.on_day[first]) == 1 and len(v.on_day[second]) == 1:
        return None
    literal = model.new_bool_var(f"other_day[{first},{second}]")
    for day in common:
        model.add_bool_or([literal.Not(), v.on_day[first][day].Not(), v.on_day[second][day].Not()])
    return literal


def _same_room(model: cp_model.CpModel, v: ScheduleVariables, first: str, second: str):
    """A literal that may be true only when the two pitches share their room, or None if they never do."""
    if not set(v.in_room[first]) & set(v.in_room[second]):
        return None
    literal = model.new_bool_var(f"same_room[{first},{second}]")
    for one, other in ((first, second), (second, first)):
        for room, in_room in v.in_room[one].items():
            if room in v.in_room[other]:
                model.add_bool_or([literal.Not(), in_room.Not(), v.in_room[other][room]])
            else:
                model.add_implication(literal, in_room.Not())
    return literal


def _may_follow(event: Event, v: ScheduleVariables, first: str, second: str) -> bool:
    """Whether an expert could judge ``second`` right after ``first``."""
    return v.options[second].latest >= v.options[first].earliest + v.options[first].length + event.changeover


def exact_model_fits(judgeable: Mapping[str, int]) -> bool:
    """Whether the exact room-change circuits stay small enough to build and solve, given how many
    pitches each expert may judge (``timeline.pitches_each_may_judge``): an expert's circuit has
    an arc between any two of theirs."""
    return sum(pitches**2 for pitches in judgeable.values()) <= EXACT_ROOM_CHANGES_MAX_ARCS


def _room_changes_on_circuits(
    model: cp_model.CpModel, event: Event, v: ScheduleVariables, only_day: int | None = None
) -> cp_model.LinearExprT:
    """Each expert's pitches form a path in time (a circuit through a depot).

    An arc between two pitches costs a move unless both share a room or lie on different days.  The
    pair literals ``same_room`` and ``other_day`` belong to the pitches, so all experts share them.

    ``only_day`` (a neighbourhood of the search, every pitch of other days fixed): only that day's
    moves, and only of the experts who may judge a pitch still free; the rest is a constant.
    """
    pair_literals: dict[tuple[str, str], tuple] = {}

    def pair(first: str, second: str) -> tuple:
        key = (first, second) if first < second else (second, first)
        if key not in pair_literals:
            pair_literals[key] = (_same_room(model, v, *key), _other_day(model, v, *key))
        return pair_literals[key]

    moves = []
    for expert_id, seats in v.expert_seats.items():
        if only_day is not None:
            seats = {p: seat for p, seat in seats.items() if set(v.on_day[p]) == {only_day}}
            if all(_is_fixed(event, v, p) for p in seats):
                continue
        if not seats:
            continue
        nodes = {pitch_id: index + 1 for index, pitch_id in enumerate(seats)}
        # Pitches with nothing left to choose are judged in their order of time: an arc may not
        # skip one of them (this prunes the circuits of a neighbourhood, where most are fixed).
        chain = sorted((p for p in seats if _is_fixed(event, v, p)), key=lambda p: v.options[p].earliest)
        place = {p: index for index, p in enumerate(chain)}

        def may_link(
            first: str | None, second: str | None, chain: list[str] = chain, place: dict[str, int] = place
        ) -> bool:
            if first in place and second in place:
                return place[second] == place[first] + 1
            if first in place:
                after = place[first] + 1
                return after == len(chain) or (
                    second is not None and v.options[second].earliest < v.options[chain[after]].earliest
                )
            if second in place:
                before = place[second] - 1
                return before < 0 or (
                    first is not None and v.options[first].latest > v.options[chain[before]].earliest
                )
            return True

        arcs = [(0, 0, model.new_bool_var(f"idle[{expert_id}]"))] if not chain else []
        for pitch_id, seat in seats.items():
            node = nodes[pitch_id]
            arcs.append((node, node, seat.Not()))
            if may_link(None, pitch_id):
                arcs.append((0, node, model.new_bool_var(f"first[{expert_id},{pitch_id}]")))
            if may_link(pitch_id, None):
                arcs.append((node, 0, model.new_bool_var(f"last[{expert_id},{pitch_id}]")))
        for first, second in ((a, b) for a in seats for b in seats if a != b):
            if not _may_follow(event, v, first, second) or not may_link(first, second):
                continue
            arc = model.new_bool_var(f"next[{expert_id},{first},{second}]")
            arcs.append((nodes[first], nodes[second], arc))
            model.add(
                v.start[second] >= v.start[first] + v.options[first].length + event.changeover
            ).only_enforce_if(arc)
            excuses = [literal for literal in pair(first, second) if literal is not None]
            move = model.new_bool_var(f"move[{expert_id},{first},{second}]")
            model.add_bool_or([arc.Not(), move, *excuses])
            moves.append(move)
        model.add_circuit(arcs)
    return sum(moves)


def _is_fixed(event: Event, v: ScheduleVariables, pitch_id: str) -> bool:
    """Whether a pitch has one start, one room and exactly its panel's seats: nothing left to choose."""
    option = v.options[pitch_id]
    return (
        len(option.all_starts) == 1
        and len(option.rooms) == 1
        and len(v.panel_seats[pitch_id]) == event.panel.size
    )


def _room_changes_at_fixed_times(
    model: cp_model.CpModel, event: Event, v: ScheduleVariables
) -> cp_model.LinearExprT:
    """With every pitch's start and room fixed, follow each expert's room from one start time to the next.

    ``where[k]`` is the room the expert is in at the day's k-th start time; a judged pitch forces it,
    idle times leave it free, so the fewest moves the solver finds are exactly the expert's room changes.
    """
    moves = []
    for expert_id, seats in v.expert_seats.items():
        by_day = defaultdict(list)
        for pitch_id, seat in seats.items():
            option = v.options[pitch_id]
            by_day[option.days[0]].append((option.earliest, option.rooms[0], seat))
        for day, judged in by_day.items():
            times = sorted({start for start, _, _ in judged})
            rooms = sorted({room for _, room, _ in judged})
            if len(times) < 2 or len(rooms) < 2:
                continue
            where = [
                model.new_int_var(0, len(rooms) - 1, f"where[{expert_id},{day},{k}]")
                for k in range(len(times))
            ]
            for start, room, seat in judged:
                model.add(where[times.index(start)] == rooms.index(room)).only_enforce_if(seat)
            for k in range(1, len(times)):
                move = model.new_bool_var(f"move[{expert_id},{day},{k}]")
                model.add(where[k] == where[k - 1]).only_enforce_if(move.Not())
                moves.append(move)
    return sum(moves)


def _room_changes_with_times_and_panels_fixed(
    model: cp_model.CpModel, event: Event, v: ScheduleVariables
) -> cp_model.LinearExprT:
    """With every start and panel fixed, each expert's pitches of a day come in a known order: a move
    between two consecutive ones is forced by either being in a room the other is not in.

    Linear and exact (the solver keeps a move false unless forced); the circuits it replaces for
    this step were far from proved after 6 s at 150 pitches.
    """
    moves = []
    for seats in v.expert_seats.values():
        by_day = defaultdict(list)
        for pitch_id in seats:
            option = v.options[pitch_id]
            by_day[option.days[0]].append((option.earliest, pitch_id))
        for judged in by_day.values():
            ordered = [pitch_id for _, pitch_id in sorted(judged)]
            for one, other in pairwise(ordered):
                rooms_one, rooms_other = v.in_room[one], v.in_room[other]
                if len(rooms_one) == 1 and rooms_one.keys() == rooms_other.keys():
                    continue  # both in the one same room
                move = model.new_bool_var(f"move[{one},{other}]")
                for room, here in rooms_other.items():
                    there = rooms_one.get(room)
                    model.add(move >= here - there if there is not None else move >= here)
                moves.append(move)
    return sum(moves)


def rooms_used_less_one(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> cp_model.LinearExprT:
    """A lower bound of room changes: per expert and day, the rooms they judge in, less one.

    An expert who judges in ``k`` rooms on a day moves at least ``k - 1`` times that day.
    ``used[e, d, r]`` is forced by a seat in a pitch placed on that day in that room; the solver
    keeps it false otherwise, since the objective only loses by it.
    """
    bound = []
    for expert_id, seats in v.expert_seats.items():
        used: dict[tuple[int, str], cp_model.IntVar] = {}
        for pitch_id, seat in seats.items():
            for day, on_day in v.on_day[pitch_id].items():
                for room, in_room in v.in_room[pitch_id].items():
                    if (day, room) not in used:
                        used[(day, room)] = model.new_bool_var(f"uses[{expert_id},{day},{room}]")
                    model.add_bool_or([seat.Not(), on_day.Not(), in_room.Not(), used[(day, room)]])
        for day in {day for day, _ in used}:
            rooms = [var for (d, _), var in used.items() if d == day]
            if len(rooms) < 2:
                continue
            moves = model.new_int_var(0, len(rooms) - 1, f"moves_at_least[{expert_id},{day}]")
            model.add(moves >= sum(rooms) - 1)
            bound.append(moves)
    return sum(bound)


def room_changes(
    model: cp_model.CpModel,
    event: Event,
    v: ScheduleVariables,
    exact: bool | str,
    only_day: int | None = None,
) -> cp_model.LinearExprT:
    """Over every expert and day, the moves between rooms from one judged pitch to the next.

    With ``exact`` false the term is left at 0, its lower bound: the model then never scores a schedule
    below its true score, so the solver's bound stays a bound.  (Counting the rooms an expert uses on a
    day minus one is a tighter lower bound, but measured slower to search: see README.md.)
    """
    if exact == LEFT_OUT:
        return 0
    if exact == ROOMS_USED and v.times_are_fixed:
        # The re-staffing of fixed times by CBC: linear, where the exact count along the fixed times
        # (below) is not (CBC took 29 s at tight 150 pitches for less than it started from).
        return rooms_used_less_one(model, event, v)
    if v.placement_is_fixed:
        return _room_changes_at_fixed_times(model, event, v)
    if v.times_and_panels_are_fixed:
        return _room_changes_with_times_and_panels_fixed(model, event, v)
    if exact == ROOMS_USED:
        return rooms_used_less_one(model, event, v)
    return _room_changes_on_circuits(model, event, v, only_day) if exact else 0


def sector_clash(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> cp_model.LinearExprT:
    """Pairs of same-sector pitches whose talks overlap (same day implied by the absolute clock)."""
    by_sector = defaultdict(list)
    for pitch in event.pitches:
        by_sector[pitch.sector].append(pitch.id)
    clashes = []
    for pitch_ids in by_sector.values():
        for first, second in combinations(pitch_ids, 2):
            one, other = v.options[first], v.options[second]
            if not one.starts_by_day or not other.starts_by_day:
                continue
            if one.latest + one.length <= other.earliest or other.latest + other.length <= one.earliest:
                continue
            if len(one.all_starts) == 1 and len(other.all_starts) == 1:
                # Both fixed (a re-staffing): they overlap, since they passed the test above.  No
                # literals: at 300 pitches they were half the rows of the re-staffing's program.
                clashes.append(1)
                continue
            before = model.new_bool_var(f"before[{first},{second}]")
            after = model.new_bool_var(f"after[{first},{second}]")
            clash = model.new_bool_var(f"clash[{first},{second}]")
            model.add(v.start[second] >= v.start[first] + one.length).only_enforce_if(before)
            model.add(v.start[first] >= v.start[second] + other.length).only_enforce_if(after)
            model.add_bool_or([before, after, clash])
            clashes.append(clash)
    return sum(clashes)


def changes_from_previous(
    model: cp_model.CpModel, event: Event, v: ScheduleVariables
) -> cp_model.LinearExprT:
    """Pitches moved from their previous date, start or room, plus panel seats given to someone else."""
    if not event.previous:
        return 0
    days = day_index_of(event)
    changes = []
    for session in event.previous:
        if session.pitch not in v.start:
            continue
        kept = model.new_bool_var(f"kept[{session.pitch}]")
        previous_start = day_offset(days[session.date]) + session.start if session.date in days else None
        room = v.in_room[session.pitch].get(session.room)
        if (
            previous_start is None
            or room is None
            or previous_start not in v.options[session.pitch].all_starts
        ):
            model.add(kept == 0)
        else:
            model.add(v.start[session.pitch] == previous_start).only_enforce_if(kept)
            model.add_implication(kept, room)
        seats = v.panel_seats[session.pitch]
        still_seated = sum(seats[expert] for expert in set(session.panel) if expert in seats)
        changes.append(1 - kept + max(event.panel.size, len(set(session.panel))) - still_seated)
    return sum(changes)


def build_objective(
    model: cp_model.CpModel,
    event: Event,
    v: ScheduleVariables,
    exact_room_changes: bool | None = None,
    timed: bool = True,
    only_day: int | None = None,
) -> ObjectiveTerms:
    """Create every term and maximise the weighted score.

    With ``timed`` false the terms that depend on time (room changes, sector clashes) are left at 0,
    their lower bound, for the panel relaxation; room changes are the rooms used less one, a lower
    bound still, with ``exact_room_changes=ROOMS_USED`` (the day-and-room relaxation).
    """
    if not timed:
        terms = ObjectiveTerms(
            topic_match(model, event, v),
            load_spread(model, event, v),
            rooms_used_less_one(model, event, v) if exact_room_changes == ROOMS_USED else 0,
            0,
            changes_from_previous(model, event, v),
        )
        model.maximize(terms.score(event))
        return terms
    if exact_room_changes is None:
        exact_room_changes = (
            sum(len(seats) ** 2 for seats in v.expert_seats.values()) <= EXACT_ROOM_CHANGES_MAX_ARCS
        )
    if exact_room_changes not in (ROOMS_USED, LEFT_OUT):
        exact_room_changes = exact_room_changes or v.placement_is_fixed
    terms = ObjectiveTerms(
        topic_match=topic_match(model, event, v),
        load_spread=load_spread(model, event, v),
        room_changes=room_changes(model, event, v, exact_room_changes, only_day),
        sector_clash=sector_clash(model, event, v),
        changes_from_previous=changes_from_previous(model, event, v),
    )
    model.maximize(terms.score(event))
    return terms


def optimistic_score(event: Event, options: dict[str, PitchOptions]) -> int:
    """A bound known before any solving: each panel of the experts sharing most topics, no penalty."""
    weights = event.objective_weights
    total = 0
    for option in options.values():
        topics = set(option.pitch.topics)
        shared = sorted(
            (len(topics & set(e.topics)) for e in event.experts if may_sit(event, e, option)), reverse=True
        )
        total += sum(shared[: event.panel.size])
    return weights.topic_match * total
