"""The generated events are valid event files, and feasible: their witness passes the validator."""

from __future__ import annotations

import json

import pytest

from bench.baseline import solve_baseline
from bench.generate import BENCH_SIZES, REPLAN_SIZES, generate, generate_event, replan_scenario
from scheduler.data import Status
from scheduler.io import event_to_dict, parse_event
from scheduler.validate import check_schedule, score


@pytest.mark.parametrize("size", BENCH_SIZES[:3])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_witness_is_a_valid_schedule_of_a_valid_event_file(size, seed):
    generated = generate(*size, seed=seed)
    event = generated.event
    assert (len(event.pitches), len(event.rooms), len(event.experts)) == size
    assert parse_event(event_to_dict(event)) == event
    assert check_schedule(event, generated.witness) == []


@pytest.mark.parametrize("size", BENCH_SIZES[3:])
def test_large_sizes_fit_their_rooms_and_days(size):
    generated = generate(*size)
    assert check_schedule(generated.event, generated.witness) == []


@pytest.mark.parametrize("tightness", ["loose", "tight"])
@pytest.mark.parametrize("size", BENCH_SIZES)
def test_every_size_writes_an_event_file_that_loads(size, tightness):
    """Each profile's talk, questions and changeover are on the format's grid (the 150-pitch
    profile had a 12-minute talk: its event file was refused)."""
    event = generate(*size, seed=1, tightness=tightness).event
    assert all(
        minutes % event.grid == 0
        for minutes in (event.pitch_defaults.duration_min, event.pitch_defaults.qa, event.changeover)
    )
    assert parse_event(json.loads(json.dumps(event_to_dict(event)))) == event


def test_events_are_realistic():
    event = generate_event(60, 4, 24)
    assert len({p.sector for p in event.pitches}) >= 5
    assert any(p.available is not None for p in event.pitches)
    assert any(e.available is not None for e in event.experts)
    assert any(e.conflicts for e in event.experts)
    assert any(e.max_pitches is not None for e in event.experts)
    assert len(event.days) == 2 and all(day.breaks for day in event.days)
    assert event.panel.size in (3, 4) and event.panel.required_organisations


def test_same_seed_same_event_and_previous_is_the_witness():
    generated = generate(26, 3, 24, seed=5, with_previous=True)
    assert generate_event(26, 3, 24, seed=5, with_previous=True) == generated.event
    assert generated.event.previous == generated.witness
    assert generate_event(26, 3, 24, seed=6) != generate_event(26, 3, 24, seed=5)


@pytest.mark.parametrize("size", REPLAN_SIZES)
def test_replan_scenario_stays_feasible_and_breaks_the_published_schedule(size):
    generated = generate(*size)
    replan = replan_scenario(generated.event, generated.witness)
    assert replan.event.previous == generated.witness
    assert check_schedule(replan.event, replan.witness) == []
    assert check_schedule(replan.event, generated.witness) != []
    [leaving] = [
        new for new, old in zip(replan.event.experts, generated.event.experts, strict=True) if new != old
    ]
    last_day = replan.event.days[-1]
    lunch = max(last_day.breaks, key=lambda pause: pause.end - pause.start)
    assert leaving.available is not None
    assert all(w.end <= lunch.start for w in leaving.available if w.date == last_day.date)


def test_baseline_solves_the_rouen_size_event_with_a_valid_schedule():
    event = generate_event(7, 2, 9)
    run = solve_baseline(event, time_limit=5.0, workers=2)
    assert run.result.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert check_schedule(event, run.result.sessions) == []
    assert run.result.score == score(event, run.result.sessions)
    assert run.progress and run.progress[0].elapsed <= run.result.solve_seconds


def test_command_line_writes_event_files_that_load(tmp_path):
    from bench.generate import main
    from scheduler.io import load_event

    main(["-o", str(tmp_path), "--sizes", "7x2x9", "26x3x24", "--seed", "3"])
    files = sorted(tmp_path.glob("*.json"))
    assert [f.name for f in files] == ["event-26x3x24-s3.json", "event-7x2x9-s3.json"]
    assert load_event(files[1]) == generate_event(7, 2, 9, seed=3)


@pytest.mark.parametrize("size", BENCH_SIZES)
def test_tight_events_are_feasible_by_construction_and_tight(size):
    generated = generate(*size, seed=4, tightness="tight")
    event = generated.event
    assert (len(event.pitches), len(event.rooms), len(event.experts)) == size
    assert parse_event(event_to_dict(event)) == event
    assert check_schedule(event, generated.witness) == []
    assert all(e.max_pitches is not None for e in event.experts)
    for organisation in event.panel.required_organisations:
        capacity = sum(e.max_pitches for e in event.experts if e.organisation == organisation)
        # each required organisation fills one seat per pitch (one per organisation): 0-5 % more
        assert len(event.pitches) <= capacity <= 1.05 * len(event.pitches) + 1
    if len(event.pitches) >= 26:
        assert sum(p.available is not None for p in event.pitches) >= 0.15 * len(event.pitches)
        assert sum(p.rooms is not None for p in event.pitches) >= 0.15 * len(event.pitches)
        assert sum(e.available is not None for e in event.experts) >= 0.1 * len(event.experts)


def test_tightness_does_not_change_the_loose_events():
    assert generate_event(26, 3, 24, seed=2, tightness="loose") == generate_event(26, 3, 24, seed=2)
    assert generate_event(26, 3, 24, seed=2, tightness="tight") != generate_event(26, 3, 24, seed=2)
