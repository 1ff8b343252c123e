"""The guided creation under hostile values, step by step: each step reached with good values before, then
every field of the step given each hostile value. No answer is a 5xx or a traceback; a refused step is
answered on its page (4xx, or the page again), and no event exists until the last step is accepted.

The URL-map fuzz (test_url_map.py) sends one request per route: it never gets past the first step,
since a step needs the ones before it in the session. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import pytest

from pitchday.extensions import db
from pitchday.models import Event
from tests.builders import create_organiser, login
from tests.fuzz.test_url_map import HOSTILE
from tests.pitchday.organiser.test_creation import (
    BASE,
    DAYS_STEP,
    EVENT_STEP,
    PANEL_STEP,
    ROOMS_STEP,
    rubric_step,
    walk_to,
)

STEPS = [("evenement", None), ("jours", "evenement"), ("salles", "jours"), ("jury", "salles")]
GOOD = {"evenement": EVENT_STEP, "jours": DAYS_STEP, "salles": ROOMS_STEP, "jury": PANEL_STEP}


@pytest.fixture
def organiser(client, ctx):
    create_organiser()
    login(client)


def events() -> int:
    db.session.rollback()  # a fresh read: the requests committed in their own sessions
    return db.session.execute(db.select(db.func.count()).select_from(Event)).scalar_one()


def answered_well(response, what: str) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code < 500, what
    assert "Traceback" not in text, what
    assert response.status_code in (200, 302, 303) or 400 <= response.status_code < 500, what


@pytest.mark.parametrize(("step", "before"), STEPS)
def test_every_field_of_a_step_takes_every_hostile_value(client, organiser, step, before):
    for field in GOOD[step]:
        for value in HOSTILE:
            walk_to(client, before)
            response = client.post(f"{BASE}/{step}", data=GOOD[step] | {field: value})
            answered_well(response, f"{step}.{field}={value[:30]!r}")
    assert events() == 0  # nothing is made before the last step


def test_the_rubric_step_takes_every_hostile_value_and_makes_at_most_one_event_per_acceptance(
    client, organiser
):
    walk_to(client, "jury")
    good = rubric_step(client)
    made = 0
    for field in good:
        for value in HOSTILE:
            walk_to(client, "jury")
            response = client.post(f"{BASE}/grille", data=good | {field: value})
            answered_well(response, f"grille.{field}={value[:30]!r}")
            if response.status_code == 302 and "/modifier" in response.headers["Location"]:
                made += 1
            assert events() == made, f"grille.{field}={value[:30]!r}"
