"""One click must not do harm: revoking a juror's link and publishing incomplete results are asked first."""

from __future__ import annotations

import re

from pitchday.extensions import db
from pitchday.models import Event, JurorAccess
from pitchday.services import accounts
from tests.builders import clock, create_organiser, day, login  # noqa: F401 (fixtures)


def score_all(client, day, juror, pitch, value, client_id):  # noqa: F811
    return client.post(
        f"/jury/{day.tokens[juror]}/pitchs/{day.pitches[pitch]}/notes",
        json={"client_id": client_id, "scores": {str(c): value for c in day.criteria}},
    )


def published(app, day) -> bool:  # noqa: F811
    with app.app_context():
        return db.session.get(Event, day.event_id).results_published


def test_publishing_while_pitches_miss_scores_lists_which_and_whose(app, client, day):  # noqa: F811
    score_all(client, day, "uimm-1", "aurthus-et-paole", 8, "c-000001")
    client.post(
        f"/jury/{day.tokens['cetim-1']}/pitchs/{day.pitches['aurthus-et-paole']}/notes",
        json={
            "client_id": "c-000002",
            "scores": {str(day.criteria[0]): 5},
            "device": {"id": "tablet-cetim-1", "pending": 2, "kind": "tablet"},
        },
    )
    with app.app_context():
        create_organiser()
    login(client)

    page = client.post(f"/organisation/notes/{day.slug}/resultats").get_data(as_text=True)

    assert not published(app, day)
    assert "Publier les résultats ?" in page and "Publier quand même" in page
    row = re.search(rf'<tr data-pitch="{day.pitches["aurthus-et-paole"]}">.*?</tr>', page, re.DOTALL).group(0)
    assert "Aurthus et Paole" in row and "Expert CETIM 1" in row and "Expert Arts et Métiers 1" in row
    assert "Expert UIMM 1" not in row  # finished
    assert "Touroul-Chevalerie" in page and "Projet 4" in page
    assert "Expert CETIM 1 (tablette tabl) : en ligne — 2 notes en cours d&#39;envoi" in page

    client.post(f"/organisation/notes/{day.slug}/resultats", data={"confirmed": "1"})
    assert published(app, day)
    client.post(f"/organisation/notes/{day.slug}/resultats")  # withdrawing them is never asked
    assert not published(app, day)


def test_publishing_when_every_pitch_is_scored_is_not_asked(app, client, day):  # noqa: F811
    with app.app_context():  # the careless seat of a juror in conflict (see builders.PANELS) is taken away
        from pitchday.models import Expert, PanelSeat

        conflicted = db.session.execute(
            db.select(Expert).filter_by(key="cci-n-1", event_id=day.event_id)
        ).scalar_one()
        db.session.execute(db.delete(PanelSeat).where(PanelSeat.expert_id == conflicted.id))
        db.session.commit()
    for pitch, panel in (
        ("mijuin-malaunay", ("uimm-1", "cetim-1")),
        ("aurthus-et-paole", ("uimm-1", "cetim-1", "am-1")),
        ("touroul-chevalerie", ("uimm-1", "cetim-1", "am-1")),
        ("projet-4", ("uimm-2", "cetim-2", "am-2")),
    ):
        for n, juror in enumerate(panel):
            assert score_all(client, day, juror, pitch, 5 + n, f"all-{pitch[:6]}-{juror}").status_code == 200
    with app.app_context():
        create_organiser()
    login(client)

    response = client.post(f"/organisation/notes/{day.slug}/resultats")

    assert response.status_code == 302 and published(app, day)


def test_revoking_a_juror_link_is_asked_first_and_warns_of_marks_still_on_a_device(app, client, day):  # noqa: F811
    client.get(f"/jury/{day.tokens['uimm-1']}/etat?device=tablet-uimm-1&pending=3&kind=tablet")
    with app.app_context():
        create_organiser()
        access = db.session.execute(db.select(JurorAccess).filter_by(token=day.tokens["uimm-1"])).scalar_one()
        access_id = access.id
    login(client)

    page = client.post(f"/organisation/liens/{access_id}/revoquer").get_data(as_text=True)

    assert "Révoquer le lien de Expert UIMM 1 ?" in page
    assert "3 notes attendent encore sur un appareil de ce juré" in page
    assert client.get(f"/jury/{day.tokens['uimm-1']}").status_code == 200  # nothing done yet

    assert (
        client.post(f"/organisation/liens/{access_id}/revoquer", data={"confirmed": "1"}).status_code == 302
    )
    assert client.get(f"/jury/{day.tokens['uimm-1']}").status_code == 403
    with app.app_context():
        expert = db.session.get(JurorAccess, access_id).expert
        assert accounts.juror_from_token(day.tokens["uimm-1"]) is None
        assert (
            len(
                [
                    a
                    for a in db.session.execute(
                        db.select(JurorAccess).filter_by(expert_id=expert.id)
                    ).scalars()
                    if a.revoked_at is None
                ]
            )
            == 1
        )
