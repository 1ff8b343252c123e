"""The hard rules of the event format, one function each, in the order of the spec (rules 1-6).

Each rule is ``rule(model, event, variables, *, enforce=always)``.  The main model calls them as
they are: every constraint holds.  The diagnosis (``scheduler.diagnose``) passes an ``enforce``
that gives one assumption literal per rule instance, keyed as below; each instance's constraints
then hold only when its literal does, and an unsatisfiable core of literals names the rules and
data that rule out every schedule.  ``enforce`` is asked for a key only where the rule adds a
constraint for it, so a literal exists only for an instance that can matter.

Keys (``RuleKey``): ``("pitch_window", pitch)``, ``("pitch_rooms", pitch)``, ``("room_time",)``,
``("panel_size",)``, ``("required", organisation)``, ``("max_per_organisation",)``,
``("expert_window", expert)``, ``("conflict", expert, pitch)``, ``("min", expert)``,
``("max", expert)``, ``("slot_lock", lock)``, ``("panel_lock", lock)``.

The pitches' windows, rooms and slot locks, and the experts' windows and conflicts, are usually
in the variables' domains (``timeline.pitch_options``, ``ScheduleVariables``); on ``relaxed``
variables they are not, and the rules state them as constraints.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Container
from itertools import combinations, pairwise

from ortools.sat.python import cp_model

from scheduler.data import Event, Expert, SlotLock, Window
from scheduler.timeline import (
    MINUTES_PER_DAY,
    away_spans,
    break_free_stretches,
    day_offset,
    expert_starts,
    expert_starts_by_window,
    locked_panels,
    locks_leave_a_seat,
    most_in,
    most_pitches,
    panel_locks,
    panels_can_sit,
    slot_locks,
    starts_within,
)
from scheduler.variables import ScheduleVariables

RuleKey = tuple[object, ...]
Enforce = Callable[[RuleKey], cp_model.IntVar | None]


def always(rule: RuleKey) -> None:
    """The main model's ``enforce``: no literal, every rule instance holds."""
    return None


def _only_if(constraint: cp_model.Constraint, *literals: cp_model.IntVar | None) -> None:
    """Make ``constraint`` hold only when all the given literals do (``None``: unconditional)."""
    held = [literal for literal in literals if literal is not None]
    if held:
        constraint.only_enforce_if(held)


def _infeasible(model: cp_model.CpModel, literal: cp_model.IntVar | None = None) -> None:
    """An empty clause: the model has no solution (the diagnosis explains why); under ``literal``,
    that literal is false."""
    _only_if(model.add_bool_or([]), literal)


def _keep_out_of(
    model: cp_model.CpModel,
    in_room: dict[str, cp_model.IntVar],
    allowed: Container[str],
    literal: cp_model.IntVar | None,
) -> None:
    """No room outside ``allowed``, under ``literal``."""
    outside = [~var for room, var in in_room.items() if room not in allowed]
    if outside:
        _only_if(model.add_bool_and(outside), literal)


def place_every_pitch(
    model: cp_model.CpModel, event: Event, v: ScheduleVariables, *, enforce: Enforce = always
) -> None:
    """Rule 1: each pitch once, on one day, at an allowed start (day, breaks, windows), in an allowed room."""
    for pitch_id, option in v.options.items():
        if not option.starts_by_day or not option.rooms:
            _infeasible(model)
            continue
        model.add_exactly_one(v.on_day[pitch_id].values())
        model.add_exactly_one(v.in_room[pitch_id].values())
        for day, starts in option.starts_by_day:
            model.add_linear_expression_in_domain(
                v.start[pitch_id], cp_model.Domain.from_values(starts)
            ).only_enforce_if(v.on_day[pitch_id][day])
        pitch = option.pitch
        if v.relaxed and pitch.available is not None:
            inside = starts_within(event, option.length, windows=pitch.available)
            _only_if(
                model.add_linear_expression_in_domain(v.start[pitch_id], cp_model.Domain.from_values(inside)),
                enforce(("pitch_window", pitch_id)),
            )
        if v.relaxed and pitch.rooms is not None:
            _keep_out_of(model, v.in_room[pitch_id], pitch.rooms, enforce(("pitch_rooms", pitch_id)))


def keep_rooms_apart(
    model: cp_model.CpModel, event: Event, v: ScheduleVariables, *, enforce: Enforce = always
) -> None:
    """Rule 2: in a room, a pitch starts no earlier than the previous one's end plus the changeover.

    A no-overlap takes no enforcement literal.  On relaxed variables a pitch's interval in a room
    is present when it ``occupies`` the room, which it does when it is in the room and the rule
    holds; with the rule relaxed the rooms hold any number of pitches at once.
    """
    if v.placement_is_fixed and not v.relaxed:
        _rooms_apart_at_fixed_places(model, event, v)
        return
    if v.times_are_fixed and not v.relaxed:
        _rooms_apart_at_fixed_times(model, event, v)
        return
    rooms_hold_one = enforce(("room_time",)) if v.occupies else None
    intervals = defaultdict(list)
    for pitch_id, option in v.options.items():
        occupies = v.occupies.get(pitch_id, {})
        for room, in_room in v.in_room[pitch_id].items():
            present = occupies.get(room, in_room)
            if room in occupies:
                model.add_implication(present, in_room)
                _only_if(model.add_implication(in_room, present), rooms_hold_one)
            intervals[room].append(
                model.new_optional_fixed_size_interval_var(
                    v.start[pitch_id],
                    option.length + event.changeover,
                    present,
                    f"in_room[{pitch_id},{room}]",
                )
            )
    for room_intervals in intervals.values():
        if len(room_intervals) > 1:
            model.add_no_overlap(room_intervals)


def _rooms_apart_at_fixed_places(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """Rule 2 with every start and room fixed: a fact to check, not a constraint to search.

    Stating it without intervals leaves the model all linear, so that a re-staffing of a fixed
    placement can be solved as a mixed-integer program (``mip.py``).
    """
    by_room = defaultdict(list)
    for option in v.options.values():
        by_room[option.rooms[0]].append((option.earliest, option.earliest + option.length))
    for taken in by_room.values():
        taken.sort()
        if any(later < end + event.changeover for (_, end), (later, _) in pairwise(taken)):
            _infeasible(model)
            return


def _rooms_apart_at_fixed_times(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """Rule 2 with every start fixed and the rooms to choose: per room, at most one of the pitches
    that run at once (changeover included).  Cliques instead of intervals keep the model linear, so
    that the rooms and panels of fixed times can be chosen by CBC (``mip.py``)."""
    by_room = defaultdict(list)
    for pitch_id, option in v.options.items():
        for room, in_room in v.in_room[pitch_id].items():
            by_room[room].append(
                (option.earliest, option.earliest + option.length + event.changeover, in_room)
            )
    for spans in by_room.values():
        for clique in _running_at_once(spans):
            model.add_at_most_one(clique)


def _running_at_once(
    spans: list[tuple[int, int, cp_model.IntVar]],
) -> list[list[cp_model.IntVar]]:
    """The literals of each *maximal* set of overlapping ``[start, end)`` spans, of two or more.

    A sweep in start order: the set running just before one of them ends is a maximal one if it
    grew since the last one was taken.  (A clique per span added, subsets too, made 18,840 rows at
    tight 300 pitches, most of the re-staffing program CBC solves.)
    """
    cliques = []
    active: list[tuple[int, cp_model.IntVar]] = []
    grew = False
    for start, end, literal in sorted(spans, key=lambda span: span[:2]):
        running = [(until, other) for until, other in active if until > start]
        if len(running) < len(active):  # one ends before this starts
            if grew and len(active) > 1:
                cliques.append([other for _, other in active])
            grew = False
        active = running + [(end, literal)]
        grew = True
    if grew and len(active) > 1:
        cliques.append([other for _, other in active])
    return cliques


def compose_panels(
    model: cp_model.CpModel, event: Event, v: ScheduleVariables, *, enforce: Enforce = always
) -> None:
    """Rule 3: panel size, one expert at least from each required organisation, a cap per organisation."""
    organisation = {expert.id: expert.organisation for expert in event.experts}
    size = enforce(("panel_size",)) if v.panel_seats else None
    for seats in v.panel_seats.values():
        _only_if(model.add(sum(seats.values()) == event.panel.size), size)
        by_organisation = defaultdict(list)
        for expert_id, var in seats.items():
            by_organisation[organisation[expert_id]].append(var)
        for required in event.panel.required_organisations:
            _only_if(model.add_bool_or(by_organisation[required]), enforce(("required", required)))
        for members in by_organisation.values():
            if len(members) > event.panel.max_per_org:
                _only_if(
                    model.add(sum(members) <= event.panel.max_per_org), enforce(("max_per_organisation",))
                )


def respect_experts(
    model: cp_model.CpModel, event: Event, v: ScheduleVariables, *, enforce: Enforce = always
) -> None:
    """Rule 4: availability, conflicts of interest, and a changeover between any two of one's pitches.

    Conflicts and pairs with no common time have no seat variable at all (see ``ScheduleVariables``),
    except on relaxed variables, where a conflict is a clause under its literal.  When the placement
    is fixed, the changeover rule is a handful of cliques per expert instead of optional intervals,
    which presolve would otherwise spend seconds on.  The changeover rule itself takes no literal
    (a no-overlap cannot): the diagnosis never relaxes it.
    """
    if v.times_are_fixed and not v.relaxed:
        _seat_cliques_at_fixed_times(model, event, v)
        return
    for expert in event.experts:
        intervals = []
        for pitch_id, seat in v.expert_seats[expert.id].items():
            if pitch_id in expert.conflict_set:
                _only_if(model.add_bool_or([~seat]), enforce(("conflict", expert.id, pitch_id)))
            option = v.options[pitch_id]
            allowed = expert_starts(event, expert, option)
            if len(allowed) < len(option.all_starts):
                _only_if(
                    model.add_linear_expression_in_domain(
                        v.start[pitch_id], cp_model.Domain.from_values(allowed)
                    ),
                    seat,
                    enforce(("expert_window", expert.id)),
                )
            intervals.append(
                model.new_optional_fixed_size_interval_var(
                    v.start[pitch_id], option.length + event.changeover, seat, f"seat[{expert.id},{pitch_id}]"
                )
            )
        if len(intervals) > 1:
            model.add_no_overlap(intervals)


def _seat_cliques_at_fixed_times(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """At most one seat per expert among the pitches that run at once (changeover included): one
    clique per maximal set of them."""
    for seats in v.expert_seats.values():
        spans = [
            (v.options[p].earliest, v.options[p].earliest + v.options[p].length + event.changeover, seat)
            for p, seat in seats.items()
        ]
        for clique in _running_at_once(spans):
            model.add_at_most_one(clique)


def bound_expert_loads(
    model: cp_model.CpModel, event: Event, v: ScheduleVariables, *, enforce: Enforce = always
) -> None:
    """Rule 5: each expert judges between ``min_pitches`` and ``max_pitches`` pitches."""
    for expert in event.experts:
        load = v.load[expert.id]
        model.add(load == sum(v.expert_seats[expert.id].values()))
        _only_if(model.add(load >= expert.min_load), enforce(("min", expert.id)) if expert.min_load else None)
        if expert.max_pitches is not None:
            _only_if(model.add(load <= expert.max_pitches), enforce(("max", expert.id)))


def hold_locks(
    model: cp_model.CpModel, event: Event, v: ScheduleVariables, *, enforce: Enforce = always
) -> None:
    """Rule 6: panel locks seat their expert; slot locks shape the pitch's options, or, on relaxed
    variables, pin its start and room here."""
    if v.relaxed:
        for pitch_id, option in v.options.items():
            for lock in slot_locks(event, pitch_id):
                _pin(model, event, v, option.length, lock, enforce(("slot_lock", lock)))
    for lock in panel_locks(event):
        seat = v.seat.get((lock.expert, lock.pitch))
        literal = enforce(("panel_lock", lock))
        if seat is None:
            _infeasible(model, literal)
        else:
            _only_if(model.add(seat == 1), literal)


def _pin(
    model: cp_model.CpModel,
    event: Event,
    v: ScheduleVariables,
    length: int,
    lock: SlotLock,
    literal: cp_model.IntVar | None,
) -> None:
    """A slot lock's date, start and room, under ``literal``."""
    if lock.date is not None or lock.start is not None:
        allowed = starts_within(event, length, locks=(lock,))
        _only_if(
            model.add_linear_expression_in_domain(v.start[lock.pitch], cp_model.Domain.from_values(allowed)),
            literal,
        )
    if lock.room is not None:  # a room the event does not have leaves the pitch no room at all
        _keep_out_of(model, v.in_room[lock.pitch], (lock.room,), literal)


def cap_loads_by_time(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """Implied by rule 4, stated for the LP relaxation: no expert judges more pitches than their time holds."""
    for expert in event.experts:
        if v.expert_seats[expert.id]:
            model.add(v.load[expert.id] <= most_pitches(event, expert))


# share_a_time_on_each_panel pairs the groups of experts of a pitch: past this many groups
# (experts there only for a few pitches each, 331 of them for 150 pitches: 200 groups a pitch)
# the pairs took 1.1 s of Python to build where the relaxation had 1 s left.
SHARED_TIME_MAX_GROUPS = 40


def share_a_time_on_each_panel(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """Implied by rules 1 and 4, stated for the panel relaxation: a panel's experts share a start.

    Experts who can judge a pitch at the same starts form a group, so the check runs per pair of
    groups: two groups with no start in common never sit on one panel together.  (Grouped by the
    starts, not by the windows themselves: with an expert's windows around each of their pitches,
    150 pitches × 331 experts, the pairs of windows were 3.9 s of hashing for the build alone.)
    """
    experts = event.expert_by_id()
    for pitch_id, seats in v.panel_seats.items():
        groups: dict[frozenset[int], list[cp_model.IntVar]] = defaultdict(list)
        starts_by_windows: dict[object, frozenset[int]] = {}
        for expert_id, seat in seats.items():
            expert = experts[expert_id]
            starts = starts_by_windows.get(expert.available)
            if starts is None:
                starts = frozenset(expert_starts(event, expert, v.options[pitch_id]))
                starts_by_windows[expert.available] = starts
            groups[starts].append(seat)
        keys = list(groups)
        if len(keys) > SHARED_TIME_MAX_GROUPS:
            continue  # an implied cut: not worth its quadratic build (see SHARED_TIME_MAX_GROUPS)
        bit = {start: 1 << i for i, start in enumerate(v.options[pitch_id].all_starts)}
        masks = [sum(bit[start] for start in starts) for starts in keys]  # an AND per pair: fast
        used: dict[int, cp_model.IntVar] = {}
        for one, other in combinations(range(len(keys)), 2):
            if masks[one] & masks[other]:
                continue
            for group in (one, other):
                if group not in used:
                    used[group] = model.new_bool_var(f"panel_uses_starts[{pitch_id},{group}]")
                    for seat in groups[keys[group]]:
                        model.add_implication(seat, used[group])
            model.add(used[one] + used[other] <= 1)


def fit_rooms_by_day(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """Implied by rules 1 and 2, stated for the day-and-room relaxation: the pitches a room holds on
    a day fit in its break-free time.

    A pitch lies inside one break-free stretch, and a room's pitches are a changeover apart: ``k``
    pitches in a stretch of ``m`` minutes take their lengths plus ``k - 1`` changeovers, so their
    lengths plus one changeover each add up to at most ``m`` plus one changeover per stretch.
    """
    taken = defaultdict(list)
    for pitch_id, option in v.options.items():
        placed = {
            (day, room): model.new_bool_var(f"in_room_on_day[{pitch_id},{day},{room}]")
            for day in v.on_day[pitch_id]
            for room in v.in_room[pitch_id]
        }
        model.add_exactly_one(placed.values())
        for day, on_day in v.on_day[pitch_id].items():
            model.add(on_day == sum(var for (d, _), var in placed.items() if d == day))
        for room, in_room in v.in_room[pitch_id].items():
            model.add(in_room == sum(var for (_, r), var in placed.items() if r == room))
        for key, var in placed.items():
            taken[key].append((option.length + event.changeover, var))
    for (day, _), pitches in taken.items():
        stretches = break_free_stretches(event.days[day])
        room_time = sum(end - start for start, end in stretches) + event.changeover * len(stretches)
        model.add(sum(minutes * var for minutes, var in pitches) <= room_time)


def judge_on_their_days(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """Implied by rules 1 and 4, stated for the day-and-room relaxation: an expert judges a pitch
    only on a day they can (a part-time expert's days)."""
    experts = event.expert_by_id()
    for (expert_id, pitch_id), seat in v.seat.items():
        option = v.options[pitch_id]
        allowed = set(expert_starts(event, experts[expert_id], option))
        days = [day for day, starts in option.starts_by_day if allowed.intersection(starts)]
        if len(days) < len(option.starts_by_day):
            model.add_bool_or([~seat, *(v.on_day[pitch_id][day] for day in days)])


def judge_within_their_time_in_windows(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """Implied by rules 1 and 4, stated for the relaxations: the pitches an expert judges among
    those held to one stretch of time fit in the break-free time the expert is there in it, a
    changeover after each (as for a room's day in ``fit_rooms_by_day``).

    The stretches are the pitches' own (their first start to their last end, on one day).  Without
    it, the relaxations of tight events gave an expert four 25-minute pitches that all had to run in
    the same 105 minutes, and their panels could not be placed.
    """
    spans: dict[str, tuple[int, int, int]] = {}
    for pitch_id, option in v.options.items():
        if len(option.days) == 1:
            spans[pitch_id] = (option.days[0], option.earliest, option.latest + option.length)
    for day, start, end in set(spans.values()):
        inside = [p for p, (d, first, last) in spans.items() if d == day and start <= first and last <= end]
        if len(inside) < 2:
            continue
        shortest = min(v.options[p].length for p in inside)
        offset = day_offset(day)
        stretches = [(offset + a, offset + b) for a, b in break_free_stretches(event.days[day])]
        for expert in event.experts:
            judged = [
                (v.options[p].length + event.changeover, v.expert_seats[expert.id][p])
                for p in inside
                if p in v.expert_seats[expert.id]
            ]
            if len(judged) < 2:
                continue
            windows = [
                (offset + w.start, offset + w.end)
                for w in expert.available or (Window(event.days[day].date, 0, MINUTES_PER_DAY),)
                if w.date == event.days[day].date
            ]
            pieces = [
                min(end, stretch_end, window_end) - max(start, stretch_start, window_start)
                for stretch_start, stretch_end in stretches
                for window_start, window_end in windows
            ]
            time_there = sum(piece + event.changeover for piece in pieces if piece >= shortest)
            if sum(minutes for minutes, _ in judged) > time_there:
                model.add(sum(minutes * seat for minutes, seat in judged) <= time_there)


def staff_pitches_over_time(
    model: cp_model.CpModel, event: Event, v: ScheduleVariables, *, enforce: Enforce = always
) -> None:
    """Implied by rules 3 and 4: the pitches running at any time (with their changeover) need
    ``panel.size`` experts each, and an expert sits on one of them at a time.

    The diagnosis adds it to its core search, where it proves in milliseconds what the experts'
    no-overlaps prove only by search (three experts, panels of two: one pitch at a time).  The
    main model does not have it: it has not been measured there.
    """
    size = enforce(("panel_size",))
    demand = event.panel.size if size is None else event.panel.size * size
    intervals = [
        model.new_fixed_size_interval_var(
            v.start[pitch_id], option.length + event.changeover, f"runs[{pitch_id}]"
        )
        for pitch_id, option in v.options.items()
    ]
    if len(intervals) > 1:
        model.add_cumulative(intervals, [demand] * len(intervals), len(event.experts))


def staff_pitches_while_experts_are_there(
    model: cp_model.CpModel, event: Event, v: ScheduleVariables
) -> None:
    """Implied by rules 3 and 4: at any time, the pitches running (with their changeover) need
    ``panel.size`` experts each, one of each required organisation, and the seats a set of
    organisations cannot fill from outside it, from those there then.

    One cumulative over all experts and one per required organisation; an expert away from ``a``
    to ``b`` takes one unit over ``[a + changeover, b)``, which a pitch's interval (its length plus
    the changeover) misses exactly when the pitch ends by ``a`` or starts from ``b``.  It is what
    lets a placement with no panels yet be staffed (``scheduler.capacity``).
    """
    by_organisation: dict[str, list] = defaultdict(list)
    for expert in event.experts:
        by_organisation[expert.organisation].append(expert)
    pitches = [
        model.new_fixed_size_interval_var(v.start[p], option.length + event.changeover, f"runs[{p}]")
        for p, option in v.options.items()
    ]

    def hold(experts: list, demand: int) -> None:
        intervals, demands = list(pitches), [demand] * len(pitches)
        for expert in experts:
            for away_from, back_at in away_spans(event, expert):
                if back_at > away_from + event.changeover:
                    intervals.append(
                        model.new_fixed_size_interval_var(
                            away_from + event.changeover, back_at - away_from - event.changeover, "away"
                        )
                    )
                    demands.append(1)
        model.add_cumulative(intervals, demands, len(experts))

    panel = event.panel
    hold(event.experts, panel.size)
    for required in panel.required_organisations:
        hold(by_organisation[required], 1)
    # A panel takes at most max_per_organisation from each organisation of a set, so the rest of
    # its seats from outside the set: for each organisation alone, for the required ones together,
    # and for those with each other one (panels of UIMM + CETIM + Arts et Métiers + one of the
    # other partners, one per organisation: at any time, no more pitches than other partners there).
    required = frozenset(panel.required_organisations)
    sets = {frozenset((o,)) for o in by_organisation} | {required}
    sets |= {required | {o} for o in by_organisation if o not in required}
    for organisations in sorted(sets, key=sorted):
        outside = panel.size - len(organisations) * panel.max_per_org
        if outside > 0 and organisations:
            hold([e for e in event.experts if e.organisation not in organisations], outside)


def _may_take_a_seat(
    event: Event, expert: Expert, pitch_id: str, locked: dict[str, tuple[Expert, ...]]
) -> bool:
    """Neither in conflict with the pitch (rule 4) nor shut out of its panel by its locks (rules 3
    and 6: a panel its locks fill is no seat; 60 pitches spent 40 rounds blaming such a minimum).
    ``locked``: ``timeline.locked_panels``."""
    return pitch_id not in expert.conflict_set and locks_leave_a_seat(event, expert, locked.get(pitch_id, ()))


def leave_each_expert_their_minimum(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    """Implied by rules 4 and 5: an expert's ``min_pitches`` are among the pitches placed in their
    windows, no more in a window than fit there one after another (changeover between).

    Stated for a placement with no panels yet (``scheduler.capacity``): without it, an expert there
    only for their few pitches, with a minimum as large, left the panels' search infeasible round
    after round, each core blaming every pitch that expert might judge.
    """
    locked = locked_panels(event)
    for expert in event.experts:
        if not expert.min_load:
            continue
        held = []
        by_window: dict[Window | None, list] = defaultdict(list)
        shortest: dict[Window | None, int] = {}
        for pitch_id, option in v.options.items():
            if not _may_take_a_seat(event, expert, pitch_id, locked):
                continue
            for window, starts in expert_starts_by_window(event, expert, option):
                if not starts:
                    continue
                by_window[window].append(v.placed_among(model, pitch_id, starts))
                shortest[window] = min(shortest.get(window, option.length), option.length)
        for window, placed in by_window.items():
            most = most_in(event, None if window is None else (window,), shortest[window])
            judged = model.new_int_var(0, min(most, len(placed)), f"judged[{expert.id}]")
            model.add(judged <= sum(placed))
            held.append(judged)
        model.add(sum(held) >= expert.min_load)


def keep_apart_pitches_without_two_panels(
    model: cp_model.CpModel, event: Event, v: ScheduleVariables
) -> None:
    """Implied by rules 3, 4 and 6: two pitches run at once only if their panels can be two, one
    for each, from the experts not in conflict with it; otherwise one ends (with the changeover)
    before the other starts.

    They cannot when a panel lock seats one expert on both, when the experts who may judge either
    cannot fill both panels within ``max_per_organisation``, or when a required organisation has
    fewer than two of them.  Stated for a placement with no panels yet (``scheduler.capacity``):
    pitches whose conflicts leave a panel or two of candidates, placed at once, left the panels'
    search infeasible round after round, each core naming some thirty pitches.
    """
    judges = {
        pitch_id: frozenset(e for e in event.experts if pitch_id not in e.conflict_set)
        for pitch_id in v.options
    }

    def two_panels_fit(experts: frozenset[Expert]) -> bool:
        return panels_can_sit(event, (e.organisation for e in experts), panels=2)

    # Two panels fit among more experts whenever they fit among fewer: a pitch whose own judges fit
    # two is apart from none but those it shares a locked expert with (300 pitches: 45,000 pairs).
    crowded = sorted(p for p in v.options if not two_panels_fit(judges[p]))
    apart = {(a, b) for a, b in combinations(crowded, 2) if not two_panels_fit(judges[a] | judges[b])}
    locked_on: dict[str, set[str]] = defaultdict(set)
    for lock in panel_locks(event):
        if lock.pitch in v.options:
            locked_on[lock.expert].add(lock.pitch)
    for pitches in locked_on.values():
        apart.update(combinations(sorted(pitches), 2))

    runs: dict[str, cp_model.IntervalVar] = {}

    def run(p: str) -> cp_model.IntervalVar:
        if p not in runs:
            length = v.options[p].length + event.changeover
            runs[p] = model.new_fixed_size_interval_var(v.start[p], length, f"apart[{p}]")
        return runs[p]

    for a, b in sorted(apart):
        model.add_no_overlap([run(a), run(b)])


def seat_an_expert_their_minimum(
    model: cp_model.CpModel, event: Event, v: ScheduleVariables, expert: Expert
) -> dict[str, cp_model.IntVar]:
    """Implied by rules 3-5: the expert sits on ``min_pitches`` of the pitches placed while they are
    there, one at a time (changeover between); returns their seat of each pitch they might judge.

    Stated lazily, for the experts whose minimum a core of the panels' search blamed
    (``scheduler.capacity``): for every expert with a minimum, it slowed 60-pitch placements into
    UNKNOWN; for the one blamed, it spares the rounds that the no-good on every pitch they might
    judge would take, one a round.
    """
    seats = {}
    intervals = []
    locked = locked_panels(event)
    for pitch_id, option in v.options.items():
        if not _may_take_a_seat(event, expert, pitch_id, locked):
            continue
        starts = expert_starts(event, expert, option)
        if not starts:
            continue
        seat = model.new_bool_var(f"sits[{expert.id},{pitch_id}]")
        model.add(seat <= v.placed_among(model, pitch_id, starts))
        intervals.append(
            model.new_optional_fixed_size_interval_var(
                v.start[pitch_id],
                option.length + event.changeover,
                seat,
                f"sits_through[{expert.id},{pitch_id}]",
            )
        )
        seats[pitch_id] = seat
    if len(intervals) > 1:
        model.add_no_overlap(intervals)
    model.add(sum(seats.values()) >= expert.min_load)
    return seats


def share_the_seats_of_panels(
    model: cp_model.CpModel, event: Event, seated_by_pitch: dict[str, list[tuple[Expert, cp_model.IntVar]]]
) -> None:
    """Rule 3 on the seats of ``seat_an_expert_their_minimum``: a panel has ``panel.size`` seats, and
    an organisation no more of them than ``max_per_organisation`` and the required others leave."""
    panel = event.panel
    required = set(panel.required_organisations)
    for seated in seated_by_pitch.values():
        if len(seated) > panel.size:
            model.add(sum(seat for _, seat in seated) <= panel.size)
        by_organisation: dict[str, list] = defaultdict(list)
        for expert, seat in seated:
            by_organisation[expert.organisation].append(seat)
        for organisation, seats in by_organisation.items():
            most = min(panel.max_per_org, panel.size - len(required - {organisation}))
            if len(seats) > most:
                model.add(sum(seats) <= most)


HARD_RULES = (
    place_every_pitch,
    keep_rooms_apart,
    compose_panels,
    respect_experts,
    bound_expert_loads,
    hold_locks,
)

# The rules that do not depend on time: with them alone the model is a relaxation that bounds the score.
PANEL_RULES = (
    compose_panels,
    bound_expert_loads,
    hold_locks,
    cap_loads_by_time,
    share_a_time_on_each_panel,
    judge_within_their_time_in_windows,
)
# With these too, each pitch gets a day and a room: a relaxation still, with room changes boundable.
DAY_AND_ROOM_RULES = (*PANEL_RULES, fit_rooms_by_day, judge_on_their_days)


def add_hard_rules(model: cp_model.CpModel, event: Event, v: ScheduleVariables) -> None:
    for rule in HARD_RULES:
        rule(model, event, v)
    cap_loads_by_time(model, event, v)
