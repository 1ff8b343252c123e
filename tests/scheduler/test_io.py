"""The event and schedule files: reading checks everything, writing is the exact inverse."""

import copy
import json
import pickle
from datetime import date
from pathlib import Path

import pytest

from scheduler.data import (
    Change,
    Conflict,
    PanelLock,
    Result,
    ScoreTerms,
    Session,
    SlotLock,
    Status,
    Weights,
)
from scheduler.io import (
    EventFormatError,
    ScheduleFormatError,
    event_to_dict,
    format_clock,
    load_event,
    load_schedule,
    parse_clock,
    parse_event,
    parse_result,
    parse_schedule,
    result_to_dict,
    sessions_from_dicts,
    sessions_to_dicts,
)

REPO = Path(__file__).resolve().parents[2]
ROUEN_CANDIDATES = (
    REPO / "pitchday" / "demo" / "rouen-2023.json",
    Path("/work/shared/examples/rouen-2023.json"),
)
ROUEN_PATH = next((path for path in ROUEN_CANDIDATES if path.exists()), ROUEN_CANDIDATES[0])


@pytest.fixture
def rouen() -> dict:
    return json.loads(ROUEN_PATH.read_text(encoding="utf-8"))


def minimal_event() -> dict:
    """The smallest valid event: no optional field at all."""
    return {
        "format": "pitchday-event/1",
        "event": {"name": "Mini", "venue": "Here", "timezone": "Europe/Paris"},
        "days": [{"date": "2024-03-01", "start": "09:00", "end": "12:00", "breaks": []}],
        "rooms": [{"id": "r1", "name": "Room 1"}],
        "organisations": [{"id": "o1", "name": "Org 1"}],
        "pitch_defaults": {"duration_min": 20},
        "panel": {"size": 1, "required_organisations": []},
        "pitches": [{"id": "p1", "company": "C", "title": "T", "sector": "s", "city": "X", "topics": []}],
        "experts": [{"id": "e1", "name": "E", "organisation": "o1", "topics": []}],
    }


def full_event() -> dict:
    """An event with every optional field present."""
    data = minimal_event()
    data["grid_min"] = 10
    data["rooms"][0]["capacity"] = 30
    data["pitch_defaults"].update(qa_min=10, changeover_min=0)
    data["panel"]["max_per_organisation"] = 1
    data["pitches"][0].update(
        duration_min=30,
        qa_min=0,
        rooms=["r1"],
        available=[{"date": "2024-03-01", "start": "09:00", "end": "10:00"}],
    )
    data["experts"][0].update(
        min_pitches=0,
        max_pitches=3,
        conflicts=[],
        available=[{"date": "2024-03-01", "start": "09:00", "end": "12:00"}],
    )
    data["locks"] = [
        {"pitch": "p1", "start": "09:00"},
        {"pitch": "p1", "expert": "e1"},
        {"pitch": "p1", "date": "2024-03-01", "start": "09:00", "room": "r1"},
    ]
    data["previous"] = [
        {"pitch": "p1", "date": "2024-03-01", "start": "09:00", "end": "09:30", "room": "r1", "panel": ["e1"]}
    ]
    data["weights"] = {"w_sc": 0, "w_tm": 7}
    return data


def error_of(data: dict) -> EventFormatError:
    with pytest.raises(EventFormatError) as caught:
        parse_event(data)
    return caught.value


# --- round trips -----------------------------------------------------------------------


def test_rouen_round_trips_exactly(rouen):
    event = parse_event(copy.deepcopy(rouen))
    assert event_to_dict(event) == rouen
    assert len(event.pitches) == 7 and len(event.experts) == 9
    assert event.pitch_length(event.pitches[0]) == 30
    assert event.days[0].breaks[0].start == parse_clock("12:30")


def test_event_without_optional_fields_round_trips_and_keeps_them_none():
    data = minimal_event()
    event = parse_event(copy.deepcopy(data))
    assert event_to_dict(event) == data
    assert event.grid_min is None and event.locks is None and event.previous is None and event.weights is None
    assert event.pitches[0].available is None and event.pitches[0].rooms is None
    assert event.experts[0].max_pitches is None and event.experts[0].conflicts is None
    assert event.rooms[0].capacity is None and event.panel.max_per_organisation is None


def test_event_with_every_optional_field_round_trips():
    data = full_event()
    event = parse_event(copy.deepcopy(data))
    assert event_to_dict(event) == data
    assert list(event_to_dict(event)["weights"]) == ["w_sc", "w_tm"]
    assert event.weights == Weights(topic_match=7, sector_clash=0)
    assert event.locks == (
        SlotLock(pitch="p1", start=540),
        PanelLock(pitch="p1", expert="e1"),
        SlotLock(pitch="p1", date=date(2024, 3, 1), start=540, room="r1"),
    )
    assert event.previous == (Session("p1", date(2024, 3, 1), 540, 570, "r1", ("e1",)),)


def test_extra_fields_are_accepted():
    data = minimal_event()
    data["colour"] = "blue"
    data["pitches"][0]["website"] = "https://example.org"
    assert parse_event(data).pitches[0].id == "p1"


def test_absent_breaks_and_topics_read_as_empty():
    data = minimal_event()
    del data["days"][0]["breaks"], data["pitches"][0]["topics"], data["panel"]["required_organisations"]
    event = parse_event(data)
    assert (
        event.days[0].breaks == ()
        and event.pitches[0].topics == ()
        and event.panel.required_organisations == ()
    )


def test_clock_helpers():
    assert parse_clock("09:30") == 570
    assert parse_clock("00:00") == 0 and parse_clock("24:00") == 1440
    assert format_clock(570) == "09:30" and format_clock(1440) == "24:00"
    for bad in ("9:30", "09:60", "24:05", "0930", "", None):
        with pytest.raises(ValueError):
            parse_clock(bad)


# --- errors name the field, the value and what is expected ----------------------------------


def set_in(path: list, value):
    def mutate(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def delete_in(path: list):
    def mutate(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


@pytest.mark.parametrize(
    "mutate, path, fragment",
    [
        (set_in(["format"], "pitchday-event/2"), "format", '"pitchday-event/1"'),
        (set_in(["format"], "pitchday-schedule/1"), "format", "schedule file, not an event file"),
        (delete_in(["event"]), "event", "is missing"),
        (set_in(["event", "timezone"], "Europe/Rouen"), "event.timezone", "IANA"),
        (set_in(["grid_min"], 0), "grid_min", "positive"),
        (set_in(["days"], []), "days", "at least one day"),
        (set_in(["days", 0, "date"], "2023-11-31"), "days[0].date", "YYYY-MM-DD"),
        (set_in(["days", 0, "date"], "30/11/2023"), "days[0].date", "YYYY-MM-DD"),
        (set_in(["days", 1, "date"], "2023-11-30"), "days[1].date", "no other day"),
        (set_in(["days", 0, "start"], "9h30"), "days[0].start", "HH:MM"),
        (set_in(["days", 0, "start"], "09:32"), "days[0].start", "5-minute grid"),
        (set_in(["days", 0, "end"], "09:00"), "days[0].end", "after start (09:30)"),
        (set_in(["days", 0, "breaks", 0, "end"], "18:00"), "days[0].breaks[0].end", "inside the day"),
        (set_in(["days", 0, "breaks", 0, "start"], "08:00"), "days[0].breaks[0].start", "inside the day"),
        (
            lambda d: d["days"][0]["breaks"].append({"start": "13:00", "end": "15:00", "label": "x"}),
            "days[0].breaks[1]",
            "does not overlap break 0",
        ),
        (set_in(["rooms", 1, "id"], "amphi"), "rooms[1].id", "no other room"),
        (set_in(["rooms", 0, "capacity"], "big"), "rooms[0].capacity", "seats"),
        (set_in(["organisations", 0, "id"], ""), "organisations[0].id", "non-empty id"),
        (
            set_in(["pitch_defaults", "duration_min"], 17),
            "pitch_defaults.duration_min",
            "multiple of grid_min (5)",
        ),
        (set_in(["pitch_defaults", "qa_min"], -5), "pitch_defaults.qa_min", "non-negative"),
        (set_in(["pitch_defaults", "changeover_min"], True), "pitch_defaults.changeover_min", "minutes"),
        (set_in(["panel", "size"], 0), "panel.size", "at least 1"),
        (set_in(["panel", "max_per_organisation"], 0), "panel.max_per_organisation", "at least 1"),
        (
            set_in(["panel", "required_organisations"], ["uimm", "medef"]),
            "panel.required_organisations[1]",
            "organisations",
        ),
        (
            set_in(["panel", "required_organisations"], ["uimm", "uimm"]),
            "panel.required_organisations[1]",
            "appear once",
        ),
        (set_in(["pitches", 3, "duration_min"], -5), "pitches[3].duration_min", "positive number of minutes"),
        (set_in(["pitches", 1, "id"], "mijuin-malaunay"), "pitches[1].id", "no other pitch"),
        (delete_in(["pitches", 2, "title"]), "pitches[2].title", "is missing"),
        (set_in(["pitches", 2, "topics"], "textile"), "pitches[2].topics", "list of topics"),
        (set_in(["pitches", 0, "rooms"], ["amphi", "salle-z"]), "pitches[0].rooms[1]", "rooms"),
        (
            set_in(["pitches", 2, "available", 0, "date"], "2023-12-02"),
            "pitches[2].available[0].date",
            "event's days",
        ),
        (
            set_in(["pitches", 2, "available", 0, "end"], "14:00"),
            "pitches[2].available[0].end",
            "after start",
        ),
        (set_in(["experts", 0, "organisation"], "medef"), "experts[0].organisation", "organisations"),
        (set_in(["experts", 1, "id"], "uimm-1"), "experts[1].id", "no other expert"),
        (set_in(["experts", 7, "conflicts"], ["projet-99"]), "experts[7].conflicts[0]", "pitches"),
        (
            set_in(["experts", 0, "min_pitches"], 5),
            "experts[0].max_pitches",
            "no smaller than min_pitches (5)",
        ),
        (set_in(["experts", 0, "max_pitches"], 2.5), "experts[0].max_pitches", "whole number"),
        (set_in(["locks"], [{"pitch": "projet-4"}]), "locks[0]", "at least one of date, start, room"),
        (set_in(["locks"], [{"pitch": "projet-99", "room": "amphi"}]), "locks[0].pitch", "pitches"),
        (set_in(["locks"], [{"pitch": "projet-4", "room": "salle-z"}]), "locks[0].room", "rooms"),
        (set_in(["locks"], [{"pitch": "projet-4", "date": "2023-12-05"}]), "locks[0].date", "event's days"),
        (set_in(["locks"], [{"pitch": "projet-4", "start": "9:00"}]), "locks[0].start", "HH:MM"),
        (set_in(["locks"], [{"pitch": "projet-4", "expert": "nobody"}]), "locks[0].expert", "experts"),
        (
            set_in(["locks"], [{"pitch": "touroul-chevalerie", "expert": "cci-p-1"}]),
            "locks[0].expert",
            "conflict of interest",
        ),
        (
            set_in(["locks"], [{"pitch": "projet-4", "expert": "uimm-1", "room": "amphi"}]),
            "locks[0].room",
            "not both",
        ),
        (
            set_in(
                ["previous"],
                [
                    {
                        "pitch": "projet-4",
                        "date": "2023-11-30",
                        "start": "09:30",
                        "end": "10:00",
                        "room": "amphi",
                        "panel": ["uimm-1", "ghost"],
                    }
                ],
            ),
            "previous[0].panel[1]",
            "experts",
        ),
        (
            set_in(
                ["previous"],
                [
                    {
                        "pitch": "gone",
                        "date": "2023-11-30",
                        "start": "09:30",
                        "end": "10:00",
                        "room": "amphi",
                        "panel": [],
                    }
                ],
            ),
            "previous[0].pitch",
            "pitches",
        ),
        (
            set_in(
                ["previous"],
                [{"pitch": "projet-4", "date": "2023-11-30", "start": "09:30", "room": "amphi", "panel": []}],
            ),
            "previous[0].end",
            "is missing",
        ),
        (set_in(["weights"], {"w_xx": 1}), "weights.w_xx", "unknown key"),
        (set_in(["weights"], {"w_tm": "10"}), "weights.w_tm", "whole number"),
    ],
)
def test_invalid_event_names_field_value_and_expectation(rouen, mutate, path, fragment):
    mutate(rouen)
    error = error_of(rouen)
    assert error.path == path
    message = str(error)
    assert message.startswith((f"{path}: ", f"{path} is missing"))
    assert fragment in message
    assert "\n" not in message


def test_error_message_shape(rouen):
    rouen["pitches"][3]["duration_min"] = -5
    error = error_of(rouen)
    assert str(error) == (
        "pitches[3].duration_min: -5 is not valid: expected a positive number of minutes "
        "that is a multiple of grid_min (5)"
    )
    assert error.value == -5
    assert isinstance(error, ValueError)


def test_error_survives_pickling(rouen):
    rouen["rooms"][0]["capacity"] = 0
    error = pickle.loads(pickle.dumps(error_of(rouen)))
    assert (error.path, error.value) == ("rooms[0].capacity", 0)
    assert str(error) == "rooms[0].capacity: 0 is not valid: expected a positive whole number of seats"


def test_not_an_object_at_top_level():
    error = error_of([1, 2])
    assert "expected an object" in str(error)


# --- files ---------------------------------------------------------------------------------


def test_load_event_reports_missing_file(tmp_path):
    with pytest.raises(EventFormatError) as caught:
        load_event(tmp_path / "nope.json")
    assert str(caught.value) == f"{tmp_path / 'nope.json'}: no such file"


def test_load_event_reports_bad_json_with_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "format": "pitchday-event/1",\n  "days": [}\n', encoding="utf-8")
    with pytest.raises(EventFormatError) as caught:
        load_event(path)
    assert "line 3, column 12: not valid JSON" in str(caught.value)


def test_load_event_reports_duplicate_keys_and_directories(tmp_path):
    path = tmp_path / "dup.json"
    path.write_text('{"format": "pitchday-event/1", "format": "x"}', encoding="utf-8")
    with pytest.raises(EventFormatError, match='"format" appears twice'):
        load_event(path)
    with pytest.raises(EventFormatError, match="is a directory"):
        load_event(tmp_path)


def test_load_event_names_the_file_in_field_errors(tmp_path, rouen):
    rouen["rooms"][0]["id"] = 3
    path = tmp_path / "event.json"
    path.write_text(json.dumps(rouen), encoding="utf-8-sig")
    with pytest.raises(EventFormatError) as caught:
        load_event(path)
    assert str(caught.value).startswith(f"{path}: rooms[0].id: 3 is not valid")
    assert caught.value.path == "rooms[0].id"


# --- schedule file -------------------------------------------------------------------------


def sample_result() -> Result:
    return Result(
        status=Status.FEASIBLE,
        sessions=(
            Session("p1", date(2024, 3, 1), 540, 570, "r1", ("e1", "e2")),
            Session("p2", date(2024, 3, 1), 600, 630, "r1", ()),
        ),
        score=42,
        terms=ScoreTerms(topic_match=5, load_spread=1, room_changes=0, sector_clash=1),
        best_bound=50,
        solve_seconds=1.23456,
        changes=(Change(pitch="p1", moved=True, experts_removed=("e3",), experts_added=("e2",)),),
    )


def test_result_to_dict_follows_the_schedule_format():
    data = result_to_dict(sample_result())
    assert data["format"] == "pitchday-schedule/1" and data["status"] == "feasible"
    assert data["score"] == {
        "total": 42,
        "terms": {
            "topic_match": 5,
            "load_spread": 1,
            "room_changes": 0,
            "sector_clash": 1,
            "changes_from_previous": 0,
        },
    }
    assert data["best_bound"] == 50 and data["solve_seconds"] == 1.235
    assert data["sessions"][0] == {
        "pitch": "p1",
        "date": "2024-03-01",
        "start": "09:00",
        "end": "09:30",
        "room": "r1",
        "panel": ["e1", "e2"],
    }
    assert data["conflicts"] == []
    assert data["changes"] == [
        {"pitch": "p1", "moved": True, "experts_removed": ["e3"], "experts_added": ["e2"]}
    ]
    json.dumps(data)


def test_schedule_file_round_trips():
    data = result_to_dict(sample_result())
    assert result_to_dict(parse_result(copy.deepcopy(data))) == data
    assert parse_schedule(data) == sample_result().sessions


def test_infeasible_result_has_null_score_and_conflicts():
    result = Result(
        status=Status.INFEASIBLE,
        conflicts=(
            Conflict("panel_organisations", "No expert of CETIM is free on Friday.", ("cetim", "projet-7")),
        ),
    )
    data = result_to_dict(result)
    assert data["score"] is None and data["best_bound"] is None and data["sessions"] == []
    assert data["conflicts"] == [
        {
            "rule": "panel_organisations",
            "message": "No expert of CETIM is free on Friday.",
            "involves": ["cetim", "projet-7"],
        }
    ]
    assert parse_result(data) == result


@pytest.mark.parametrize(
    "mutate, path",
    [
        (set_in(["format"], "pitchday-event/1"), "format"),
        (set_in(["status"], "great"), "status"),
        (set_in(["sessions", 0, "start"], "9:00"), "sessions[0].start"),
        (set_in(["sessions", 0, "end"], "08:00"), "sessions[0].end"),
        (set_in(["sessions", 1, "panel"], "e1"), "sessions[1].panel"),
        (delete_in(["sessions", 1, "room"]), "sessions[1].room"),
        (set_in(["score", "terms", "topic_match"], -1), "score.terms.topic_match"),
        (set_in(["changes", 0, "moved"], "yes"), "changes[0].moved"),
    ],
)
def test_invalid_schedule_names_the_field(mutate, path):
    data = result_to_dict(sample_result())
    mutate(data)
    with pytest.raises(ScheduleFormatError) as caught:
        parse_result(data)
    assert caught.value.path == path
    assert str(caught.value).startswith(path)


def test_load_schedule(tmp_path):
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(result_to_dict(sample_result())), encoding="utf-8")
    loaded = load_schedule(path)
    assert (
        loaded.sessions == sample_result().sessions and loaded.score == 42 and loaded.solve_seconds == 1.235
    )
    path.write_text(json.dumps({"format": "pitchday-schedule/1", "status": "optimal"}), encoding="utf-8")
    with pytest.raises(ScheduleFormatError) as caught:
        load_schedule(path)
    assert str(caught.value) == f"{path}: sessions is missing: expected a list of sessions"


def test_sessions_helpers_are_inverse():
    sessions = sample_result().sessions
    assert sessions_from_dicts(sessions_to_dicts(sessions)) == sessions
