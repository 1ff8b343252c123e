"""Large-neighbourhood search: free part of the best schedule (a stretch of time, a room's day, the
pitches of the experts who move most), keep the rest, and let CP-SAT re-solve that part exactly.

The part freed keeps every hard rule with the rest fixed; room changes are exact (a circuit per
expert, small since most of each expert's pitches are fixed).  The kinds of neighbourhood and the
staffing/placing steps of ``model.py`` share the time by what they paid so far (points gained per
second), and the size of a neighbourhood grows when its model was solved to optimality in its time
and shrinks when it found nothing.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from scheduler.data import Event, Session
from scheduler.objective import EXACT_ROOM_CHANGES_MAX_ARCS
from scheduler.timeline import PitchOptions, day_index_of, day_offset, placed_options

KINDS = ("time window", "room day", "movers")


@dataclass
class Payoff:
    """What a kind of step earned: points and seconds, for choosing the next step."""

    gained: float = 0.0
    spent: float = 0.0

    @property
    def rate(self) -> float:
        # +1 point: a kind that has not paid yet keeps a chance.
        return (self.gained + 1.0) / (self.spent + 1.0)


@dataclass
class Chooser:
    """Picks the next step in proportion to what each kind paid; sizes the neighbourhoods."""

    kinds: tuple[str, ...]
    size: int
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    payoff: dict[str, Payoff] = field(default_factory=dict)

    def pick(self, among: tuple[str, ...] | None = None) -> str:
        """A kind, in proportion to its points per second (``among``: only those kinds)."""
        kinds = among or self.kinds
        rates = [self.payoff.setdefault(kind, Payoff()).rate for kind in kinds]
        return self.rng.choices(kinds, weights=rates)[0]

    def record(self, kind: str, gained: float, spent: float) -> None:
        payoff = self.payoff.setdefault(kind, Payoff())
        payoff.gained += gained
        payoff.spent += spent


def absolute_start(event: Event, session: Session, days: dict | None = None) -> int:
    days = days or day_index_of(event)
    return day_offset(days[session.date]) + session.start


def choose_free(
    event: Event, sessions: tuple[Session, ...], kind: str, size: int, rng: random.Random
) -> tuple[set[str], tuple[int, int]]:
    """The pitches to free and the span of time (absolute minutes) they may move in."""
    days = day_index_of(event)
    ordered = sorted(sessions, key=lambda s: (absolute_start(event, s, days), s.room))
    size = max(1, min(size, len(ordered)))
    if kind == "time window":
        first = rng.randrange(0, len(ordered) - size + 1)
        chosen = [s for s in ordered[first : first + size] if s.date == ordered[first].date]
    elif kind == "room day":
        room, day = rng.choice([(s.room, s.date) for s in ordered])
        in_room = [s for s in ordered if s.room == room and s.date == day]
        others = [s for s in ordered if s.date == day and s.room != room]
        chosen = in_room[:size] + rng.sample(others, min(len(others), max(0, size - len(in_room))))
    else:  # movers: the pitches of the experts who change room most on one day
        moves: Counter = Counter()
        by_expert_day: dict = {}
        for session in ordered:
            for expert in session.panel:
                by_expert_day.setdefault((expert, session.date), []).append(session)
        for key, judged in by_expert_day.items():
            moves[key] = sum(1 for one, other in pairwise(judged) if one.room != other.room)
        movers = [key for key, count in moves.most_common(6) if count] or list(by_expert_day)[:1]
        picked = rng.sample(movers, min(len(movers), 2))
        chosen, seen = [], set()
        for key in picked:
            for session in by_expert_day[key]:
                if session.pitch not in seen and len(chosen) < size:
                    chosen.append(session)
                    seen.add(session.pitch)
    day_of = {days[s.date] for s in chosen}
    if len(day_of) > 1:  # one day at a time: the room changes are then followed on that day only
        chosen = [s for s in chosen if days[s.date] == min(day_of)]
        day_of = {min(day_of)}
    starts = [absolute_start(event, s, days) for s in chosen]
    if kind == "time window":
        span = (min(starts), max(s.end - s.start + a for s, a in zip(chosen, starts, strict=True)))
    else:
        span = (day_offset(min(day_of)), day_offset(max(day_of) + 1))
    return {s.pitch for s in chosen}, span


def day_of_span(span: tuple[int, int]) -> int:
    return span[0] // (24 * 60)


def neighbourhood(
    event: Event,
    options: dict[str, PitchOptions],
    sessions: tuple[Session, ...],
    free: set[str],
    span: tuple[int, int],
) -> tuple[dict[str, PitchOptions], dict[str, tuple[str, ...]]] | None:
    """Options and candidate panels of a model where only ``free`` pitches move, within ``span``.

    None when the circuits of the room changes (on the span's day) would be too large to build.
    """
    days = day_index_of(event)
    day = day_of_span(span)
    fixed = tuple(s for s in sessions if s.pitch not in free)
    narrowed = placed_options(event, options, fixed)
    everyone = tuple(expert.id for expert in event.experts)
    panels = {s.pitch: s.panel for s in fixed}
    for pitch_id in free:
        option = options[pitch_id]
        by_day = tuple(
            (day, inside)
            for day, starts in option.starts_by_day
            if (inside := tuple(t for t in starts if span[0] <= t and t + option.length <= span[1]))
        )
        narrowed[pitch_id] = PitchOptions(option.pitch, option.length, by_day, option.rooms)
        panels[pitch_id] = everyone
    seats_per_expert = Counter(e for s in fixed if days[s.date] == day for e in s.panel)
    for expert in everyone:
        seats_per_expert[expert] += len(free)
    if sum(count**2 for count in seats_per_expert.values()) > EXACT_ROOM_CHANGES_MAX_ARCS:
        return None
    return narrowed, panels
