"""The English catalogue: complete, faithful to its placeholders, and what an English visitor reads."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from pitchday.extensions import db
from tests.builders import create_organiser, import_event, login, publish_by_hand

CATALOGUE_DIR = Path(__file__).resolve().parents[2] / "pitchday" / "translations" / "en" / "LC_MESSAGES"
PO_FILE = CATALOGUE_DIR / "messages.po"
MO_FILE = CATALOGUE_DIR / "messages.mo"
# Python's %(name)s / %d and the {n} that the JavaScript fills in.
PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sdfr]|%[sdf]|\{[A-Za-z_]+\}")


def read_catalogue() -> Catalog:
    with PO_FILE.open("rb") as po:
        return read_po(po)


def entries() -> list[Message]:
    return [message for message in read_catalogue() if message.id]


def forms(text: str | tuple) -> tuple[str, ...]:
    return text if isinstance(text, tuple) else (text,)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def compile_catalogue() -> None:
    """The app reads the .mo, which is not committed: compile it when the .po is newer (as `make translations`)."""
    if MO_FILE.exists() and MO_FILE.stat().st_mtime >= PO_FILE.stat().st_mtime:
        return
    handle, temporary = tempfile.mkstemp(dir=CATALOGUE_DIR, suffix=".mo.tmp")
    with os.fdopen(handle, "wb") as mo:
        write_mo(mo, read_catalogue())
    os.replace(temporary, MO_FILE)  # atomic: a test run in parallel never reads half a file


# At collection, before any test renders a page: public pages are memoised per process, so a page
# rendered in English before the catalogue was compiled would be served again untranslated.
compile_catalogue()


def test_every_entry_is_translated_and_none_is_fuzzy():
    untranslated = [message.id for message in entries() if not all(forms(message.string))]
    fuzzy = [message.id for message in entries() if message.fuzzy]

    assert untranslated == []
    assert fuzzy == []
    assert read_catalogue().obsolete == {}


def test_every_translation_keeps_the_placeholders_of_its_source():
    wrong = []
    for message in entries():
        sources, translations = forms(message.id), forms(message.string)
        for index, translation in enumerate(translations):
            source = sources[min(index, len(sources) - 1)]
            if placeholders(source) != placeholders(translation):
                wrong.append((message.id, translation))
    assert wrong == []


def test_the_catalogue_passes_babels_checks():
    problems = [
        (message.id, [str(error) for error in errors]) for message, errors in read_catalogue().check()
    ]

    assert problems == []


@pytest.fixture
def published(ctx, rouen):
    event = import_event(rouen)
    publish_by_hand(event)
    db.session.commit()
    return event


def english(client, url: str) -> str:
    client.get("/langue/en")
    response = client.get(url)
    assert response.status_code < 400, url
    return response.get_data(as_text=True)


def test_public_pages_in_english(client, published):
    event_page = english(client, f"/e/{published.slug}")
    now_page = english(client, f"/e/{published.slug}/maintenant?now=2023-11-30T10:00")

    assert '<html lang="en">' in event_page
    assert "Add to my calendar" in event_page and "All sectors" in event_page
    assert "Ajouter à mon agenda" not in event_page
    assert "Now / Next" in now_page and "En ce moment" not in now_page


def test_login_page_in_english(client):
    page = english(client, "/organisation/connexion")

    assert "Organiser login" in page and "Email address" in page and "Password" in page
    assert "Mot de passe" not in page


def test_organiser_pages_in_english(client, published):
    create_organiser()
    login(client)
    dashboard = english(client, "/organisation/")
    event_page = english(client, f"/organisation/evenements/{published.slug}")

    csv_page = english(client, f"/organisation/evenements/{published.slug}/importer-csv")
    ranking_file = english(client, f"/organisation/notes/{published.slug}/classement.csv")

    assert "Import an event file" in dashboard
    assert "Jurors and personal links" in event_page and "Juror access cards (QR)" in event_page
    assert "company name" in csv_page and "nom de l'entreprise" not in csv_page
    assert ranking_file.splitlines()[0].startswith("\ufeffRank;Project;Corrected score /100;")


def test_error_page_in_english(client):
    client.get("/langue/en")
    page = client.get("/e/no-such-event").get_data(as_text=True)

    assert "Page not found" in page and "There is no page at this address" in page


def test_a_refused_edit_is_explained_in_english(client, published):
    create_organiser()
    login(client)
    client.get("/langue/en")
    response = client.post(
        f"/organisation/evenements/{published.slug}/modifier/salles/nouveau",
        data={"key": "amphi", "name": "Duplicate"},
    )

    assert response.status_code == 422
    assert "The ID “amphi” is already used by another room." in response.get_data(as_text=True)


def test_pybabel_finds_no_text_of_the_source_missing_from_the_english_catalogue(tmp_path):
    """What `make i18n-update` would extract today is all in the catalogue, translated: a string wrapped in
    _() but never extracted would reach English pages in French."""
    root = Path(__file__).resolve().parents[2]
    extracted = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg"]
        + ["-k", "_l", "-k", "lazy_gettext", "-o", str(extracted), "."],
        cwd=root,
        check=True,
    )
    with extracted.open("rb") as pot:
        sources = [message.id for message in read_po(pot) if message.id]
    catalogue = read_catalogue()

    missing = [source for source in sources if source not in catalogue]
    untranslated = [
        source for source in sources if source in catalogue and not all(forms(catalogue[source].string))
    ]

    assert sources and missing == [] and untranslated == []
