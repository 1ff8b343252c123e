"""CSV import of pitches and experts: good files, French Latin-1 files, and every kind of bad row."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale

from pitchday.extensions import db
from pitchday.models import Expert, Pitch
from pitchday.services import csv_import
from tests.builders import create_organiser, import_event, login
from tests.language import french_in, readable_text

PITCH_HEADER = "id;entreprise;titre;secteur;ville;themes;duree_min;questions_min;salles;disponibilites"
EXPERT_HEADER = "id;nom;organisation;themes;min_pitchs;max_pitchs;conflits;disponibilites"


@pytest.fixture
def event(ctx, rouen):
    return import_event(rouen)


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def test_good_pitch_file_adds_and_updates(event):
    raw = csv_bytes(
        PITCH_HEADER,
        "projet-8;Forge Écologique;Acier bas carbone;Métallurgie;Elbeuf;décarbonation, acier;;;amphi;"
        "2023-11-30 14:00-17:30",
        "projet-4;Nouveau nom;Titre;Agroalimentaire;Rouen;;20;10;;",
    )
    imported = csv_import.import_pitches(event, raw)
    db.session.commit()
    assert [p.key for p in imported] == ["projet-8", "projet-4"]
    new = db.session.execute(db.select(Pitch).filter_by(key="projet-8")).scalar_one()
    assert new.company == "Forge Écologique" and new.topics == ["décarbonation", "acier"]
    assert [pr.room.key for pr in new.allowed_rooms] == ["amphi"]
    assert (new.windows[0].start_min, new.windows[0].end_min) == (14 * 60, 17 * 60 + 30)
    updated = db.session.execute(db.select(Pitch).filter_by(key="projet-4")).scalar_one()
    assert updated.company == "Nouveau nom" and updated.duration_min == 20 and updated.qa_min == 10
    assert len(event.pitches) == 8


def test_latin1_semicolon_expert_file_from_a_french_spreadsheet(event):
    raw = csv_bytes(
        "Id;Nom;Organisation;Thèmes;Min pitchs;Max pitchs;Conflits;Disponibilités",
        "am-3;Hélène Dupré;Arts et Métiers;énergie;1;4;projet-5;",
        encoding="latin-1",
    )
    assert raw.decode("latin-1")  # really Latin-1: not valid UTF-8
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")

    imported = csv_import.import_experts(event, raw)

    expert = imported[0]
    assert expert.name == "Hélène Dupré" and expert.organisation.key == "arts-et-metiers"
    assert expert.topics == ["énergie"] and (expert.min_pitches, expert.max_pitches) == (1, 4)
    assert [c.pitch.key for c in expert.conflicts] == ["projet-5"]


def test_comma_separated_utf8_with_bom(event):
    raw = "\ufeffid,nom,organisation\r\ncetim-3,Paul Martin,cetim\r\n".encode()
    assert csv_import.import_experts(event, raw)[0].organisation.key == "cetim"


BAD_PITCH_ROWS = [
    (";Sans id;T;S;V;;;;;", "id", "identifiant vide"),
    ("projet 9;Espace;T;S;V;;;;;", "id", "lettres, chiffres"),
    ("projet-9;;T;S;V;;;;;", "entreprise", "obligatoire"),
    ("projet-9;E;T;S;V;;quinze;;;", "duree_min", "nombre entier"),
    ("projet-9;E;T;S;V;;0;;;", "duree_min", "supérieure à zéro"),
    ("projet-9;E;T;S;V;;17;;;", "duree_min", "multiple de la grille"),
    ("projet-9;E;T;S;V;;;;salle-z;", "salles", "inconnue"),
    ("projet-9;E;T;S;V;;;;;demain matin", "disponibilites", "format attendu"),
    ("projet-9;E;T;S;V;;;;;2024-01-01 09:00-10:00", "disponibilites", "pas un jour de l'événement"),
    ("projet-9;E;T;S;V;;;;;2023-11-30 11:00-10:00", "disponibilites", "après le début"),
    ("projet-9;E;T;S;V;;;;;;;en trop", "", "trop de valeurs"),
]


@pytest.mark.parametrize(("row", "column", "message"), BAD_PITCH_ROWS)
def test_each_bad_pitch_row_is_reported_and_nothing_is_kept(event, row, column, message):
    before = len(event.pitches)
    raw = csv_bytes(PITCH_HEADER, "projet-4;Changé;T;S;V;;;;;", row)
    with pytest.raises(csv_import.CsvImportError) as refused:
        csv_import.import_pitches(event, raw)
    db.session.commit()
    [problem] = refused.value.problems
    assert (problem.line, problem.column) == (3, column)
    assert message in problem.message
    assert len(db.session.execute(db.select(Pitch)).scalars().all()) == before
    assert db.session.execute(db.select(Pitch).filter_by(key="projet-4")).scalar_one().company != "Changé"


BAD_EXPERT_ROWS = [
    ("uimm-1;Dup;uimm;;;;;", "id", "deux fois"),
    ("x-1;X;inconnue;;;;;", "organisation", "inconnue"),
    ("x-1;X;uimm;;5;2;;", "max_pitchs", "plus petit que le minimum"),
    ("x-1;X;uimm;;-1;;;", "min_pitchs", "nombre entier"),
    ("x-1;X;uimm;;;;projet-99;", "conflits", "inconnu"),
    ("x-1;;uimm;;;;;", "nom", "obligatoire"),
]


@pytest.mark.parametrize(("row", "column", "message"), BAD_EXPERT_ROWS)
def test_each_bad_expert_row_is_reported(event, row, column, message):
    raw = csv_bytes(EXPERT_HEADER, "uimm-1;Premier;uimm;;;;;", row)
    with pytest.raises(csv_import.CsvImportError) as refused:
        csv_import.import_experts(event, raw)
    [problem] = refused.value.problems
    assert (problem.line, problem.column) == (3, column) and message in problem.message


def test_header_problems_and_all_bad_rows_at_once(event):
    with pytest.raises(csv_import.CsvImportError) as refused:
        csv_import.import_experts(event, csv_bytes("id;nom;couleur", "a;b;c"))
    assert {p.column for p in refused.value.problems} == {"couleur", "organisation"}

    with pytest.raises(csv_import.CsvImportError) as refused:
        csv_import.import_experts(event, csv_bytes(EXPERT_HEADER, ";A;uimm", "b;;uimm", "c;C;nulle"))
    assert [p.line for p in refused.value.problems] == [2, 3, 4]

    with pytest.raises(csv_import.CsvImportError, match="vide"):
        csv_import.import_experts(event, b"")
    with pytest.raises(csv_import.CsvImportError, match="aucune ligne"):
        csv_import.import_experts(event, csv_bytes(EXPERT_HEADER))


def test_import_page_reports_problems_with_422_and_keeps_nothing(client, event):
    create_organiser()
    login(client)
    base = f"/organisation/evenements/{event.slug}/importer-csv"
    page = client.get(base).get_data(as_text=True)
    assert "disponibilites" in page and "organisation" in page

    bad = client.post(
        f"{base}/jures",
        data={
            "csv_file": (
                io.BytesIO(csv_bytes(EXPERT_HEADER, "x-1;X;uimm;;;;;", "x-2;Y;nulle;;;;;")),
                "jures.csv",
            )
        },
        content_type="multipart/form-data",
    )

    assert bad.status_code == 422
    assert "ligne 3, colonne « organisation »" in bad.get_data(as_text=True)
    assert db.session.execute(db.select(Expert).filter_by(key="x-1")).first() is None

    good = client.post(
        f"{base}/jures",
        data={"csv_file": (io.BytesIO(csv_bytes(EXPERT_HEADER, "x-1;X;uimm;;;;;")), "jures.csv")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    assert db.session.execute(db.select(Expert).filter_by(key="x-1")).scalar_one().name == "X"


def test_import_page_needs_a_login(client, event):
    assert client.get(f"/organisation/evenements/{event.slug}/importer-csv").status_code == 302


def test_every_problem_of_a_csv_file_is_worded_in_french_and_english(ctx):
    for code, words in csv_import.PROBLEMS.items():
        with force_locale("fr"):
            french = str(words)
        with force_locale("en"):
            english = str(words)
        assert french != english, code
        assert french_in(english) == [], code


def test_the_report_of_a_refused_file_reads_in_the_visitors_language(client, event):
    """Defect 4: the importers' messages were French literals, shown as they were to an English organiser."""
    create_organiser()
    login(client)
    rows = csv_bytes(
        PITCH_HEADER,
        "projet-8;Forge;Acier;Métallurgie;;;17;;salle-z;2023-11-30 9:00-8:00",
        "bad id!;;Titre;Secteur;;;;;;",
    )

    def report(lang: str) -> str:
        client.get(f"/langue/{lang}")
        response = client.post(
            f"/organisation/evenements/{event.slug}/importer-csv/pitchs",
            data={"csv_file": (io.BytesIO(rows), "pitchs.csv")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 422
        return readable_text(response.get_data(as_text=True))

    english, french = report("en"), report("fr")

    assert "line 3, column “id”: “bad id!”: an id has only letters, digits, dots and hyphens." in english
    assert french_in(english) == []
    assert "ligne 3, colonne « id » : « bad id! » : un identifiant n'a que des lettres" in french
    assert db.session.execute(db.select(Pitch).filter_by(key="projet-8")).scalar_one_or_none() is None
