"""The editing service itself (the editing pages test it through HTTP): the text formats of breaks
and availabilities, unique keys, the event's own checks, and deletions a saved schedule forbids."""

from __future__ import annotations

from datetime import date

import pytest

from pitchday.extensions import db
from pitchday.services import editing
from tests.builders import THURSDAY, import_event, minutes, publish_by_hand


def test_breaks_and_availabilities_are_read_from_their_text():
    assert editing.parse_breaks("12:30-14:00 Déjeuner\n\n 9:00-9:15 Café ") == [
        (minutes("12:30"), minutes("14:00"), "Déjeuner"),
        (minutes("09:00"), minutes("09:15"), "Café"),
    ]
    assert editing.parse_windows("2023-11-30 14:00-17:30, 2023-12-01 9:00-12:00") == [
        (date(2023, 11, 30), minutes("14:00"), minutes("17:30")),
        (date(2023, 12, 1), minutes("09:00"), minutes("12:00")),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-11-30 14h-17h", "créneau attendu au format AAAA-MM-JJ HH:MM-HH:MM"),
        ("2023-11-31 14:00-17:00", "créneau attendu"),  # no 31 November
        ("2023-11-30 17:00-14:00", "la fin doit venir après le début"),
    ],
)
def test_a_bad_availability_says_what_is_expected(text, message):
    with pytest.raises(editing.EditError, match=message):
        editing.parse_windows(text)


def test_a_bad_break_says_what_is_expected():
    with pytest.raises(editing.EditError, match="pause attendue au format HH:MM-HH:MM libellé"):
        editing.parse_breaks("midi Déjeuner")


def test_a_key_is_unique_within_its_kind(ctx, rouen):
    event = import_event(rouen)
    with pytest.raises(editing.EditError, match="« salle-b » est déjà pris"):
        editing.save_room(event, None, key="salle-b", name="Autre salle B", capacity=None)
    room = next(r for r in event.rooms if r.key == "salle-b")
    assert editing.save_room(event, room, key="salle-b", name="Salle B rénovée", capacity=30) is room


def test_an_edit_that_leaves_the_event_invalid_is_refused_and_changes_nothing_stored(ctx, rouen):
    event = import_event(rouen)
    thursday = next(d for d in event.days if d.date == THURSDAY)
    with pytest.raises(editing.EditError, match="ne serait plus valide"):
        editing.save_day(
            event,
            thursday,
            editing.DayInput(
                date=THURSDAY, start=minutes("09:00"), end=minutes("18:00"), breaks="19:00-20:00 Dîner"
            ),
        )
    db.session.rollback()
    db.session.refresh(thursday)
    assert [(b.start_min, b.end_min) for b in thursday.breaks] == [(minutes("12:30"), minutes("14:00"))]


def test_a_room_or_a_pitch_that_a_saved_schedule_uses_cannot_be_deleted(ctx, rouen):
    event = import_event(rouen)
    publish_by_hand(event)
    amphi = next(r for r in event.rooms if r.key == "amphi")
    with pytest.raises(editing.EditError, match="un planning enregistré l'utilise"):
        editing.delete_room(amphi)
    with pytest.raises(editing.EditError, match="un planning enregistré l'utilise"):
        editing.delete_pitch(event.pitches[0])
