"""The decision variables of the schedule model, with names that say what they mean."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.data import Event, Session
from scheduler.timeline import (
    PitchOptions,
    day_index_of,
    day_offset,
    grid_options,
    may_sit,
    pitch_options,
    split_absolute,
)

Value = Callable[[cp_model.LinearExprT], int]


@dataclass(frozen=True)
class ScheduleVariables:
    """When, where and by whom each pitch is judged.

    ``start`` is on the absolute clock of :mod:`scheduler.timeline`.  A seat variable exists only
    for the (expert, pitch) pairs that pass the static part of rule 4 (no conflict, some common time),
    so the other pairs cost nothing.

    ``relaxed`` variables (the diagnosis's) are built on ``timeline.grid_options`` with a seat for
    every pair: the pitches' windows, rooms and slot locks and the experts' windows and conflicts
    are then not in the domains, and the rules of ``constraints`` state them, each under its own
    enforcement literal.
    """

    event: Event
    options: dict[str, PitchOptions]
    start: dict[str, cp_model.IntVar]
    on_day: dict[str, dict[int, cp_model.IntVar]]
    in_room: dict[str, dict[str, cp_model.IntVar]]
    seat: dict[tuple[str, str], cp_model.IntVar]  # (expert id, pitch id)
    load: dict[str, cp_model.IntVar]
    panel_seats: dict[str, dict[str, cp_model.IntVar]]  # pitch id -> expert id -> seat
    expert_seats: dict[str, dict[str, cp_model.IntVar]]  # expert id -> pitch id -> seat
    relaxed: bool = False
    # Relaxed variables only: pitch id -> room -> whether the pitch takes up the room's time (the
    # presence of its interval in rule 2), which it may not when rule 2 is relaxed.
    occupies: dict[str, dict[str, cp_model.IntVar]] = field(default_factory=dict)
    # Made on demand (``placed_among``): (pitch id, starts) -> a literal implying it starts there.
    placed_in: dict[tuple[str, tuple[int, ...]], cp_model.IntVar] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        model: cp_model.CpModel,
        event: Event,
        *,
        options: dict[str, PitchOptions] | None = None,
        panels: dict[str, tuple[str, ...]] | None = None,
        relaxed: bool = False,
    ) -> ScheduleVariables:
        """Variables for the whole event, or for a part of it.

        ``options`` narrows where and when pitches may go (a fixed placement has one start and one room);
        ``panels`` fixes who judges what (then only those seats exist); ``relaxed``: see the class.
        """
        if relaxed:
            options = {pitch.id: grid_options(event, pitch) for pitch in event.pitches}
        elif options is None:
            options = {pitch.id: pitch_options(event, pitch) for pitch in event.pitches}
        start, on_day, in_room = {}, {}, {}
        for pitch_id, option in options.items():
            starts = option.all_starts or (0,)
            start[pitch_id] = model.new_int_var_from_domain(
                cp_model.Domain.from_values(starts), f"start[{pitch_id}]"
            )
            on_day[pitch_id] = {day: model.new_bool_var(f"on_day[{pitch_id},{day}]") for day in option.days}
            in_room[pitch_id] = {
                room: model.new_bool_var(f"in_room[{pitch_id},{room}]") for room in option.rooms
            }
        experts = event.expert_by_id()
        if relaxed:
            pairs = [(expert.id, pitch_id) for expert in event.experts for pitch_id in options]
        elif panels is None:
            pairs = [
                (expert.id, pitch_id)
                for expert in event.experts
                for pitch_id, option in options.items()
                if may_sit(event, expert, option)
            ]
        else:
            pairs = [
                (expert_id, pitch_id)
                for pitch_id, panel in panels.items()
                for expert_id in panel
                if may_sit(event, experts[expert_id], options[pitch_id])
            ]
        seat = {pair: model.new_bool_var(f"seat[{pair[0]},{pair[1]}]") for pair in pairs}
        pitch_count = len(event.pitches)
        load = {
            expert.id: model.new_int_var(0, pitch_count, f"load[{expert.id}]") for expert in event.experts
        }
        panel_seats: dict[str, dict[str, cp_model.IntVar]] = {pitch.id: {} for pitch in event.pitches}
        expert_seats: dict[str, dict[str, cp_model.IntVar]] = {expert.id: {} for expert in event.experts}
        for (expert_id, pitch_id), var in seat.items():
            panel_seats[pitch_id][expert_id] = var
            expert_seats[expert_id][pitch_id] = var
        occupies = {}
        if relaxed:
            occupies = {
                pitch_id: {room: model.new_bool_var(f"occupies[{pitch_id},{room}]") for room in rooms}
                for pitch_id, rooms in in_room.items()
            }
        return cls(
            event, options, start, on_day, in_room, seat, load, panel_seats, expert_seats, relaxed, occupies
        )

    def placed_among(
        self, model: cp_model.CpModel, pitch_id: str, starts: tuple[int, ...]
    ) -> cp_model.LinearExprT:
        """At most 1 if the pitch starts at one of ``starts`` (some of its own), else 0: a literal
        that implies the start is among them, for bounds from above only (the placement's count of
        pitches in an expert's windows, a seat).  It may be 0 with the pitch there: a count
        bounded by it only loses, so the search makes it 1 when it needs it.

        One way only, for speed: the exact count (one literal per start, exactly one true, which
        the LP sees) made placements 6-25 times as slow, 0.04 s to 0.7 s at 60 pitches."""
        all_starts = self.options[pitch_id].all_starts
        if len(starts) == len(all_starts):
            return 1
        key = (pitch_id, tuple(starts))
        if key not in self.placed_in:
            literal = model.new_bool_var(f"placed_among[{pitch_id},{len(self.placed_in)}]")
            model.add_linear_expression_in_domain(
                self.start[pitch_id], cp_model.Domain.from_values(starts)
            ).only_enforce_if(literal)
            self.placed_in[key] = literal
        return self.placed_in[key]

    @property
    def placement_is_fixed(self) -> bool:
        """Whether every pitch has a single start and room (only the panels are to be chosen)."""
        return all(len(option.all_starts) == 1 and len(option.rooms) == 1 for option in self.options.values())

    @property
    def times_are_fixed(self) -> bool:
        """Whether every pitch has a single start (rooms and panels may still be chosen)."""
        return all(len(option.all_starts) == 1 for option in self.options.values())

    @property
    def times_and_panels_are_fixed(self) -> bool:
        """Whether every pitch has a single start and only its panel's seats (only rooms are to be chosen)."""
        return self.times_are_fixed and all(
            len(seats) <= self.event.panel.size for seats in self.panel_seats.values()
        )

    def extract(self, value: Value) -> tuple[Session, ...]:
        """Read a schedule from a solution (``value`` is ``solver.value`` or a callback's)."""
        panels: dict[str, list[str]] = {pitch.id: [] for pitch in self.event.pitches}
        for (expert_id, pitch_id), var in self.seat.items():
            if value(var):
                panels[pitch_id].append(expert_id)
        sessions = []
        for pitch in self.event.pitches:
            absolute = value(self.start[pitch.id])
            day, minute = split_absolute(self.event, absolute)
            room = next(room for room, var in self.in_room[pitch.id].items() if value(var))
            sessions.append(
                Session(
                    pitch.id,
                    day,
                    minute,
                    minute + self.options[pitch.id].length,
                    room,
                    tuple(panels[pitch.id]),
                )
            )
        return tuple(sessions)

    def hint(self, model: cp_model.CpModel, sessions: tuple[Session, ...]) -> None:
        """Suggest a schedule to the solver as its first solution (unknown parts are left free)."""
        for var, value in self.values_of(sessions):
            model.add_hint(var, value)

    def values_of(self, sessions: tuple[Session, ...]) -> list[tuple[cp_model.IntVar, int]]:
        """The decision variables' values that spell out a schedule (for the pitches it places)."""
        days = day_index_of(self.event)
        values = []
        for session in sessions:
            if session.pitch not in self.start or session.date not in days:
                continue
            day = days[session.date]
            values.append((self.start[session.pitch], day_offset(day) + session.start))
            values += [(var, int(index == day)) for index, var in self.on_day[session.pitch].items()]
            values += [(var, int(room == session.room)) for room, var in self.in_room[session.pitch].items()]
            values += [
                (var, int(room == session.room)) for room, var in self.occupies.get(session.pitch, {}).items()
            ]
            values += [
                (var, int(expert in session.panel)) for expert, var in self.panel_seats[session.pitch].items()
            ]
        return values
