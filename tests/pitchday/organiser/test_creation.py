"""The guided creation of an event: each step kept, each bad field answered beside itself, the creator owner."""

from __future__ import annotations

import pytest

from pitchday.extensions import db
from pitchday.models import Criterion, Event, TeamMember
from pitchday.services import event_io
from tests.builders import create_organiser, login

BASE = "/organisation/evenements/nouveau"

EVENT_STEP = {"name": "Journée pitch Caen 2024", "venue": "CCI Caen Normandie", "timezone": "Europe/Paris"}
DAYS_STEP = {
    "days-0-day": "2024-03-14",
    "days-0-start": "09:00",
    "days-0-end": "17:30",
    "days-0-breaks": "12:30-14:00 Déjeuner\n15:30-15:45 Café",
    "days-1-day": "2024-03-15",
    "days-1-start": "09:00",
    "days-1-end": "12:30",
    "days-1-breaks": "",
    "days-2-day": "",
    "days-2-start": "",
    "days-2-end": "",
    "days-2-breaks": "",
}
ROOMS_STEP = {
    "rooms-0-name": "Salle Seine",
    "rooms-0-capacity": "40",
    "rooms-1-name": "Amphi",
    "rooms-1-capacity": "",
}
PANEL_STEP = {
    "organisations-0-name": "UIMM",
    "organisations-0-required": "y",
    "organisations-1-name": "CETIM",
    "organisations-2-name": "",
    "organisations-2-required": "y",  # a ticked box on an empty line is no organisation
    "panel_size": "3",
    "max_per_organisation": "2",
    "duration_min": "15",
    "qa_min": "10",
    "changeover_min": "5",
}


def rubric_step(client) -> dict:
    """The rubric step as the page offers it: the four default criteria, unchanged."""
    page = client.get(f"{BASE}/grille").get_data(as_text=True)
    assert page.count('name="criteria-') >= 4 * 5
    from pitchday.services.rubric import DEFAULT_RUBRIC

    data = {}
    for i, (label, description, weight) in enumerate(DEFAULT_RUBRIC):
        data |= {
            f"criteria-{i}-label": label,
            f"criteria-{i}-description": description,
            f"criteria-{i}-weight": str(weight),
            f"criteria-{i}-scale_min": "0",
            f"criteria-{i}-scale_max": "10",
        }
    return data


@pytest.fixture
def organiser(client, ctx):
    create_organiser()
    login(client)


def walk_to(client, last: str | None) -> None:
    """Give every step up to ``last`` (included) with good values; None gives none."""
    if last is None:
        return
    for step, data in (
        ("evenement", EVENT_STEP),
        ("jours", DAYS_STEP),
        ("salles", ROOMS_STEP),
        ("jury", PANEL_STEP),
    ):
        response = client.post(f"{BASE}/{step}", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
        if step == last:
            return


def test_the_five_steps_make_an_event_owned_by_its_creator(client, organiser):
    assert 'action="/organisation/evenements/nouveau/evenement"' in client.get(BASE).get_data(as_text=True)
    walk_to(client, "jury")
    response = client.post(f"{BASE}/grille", data=rubric_step(client))
    assert response.status_code == 302
    event = db.session.execute(db.select(Event)).scalar_one()
    assert response.headers["Location"].endswith(f"/organisation/evenements/{event.slug}/modifier")

    exported = event_io.export_event(event)
    assert exported["event"] == EVENT_STEP
    assert exported["days"] == [
        {
            "date": "2024-03-14",
            "start": "09:00",
            "end": "17:30",
            "breaks": [
                {"start": "12:30", "end": "14:00", "label": "Déjeuner"},
                {"start": "15:30", "end": "15:45", "label": "Café"},
            ],
        },
        {"date": "2024-03-15", "start": "09:00", "end": "12:30", "breaks": []},
    ]
    assert exported["rooms"] == [
        {"id": "salle-seine", "name": "Salle Seine", "capacity": 40},
        {"id": "amphi", "name": "Amphi"},
    ]
    assert exported["organisations"] == [{"id": "uimm", "name": "UIMM"}, {"id": "cetim", "name": "CETIM"}]
    assert exported["panel"] == {"size": 3, "required_organisations": ["uimm"], "max_per_organisation": 2}
    assert exported["pitch_defaults"] == {"duration_min": 15, "qa_min": 10, "changeover_min": 5}
    assert exported["pitches"] == [] and exported["experts"] == []

    criteria = db.session.execute(db.select(Criterion).order_by(Criterion.position)).scalars().all()
    assert [(c.label, c.weight) for c in criteria] == [
        ("Potentiel de relocalisation", 3.0),
        ("Faisabilité industrielle", 3.0),
        ("Modèle économique", 2.0),
        ("Qualité du pitch", 1.0),
    ]
    member = db.session.execute(db.select(TeamMember).filter_by(event_id=event.id)).scalar_one()
    assert member.role == "owner" and member.organiser.email == "orga@example.org"
    # The draft is gone: a new creation starts from the first step.
    assert 'action="/organisation/evenements/nouveau/evenement"' in client.get(BASE).get_data(as_text=True)


def test_a_step_cannot_be_skipped(client, organiser):
    assert client.get(f"{BASE}/salles").headers["Location"].endswith(f"{BASE}/evenement")
    walk_to(client, "evenement")
    assert client.get(f"{BASE}/jury").headers["Location"].endswith(f"{BASE}/jours")


def test_a_given_step_shows_again_what_was_typed(client, organiser):
    walk_to(client, "jours")
    page = client.get(f"{BASE}/jours").get_data(as_text=True)
    assert 'value="2024-03-14"' in page and "12:30-14:00 Déjeuner" in page and 'value="12:30"' in page
    page = client.get(f"{BASE}/evenement").get_data(as_text=True)
    assert 'value="CCI Caen Normandie"' in page


def test_a_break_outside_its_day_is_refused_beside_it_and_nothing_typed_is_lost(client, organiser):
    walk_to(client, "evenement")
    data = DAYS_STEP | {"days-1-breaks": "12:00-13:00 Déjeuner tardif"}  # the 15th ends at 12:30
    response = client.post(f"{BASE}/jours", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "12:30" in page and "field-error" in page
    assert "Déjeuner tardif" in page and 'value="2024-03-15"' in page and "15:30-15:45 Café" in page
    # Refused, the step is not given: the next one does not open.
    assert client.get(f"{BASE}/salles").headers["Location"].endswith(f"{BASE}/jours")


@pytest.mark.parametrize(
    ("step", "data", "expected"),
    [
        ("evenement", EVENT_STEP | {"name": ""}, "Ce champ est obligatoire."),
        ("jours", DAYS_STEP | {"days-0-start": "9h"}, "Heure attendue au format HH:MM"),
        ("jours", DAYS_STEP | {"days-0-breaks": "déjeuner à midi"}, "pause attendue au format HH:MM-HH:MM"),
        ("jours", DAYS_STEP | {"days-0-start": "09:03"}, "La valeur &#34;09:03&#34; n&#39;est pas acceptée"),
        ("jours", {"days-0-day": ""}, "Indiquez au moins un jour."),
        ("salles", {"rooms-0-name": ""}, "Indiquez au moins une salle."),
        ("salles", ROOMS_STEP | {"rooms-1-capacity": "-3"}, "Indiquez un nombre entier."),
        ("jury", PANEL_STEP | {"panel_size": "0"}, "Indiquez un nombre entier."),
        ("jury", PANEL_STEP | {"duration_min": "12"}, "La valeur 12 n&#39;est pas acceptée"),  # off the grid
    ],
)
def test_bad_fields_get_a_message_in_french(client, organiser, step, data, expected):
    walk_to(client, {"evenement": None, "jours": "evenement", "salles": "jours", "jury": "salles"}[step])
    response = client.post(f"{BASE}/{step}", data=data)
    assert response.status_code == 422
    assert expected in response.get_data(as_text=True)
    assert db.session.execute(db.select(Event)).first() is None


def test_a_bad_criterion_is_refused_and_no_event_is_made(client, organiser):
    walk_to(client, "jury")
    data = rubric_step(client) | {"criteria-1-scale_min": "10", "criteria-1-scale_max": "0"}
    response = client.post(f"{BASE}/grille", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Le bas de l&#39;échelle doit être plus petit que le haut." in page
    assert "Faisabilité industrielle" in page
    assert db.session.execute(db.select(Event)).first() is None


def test_the_pages_and_messages_in_english(client, organiser):
    with client.session_transaction() as stored:
        stored["lang"] = "en"
    page = client.get(f"{BASE}/evenement").get_data(as_text=True)
    assert "Create an event" in page
    response = client.post(f"{BASE}/evenement", data=EVENT_STEP | {"venue": ""})
    assert "This field is required." in response.get_data(as_text=True)
    walk_to(client, "evenement")
    response = client.post(f"{BASE}/jours", data=DAYS_STEP | {"days-0-start": "9h"})
    assert "Enter the time as HH:MM" in response.get_data(as_text=True)


def test_more_rows_keeps_what_was_typed(client, organiser):
    walk_to(client, "jours")
    response = client.post(f"{BASE}/salles", data=ROOMS_STEP | {"more": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Salle Seine"' in page and 'name="rooms-3-name"' in page


def test_abandon_forgets_the_draft(client, organiser):
    walk_to(client, "jours")
    assert 'action="/organisation/evenements/nouveau/salles"' in client.get(BASE).get_data(as_text=True)
    client.post(f"{BASE}/abandonner")
    assert 'action="/organisation/evenements/nouveau/evenement"' in client.get(BASE).get_data(as_text=True)
    page = client.get(f"{BASE}/evenement").get_data(as_text=True)
    assert "CCI Caen Normandie" not in page
