"""The decision variables of the schedule model, with names that say what they mean."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ortools.sat.python import cp_model

from scheduler.data import Event, Session
from scheduler.timeline import PitchOptions, day_index_of, day_offset, may_sit, pitch_options, split_absolute

Value = Callable[[cp_model.LinearExprT], int]


@dataclass(frozen=True)
class ScheduleVariables:
    """When, where and by whom each pitch is judged.

    ``start`` is on the absolute clock of :mod:`scheduler.timeline`.  A seat variable exists only
    for the (expert, pitch) pairs that pass the static part of rule 4 (no conflict, some common time),
    so the other pairs cost nothing.
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

    @classmethod
    def create(cls, model: cp_model.CpModel, event: Event) -> ScheduleVariables:
        options = {pitch.id: pitch_options(event, pitch) for pitch in event.pitches}
        start, on_day, in_room = {}, {}, {}
        for pitch_id, option in options.items():
            starts = option.all_starts or (0,)
            start[pitch_id] = model.new_int_var_from_domain(
                cp_model.Domain.from_values(starts), f"start[{pitch_id}]")
            on_day[pitch_id] = {day: model.new_bool_var(f"on_day[{pitch_id},{day}]") for day in option.days}
            in_room[pitch_id] = {room: model.new_bool_var(f"in_room[{pitch_id},{room}]")
                                 for room in option.rooms}
        seat = {
            (expert.id, pitch_id): model.new_bool_var(f"seat[{expert.id},{pitch_id}]")
            for expert in event.experts
            for pitch_id, option in options.items()
            if may_sit(event, expert, option)
        }
        pitch_count = len(event.pitches)
        load = {expert.id: model.new_int_var(0, pitch_count, f"load[{expert.id}]") for expert in event.experts}
        panel_seats: dict[str, dict[str, cp_model.IntVar]] = {pitch.id: {} for pitch in event.pitches}
        expert_seats: dict[str, dict[str, cp_model.IntVar]] = {expert.id: {} for expert in event.experts}
        for (expert_id, pitch_id), var in seat.items():
            panel_seats[pitch_id][expert_id] = var
            expert_seats[expert_id][pitch_id] = var
        return cls(event, options, start, on_day, in_room, seat, load, panel_seats, expert_seats)

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
            sessions.append(Session(pitch.id, day, minute, minute + self.options[pitch.id].length, room,
                                    tuple(panels[pitch.id])))
        return tuple(sessions)

    def hint(self, model: cp_model.CpModel, sessions: tuple[Session, ...]) -> None:
        """Suggest a schedule to the solver as its first solution (unknown parts are left free)."""
        days = day_index_of(self.event)
        for session in sessions:
            if session.pitch not in self.start or session.date not in days:
                continue
            day = days[session.date]
            model.add_hint(self.start[session.pitch], day_offset(day) + session.start)
            for index, var in self.on_day[session.pitch].items():
                model.add_hint(var, index == day)
            for room, var in self.in_room[session.pitch].items():
                model.add_hint(var, room == session.room)
            for expert, var in self.panel_seats[session.pitch].items():
                model.add_hint(var, expert in session.panel)
