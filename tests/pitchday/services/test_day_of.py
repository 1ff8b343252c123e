"""The running day: when the event runs, what is on and next, where a delay starts by default."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pitchday.services import day_of
from tests.builders import THURSDAY, import_event, minutes, publish_by_hand

PARIS = ZoneInfo("Europe/Paris")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def test_the_day_under_way_says_what_is_on_and_where_a_delay_starts(ctx, rouen):
    event = import_event(rouen)
    version = publish_by_hand(event)

    today = day_of.day_of(event, version, at("2023-11-30T09:40"))

    assert today.day.date == THURSDAY and today.minute == minutes("09:40")
    amphi, salle_b = today.rooms
    assert amphi.current.pitch.key == "mijuin-malaunay" and amphi.next.pitch.key == "aurthus-et-paole"
    assert salle_b.current is None and salle_b.next.pitch.key == "touroul-chevalerie"
    assert today.next_start_min == minutes("10:05")  # what follows is what a delay shifts


def test_at_lunch_the_break_is_on_and_the_afternoon_next(ctx, rouen):
    event = import_event(rouen)
    version = publish_by_hand(event)

    today = day_of.day_of(event, version, at("2023-11-30T13:00"))

    assert today.rooms[0].in_break and today.rooms[0].break_label == "Déjeuner"
    assert today.next_start_min == minutes("14:00")


def test_no_day_of_before_opening_after_closing_or_on_another_date(ctx, rouen):
    event = import_event(rouen)
    version = publish_by_hand(event)
    for moment in ("2023-11-30T09:29", "2023-11-30T17:30", "2023-11-29T10:00", "2023-12-02T10:00"):
        assert day_of.day_of(event, version, at(moment)) is None, moment
    assert day_of.day_of(event, version, at("2023-11-30T09:30")) is not None
    assert day_of.day_of(event, version, at("2023-12-01T12:29")) is not None
