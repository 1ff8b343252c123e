"""Editing forms: each kind of item can be added and changed; French messages; nothing kept on refusal."""

from __future__ import annotations

from datetime import date

import pytest

from pitchday.extensions import db
from pitchday.models import Criterion, EventDay, Expert, Organisation, Pitch, Room
from pitchday.services import solving, versions
from tests.builders import create_organiser, import_event, login


@pytest.fixture
def event(client, ctx, rouen):
    create_organiser()
    login(client)
    return import_event(rouen)


def base(event) -> str:
    return f"/organisation/evenements/{event.slug}/modifier"


def test_edit_page_lists_every_section(client, event):
    page = client.get(base(event)).get_data(as_text=True)
    for anchor in ("rules", "jours", "salles", "organisations", "pitchs", "jures", "criteres"):
        assert f'id="{anchor}"' in page
    assert "Mijuin-Malaunay" in page


@pytest.mark.parametrize("kind", ["jours", "salles", "organisations", "pitchs", "jures", "criteres"])
def test_new_item_forms_render(client, event, kind):
    assert client.get(f"{base(event)}/{kind}/nouveau").status_code == 200


def test_existing_items_prefill(client, event):
    pitch = event.pitches[0]
    page = client.get(f"{base(event)}/pitchs/{pitch.id}").get_data(as_text=True)
    assert pitch.company in page and pitch.key in page
    expert = event.experts[1]
    assert expert.name in client.get(f"{base(event)}/jures/{expert.id}").get_data(as_text=True)
    assert "12:30-14:00 Déjeuner" in client.get(f"{base(event)}/jours/{event.days[0].id}").get_data(
        as_text=True
    )


def test_add_room_organisation_pitch_expert_day_and_criterion(client, event):
    assert (
        client.post(
            f"{base(event)}/salles/nouveau", data={"key": "salle-c", "name": "Salle C", "capacity": "30"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{base(event)}/organisations/nouveau", data={"key": "bpi", "name": "Bpifrance"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{base(event)}/pitchs/nouveau",
            data={
                "key": "projet-8",
                "company": "Nouvelle",
                "title": "Un titre",
                "sector": "Chimie",
                "city": "Rouen",
                "topics": "chimie, énergie",
                "rooms": ["salle-c"],
                "windows": "2023-11-30 14:00-17:30",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{base(event)}/jures/nouveau",
            data={
                "key": "bpi-1",
                "name": "Jeanne Roux",
                "organisation": "bpi",
                "topics": "énergie",
                "min_pitches": "1",
                "max_pitches": "3",
                "conflicts": ["projet-8"],
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{base(event)}/jours/nouveau",
            data={"day": "2023-12-02", "start": "09:00", "end": "12:00", "breaks": "10:30-10:45 Café"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{base(event)}/criteres/nouveau",
            data={"label": "Impact", "weight": "2", "scale_min": "0", "scale_max": "5"},
        ).status_code
        == 302
    )

    pitch = db.session.execute(db.select(Pitch).filter_by(key="projet-8")).scalar_one()
    assert pitch.topics == ["chimie", "énergie"] and pitch.allowed_rooms[0].room.key == "salle-c"
    expert = db.session.execute(db.select(Expert).filter_by(key="bpi-1")).scalar_one()
    assert expert.conflicts[0].pitch_id == pitch.id and expert.organisation.key == "bpi"
    day = db.session.execute(db.select(EventDay).filter_by(date=date(2023, 12, 2))).scalar_one()
    assert day.breaks[0].label == "Café"
    assert db.session.execute(db.select(Criterion).filter_by(label="Impact")).scalar_one().scale_max == 5
    assert db.session.execute(db.select(Room).filter_by(key="salle-c")).scalar_one().capacity == 30


BAD_FORMS = [
    ("salles", {"key": "amphi", "name": "Doublon"}, "déjà pris"),
    ("salles", {"key": "salle c", "name": "Espace"}, "(pas d"),
    ("pitchs", {"key": "p-9", "company": "", "title": "T", "sector": "S"}, "Ce champ est obligatoire"),
    (
        "pitchs",
        {"key": "p-9", "company": "C", "title": "T", "sector": "S", "windows": "demain"},
        "AAAA-MM-JJ",
    ),
    ("pitchs", {"key": "p-9", "company": "C", "title": "T", "sector": "S", "duration_min": "17"}, "grid"),
    (
        "jures",
        {"key": "x-1", "name": "X", "organisation": "uimm", "min_pitches": "4", "max_pitches": "2"},
        "au moins égal au minimum",
    ),
    ("jours", {"day": "2023-11-30", "start": "09:00", "end": "12:00"}, "déjà un jour"),
    ("jours", {"day": "2023-12-05", "start": "12:00", "end": "09:00"}, "valide"),
    ("jours", {"day": "pas une date", "start": "09:00", "end": "12:00"}, "date valide"),
    ("criteres", {"label": "Impact", "weight": "1", "scale_min": "5", "scale_max": "1"}, "plus petit"),
]


@pytest.mark.parametrize(("kind", "data", "message"), BAD_FORMS)
def test_bad_forms_are_refused_in_french_and_change_nothing(client, event, kind, data, message):
    rooms_before = len(event.rooms)
    response = client.post(f"{base(event)}/{kind}/nouveau", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.execute(db.select(db.func.count(Room.id))).scalar_one() == rooms_before
    assert db.session.execute(db.select(Pitch).filter_by(key="p-9")).first() is None


def test_rules_form_saves_and_refuses_impossible_rules(client, event):
    response = client.post(
        base(event),
        data={
            "panel_size": "3",
            "max_per_organisation": "1",
            "duration_min": "20",
            "qa_min": "10",
            "changeover_min": "5",
        },
    )
    assert response.status_code == 302
    db.session.refresh(event)
    assert (event.panel_size, event.duration_min) == (3, 20)
    response = client.post(base(event), data={"panel_size": "3", "duration_min": "7"})
    assert response.status_code == 422
    db.session.refresh(event)
    assert event.duration_min == 20


def test_delete_refused_when_a_schedule_uses_it(client, event):
    version = versions.save_result(event, solving.solve_now(event, time_limit=5))
    db.session.commit()
    pitch = version.sessions[0].pitch
    response = client.post(f"{base(event)}/pitchs/{pitch.id}/supprimer", follow_redirects=True)
    assert "un planning enregistré l&#39;utilise" in response.get_data(as_text=True)
    assert db.session.get(Pitch, pitch.id) is not None
    organisation = db.session.execute(db.select(Organisation).filter_by(key="uimm")).scalar_one()
    response = client.post(f"{base(event)}/organisations/{organisation.id}/supprimer", follow_redirects=True)
    assert "a encore des jurés" in response.get_data(as_text=True)


def test_delete_an_unused_room(client, event):
    client.post(f"{base(event)}/salles/nouveau", data={"key": "salle-c", "name": "Salle C"})
    room = db.session.execute(db.select(Room).filter_by(key="salle-c")).scalar_one()
    assert client.post(f"{base(event)}/salles/{room.id}/supprimer").status_code == 302
    assert db.session.execute(db.select(Room).filter_by(key="salle-c")).first() is None


def test_editing_needs_a_login(app, rouen):
    with app.app_context():
        event = import_event(rouen)
        anonymous = app.test_client()
        assert anonymous.get(base(event)).status_code == 302
        assert (
            anonymous.post(f"{base(event)}/salles/nouveau", data={"key": "z", "name": "Z"}).status_code == 302
        )
        assert db.session.execute(db.select(Room).filter_by(key="z")).first() is None
