"""The slot engine finds valid schedules on tight events, where the greedy gets stuck."""

from __future__ import annotations

import pytest

from bench.generate import generate
from scheduler.construct import construct
from scheduler.slots import find_schedule
from scheduler.timeline import pitch_options
from scheduler.validate import check_schedule


def _options(event):
    return {pitch.id: pitch_options(event, pitch) for pitch in event.pitches}


@pytest.mark.parametrize("size", [(7, 2, 9), (26, 3, 24), (60, 4, 24)])
@pytest.mark.parametrize("seed", [0, 1])
def test_the_slot_engine_schedules_tight_events_validly(size, seed):
    event = generate(*size, seed=seed, tightness="tight").event
    sessions = find_schedule(event, _options(event), seconds=5.0, workers=2)
    assert sessions is not None
    assert check_schedule(event, sessions) == []


def test_the_slot_engine_schedules_the_issues_150_pitch_event_the_greedy_cannot():
    # Seed 1 of the tight 150 x 6 x 45 kind: the greedy gets stuck (it returned `unknown` before).
    event = generate(150, 6, 45, seed=1, tightness="tight").event
    options = _options(event)
    assert construct(event, options) is None
    sessions = find_schedule(event, options, seconds=10.0, workers=2)
    assert sessions is not None
    assert check_schedule(event, sessions) == []


def test_the_slot_engine_keeps_panel_and_slot_locks():
    event = generate(26, 3, 24, seed=3, tightness="tight").event
    assert event.locks
    sessions = find_schedule(event, _options(event), seconds=5.0, workers=2)
    assert sessions is not None and check_schedule(event, sessions) == []


def test_the_slot_engine_gives_up_rather_than_break_a_rule():
    # Every expert capped at one pitch: far too few seats, no placement holds them.
    from dataclasses import replace

    event = generate(26, 3, 24, seed=0, tightness="tight").event
    event = replace(event, experts=tuple(replace(e, max_pitches=1) for e in event.experts))
    assert find_schedule(event, _options(event), seconds=2.0, workers=2) is None


def test_a_tight_event_made_infeasible_still_gets_its_diagnosis(solve_and_check):
    """UIMM's experts may judge one pitch fewer than there are pitches: infeasible, and said why."""
    from dataclasses import replace

    from scheduler.data import Status

    event = generate(26, 3, 24, seed=0, tightness="tight").event
    uimm = [e for e in event.experts if e.organisation == "uimm"]
    excess = sum(e.max_pitches for e in uimm) - len(event.pitches) + 1
    lowered = {}
    for expert in uimm:
        cut = min(excess, expert.max_pitches - 1)
        lowered[expert.id] = replace(expert, max_pitches=expert.max_pitches - cut, min_pitches=None)
        excess -= cut
    assert excess == 0
    event = replace(event, experts=tuple(lowered.get(e.id, e) for e in event.experts))
    result = solve_and_check(event, time_limit=5.0)
    assert result.status is Status.INFEASIBLE
    assert result.conflicts
