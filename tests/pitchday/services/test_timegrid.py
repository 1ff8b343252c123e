"""The grid drawn to time: the minutes each day spans, each room's pitches and breaks, the time marks."""

from __future__ import annotations

from pitchday.services import timegrid
from tests.builders import FRIDAY, ROUEN_PLACEMENTS, THURSDAY, import_event, minutes, publish_by_hand


def test_each_day_spans_its_hours_with_its_rooms_as_columns(ctx, rouen):
    event = import_event(rouen)
    version = publish_by_hand(event)

    thursday, friday = timegrid.version_grid(event, version)

    assert (thursday.date, thursday.start_min, thursday.end_min) == (
        THURSDAY,
        minutes("09:30"),
        minutes("17:30"),
    )
    assert (friday.date, friday.start_min, friday.end_min) == (FRIDAY, minutes("09:00"), minutes("12:30"))
    assert [c.room.key for c in thursday.columns] == ["amphi", "salle-b"]
    amphi = thursday.columns[0]
    assert [(i.start_min, i.end_min, i.is_break) for i in amphi.items] == [
        (minutes("09:30"), minutes("10:00"), False),
        (minutes("10:05"), minutes("10:35"), False),
        (minutes("10:40"), minutes("11:10"), False),
        (minutes("12:30"), minutes("14:00"), True),  # lunch, in every room
        (minutes("14:00"), minutes("14:30"), False),
    ]
    assert amphi.items[3].label == "Déjeuner" and amphi.items[0].minutes == 30
    assert thursday.marks[0] == minutes("09:30") and thursday.marks[-1] == minutes("17:00")
    assert thursday.step_min == 5 and thursday.row_of(minutes("10:05")) == 36


def test_a_day_stretches_to_a_pitch_past_its_end(ctx, rouen):
    event = import_event(rouen)
    placements = [
        (pitch, room, day, "12:20" if pitch == "projet-7" else start, panel)
        for pitch, room, day, start, panel in ROUEN_PLACEMENTS
    ]
    late = publish_by_hand(event, placements)  # by hand: a day's change may leave a pitch past the end

    friday = timegrid.version_grid(event, late)[1]

    assert friday.end_min == minutes("12:50")
    assert friday.marks[-1] == minutes("12:30")
