"""The capacity engine: a placement under the experts' presence, then panels, no-goods between."""

from __future__ import annotations

from bench.adversary import adversarial
from scheduler import capacity, slots
from scheduler.data import Session
from scheduler.timeline import pitch_options
from scheduler.validate import check_schedule
from tests.scheduler.builders import DAY_ONE, clock, event, expert, pitch, window


def _options(tiny):
    return {p.id: pitch_options(tiny, p) for p in tiny.pitches}


def test_it_schedules_an_event_whose_rooms_run_out_of_step_where_no_grid_holds_one():
    """Pitches of 10 to 45 minutes laid back to back in each room: the shared grid holds none."""
    hard, witness = adversarial(60, 0, "free-experts")
    assert check_schedule(hard, witness) == []
    options = _options(hard)
    assert slots.find_schedule(hard, options, 5.0, 2) is None
    found = capacity.find_schedule(hard, options, 20.0, 2)
    assert found is not None
    assert check_schedule(hard, found) == []


def test_it_schedules_an_event_whose_experts_are_there_only_for_as_many_pitches_as_they_must_judge():
    """Every expert there only around their own pitches, their minimum at that many (the adversary's
    tied profile): without each expert's minimum in the placement, each round's core blamed 25 of
    the 26 pitches."""
    hard, witness = adversarial(26, 5, "tied")
    assert check_schedule(hard, witness) == []
    found = capacity.find_schedule(hard, _options(hard), 20.0, 2)
    assert found is not None
    assert check_schedule(hard, found) == []


def test_it_finds_nothing_when_the_experts_there_cannot_staff_the_pitches_at_once():
    held = (window("09:00", "09:30"),)
    tiny = event([pitch("a", available=held), pitch("b", available=held)], [expert("e")], rooms=2)
    assert capacity.find_schedule(tiny, _options(tiny), 5.0, 2) is None


def test_a_placement_without_panels_names_the_pitches_whose_times_clash():
    """Two pitches at once that only one expert may judge (the other is in conflict with both)."""
    tiny = event(
        [pitch("a"), pitch("b")],
        [expert("e"), expert("f", conflicts=("a", "b"))],
        rooms=2,
    )
    at_once = tuple(
        Session(p, DAY_ONE, clock("09:00"), clock("09:30"), f"room-{i}", ()) for i, p in ((1, "a"), (2, "b"))
    )
    found, clash, _ = capacity._panels_for(tiny, _options(tiny), at_once, 5.0)
    assert found is None and clash == {"a", "b"}
    one_after_the_other = (at_once[0], Session("b", DAY_ONE, clock("09:30"), clock("10:00"), "room-2", ()))
    found, clash, _ = capacity._panels_for(tiny, _options(tiny), one_after_the_other, 5.0)
    assert found is not None and clash == set()


def test_an_experts_minimum_names_them_and_every_pitch_they_might_judge():
    """f must judge a pitch but is there only at 10:00: with both pitches at 09:00, no panels, and
    the times of both pitches are to blame."""
    tiny = event(
        [pitch("a"), pitch("b")],
        [expert("e"), expert("f", min_pitches=1, available=(window("10:00", "10:30"),))],
        rooms=2,
    )
    placed = tuple(
        Session(p, DAY_ONE, clock("09:00"), clock("09:30"), f"room-{i}", ()) for i, p in ((1, "a"), (2, "b"))
    )
    found, clash, minimums = capacity._panels_for(tiny, _options(tiny), placed, 5.0)
    assert found is None and clash == {"a", "b"} and minimums == ["f"]


def test_it_stops_when_the_organiser_asks():
    hard, _ = adversarial(60, 0, "free-experts")
    assert capacity.find_schedule(hard, _options(hard), 20.0, 2, should_stop=lambda: True) is None
