"""Import and export of the event file through the database."""

from __future__ import annotations

import copy

import pytest

from pitchday.extensions import db
from pitchday.models import Event, Expert, Pitch
from pitchday.services import event_io


def count_rows() -> dict[str, int]:
    return {
        model.__name__: db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()
        for model in (Event, Pitch, Expert)
    }


def test_rouen_round_trip_is_exact(ctx, rouen):
    event = event_io.import_event(rouen)
    db.session.commit()
    db.session.expire_all()

    assert event_io.export_event(event) == rouen


def test_round_trip_keeps_optional_fields(ctx, rouen):
    rouen["grid_min"] = 5
    rouen["pitches"][0]["duration_min"] = 20
    rouen["pitches"][0]["rooms"] = ["amphi"]
    rouen["experts"][0]["min_pitches"] = 1
    rouen["locks"] = [
        {"pitch": "projet-4", "date": "2023-11-30", "start": "09:30", "room": "amphi"},
        {"pitch": "projet-5", "start": "10:30"},
        {"pitch": "projet-4", "expert": "cna-1"},
    ]
    rouen["weights"] = {"w_tm": 12, "w_cp": 50}
    del rouen["pitch_defaults"]["qa_min"]

    event = event_io.import_event(rouen)
    db.session.commit()
    db.session.expire_all()

    assert event_io.export_event(event) == rouen


def test_import_gives_each_event_its_own_address(ctx, rouen):
    first = event_io.import_event(rouen)
    second = event_io.import_event(rouen)

    assert first.slug == "accelerateur-relocalisation-reindustrialisation-rouen-2023"
    assert second.slug == first.slug + "-2"


def _set(data: dict, path: tuple, value) -> None:
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value


_DELETE = object()

# Ten ways to break the Rouen file; each must be refused with a message that names the field.
BROKEN_FILES = [
    ("wrong format version", ("format",), "pitchday-event/2", "format"),
    ("missing rooms", ("rooms",), _DELETE, "rooms"),
    ("pitch without id", ("pitches", 0, "id"), _DELETE, "pitches[0].id"),
    ("bad date", ("days", 0, "date"), "30/11/2023", "days[0].date"),
    ("time off the grid", ("days", 1, "start"), "09:03", "days[1].start"),
    ("unknown organisation", ("experts", 2, "organisation"), "medef", "experts[2].organisation"),
    ("negative duration", ("pitch_defaults", "duration_min"), -15, "pitch_defaults.duration_min"),
    ("conflict with unknown pitch", ("experts", 7, "conflicts"), ["no-such-pitch"], "experts[7].conflicts"),
    ("panel size zero", ("panel", "size"), 0, "panel.size"),
    ("topics not a list", ("pitches", 1, "topics"), "textile", "pitches[1].topics"),
]


@pytest.mark.parametrize(("case", "path", "value", "field"), BROKEN_FILES, ids=[c[0] for c in BROKEN_FILES])
def test_broken_file_is_refused_and_nothing_is_kept(ctx, rouen, case, path, value, field):
    event_io.import_event(copy.deepcopy(rouen))  # an event already there must stay untouched
    db.session.commit()
    before = count_rows()
    broken = copy.deepcopy(rouen)
    _set(broken, path, value)

    with pytest.raises(event_io.EventFormatError) as raised:
        event_io.import_event(broken)
    db.session.rollback()

    assert field in str(raised.value)
    assert count_rows() == before


def test_duplicate_pitch_ids_are_refused(ctx, rouen):
    rouen["pitches"][1]["id"] = rouen["pitches"][0]["id"]

    with pytest.raises(event_io.EventFormatError, match="pitches\\[1\\].id"):
        event_io.import_event(rouen)
