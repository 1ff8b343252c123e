"""What is on now and next, on the event's clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pitchday.services import now_next
from tests.builders import THURSDAY, import_event, publish_by_hand, publish_delay


@pytest.fixture
def event(ctx, rouen):
    event = import_event(rouen)
    publish_by_hand(event)
    return event


def by_room(state: now_next.NowNext) -> dict[str, now_next.RoomNowNext]:
    return {room_state.room.key: room_state for room_state in state.rooms}


def at(clock: str) -> datetime:
    return datetime.fromisoformat(f"2023-11-30T{clock}").replace(tzinfo=ZoneInfo("Europe/Paris"))


def test_the_clock_is_the_events_even_on_a_utc_server(event):
    utc_now = datetime(2023, 11, 30, 9, 5, tzinfo=ZoneInfo("UTC"))

    assert now_next.event_clock(event.timezone, utc_now=utc_now).hour == 10  # Paris is UTC+1 in November


def test_a_chosen_moment_is_read_in_the_event_time_zone(event):
    assert now_next.event_clock(event.timezone, "2023-11-30T10:05") == at("10:05")
    with pytest.raises(now_next.ClockError):
        now_next.event_clock(event.timezone, "hier")


def test_current_and_next_per_room(event):
    from pitchday.services.agenda import latest_published

    rooms = by_room(now_next.now_next(event, latest_published(event), at("09:45")))

    assert rooms["amphi"].current.pitch.key == "mijuin-malaunay"
    assert rooms["amphi"].next.pitch.key == "aurthus-et-paole"
    assert rooms["salle-b"].current is None
    assert rooms["salle-b"].next.pitch.key == "touroul-chevalerie"  # this afternoon


def test_between_pitches_and_at_the_end(event):
    from pitchday.services.agenda import latest_published

    version = latest_published(event)
    gap = by_room(now_next.now_next(event, version, at("10:02")))
    assert gap["amphi"].current is None and gap["amphi"].next.pitch.key == "aurthus-et-paole"

    evening = by_room(now_next.now_next(event, version, at("18:00")))
    assert evening["amphi"].next.pitch.key == "projet-6"  # Friday's first
    assert evening["salle-b"].next.date != THURSDAY


def test_break_is_named(event):
    from pitchday.services.agenda import latest_published

    rooms = by_room(now_next.now_next(event, latest_published(event), at("13:00")))

    assert rooms["amphi"].in_break and rooms["amphi"].break_label == "Déjeuner"
    assert rooms["amphi"].next.pitch.key == "projet-4"


def test_a_delay_changes_what_is_next(event):
    from pitchday.services.agenda import latest_published

    publish_delay(event, THURSDAY, after="10:00")
    rooms = by_room(now_next.now_next(event, latest_published(event), at("10:10")))

    assert rooms["amphi"].current is None
    assert (
        rooms["amphi"].next.pitch.key == "aurthus-et-paole" and rooms["amphi"].next.start_min == 10 * 60 + 20
    )


def test_the_test_schedule_breaks_no_hard_rule(event):
    from pitchday.services import versions
    from pitchday.services.agenda import latest_published
    from pitchday.services.event_io import to_scheduler_event
    from scheduler.validate import check_schedule

    assert (
        check_schedule(to_scheduler_event(event), versions.to_scheduler_sessions(latest_published(event)))
        == []
    )
