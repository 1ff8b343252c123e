"""A programme coordinator reads the programme: Rouen and Lille, each event's state, each dossier
placed within its own event; the public reads the programme's events by city."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from pitchday.extensions import db
from pitchday.models import Event, PanelSeat, ScheduledSession, Score
from pitchday.services import accounts, rubric, teams
from tests.builders import ORGANISER_EMAIL, browser_login, published_scoring_day
from tests.conftest import ROUEN

pytestmark = pytest.mark.browser


def mark_every_seat(event: Event, values: dict[str, int]) -> None:
    """Each panel juror gives the pitch the same mark on every criterion (pitch key -> mark)."""
    criteria = rubric.criteria_of(event)
    seats = db.session.execute(
        select(PanelSeat)
        .join(ScheduledSession, ScheduledSession.id == PanelSeat.session_id)
        .where(ScheduledSession.pitch_id.in_([p.id for p in event.pitches if p.key in values]))
    ).scalars()
    for seat in seats:
        pitch = seat.session.pitch
        for criterion in criteria:
            db.session.add(
                Score(
                    pitch_id=pitch.id,
                    expert_id=seat.expert_id,
                    criterion_id=criterion.id,
                    value=values[pitch.key],
                )
            )


@pytest.fixture
def programme(app) -> dict:
    """Rouen (scored, results published) and Lille (scored, results not published) in one programme,
    coordinated by the tests' organiser, who is in neither event's team (so made by hand, not with
    tests.builders.create_organiser, which would make it their owner)."""
    with app.app_context():
        rouen = db.session.get(Event, published_scoring_day(copy.deepcopy(ROUEN)).event_id)
        lille_file = copy.deepcopy(ROUEN)
        lille_file["event"].update(name="Accélérateur — Lille 2023", venue="EuraTechnologies, Lille")
        lille = db.session.get(Event, published_scoring_day(lille_file).event_id)
        mark_every_seat(rouen, {"mijuin-malaunay": 9, "aurthus-et-paole": 6, "touroul-chevalerie": 3})
        mark_every_seat(lille, {"mijuin-malaunay": 2, "projet-4": 5})
        rouen.results_published = True
        coordinator = accounts.create_organiser(ORGANISER_EMAIL, "correct horse battery", "Coordination")
        found = teams.create_programme(
            "accelerateur-2023", "Accélérateur Relocalisation-Réindustrialisation 2023"
        )
        teams.attach(rouen, found)
        teams.attach(lille, found)
        teams.make_coordinator(found, coordinator)
        db.session.commit()
        return {"rouen": rouen.slug, "lille": lille.slug}


@pytest.fixture
def viewport() -> dict:
    return {"width": 1300, "height": 1000}


def test_the_programme_view_shows_two_events_in_two_cities(live_server, page, programme):
    browser_login(page, live_server)
    page.get_by_role("link", name="Accélérateur Relocalisation-Réindustrialisation 2023").click()

    rows = page.locator("table.programme-events tbody tr")
    assert rows.count() == 2
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(2)] == ["Lille", "Rouen"]
    lille, rouen = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert "oui, version 1" in lille and "oui, version 1" in rouen
    assert rouen.rstrip().endswith("oui") and lille.rstrip().endswith(
        "non"
    )  # results published in Rouen only
    assert "9 notations complètes sur 12" in rouen  # 3 pitches marked of the 4 on the agenda
    assert "calibrées au sein d'un événement seulement" in page.locator(".calibration-note").inner_text()

    sections = page.locator("section.programme-event")
    assert sections.count() == 2
    lille_places = sections.nth(0).locator("tbody tr")
    rouen_places = sections.nth(1).locator("tbody tr")
    assert [rouen_places.nth(i).locator("td").nth(1).inner_text() for i in range(3)] == [
        "Mijuin-Malaunay",
        "Aurthus et Paole",
        "Touroul-Chevalerie",
    ]
    assert rouen_places.nth(0).locator("td").first.inner_text() == "1 sur 3"
    assert [rouen_places.nth(i).locator("td").nth(3).inner_text() for i in range(3)] == ["100", "50", "0"]
    # Lille's best had lower raw marks than Rouen's second: it is still first of its own event.
    assert lille_places.nth(0).locator("td").nth(1).inner_text() == "Projet 4"
    assert lille_places.nth(0).locator("td").first.inner_text() == "1 sur 2"


def test_the_public_programme_lists_its_events_by_city(live_server, page, programme):
    page.goto(f"{live_server}/programme/accelerateur-2023")

    cities = page.locator(".programme-cities h2")
    assert [cities.nth(i).inner_text() for i in range(cities.count())] == ["Lille", "Rouen"]
    page.get_by_role("link", name="Accélérateur — Lille 2023").click()
    page.wait_for_url(f"**/e/{programme['lille']}")


def test_a_coordinator_reads_an_event_of_the_programme_but_cannot_change_it(live_server, page, programme):
    browser_login(page, live_server)

    # The event's page, not its live board: a board left open would keep streaming after the test.
    shown = page.goto(f"{live_server}/organisation/evenements/{programme['rouen']}")
    assert shown.status == 200
    assert "/jury/" not in page.content()  # a coordinator reads, but never sees the jurors' links
    refused = page.request.post(f"{live_server}/organisation/notes/{programme['rouen']}/resultats")
    assert refused.status == 403
