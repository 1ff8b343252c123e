"""Re-plans change only what the repair needs."""

from __future__ import annotations

from dataclasses import replace

from scheduler.data import Change, Session, Status
from tests.scheduler.builders import DAY_ONE, clock, event, expert, pitch, window, without_expert

PUBLISHED = (
    Session("a", DAY_ONE, clock("09:00"), clock("09:30"), "room-1", ("e1", "e2")),
    Session("b", DAY_ONE, clock("09:35"), clock("10:05"), "room-1", ("e1", "e3")),
    Session("c", DAY_ONE, clock("09:00"), clock("09:30"), "room-2", ("e3", "e4")),
    Session("d", DAY_ONE, clock("09:35"), clock("10:05"), "room-2", ("e2", "e4")),
)


def _published_event():
    experts = [expert(f"e{n}") for n in range(1, 6)]
    return event([pitch(p) for p in "abcd"], experts, rooms=2, changeover=5, panel_size=2, previous=PUBLISHED)


def test_nothing_changes_when_nothing_happened(solve_and_check):
    result = solve_and_check(_published_event())
    assert result.status is Status.OPTIMAL
    assert set(result.sessions) == set(PUBLISHED) and result.changes == ()


def test_an_expert_dropping_out_only_frees_their_seats(solve_and_check):
    result = solve_and_check(without_expert(_published_event(), "e1"))
    assert result.status is Status.OPTIMAL
    assert [c.pitch for c in result.changes] == ["a", "b"]
    assert all(
        not c.moved and c.experts_removed == ("e1",) and len(c.experts_added) == 1 for c in result.changes
    )
    assert result.terms.changes_from_previous == 2


def test_a_pitch_no_longer_available_is_the_only_one_to_move(solve_and_check):
    base = _published_event()
    late_c = replace(base.pitch_by_id()["c"], available=(window("10:30", "12:00"),))
    result = solve_and_check(replace(base, pitches=tuple(late_c if p.id == "c" else p for p in base.pitches)))
    assert result.status is Status.OPTIMAL
    assert result.changes == (Change("c", moved=True),)
