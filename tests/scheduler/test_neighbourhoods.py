"""The chooser of the improvement loop: kinds picked by what they paid, among those that fit."""

from __future__ import annotations

from scheduler.neighbourhoods import Chooser


def test_the_chooser_picks_only_among_the_kinds_that_fit_the_time_left():
    chooser = Chooser(("staffing", "placing", "time window"), size=4)
    chooser.record("placing", 100, 1.0)  # placing paid most, but its model does not fit
    assert {chooser.pick(among=("staffing", "time window")) for _ in range(50)} <= {"staffing", "time window"}
    assert "placing" in {chooser.pick() for _ in range(50)}
