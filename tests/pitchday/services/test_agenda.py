"""Reading a published schedule as people do: by day with its breaks, filtered, by juror; the clock helpers."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from pitchday.services import agenda
from tests.builders import (
    FRIDAY,
    ROUEN_PLACEMENTS,
    THURSDAY,
    import_event,
    minutes,
    publish_by_hand,
    publish_delay,
)

PARIS = ZoneInfo("Europe/Paris")


def test_before_any_publication_the_public_sees_no_schedule(ctx, rouen):
    event = import_event(rouen)
    assert agenda.latest_published(event) is None
    assert agenda.sessions_of_expert(event.experts[0]) == []


def test_the_public_sees_the_highest_published_number(ctx, rouen):
    event = import_event(rouen)
    first = publish_by_hand(event)
    later = publish_delay(event, THURSDAY, "14:00")
    assert (first.number, later.number) == (1, 2)
    assert agenda.latest_published(event).id == later.id


def test_each_day_reads_its_pitches_and_breaks_in_time_order(ctx, rouen):
    event = import_event(rouen)
    days = agenda.public_agenda(publish_by_hand(event))
    assert [day.date for day in days] == [THURSDAY, FRIDAY]
    thursday = [
        (item.start_min, item.label if item.is_break else item.session.pitch.key) for item in days[0].items
    ]
    assert thursday == [
        (minutes("09:30"), "mijuin-malaunay"),
        (minutes("10:05"), "aurthus-et-paole"),
        (minutes("10:40"), "projet-5"),
        (minutes("12:30"), "Déjeuner"),
        (minutes("14:00"), "projet-4"),  # amphi before salle-b at the same time: rooms in their order
        (minutes("14:00"), "touroul-chevalerie"),
    ]
    friday = [item.label or item.session.pitch.key for item in days[1].items]
    assert friday == ["projet-6", "projet-7", "Pause"]  # 09:00, 09:35, then the 10:30 break


def test_a_filter_keeps_a_sector_or_a_room_and_a_day_shows_whether_any_passes(ctx, rouen):
    event = import_event(rouen)
    days = agenda.public_agenda(publish_by_hand(event))
    sessions = [item.session for day in days for item in day.items if not item.is_break]
    assert all(agenda.EVERYTHING.keeps(s) for s in sessions)
    textile = agenda.AgendaFilter(sector="textile")
    assert {s.pitch.key for s in sessions if textile.keeps(s)} == {
        "mijuin-malaunay",
        "aurthus-et-paole",
        "touroul-chevalerie",
    }
    room_b = agenda.AgendaFilter(room="salle-b")
    assert {s.pitch.key for s in sessions if room_b.keeps(s)} == {"touroul-chevalerie", "projet-7"}
    assert days[0].shows_any(textile) and not days[1].shows_any(textile)


def test_sectors_in_the_order_they_first_appear(ctx, rouen):
    assert agenda.sectors(import_event(rouen)) == ["textile", "industrie"]


def test_a_jurors_pitches_are_theirs_only_in_time_order(ctx, rouen):
    event = import_event(rouen)
    publish_by_hand(event)
    expert = next(e for e in event.experts if e.key == "cetim-1")
    expected = [
        (day, minutes(start)) for _pitch, _room, day, start, panel in ROUEN_PLACEMENTS if "cetim-1" in panel
    ]
    assert [(s.date, s.start_min) for s in agenda.sessions_of_expert(expert)] == sorted(expected)


def test_a_moment_is_on_the_events_clock_and_24_00_is_the_next_midnight():
    assert agenda.local_moment(date(2023, 11, 30), minutes("09:30"), "Europe/Paris") == datetime(
        2023, 11, 30, 9, 30, tzinfo=PARIS
    )
    assert agenda.local_moment(date(2023, 11, 30), 24 * 60, "Europe/Paris") == datetime(
        2023, 12, 1, 0, 0, tzinfo=PARIS
    )
    # Minutes are the wall clock's: the night the clocks go back, "03:00" is 03:00 in winter time.
    moment = agenda.local_moment(date(2023, 10, 29), minutes("03:00"), "Europe/Paris")
    assert (moment.hour, moment.minute, moment.utcoffset().total_seconds()) == (3, 0, 3600)


def test_clock_text():
    assert [agenda.format_clock(m) for m in (0, 570, 1439, 1440)] == ["00:00", "09:30", "23:59", "24:00"]
