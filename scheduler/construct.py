"""A fast greedy first schedule, built the way an organiser would: room juries that stay put.

Time runs forward over a grid of start times shared by all rooms (every room's pitches back to
back, plus the starts of pinned pitches).  At each start, each free room takes the most urgent
pitch that suits the jury already sitting there (pitches whose allowed time is running out go
first), then its panel keeps as much of that jury as the rules allow and fills the rest with the
experts who share most topics with the pitch and have judged least.  It checks every hard rule
as it goes and gives up (returns None) rather than break one, with one exception: an expert's
``min_pitches`` may be left unmet (see ``meets_minimum_loads``), for the staffing stage to repair.
The CP-SAT stages then improve the schedule.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from scheduler.data import MINUTES_PER_DAY, Event, Expert, Session
from scheduler.timeline import (
    PitchOptions,
    day_offset,
    expert_starts,
    panel_locks,
    split_absolute,
    start_grid,
)

# Weights of the greedy choices, in points of the objective.
STAY_IN_ROOM = 2  # a room change avoided is worth w_rc = 2
URGENT_STARTS = 3  # a pitch with this few starts left goes before better-suited ones
SHORT_OF_MINIMUM = 40  # per pitch an expert still needs to reach min_pitches: before any topic


@dataclass
class _State:
    """What has been decided so far."""

    busy: dict[tuple[str, str], list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    load: Counter = field(default_factory=Counter)
    jury: dict[str, tuple[str, ...]] = field(default_factory=dict)  # room -> last panel there (today)
    running: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, sector)
    sessions: dict[str, Session] = field(default_factory=dict)

    def free(self, key: tuple[str, str], start: int, end: int) -> bool:
        """Whether a room (``("room", id)``) or an expert (``("expert", id)``) is free over [start, end)."""
        return all(end <= other_start or other_end <= start for other_start, other_end in self.busy[key])


@dataclass(frozen=True)
class _Context:
    """What the greedy looks up again and again, worked out once."""

    event: Event
    options: dict[str, PitchOptions]
    experts: dict[str, Expert]
    pinned: dict[str, set[str]]  # pitch -> experts locked on its panel
    allowed_starts: dict[tuple[str, str], frozenset[int]]  # (expert, pitch) -> starts they may judge it at
    candidates: dict[str, list[Expert]]
    shared: dict[tuple[str, str], int]  # (expert, pitch) -> topics in common
    grid: list[int]
    panels: dict[str, tuple[str, ...]] | None = None  # given panels: only times and rooms to choose

    @classmethod
    def of(
        cls, event: Event, options: dict[str, PitchOptions], panels: dict[str, tuple[str, ...]] | None = None
    ) -> _Context:
        pinned = defaultdict(set)
        for lock in panel_locks(event):
            pinned[lock.pitch].add(lock.expert)
        allowed_starts = {
            (expert.id, pitch_id): frozenset(expert_starts(event, expert, option))
            for expert in event.experts
            for pitch_id, option in options.items()
            if pitch_id not in expert.conflict_set
        }
        candidates = {
            pitch_id: [e for e in event.experts if allowed_starts.get((e.id, pitch_id))]
            for pitch_id in options
        }
        shared = {
            (e.id, p.id): len(set(e.topics) & set(p.topics)) for e in event.experts for p in event.pitches
        }
        return cls(
            event,
            options,
            event.expert_by_id(),
            pinned,
            allowed_starts,
            candidates,
            shared,
            start_grid(event, options),
            panels,
        )


def construct(event: Event, options: dict[str, PitchOptions]) -> tuple[Session, ...] | None:
    """A schedule that keeps every hard rule, or None if the greedy gets stuck."""
    if any(not option.starts_by_day or not option.rooms for option in options.values()):
        return None
    context = _Context.of(event, options)
    state = _State()
    unplaced = dict.fromkeys(options)  # in event order, so the greedy is deterministic
    _fill(context, state, unplaced, spread=True)
    if unplaced:
        return None
    _meet_minimum_loads(context, state)
    return tuple(state.sessions[p.id] for p in event.pitches)


def place_panels(
    event: Event, options: dict[str, PitchOptions], panels: dict[str, tuple[str, ...]]
) -> tuple[Session, ...] | None:
    """Times and rooms for given panels, each pitch going where most of its panel sat last."""
    if any(not option.starts_by_day or not option.rooms for option in options.values()):
        return None
    context = _Context.of(event, options, panels)
    for spread in (True, False):
        state = _State()
        unplaced = dict.fromkeys(options)
        _fill(context, state, unplaced, spread)
        if not unplaced:
            return tuple(state.sessions[p.id] for p in event.pitches)
    return None


def repair(
    event: Event, options: dict[str, PitchOptions], previous: tuple[Session, ...]
) -> tuple[Session, ...] | None:
    """The published schedule with only what broke changed: lost seats refilled, stranded pitches re-placed.

    Every seat that still keeps the rules is reserved first, so a refill never takes an expert away
    from another panel that had them.
    """
    if any(not option.starts_by_day or not option.rooms for option in options.values()):
        return None
    context = _Context.of(event, options)
    days = {day.date: index for index, day in enumerate(event.days)}
    state = _State()
    kept: dict[str, tuple[Session, int, set[str]]] = {}
    for session in sorted(previous, key=lambda s: (s.date, s.start, s.room)):
        option = options.get(session.pitch)
        if option is None or session.date not in days or session.pitch in kept:
            continue
        time = day_offset(days[session.date]) + session.start
        end = time + option.length + event.changeover
        if (
            time not in option.all_starts
            or session.room not in option.rooms
            or not state.free(("room", session.room), time, end)
        ):
            continue
        state.busy[("room", session.room)].append((time, end))
        seated = set()
        for expert_id in session.panel:
            expert = context.experts.get(expert_id)
            if (
                expert is not None
                and time in context.allowed_starts.get((expert_id, session.pitch), ())
                and _below_maximum(expert, state)
                and state.free(("expert", expert_id), time, end)
            ):
                state.busy[("expert", expert_id)].append((time, end))
                state.load[expert_id] += 1
                seated.add(expert_id)
        kept[session.pitch] = (session, time, seated)
    for pitch_id, (session, time, seated) in kept.items():
        option = options[pitch_id]
        end = time + option.length + event.changeover
        panel = _panel(context, option, time, session.room, state, context.pinned[pitch_id] - seated, seated)
        if panel is None:
            return None
        for expert_id in set(panel) - seated:
            state.busy[("expert", expert_id)].append((time, end))
            state.load[expert_id] += 1
        state.running.append((time, time + option.length, option.pitch.sector))
        state.sessions[pitch_id] = replace(session, panel=panel)
    unplaced = dict.fromkeys(p.id for p in event.pitches if p.id not in kept)
    _fill(context, state, unplaced, spread=False)
    if unplaced:
        return None
    _meet_minimum_loads(context, state)
    return tuple(state.sessions[p.id] for p in event.pitches)


def _fill(context: _Context, state: _State, unplaced: dict[str, None], spread: bool) -> None:
    """Walk the start grid and give each free room the most fitting pitch still unplaced."""
    event, options = context.event, context.options
    starts_of = {pitch_id: sorted(_possible_starts(context, pitch_id)) for pitch_id in unplaced}
    start_sets = {pitch_id: frozenset(starts) for pitch_id, starts in starts_of.items()}
    sectors = {p.id: p.sector for p in event.pitches}
    current_day = None
    for position, time in enumerate(context.grid):
        state.running = [span for span in state.running if span[1] > time]
        day = time // MINUTES_PER_DAY
        if day != current_day:
            state.jury.clear()
            current_day = day
        # Spread the pitches evenly over the event rather than packing the first hours: fewer
        # pitches at once leaves experts (and the late-comers among them) more pitches to judge.
        quota = -(-len(unplaced) // (len(context.grid) - position)) if spread else len(event.rooms)
        # The pitches whose starts are running out first, in the fewest rooms they accept, so that
        # an ordinary pitch in another room does not take the expert or room they need.
        urgent = sorted(
            (
                p
                for p in unplaced
                if time in start_sets[p]
                and len(starts_of[p]) - bisect_left(starts_of[p], time) <= URGENT_STARTS
            ),
            key=lambda p: (len(starts_of[p]) - bisect_left(starts_of[p], time), len(options[p].rooms)),
        )
        for pitch_id in urgent:
            for room in options[pitch_id].rooms:
                if _try_place(context, state, pitch_id, time, room):
                    del unplaced[pitch_id]
                    break
        filled = len(urgent) - sum(1 for p in urgent if p in unplaced)
        for room in sorted((r.id for r in event.rooms), key=lambda r: r not in state.jury):
            if filled >= quota:
                break
            fitting = [p for p in unplaced if time in start_sets[p] and room in options[p].rooms]
            order = sorted(
                fitting,
                key=lambda p: _priority(
                    context, p, time, room, state, starts_of, sectors[p], time + options[p].length
                ),
            )
            for pitch_id in order:
                if _try_place(context, state, pitch_id, time, room):
                    del unplaced[pitch_id]
                    filled += 1
                    break


def _try_place(context: _Context, state: _State, pitch_id: str, time: int, room: str) -> bool:
    """Place the pitch there if the room is free and a panel can be found."""
    option = context.options[pitch_id]
    if not state.free(("room", room), time, time + option.length + context.event.changeover):
        return False
    panel = _panel(context, option, time, room, state, context.pinned[pitch_id])
    if panel is None:
        return False
    _place(context.event, option, time, room, panel, state)
    return True


def _meet_minimum_loads(context: _Context, state: _State) -> None:
    """Give experts short of ``min_pitches`` the seats of colleagues who can spare one, rules kept."""
    event, options, experts = context.event, context.options, context.experts
    allowed_starts, pinned = context.allowed_starts, context.pinned
    days = {day.date: index for index, day in enumerate(event.days)}
    for short in event.experts:
        for session in list(state.sessions.values()):
            if state.load[short.id] >= short.min_load:
                break
            time = day_offset(days[session.date]) + session.start
            end = time + options[session.pitch].length + event.changeover
            if (
                short.id in session.panel
                or time not in allowed_starts.get((short.id, session.pitch), ())
                or (short.max_pitches is not None and state.load[short.id] >= short.max_pitches)
                or not state.free(("expert", short.id), time, end)
            ):
                continue
            leaving = next(
                (
                    experts[e]
                    for e in session.panel
                    if e not in pinned[session.pitch]
                    and state.load[e] > experts[e].min_load
                    and _may_swap(event, session.panel, experts, experts[e], short)
                ),
                None,
            )
            if leaving is None:
                continue
            state.busy[("expert", leaving.id)].remove((time, end))
            state.busy[("expert", short.id)].append((time, end))
            state.load[leaving.id] -= 1
            state.load[short.id] += 1
            panel = tuple(short.id if e == leaving.id else e for e in session.panel)
            state.sessions[session.pitch] = Session(
                session.pitch, session.date, session.start, session.end, session.room, panel
            )


def _may_swap(
    event: Event, panel: tuple[str, ...], experts: dict[str, Expert], leaving: Expert, joining: Expert
) -> bool:
    """Whether the panel still keeps rule 3 with ``joining`` in place of ``leaving``."""
    organisations = Counter(experts[e].organisation for e in panel if e != leaving.id)
    organisations[joining.organisation] += 1
    return organisations[joining.organisation] <= event.panel.max_per_org and all(
        organisations[required] for required in event.panel.required_organisations
    )


def meets_minimum_loads(event: Event, sessions: tuple[Session, ...]) -> bool:
    """Whether every expert judges at least their ``min_pitches`` (the one rule ``construct`` may miss)."""
    load = Counter(expert for session in sessions for expert in session.panel)
    return all(load[expert.id] >= expert.min_load for expert in event.experts)


def _possible_starts(context: _Context, pitch_id: str) -> set[int]:
    """The grid starts of a pitch, and with a given panel only those every member may judge at."""
    starts = set(context.grid) & set(context.options[pitch_id].all_starts)
    for expert in (context.panels or {}).get(pitch_id, ()):
        starts &= context.allowed_starts.get((expert, pitch_id), frozenset())
    return starts


def _priority(
    context: _Context,
    pitch_id: str,
    time: int,
    room: str,
    state: _State,
    starts_of: dict[str, list[int]],
    sector: str,
    end: int,
) -> tuple:
    """Urgent pitches first, then the best fit for the jury in the room (less any sector clash).

    With given panels the fit is the jury members on the pitch's panel (each a room change saved).
    """
    starts = starts_of[pitch_id]
    left = len(starts) - bisect_left(starts, time)
    jury = state.jury.get(room, ())
    if context.panels is not None:
        fit = 10 * len(set(jury) & set(context.panels[pitch_id]))
    else:
        fit = 10 * sum(context.shared[(expert, pitch_id)] for expert in jury)
    clashes = sum(
        1 for start, until, other in state.running if other == sector and start < end and time < until
    )
    return (left > URGENT_STARTS, -(fit - 3 * clashes), left)


def _below_maximum(expert: Expert, state: _State) -> bool:
    return expert.max_pitches is None or state.load[expert.id] < expert.max_pitches


def _panel(
    context: _Context,
    option: PitchOptions,
    time: int,
    room: str,
    state: _State,
    pinned: set[str],
    seated: set[str] = frozenset(),
) -> tuple[str, ...] | None:
    """The best panel the rules allow for the pitch at that time, or None.

    ``pinned`` experts must be on it and free; ``seated`` ones are on it already (a re-plan's kept seats).
    """
    event, experts, pitch = context.event, context.experts, option.pitch
    end = time + option.length + event.changeover
    jury = set(state.jury.get(room, ()))

    def value(expert: Expert) -> float:
        short_of_minimum = max(0, expert.min_load - state.load[expert.id])
        return (
            10 * context.shared[(expert.id, pitch.id)]
            + STAY_IN_ROOM * (expert.id in jury)
            + SHORT_OF_MINIMUM * short_of_minimum
            - 5 * state.load[expert.id] / 2
        )

    usable = [
        e
        for e in context.candidates[pitch.id]
        if time in context.allowed_starts[(e.id, pitch.id)]
        and _below_maximum(e, state)
        and state.free(("expert", e.id), time, end)
    ]
    if context.panels is not None:
        given = context.panels[pitch.id]
        return given if all(experts[e] in usable for e in given) else None
    if any(experts.get(e) not in usable for e in pinned):
        return None
    usable.sort(key=value, reverse=True)
    panel = [experts[e] for e in sorted(pinned | seated)]
    per_organisation = Counter(e.organisation for e in panel)
    for organisation in event.panel.required_organisations:
        if per_organisation[organisation]:
            continue
        pick = next((e for e in usable if e.organisation == organisation and e not in panel), None)
        if pick is None:
            return None
        panel.append(pick)
        per_organisation[organisation] += 1
    for expert in usable:
        if len(panel) >= event.panel.size:
            break
        if expert not in panel and per_organisation[expert.organisation] < event.panel.max_per_org:
            panel.append(expert)
            per_organisation[expert.organisation] += 1
    if len(panel) != event.panel.size or max(per_organisation.values(), default=0) > event.panel.max_per_org:
        return None
    return tuple(e.id for e in panel)


def _place(
    event: Event, option: PitchOptions, time: int, room: str, panel: tuple[str, ...], state: _State
) -> None:
    end = time + option.length
    state.busy[("room", room)].append((time, end + event.changeover))
    state.running.append((time, end, option.pitch.sector))
    for expert in panel:
        state.busy[("expert", expert)].append((time, end + event.changeover))
        state.load[expert] += 1
    state.jury[room] = panel
    date, minute = split_absolute(event, time)
    state.sessions[option.pitch.id] = Session(
        option.pitch.id, date, minute, minute + option.length, room, panel
    )
