"""Every kind of user's pages in English hold none of the catalogue's French (issue 13, defect 4).

A walk through the pages of the organiser (workspace, a version with a diagnosis, the board, the
editing pages...), a juror, a company and the public, in English: the catalogue's French sources
(tests/language.py) must appear nowhere, in the text or in the words of the attributes people read.
"""

from __future__ import annotations

import pytest

from pitchday.extensions import db
from pitchday.models import Event, FeedbackLink, ScheduleVersion
from pitchday.services import versions
from scheduler import data as sd
from tests.builders import clock, create_organiser, day, login  # noqa: F401 (fixtures)
from tests.language import french_in

NOW = "now=2023-11-30T10:10"


@pytest.fixture
def walk(app, client, day):  # noqa: F811
    """An English organiser's client, and the addresses of each kind of page of the scoring day."""
    with app.app_context():
        create_organiser()
        event = db.session.get(Event, day.event_id)
        infeasible = versions.save_result(
            event,
            sd.Result(
                status=sd.Status.INFEASIBLE,
                conflicts=(
                    sd.Conflict(rule="panel_size", message="Panels too large.", involves=("uimm-1",)),
                ),
            ),
        )
        version_id = db.session.execute(
            db.select(ScheduleVersion.id).filter_by(event_id=event.id, number=1)
        ).scalar_one()
        db.session.commit()
        infeasible_id = infeasible.id
    login(client)
    client.get("/langue/en")
    slug, pitch = day.slug, day.pitches["aurthus-et-paole"]
    client.post(f"/organisation/notes/{slug}/retours/{pitch}/lien")
    with app.app_context():
        link = db.session.execute(db.select(FeedbackLink).filter_by(pitch_id=pitch)).scalars().first()
        company = f"/retour/{link.token}"
    token = day.tokens["uimm-1"]
    return client, {
        "organiser": [
            "/organisation/",
            f"/organisation/evenements/{slug}",
            f"/organisation/evenements/{slug}/planning",
            f"/organisation/evenements/{slug}/versions/{version_id}",
            f"/organisation/evenements/{slug}/versions/{version_id}?{NOW}",
            f"/organisation/evenements/{slug}/versions/{infeasible_id}",
            f"/organisation/evenements/{slug}/versions/{version_id}/imprimer",
            f"/organisation/evenements/{slug}/modifier",
            f"/organisation/evenements/{slug}/modifier/salles/nouveau",
            f"/organisation/evenements/{slug}/importer-csv",
            f"/organisation/evenements/{slug}/journal",
            f"/organisation/evenements/{slug}/equipe",
            f"/organisation/evenements/{slug}/cartes",
            "/organisation/evenements/nouveau",
            "/organisation/mot-de-passe",
        ],
        "board": [
            f"/organisation/notes/{slug}",
            f"/organisation/notes/{slug}/journal",
            f"/organisation/notes/{slug}/retours",
            f"/organisation/notes/{slug}/retours/{pitch}",
        ],
        "juror": [f"/jury/{token}", f"/jury/{token}/pitchs/{pitch}"],
        "company": [company],
        "public": [
            "/",
            f"/e/{slug}",
            f"/e/{slug}/maintenant?{NOW}",
            f"/e/{slug}/salle/amphi?{NOW}",
        ],
    }


@pytest.mark.parametrize("kind", ["organiser", "board", "juror", "company", "public"])
def test_english_pages_hold_no_french_of_the_catalogue(walk, kind):
    client, pages = walk
    found = {}
    for url in pages[kind]:
        response = client.get(url, follow_redirects=True)  # the guided creation opens on its first step
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert '<html lang="en">' in page, url
        french = french_in(page)
        if french:
            found[url] = french
    assert found == {}


def test_the_login_page_in_english(client):
    client.get("/langue/en")
    page = client.get("/organisation/connexion").get_data(as_text=True)

    assert french_in(page) == []


@pytest.mark.parametrize("kind", ["organiser", "board", "juror", "company", "public"])
def test_the_same_pages_in_french_are_found_french(walk, kind):
    """The check above is no empty one: in French, every one of these pages shows catalogue French."""
    client, pages = walk
    client.get("/langue/fr")
    for url in pages[kind]:
        page = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert french_in(page) != [], url


def test_the_diagnosis_of_an_impossible_version_reads_in_english(walk):
    client, pages = walk
    infeasible = pages["organiser"][5]
    page = client.get(infeasible).get_data(as_text=True)

    assert "Panel size" in page and "Expert UIMM 1" in page
    assert french_in(page) == []
