"""The one download helper: the content type by the file's ending, attachment or inline, UTF-8 bodies."""

from __future__ import annotations

import json

import pytest

from pitchday.downloads import download, json_download


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("rouen-notes.csv", "text/csv; charset=utf-8"),
        ("rouen.json", "application/json; charset=utf-8"),
        ("rouen-e-durand.ics", "text/calendar; charset=utf-8"),
        ("retour-p-acme.pdf", "application/pdf"),
    ],
)
def test_the_content_type_follows_the_file_name(filename, content_type):
    response = download("é", filename)
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_a_text_body_is_sent_as_utf8_and_bytes_as_they_are():
    assert download("Créteil;9", "a.csv").get_data() == "Créteil;9".encode()
    assert download(b"%PDF-1.7", "a.pdf").get_data() == b"%PDF-1.7"


def test_a_pdf_shown_in_the_tab_is_inline():
    assert download(b"%PDF", "retour-x.pdf", inline=True).headers["Content-Disposition"] == (
        'inline; filename="retour-x.pdf"'
    )


def test_json_keeps_accents_and_is_indented():
    body = json_download({"nom": "Évreux"}, "e.json").get_data(as_text=True)
    assert "Évreux" in body and body.startswith("{\n  ")
    assert json.loads(body) == {"nom": "Évreux"}


def test_an_ending_the_app_does_not_serve_is_refused():
    with pytest.raises(KeyError):
        download("x", "a.exe")
