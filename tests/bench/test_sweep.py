"""The sweep benchmark runs end to end on a small size and prints its table."""

from __future__ import annotations

from bench.sweep import goal_for, main


def test_goal_times_follow_the_issue():
    assert [goal_for((n, 1, 1)) for n in (7, 26, 60, 150, 300)] == [1.0, 1.0, 1.0, 3.0, 10.0]


def test_sweep_prints_a_row_per_model_and_tightness(capsys):
    main(["--sizes", "7x2x9", "--seeds", "1", "--tightness", "tight", "--time-limit", "3"])
    out = capsys.readouterr()
    rows = [line for line in out.out.splitlines() if line.startswith("| 7×2×9")]
    assert len(rows) == 2 and "| real |" in rows[0] and "| plain |" in rows[1]
    assert "none" not in rows[0]  # the real model found a schedule (its first valid time is shown)
    assert "seed 0 real: first valid" in out.err
