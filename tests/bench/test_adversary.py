"""The adversarial events are valid event files, feasible by their witness, and as varied as said."""

from __future__ import annotations

import pytest

from bench.adversary import PROFILES, _without_hash_seeds, adversarial, main
from scheduler.io import event_to_dict, parse_event
from scheduler.validate import check_schedule


@pytest.mark.parametrize("profile", sorted(PROFILES))
@pytest.mark.parametrize("n_pitches", [7, 26, 60])
def test_the_witness_is_a_valid_schedule_of_a_valid_event_file(n_pitches, profile):
    for seed in range(3):
        event, witness = adversarial(n_pitches, seed, profile)
        assert len(event.pitches) == n_pitches
        assert parse_event(event_to_dict(event)) == event
        assert check_schedule(event, witness) == []


def test_the_events_have_what_the_project_generator_never_makes():
    events = [adversarial(26, seed, "mixed")[0] for seed in range(10)]
    assert any(len({event.pitch_length(p) for p in event.pitches}) > 2 for event in events)
    assert {len(event.days) for event in events} > {2}
    assert len({event.panel.size for event in events}) >= 3
    exact = [adversarial(26, seed, "tied")[0] for seed in range(3)]
    assert all(expert.min_pitches == expert.max_pitches for event in exact for expert in event.experts)


def test_per_hash_seed_runs_one_process_per_seed_and_sums_their_counts(capsys):
    main(["--sizes", "7", "--seeds", "1", "--profiles", "tied", "--hash-seeds", "0", "1"])
    printed = capsys.readouterr().out
    assert "PYTHONHASHSEED=0" in printed and "PYTHONHASHSEED=1" in printed
    assert printed.rstrip().splitlines()[-1] == "| 7 | 1/1, 1/1 |"


def test_the_hash_seeds_are_not_passed_on_to_each_run():
    argv = ["--sizes", "7", "26", "--hash-seeds", "0", "1", "--seeds", "3"]
    assert _without_hash_seeds(argv) == ["--sizes", "7", "26", "--seeds", "3"]
