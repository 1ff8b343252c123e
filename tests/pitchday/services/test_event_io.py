"""Import and export of the event file through the database."""

from __future__ import annotations

import copy
import io
import json
import re

import pytest
from flask_babel import force_locale

from pitchday.extensions import db
from pitchday.models import Event, Expert, Pitch
from pitchday.services import event_io
from scheduler import io as sio
from tests.builders import create_organiser, login
from tests.language import french_in


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


# --- refusals worded in the visitor's language (issue 13, defect 4) ---------------------------------

PARAMETER = re.compile(r"%\(([a-z_]+)\)s")


@pytest.mark.parametrize(
    ("templates", "words"),
    [(sio.EXPECTATIONS, event_io.EXPECTED_WORDS), (sio.FILE_PROBLEMS, event_io.FILE_PROBLEM_WORDS)],
    ids=["expectations", "file problems"],
)
def test_every_refusal_code_of_the_scheduler_is_worded_in_french_and_english(ctx, templates, words):
    assert set(words) == set(templates)
    for code, english_template in templates.items():
        with force_locale("fr"):
            french = str(words[code])
        with force_locale("en"):
            english = str(words[code])
        assert english != french or not re.search("[a-z]{4}", french), code
        # The words use only the parameters the scheduler gives (the JSON parser's English reason aside;
        # a duplicate id also gives its section, "rooms", beside the English "room").
        given = set(PARAMETER.findall(english_template)) | ({"section"} if code == "unique_id" else set())
        assert set(PARAMETER.findall(french)) <= given, code
        assert set(PARAMETER.findall(english)) == set(PARAMETER.findall(french)), code


BROKEN_FILES = [
    ("panel.size", lambda d: d["panel"].update(size=0)),
    ("panel.size", lambda d: d["panel"].update(size=99)),
    ("format", lambda d: d.update(format="pitchday-schedule/1")),
    ("event", lambda d: d.pop("event")),
    ("event.timezone", lambda d: d["event"].update(timezone="Europe/Rouen")),
    ("days", lambda d: d.update(days=[])),
    ("days[0].date", lambda d: d["days"][0].update(date="30/11/2023")),
    ("days[0].start", lambda d: d["days"][0].update(start="09:32")),
    ("days[0].end", lambda d: d["days"][0].update(end="09:00")),
    ("days[0].breaks[0].end", lambda d: d["days"][0]["breaks"][0].update(end="23:00")),
    ("rooms[1].id", lambda d: d["rooms"][1].update(id=d["rooms"][0]["id"])),
    ("rooms[0].capacity", lambda d: d["rooms"][0].update(capacity="big")),
    ("pitches[0].company", lambda d: d["pitches"][0].update(company="x" * 500)),
    ("pitches[0].title", lambda d: d["pitches"][0].update(title="a\x07b")),
    ("pitches[2].topics", lambda d: d["pitches"][2].update(topics="textile")),
    ("pitches[3].duration_min", lambda d: d["pitches"][3].update(duration_min=17)),
    ("experts[0].organisation", lambda d: d["experts"][0].update(organisation="medef")),
    ("experts[0].max_pitches", lambda d: d["experts"][0].update(min_pitches=5, max_pitches=2)),
    ("locks[0]", lambda d: d.update(locks=[{"pitch": d["pitches"][0]["id"]}])),
    ("weights.w_xx", lambda d: d.update(weights={"w_xx": 1})),
    ("pitches[0].contact_email", lambda d: d["pitches"][0].update(contact_email="not an address")),
]


@pytest.mark.parametrize(("field", "mutate"), BROKEN_FILES, ids=[field for field, _ in BROKEN_FILES])
def test_a_refused_file_is_explained_wholly_in_the_visitors_language(ctx, rouen, field, mutate):
    mutate(rouen)
    with pytest.raises(event_io.EventFormatError) as raised:
        event_io.import_event(rouen)
    error = raised.value
    db.session.rollback()

    with force_locale("fr"):
        french = event_io.describe_refusal(error)
    with force_locale("en"):
        english = event_io.describe_refusal(error)

    assert error.path == field and field in french and field in english
    assert error.expected not in french  # the scheduler's English words stay out of the French message
    assert "attendu" in french
    assert "expected:" in english
    assert french_in(english) == []


@pytest.mark.parametrize(
    "raw",
    [
        "{}".encode("utf-16"),
        b'{"format": "\xff"}',
        b'{"format": "a\x00"}',
        b'{"format": ',
        b'{"format": 1, "format": 2}',
        b'{"grid_min": NaN}',
        b"[" * 100_000,
        b'{"grid_min": ' + b"9" * 5000 + b"}",
    ],
    ids=[
        "utf16",
        "not_utf8",
        "nul_bytes",
        "json_syntax",
        "duplicate_key",
        "json_constant",
        "too_deep",
        "digits",
    ],
)
def test_an_unreadable_file_is_explained_in_the_visitors_language(ctx, raw):
    with pytest.raises(event_io.EventFormatError) as raised:
        event_io.import_event_file(raw)
    error = raised.value

    with force_locale("fr"):
        french = event_io.describe_refusal(error)
    with force_locale("en"):
        english = event_io.describe_refusal(error)

    assert error.code in sio.FILE_PROBLEMS
    assert french.startswith("Le fichier n'est pas lisible") and error.detail not in french
    assert english.startswith("The file cannot be read") and french_in(english) == []


def test_the_import_page_words_a_refused_file_in_the_visitors_language(client, ctx, rouen):
    rouen["panel"]["size"] = 0
    create_organiser()
    login(client)

    def refusal_page(lang: str) -> str:
        client.get(f"/langue/{lang}")
        client.post(
            "/organisation/evenements/importer",
            content_type="multipart/form-data",
            data={"event_file": (io.BytesIO(json.dumps(rouen).encode()), "event.json")},
        )
        return client.get("/organisation/").get_data(as_text=True)

    english, french = refusal_page("en"), refusal_page("fr")

    assert "File refused, nothing was imported." in english
    assert "expected: a whole number of experts, at least 1" in english
    assert french_in(english) == []
    assert "attendu : un nombre entier d&#39;experts, au moins 1" in french
    assert "is not valid" not in french and "expected" not in french
