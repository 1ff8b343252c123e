"""Fuzzing the event-file reader: only EventFormatError, with a message that names the field."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler import io as sio
from scheduler.io import EventFormatError
from tests.fuzz.mutations import ROUEN, broken_rouen, json_values

FUZZ = settings(max_examples=150, deadline=None)


def parse_or_explain(document: object) -> EventFormatError | None:
    """None when the document is a valid event; the error otherwise (any other exception fails the test)."""
    try:
        sio.parse_event(document)
    except EventFormatError as error:
        return error
    return None


@FUZZ
@given(broken_rouen())
def test_a_broken_rouen_file_is_refused_with_the_field_named(document):
    error = parse_or_explain(document)
    if error is None:
        return
    message = str(error)
    assert message and "\n" not in message
    if error.path:
        assert error.path in message
    else:
        assert "format" in message or "object" in message


@FUZZ
@given(json_values)
def test_any_json_value_is_refused_cleanly(document):
    error = parse_or_explain(document)
    assert error is not None
    assert str(error)


@FUZZ
@given(st.dictionaries(st.sampled_from(sorted(ROUEN)), json_values, max_size=len(ROUEN)))
def test_random_top_level_fields_are_refused_cleanly(document):
    document = {"format": "pitchday-event/1", **document}
    error = parse_or_explain(document)
    assert error is not None
    assert error.path and error.path.split(".")[0].split("[")[0] in str(error)


def test_deep_nesting_is_refused_cleanly():
    deep: object = "x"
    for _ in range(5000):
        deep = [deep]
    document = json.loads(json.dumps(ROUEN))
    document["pitches"][0]["topics"] = deep
    error = parse_or_explain(document)
    assert error is not None and error.path.startswith("pitches[0].topics")


def test_a_lone_surrogate_in_a_text_is_refused_and_shown_escaped():
    document = json.loads(json.dumps(ROUEN))
    document["event"]["name"] = "Rouen \ud800"
    error = parse_or_explain(document)
    assert error is not None and error.path == "event.name"
    str(error).encode("utf-8")  # the message itself can be written to a page


def test_the_rouen_file_itself_is_valid():
    assert parse_or_explain(json.loads(json.dumps(ROUEN))) is None
