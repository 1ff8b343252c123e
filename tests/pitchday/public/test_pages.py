"""The public pages: what a student sees without logging in, and what nobody sees."""

from __future__ import annotations

import pytest

from pitchday.extensions import db
from pitchday.models import Criterion, Score
from tests.builders import import_event, publish_by_hand


@pytest.fixture
def event(ctx, rouen):
    return import_event(rouen)


@pytest.fixture
def published(event):
    publish_by_hand(event)
    return event


def private_names(event) -> list[str]:
    return [expert.name for expert in event.experts] + [org.name for org in event.organisations]


def test_unpublished_event_lists_projects_and_nothing_private(client, event):
    page = client.get(f"/e/{event.slug}").get_data(as_text=True)

    assert "Le programme détaillé n'est pas encore publié." in page
    assert all(pitch.company in page for pitch in event.pitches)
    assert not [name for name in private_names(event) if name in page]


def test_agenda_by_day_with_breaks_and_pitch_details(client, published):
    page = client.get(f"/e/{published.slug}").get_data(as_text=True)

    assert "jeudi 30 novembre 2023" in page and "vendredi 1 décembre 2023" in page
    assert "Pause — Déjeuner" in page and "12:30–14:00" in page
    assert (
        "Mijuin-Malaunay" in page and "Malaunay" in page and "09:30–10:00" in page and "Amphithéâtre" in page
    )
    assert page.index("09:30–10:00") < page.index("12:30–14:00") < page.index("14:00–14:30")
    assert not [name for name in private_names(published) if name in page]


def test_sector_filter_without_javascript(client, published):
    page = client.get(f"/e/{published.slug}?secteur=industrie").get_data(as_text=True)

    # Every pitch stays in the page (the script filters instantly), the others hidden.
    assert 'data-sector="textile" data-room="amphi" hidden' in page
    assert 'data-sector="industrie" data-room="amphi">' in page
    assert '<option value="industrie" selected>' in page


def test_unknown_event_is_a_friendly_french_404(client, ctx):
    response = client.get("/e/nulle-part")

    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert '<html lang="fr">' in page and "Page introuvable" in page and "Retour à l'accueil" in page
    assert "Traceback" not in page


def test_unknown_room_is_404(client, published):
    assert client.get(f"/e/{published.slug}/salle/cave").status_code == 404
    assert client.get(f"/e/{published.slug}/agenda/salle/cave.ics").status_code == 404
    assert client.get(f"/e/{published.slug}/agenda/secteur/aerospatial.ics").status_code == 404


def test_now_page_with_a_chosen_moment(client, published):
    page = client.get(f"/e/{published.slug}/maintenant?now=2023-11-30T10:10").get_data(as_text=True)

    assert "10:10" in page and "jeudi 30 novembre 2023" in page
    amphi = page[page.index('data-room="amphi"') : page.index('data-room="salle-b"')]
    assert amphi.index("Aurthus et Paole") < amphi.index("À suivre") < amphi.index("Projet 5")
    assert "Heure choisie dans l’adresse" in page


def test_now_page_in_a_break(client, published):
    page = client.get(f"/e/{published.slug}/maintenant?now=2023-11-30T13:00").get_data(as_text=True)

    assert "Pause — Déjeuner" in page


def test_a_bad_moment_is_a_clear_400(client, published):
    response = client.get(f"/e/{published.slug}/maintenant?now=demain")

    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


def test_room_board(client, published):
    page = client.get(f"/e/{published.slug}/salle/salle-b?now=2023-11-30T14:10").get_data(as_text=True)

    assert '<body class="board">' in page
    assert "Salle B" in page and "Touroul-Chevalerie" in page and "Projet 7" in page
    assert "Projet 4" not in page  # the other room's pitch


def test_results_hidden_until_published(client, published):
    criterion = Criterion(event=published, position=0, label="Impact", scale_min=0, scale_max=10)
    for value, pitch in zip((7, 9), published.pitches[:2], strict=True):
        db.session.add(Score(pitch=pitch, expert=published.experts[0], criterion=criterion, value=value))
    db.session.commit()

    before = client.get(f"/e/{published.slug}/resultats").get_data(as_text=True)
    assert "pas encore publiés" in before
    assert "<table" not in before and "90" not in before

    published.results_published = True
    db.session.commit()
    after = client.get(f"/e/{published.slug}/resultats").get_data(as_text=True)
    assert "<table" in after
    assert after.index("Aurthus et Paole") < after.index("Mijuin-Malaunay")
    assert not [name for name in private_names(published) if name in after]


def test_english_by_the_switch(client, published):
    client.get("/langue/en")
    page = client.get(f"/e/{published.slug}").get_data(as_text=True)

    assert '<html lang="en">' in page


def test_unpublished_event_has_no_now_next_and_no_private_data(client, event):
    feed = client.get(f"/e/{event.slug}/maintenant.json?now=2023-11-30T10:00").json
    board = client.get(f"/e/{event.slug}/salle/amphi?now=2023-11-30T10:00").get_data(as_text=True)

    assert feed["version"] is None
    assert all(room["current"] is None and room["next"] is None for room in feed["rooms"])
    assert "pas encore publié" in board
    assert not [name for name in private_names(event) if name in board]


def test_every_public_page_keeps_panels_and_jurors_private(client, published):
    published.results_published = True
    db.session.commit()
    for path in (
        "",
        "/maintenant?now=2023-11-30T10:00",
        "/maintenant.json?now=2023-11-30T10:00",
        "/salle/amphi?now=2023-11-30T10:00",
        "/resultats",
        "/agenda.ics",
    ):
        body = client.get(f"/e/{published.slug}{path}").get_data(as_text=True)
        assert not [name for name in private_names(published) if name in body], path


def test_room_board_links_of_now_page_keep_the_chosen_moment(client, published):
    """Item 8 of issue 13: from « En ce moment » at a chosen moment, a room's screen shows that moment too."""
    page = client.get(f"/e/{published.slug}/maintenant?now=2023-11-30T14:10").get_data(as_text=True)

    assert f'href="/e/{published.slug}/salle/salle-b?now=2023-11-30T14:10"' in page
    board = client.get(f"/e/{published.slug}/salle/salle-b?now=2023-11-30T14:10").get_data(as_text=True)
    assert "Touroul-Chevalerie" in board


def test_now_page_links_room_boards_plainly_without_a_chosen_moment(client, published):
    page = client.get(f"/e/{published.slug}/maintenant").get_data(as_text=True)

    assert f'href="/e/{published.slug}/salle/salle-b"' in page


def test_a_break_named_pause_is_not_written_twice(client, published):
    """Item 8 of issue 13: the Friday break of the demo is labelled « Pause »: no « Pause — Pause »."""
    programme = client.get(f"/e/{published.slug}").get_data(as_text=True)
    now = client.get(f"/e/{published.slug}/maintenant?now=2023-12-01T10:35").get_data(as_text=True)
    feed = client.get(f"/e/{published.slug}/maintenant.json?now=2023-12-01T10:35").get_json()

    assert "Pause — Pause" not in programme and "Pause — Pause" not in now
    assert "10:30–10:45" in programme and "Pause — Déjeuner" in programme
    assert '<p class="slot-empty slot-break">Pause</p>' in now
    assert {room["break_title"] for room in feed["rooms"]} == {"Pause"}
