"""Each objective term on an event where it alone decides the best schedule."""

from __future__ import annotations

from scheduler.data import Session, Status, Weights
from tests.scheduler.builders import DAY_ONE, clock, day, event, expert, pitch


def test_topic_match_picks_the_expert_who_shares_topics(solve_and_check):
    tiny = event(
        [pitch("p", topics=("lin", "textile"))],
        [expert("e", topics=("achats",)), expert("f", topics=("lin", "textile"))],
    )
    result = solve_and_check(tiny)
    assert result.status is Status.OPTIMAL
    assert result.sessions[0].panel == ("f",)
    assert result.terms.topic_match == 2 and result.score == 20 - 5  # the idle expert makes a spread of 1


def test_load_spread_shares_the_pitches_out(solve_and_check):
    tiny = event([pitch("a"), pitch("b")], [expert("e"), expert("f")])
    result = solve_and_check(tiny)
    assert {s.panel for s in result.sessions} == {("e",), ("f",)}
    assert result.terms.load_spread == 0


def test_load_spread_counts_an_expert_who_can_never_sit(solve_and_check):
    tiny = event([pitch("a")], [expert("e"), expert("f", conflicts=("a",))])
    result = solve_and_check(tiny)
    assert result.status is Status.OPTIMAL
    assert result.terms.load_spread == 1 and result.score == -5


def test_room_changes_keep_an_expert_in_one_room(solve_and_check):
    tiny = event([pitch("a"), pitch("b")], [expert("e")], rooms=2, changeover=5)
    result = solve_and_check(tiny)
    assert result.status is Status.OPTIMAL
    assert result.sessions[0].room == result.sessions[1].room
    assert result.terms.room_changes == 0


def test_room_changes_counted_when_the_rooms_are_imposed(solve_and_check):
    tiny = event(
        [pitch("a", rooms=("room-1",)), pitch("b", rooms=("room-2",)), pitch("c", rooms=("room-1",))],
        [expert("e")],
        rooms=2,
        changeover=5,
    )
    result = solve_and_check(tiny)
    assert result.status is Status.OPTIMAL
    assert result.terms.room_changes == 1  # a and c back to back, b before or after them


def test_sector_clash_staggers_pitches_of_one_sector(solve_and_check):
    tiny = event(
        [pitch("a", sector="textile"), pitch("b", sector="textile")],
        [expert("e"), expert("f")],
        rooms=2,
        days=(day("09:00", "10:00"),),
    )
    result = solve_and_check(tiny)
    assert result.status is Status.OPTIMAL
    first, second = sorted(result.sessions, key=lambda s: s.start)
    assert second.start >= first.end and result.terms.sector_clash == 0


def test_sector_clash_counted_when_unavoidable(solve_and_check):
    tiny = event(
        [pitch("a", sector="textile"), pitch("b", sector="textile")],
        [expert("e"), expert("f")],
        rooms=2,
        days=(day("09:00", "09:45"),),
    )
    result = solve_and_check(tiny)
    assert result.status is Status.OPTIMAL
    assert result.terms.sector_clash == 1 and result.score == -3


def test_changes_from_previous_keeps_the_published_schedule(solve_and_check):
    published = (Session("a", DAY_ONE, clock("10:30"), clock("11:00"), "room-2", ("f",)),)
    tiny = event([pitch("a")], [expert("e"), expert("f")], rooms=2, previous=published)
    result = solve_and_check(tiny)
    assert result.status is Status.OPTIMAL
    assert result.sessions == published and result.changes == ()


def test_changes_from_previous_traded_against_a_heavier_weight(solve_and_check):
    published = (Session("a", DAY_ONE, clock("10:30"), clock("11:00"), "room-1", ("e",)),)
    tiny = event(
        [pitch("a", topics=("lin", "textile", "coton"))],
        [expert("e"), expert("f", topics=("lin", "textile", "coton"))],
        previous=published,
        weights=Weights(changes_from_previous=20),
    )
    result = solve_and_check(tiny)
    assert result.sessions[0].panel == ("f",)  # three topics (30) are worth one seat changed (20)
    assert result.terms.changes_from_previous == 1 and result.score == 30 - 20 - 5
