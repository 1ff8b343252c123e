"""An organiser with no event file makes an event in the browser, adds pitches and jurors, and generates."""

from __future__ import annotations

import pytest

from tests.browser.test_workspace import wait_for_solve_and_open_it
from tests.builders import browser_login

pytestmark = pytest.mark.browser

PITCHES_CSV = (
    "id;entreprise;titre;secteur;ville;themes\n"
    "tissage;Tissages du Cotentin;Relocaliser le lin;Textile;Cherbourg;textile, lin\n"
    "moules;Moules Normandes;Outillage de fonderie;Métallurgie;Caen;fonderie, outillage\n"
    "cidre;Cidrerie du Bessin;Une ligne d'embouteillage;Agroalimentaire;Bayeux;agroalimentaire\n"
)
EXPERTS_CSV = (
    "id;nom;organisation;themes\n"
    "uimm-1;Claire Martin;UIMM;fonderie, outillage\n"
    "uimm-2;Paul Leroy;UIMM;textile\n"
    "cetim-1;Inès Petit;CETIM;lin, agroalimentaire\n"
    "cetim-2;Marc Durand;cetim;outillage\n"
)


def test_from_nothing_to_a_generated_agenda(live_server, page, organiser, tmp_path):
    browser_login(page, live_server)
    page.get_by_role("link", name="Créer un événement").click()

    # 1. The event.
    page.get_by_label("Nom de l'événement").fill("Journée pitch Caen 2024")
    page.get_by_label("Lieu").fill("CCI Caen Normandie")
    assert page.get_by_label("Fuseau horaire").input_value() == "Europe/Paris"
    page.get_by_role("button", name="Suivant →").click()

    # 2. Days and breaks: a mistake first (a break after the day's end), answered beside it, nothing lost.
    page.get_by_label("Date (ligne 1)").fill("2024-03-14")
    page.get_by_label("Début (HH:MM) (ligne 1)").fill("09:00")
    page.get_by_label("Fin (HH:MM) (ligne 1)").fill("12:30")
    page.get_by_label("Pauses, une par ligne : 12:30-14:00 Déjeuner (ligne 1)").fill("12:00-13:00 Déjeuner")
    page.get_by_role("button", name="Suivant →").click()
    assert page.locator(".field-error").count() == 1
    assert "12:30" in page.locator(".field-error").inner_text()
    assert page.get_by_label("Date (ligne 1)").input_value() == "2024-03-14"
    page.get_by_label("Pauses, une par ligne : 12:30-14:00 Déjeuner (ligne 1)").fill("10:30-10:45 Café")
    page.get_by_role("button", name="Suivant →").click()

    # 3. Rooms.
    page.get_by_label("Nom de la salle (ligne 1)").fill("Salle Seine")
    page.get_by_label("Capacité (places) (ligne 1)").fill("40")
    page.get_by_label("Nom de la salle (ligne 2)").fill("Amphi Orne")
    page.get_by_role("button", name="Suivant →").click()

    # 4. Partner organisations and panel rules.
    page.get_by_label("Organisation partenaire (ligne 1)").fill("UIMM")
    page.get_by_label("Un expert de cette organisation dans chaque jury (ligne 1)").check()
    page.get_by_label("Organisation partenaire (ligne 2)").fill("CETIM")
    page.get_by_label("Jurés par jury").fill("2")
    page.get_by_role("button", name="Suivant →").click()

    # 5. The rubric: four weighted criteria offered; kept as they are.
    assert page.get_by_label("Critère (ligne 4)").input_value() == "Qualité du pitch"
    assert page.get_by_label("Poids (ligne 1)").input_value() in {"3", "3.0"}
    page.get_by_role("button", name="Créer l'événement").click()
    assert "créé" in page.locator(".flash").inner_text()
    assert page.locator("#criteres li").count() == 4

    # A pitch by the editing page, the others and the jurors from spreadsheets.
    page.locator("#pitchs").get_by_role("link", name="Ajouter").click()
    page.get_by_label("Identifiant", exact=True).fill("robots")
    page.get_by_label("Entreprise", exact=True).fill("Robots du Bocage")
    page.get_by_label("Titre du pitch", exact=True).fill("Cobots pour PME")
    page.get_by_label("Secteur", exact=True).fill("Robotique")
    page.get_by_label("Thèmes (séparés par des virgules)").fill("robotique, outillage")
    page.get_by_role("button", name="Enregistrer").click()
    assert "Robots du Bocage" in page.locator("#pitchs").inner_text()

    pitches, experts = tmp_path / "pitchs.csv", tmp_path / "jures.csv"
    pitches.write_text(PITCHES_CSV, encoding="utf-8")
    experts.write_text(EXPERTS_CSV, encoding="utf-8")
    for kind, path in (("pitchs", pitches), ("jures", experts)):
        page.get_by_role("link", name="Importer des tableurs").click()
        page.set_input_files(f"#csv-file-{kind}", str(path))
        region = page.get_by_role("region", name="Pitchs" if kind == "pitchs" else "Jurés")
        region.get_by_role("button", name="Importer").click()
        assert "lignes importées" in page.locator(".flash").inner_text()

    # Generate.
    page.get_by_role("link", name="Planning", exact=True).click()
    page.get_by_label("Durée de calcul maximale (secondes)").fill("5")
    page.locator("#generate-button").click()
    wait_for_solve_and_open_it(page)
    assert page.locator(".session").count() == 4
    assert page.get_by_text("Robots du Bocage").count() >= 1
