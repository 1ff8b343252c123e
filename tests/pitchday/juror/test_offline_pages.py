"""What the tablet keeps for offline use (service worker, manifest, list of pages), and the small defects
of the juror pages: a locked sheet without "Enregistrer", the day saying locked, refusals leading back to the day."""

from __future__ import annotations

import html

from pitchday.extensions import db
from pitchday.models import JurorAccess, Pitch
from pitchday.services import accounts, scoring
from tests.builders import clock, day  # noqa: F401 (fixtures)


def status_of(client, url: str) -> int:
    with client.get(url) as response:  # static files stream from an open file: closed here
        return response.status_code


def lock(app, day, pitch):  # noqa: F811
    with app.app_context():
        scoring.set_lock(db.session.get(Pitch, day.pitches[pitch]), True, "orga@example.org")
        db.session.commit()


def test_the_service_worker_is_served_under_the_jurors_link_with_its_scope(client, day):  # noqa: F811
    token = day.tokens["uimm-1"]
    response = client.get(f"/jury/{token}/sw.js")

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == f"/jury/{token}/"
    assert "hors-ligne.json" in response.get_data(as_text=True)


def test_the_offline_list_holds_the_day_every_sheet_of_the_panel_and_the_assets(client, day):  # noqa: F811
    token = day.tokens["cci-n-1"]  # on mijuin-malaunay's panel, but in conflict with it: no sheet to keep
    listed = client.get(f"/jury/{token}/hors-ligne.json").json
    assert listed["pages"] == [f"/jury/{token}/"]

    token = day.tokens["uimm-1"]
    listed = client.get(f"/jury/{token}/hors-ligne.json").json
    assert listed["pages"] == [f"/jury/{token}/"] + [
        f"/jury/{token}/pitchs/{day.pitches[key]}"
        for key in ("mijuin-malaunay", "aurthus-et-paole", "touroul-chevalerie")
    ]
    assert all(status_of(client, url) == 200 for url in listed["pages"] + listed["assets"])
    assert any("juror.js?v=" in url for url in listed["assets"])
    page = client.get(f"/jury/{token}").get_data(as_text=True)
    assert all(url in page for url in listed["assets"] if "scoring.css" in url or "juror.js" in url)


def test_the_manifest_pins_the_jurors_day(client, day):  # noqa: F811
    token = day.tokens["uimm-1"]
    response = client.get(f"/jury/{token}/manifest.webmanifest")

    assert response.mimetype == "application/manifest+json"
    manifest = response.json
    assert manifest["start_url"] == manifest["scope"] == f"/jury/{token}/"
    assert manifest["display"] == "standalone" and "Expert UIMM 1" in manifest["name"]
    assert status_of(client, manifest["icons"][0]["src"]) == 200
    assert f'rel="manifest" href="/jury/{token}/manifest.webmanifest"' in client.get(
        f"/jury/{token}"
    ).get_data(as_text=True)


def test_the_day_is_also_served_at_the_service_workers_scope(client, day):  # noqa: F811
    token = day.tokens["uimm-1"]
    slash = client.get(f"/jury/{token}/")
    assert slash.status_code == 200 and "Bonjour Expert UIMM 1" in slash.get_data(as_text=True)
    assert slash.headers["Cache-Control"] == "no-store"  # the service worker keeps it, no shared cache does


def test_a_revoked_link_gets_nothing_to_keep(app, client, day):  # noqa: F811
    token = day.tokens["uimm-1"]
    with app.app_context():
        accounts.revoke_juror_link(
            db.session.execute(db.select(JurorAccess).filter_by(token=token)).scalar_one()
        )
        db.session.commit()
    for path in ("/", "/sw.js", "/hors-ligne.json", "/manifest.webmanifest", "/etat"):
        assert client.get(f"/jury/{token}{path}").status_code == 403, path


def test_a_locked_sheet_has_no_save_button_and_says_who_locked_it(app, client, day):  # noqa: F811
    url = f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}"
    assert "Enregistrer" in client.get(url).get_data(as_text=True)

    lock(app, day, "aurthus-et-paole")
    page = html.unescape(client.get(url).get_data(as_text=True))

    assert "Enregistrer" not in page
    assert "Verrouillé par l'organisation." in page
    assert 'data-locked="true"' in page and '<fieldset class="sheet" disabled>' in page


def test_the_day_says_which_pitches_are_locked(app, client, day):  # noqa: F811
    lock(app, day, "aurthus-et-paole")
    page = client.get(f"/jury/{day.tokens['uimm-1']}").get_data(as_text=True)

    assert (
        f'<span class="tag locked" data-lock-pitch="{day.pitches["aurthus-et-paole"]}">verrouillé</span>'
        in page
    )
    assert f'data-lock-pitch="{day.pitches["touroul-chevalerie"]}" hidden>' in page


def test_a_refused_sheet_leads_back_to_the_jurors_day(client, day):  # noqa: F811
    token = day.tokens["uimm-1"]
    page = client.get(f"/jury/{token}/pitchs/{day.pitches['projet-4']}")  # another panel's pitch

    assert page.status_code == 403
    text = html.unescape(page.get_data(as_text=True))
    assert f'<a class="back-link" href="/jury/{token}/">← Ma journée</a>' in text
    assert "Retour à l'accueil" not in text
    # An unknown link has no day to go back to.
    assert "Retour à l'accueil" in html.unescape(
        client.get("/jury/not-a-real-token-at-all").get_data(as_text=True)
    )
