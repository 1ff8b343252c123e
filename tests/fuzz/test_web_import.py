"""Fuzzing the organiser's event import form: a refusal with a message, never a 500."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pitchday.extensions import db
from pitchday.models import Event
from tests.builders import create_organiser
from tests.fuzz.mutations import ROUEN, broken_rouen, json_values
from tests.security.support import log_in_as, strict_app

FUZZ = settings(max_examples=100, deadline=None)


class ImportForm:
    """One app and database for a whole Hypothesis run; each upload is checked on its own."""

    def __init__(self, app) -> None:
        self.app = app
        with app.app_context():
            organiser_id = create_organiser().id
        self.client = app.test_client()
        log_in_as(self.client, organiser_id)

    def events(self) -> int:
        with self.app.app_context():
            return db.session.execute(db.select(db.func.count(Event.id))).scalar_one()

    def upload(self, body: bytes):
        before = self.events()
        response = self.client.post(
            "/organisation/evenements/importer",
            content_type="multipart/form-data",
            data={"event_file": (io.BytesIO(body), "event.json")},
        )
        assert response.status_code < 500, response.get_data(as_text=True)[:500]
        after = self.events()
        if (
            response.status_code == 302
            and "/evenements/" in response.headers["Location"]
            and not response.headers["Location"].endswith("/organisation/")
        ):
            assert after == before + 1
        else:
            assert after == before, "a refused file added something"
            page = (
                self.client.get("/organisation/").get_data(as_text=True)
                if response.status_code == 302
                else response.get_data(as_text=True)
            )
            assert "Traceback" not in page
        return response


def with_import_form(test):
    def run(*args):
        with tempfile.TemporaryDirectory() as directory, strict_app(Path(directory)) as app:
            test(ImportForm(app), *args)

    run.__name__ = test.__name__
    return run


@with_import_form
def _broken_files(form):
    @FUZZ
    @given(broken_rouen())
    def upload(document):
        form.upload(json.dumps(document, ensure_ascii=False).encode("utf-8"))

    upload()


@with_import_form
def _random_json(form):
    @FUZZ
    @given(json_values)
    def upload(document):
        form.upload(json.dumps(document).encode("utf-8"))

    upload()


@with_import_form
def _random_bytes(form):
    @FUZZ
    @given(st.binary(max_size=300) | st.text(max_size=200).map(lambda text: text.encode("utf-8")))
    def upload(body):
        form.upload(body)

    upload()


def test_broken_event_files_never_give_a_500():
    _broken_files()


def test_random_json_never_gives_a_500():
    _random_json()


def test_random_bytes_never_give_a_500():
    _random_bytes()


@with_import_form
def _edge_cases(form):
    rouen = json.dumps(ROUEN).encode("utf-8")
    for body in (
        b"",
        b"\xef\xbb\xbf" + rouen,
        rouen.decode().encode("utf-16"),
        b"[" * 100_000,
        b'{"a":' * 50_000,
        b"1e999999",
        b'"\\ud800"',
        rouen[:-1],
        b"null",
        b"NaN",
        rouen.replace(b'"name": "', b'"name": "\\udfff', 1),
    ):
        form.upload(body)


def test_edge_case_files_never_give_a_500():
    _edge_cases()
