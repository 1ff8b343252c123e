"""The services' refusals and the versions' origins: codes and parameters, worded in the visitor's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from pitchday.extensions import db
from pitchday.services import locks, moves, solving, versions, wording
from tests.builders import create_organiser, import_event, login
from tests.language import french_in, readable_text

PARAMETER = re.compile(r"%\(([a-z_]+)\)s")
VALIDATE = Path(__file__).resolve().parents[3] / "scheduler" / "validate.py"


def in_both(thing) -> tuple[str, str]:
    with force_locale("fr"):
        french = str(thing)
    with force_locale("en"):
        english = str(thing)
    return french, english


@pytest.mark.parametrize("table", ["REFUSALS", "ORIGINS", "TERM_LABELS"])
def test_every_code_is_worded_in_french_and_in_english(ctx, table):
    for code, words in getattr(wording, table).items():
        french, english = in_both(words)
        assert english != french, code
        assert PARAMETER.findall(english) == PARAMETER.findall(french) or set(
            PARAMETER.findall(english)
        ) == set(PARAMETER.findall(french)), code
        assert french_in(english) == [], code


def test_every_hard_rule_of_the_scheduler_has_its_sentence():
    rules = set(re.findall(r'Violation\(\s*"([a-z_]+)"', VALIDATE.read_text(encoding="utf-8")))

    assert rules and rules <= set(wording.REFUSALS)


@pytest.fixture
def draft(ctx, rouen):
    event = import_event(rouen)
    version = versions.save_result(event, solving.solve_now(event, time_limit=5), wording.Origin("generated"))
    db.session.commit()
    return version


def refusal_of(action) -> moves.PlanningError:
    with pytest.raises(moves.PlanningError) as refused:
        action()
    db.session.rollback()
    return refused.value


def test_each_refusal_of_a_change_is_worded_in_both_languages(draft):
    session = draft.sessions[0]
    other = next(s for s in draft.sessions if s.pitch_id != session.pitch_id)
    last_day = max(s.date for s in draft.sessions)
    juror = draft.event.experts[0]
    locks.lock_juror(other.pitch, juror)
    db.session.commit()
    refusals = {
        "outside the day": lambda: moves.move_pitch(
            draft, session.pitch, day=session.date, start=23 * 60, room=session.room
        ),
        "onto another pitch": lambda: moves.move_pitch(
            draft, session.pitch, day=other.date, start=other.start_min, room=other.room
        ),
        "nothing changed": lambda: moves.move_pitch(
            draft, session.pitch, day=session.date, start=session.start_min, room=session.room
        ),
        "zero delay": lambda: moves.delay(draft, day=session.date, after=0, minutes=0),
        "nothing to shift": lambda: moves.delay(draft, day=last_day, after=23 * 60, minutes=5),
        "shift out of the day": lambda: moves.delay(draft, day=session.date, after=0, minutes=600),
        "lock of nothing": lambda: locks.lock_slot(session.pitch, day=None, start=None, room=None),
        "juror locked twice": lambda: locks.lock_juror(other.pitch, juror),
    }
    for what, action in refusals.items():
        error = refusal_of(action)
        assert error.refusals, what
        for refusal in error.refusals:
            french, english = in_both(refusal)
            assert refusal.code in wording.REFUSALS, what
            assert french != english, what
            assert french_in(english) == [], (what, english)
        french, english = in_both(error)  # str(error): the reasons, worded when read
        assert french != english and french_in(english) == [], what


def test_a_refused_move_reads_in_english_on_an_english_page(client, draft):
    """Defect 4: « Move refused: Expert UIMM 2 juge… est verrouillé… » on the English interface."""
    event = draft.event
    session = draft.sessions[0]
    create_organiser()
    login(client)
    client.get("/langue/en")

    response = client.post(
        f"/organisation/evenements/{event.slug}/versions/{draft.id}/deplacer",
        data={
            "pitch": session.pitch.key,
            "day": session.date.isoformat(),
            "start": "23:00",
            "room": session.room.key,
        },
    )
    page = readable_text(response.get_data(as_text=True))

    assert f"{session.pitch.company} runs outside the day's hours." in page
    assert french_in(page) == []


def test_a_delay_and_a_replan_are_named_in_the_visitors_language(client, draft):
    """Defect 3 and 4: the origin is a code; a re-plan names its base as the organiser sees it."""
    event = draft.event
    # Room to shift into: a later end of day, and every expert free all day.
    for day in event.days:
        day.end_min = 20 * 60
    for expert in event.experts:
        expert.windows.clear()
    published = versions.publish(draft)
    day = draft.sessions[-1].date
    last = max(s.start_min for s in draft.sessions if s.date == day)
    delayed = moves.delay(published, day=day, after=last, minutes=15)
    at = f"{last // 60:02d}:{last % 60:02d}"
    replanned = versions.save_result(
        event, solving.solve_now(event, time_limit=5), wording.replanned_from(published)
    )
    db.session.commit()

    assert (delayed.origin, delayed.origin_params) == ("delay_all", {"minutes": 15, "time": at})
    assert in_both(wording.Origin(delayed.origin, delayed.origin_params)) == (
        f"Retard de 15 min dès {at} (toutes les salles)",
        f"15 min delay from {at} (all rooms)",
    )
    assert in_both(wording.Origin(replanned.origin, replanned.origin_params)) == (
        f"Re-planification depuis la version publiée {published.number}",
        f"Re-plan from published version {published.number}",
    )
    assert replanned.origin_params == {"number": published.number}  # not the draft's id

    create_organiser()
    login(client)
    client.get("/langue/en")
    workspace = client.get(f"/organisation/evenements/{event.slug}/planning").get_data(as_text=True)
    assert f"15 min delay from {at} (all rooms)" in workspace
    assert f"Re-plan from published version {published.number}" in workspace
    assert "Generated" in workspace
    assert french_in(workspace) == []


def test_a_version_saved_before_origins_were_codes_keeps_its_words(draft):
    draft.origin, draft.note = "", "Retard de 15 min dès 10:00 (toutes les salles)"

    assert wording.origin_words(draft) == "Retard de 15 min dès 10:00 (toutes les salles)"
