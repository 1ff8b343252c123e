"""Fuzzing the CSV import forms (pitches, jurors): a list of problems or a full import, never a 500."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pitchday.extensions import db
from pitchday.models import Event
from pitchday.services import csv_import
from tests.builders import create_organiser, import_event
from tests.conftest import ROUEN
from tests.security.support import log_in_as, strict_app, table_row_counts

FUZZ = settings(max_examples=100, deadline=None)
KINDS = {"pitchs": csv_import.PITCH_COLUMNS, "jures": csv_import.EXPERT_COLUMNS}

cells = st.text(max_size=12) | st.sampled_from(
    [
        "",
        "amphi",
        "uimm",
        "projet-8",
        "3",
        "-1",
        "99999999999999999999",
        "textile, lin",
        '"',
        "a;b",
        "=1+1",
        "9:30",
        "é" * 4,
    ]
)


@st.composite
def csv_files(draw, columns) -> bytes:
    names = [name for name, _required, _help in columns]
    header = draw(
        st.lists(st.sampled_from(names + ["inconnue", "", "ID", " nom "]), max_size=len(names) + 2)
        | st.permutations(names)
    )
    separator = draw(st.sampled_from([",", ";", "\t"]))
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=len(header) + 2), max_size=6))
    text = "\n".join(separator.join(row) for row in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return text.encode(encoding, "replace")


def test_random_csv_files_never_give_a_500():
    with tempfile.TemporaryDirectory() as directory, strict_app(Path(directory)) as app:
        with app.app_context():
            organiser_id = create_organiser().id
            slug = import_event(ROUEN).slug
        client = app.test_client()
        log_in_as(client, organiser_id)

        def upload(kind: str, body: bytes) -> None:
            with app.app_context():
                before = table_row_counts()
            response = client.post(
                f"/organisation/evenements/{slug}/importer-csv/{kind}",
                content_type="multipart/form-data",
                data={"csv_file": (io.BytesIO(body), "import.csv")},
            )
            assert response.status_code in (302, 422), (response.status_code, body[:200])
            if response.status_code == 422:
                assert "Traceback" not in response.get_data(as_text=True)
                with app.app_context():
                    assert table_row_counts() == before, "a refused file changed the database"

        def fuzzer(kind: str, columns: list):
            @FUZZ
            @given(csv_files(columns) | st.binary(max_size=300))
            def fuzz(body):
                upload(kind, body)

            return fuzz

        for kind, columns in KINDS.items():
            fuzzer(kind, columns)()
        with app.app_context():
            assert db.session.execute(db.select(db.func.count(Event.id))).scalar_one() == 1
