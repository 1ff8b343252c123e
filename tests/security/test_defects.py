"""One test per defect found by the attack of issue 11 ("No 500, no open door").

Defects 1 (open redirect), 2 (logout), 14 (CSRF at login) and 16 (demo key) are in test_sessions.py;
3 (login rate limit) in test_ratelimit.py; 12 (a reused client id) in
tests/pitchday/juror/test_scoring_pages.py and below. Every app here answers errors as a real
server would (PROPAGATE_EXCEPTIONS off): a 500 is a status, not an exception.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import logging
import threading
from types import SimpleNamespace

import pytest
from werkzeug.test import EnvironBuilder

from pitchday.extensions import db
from pitchday.logs import RedactingGunicornLogger, RedactJurorTokens
from pitchday.models import Criterion, Event, ScheduleVersion, ScoreAudit
from pitchday.services import accounts, scoring
from tests import builders
from tests.builders import (
    DURING_THE_DAY,
    ORGANISER_EMAIL,
    ORGANISER_PASSWORD,
    create_organiser,
    import_event,
    published_scoring_day,
)
from tests.security.support import log_in_as, strict_app, table_row_counts

BIG = 10**25


@pytest.fixture
def real(tmp_path, monkeypatch):
    """An app that answers errors as production does, with a published scoring day and a signed-in organiser."""
    monkeypatch.setattr(scoring, "now_utc", lambda: DURING_THE_DAY)
    with strict_app(tmp_path, PROPAGATE_EXCEPTIONS=False) as app:
        yield app


def _day(app, rouen):
    with app.app_context():
        day = published_scoring_day(rouen)
        organiser_id = create_organiser().id
    return day, organiser_id


def _organiser(app, organiser_id):
    client = app.test_client()
    log_in_as(client, organiser_id)
    return client


def _counts(app):
    with app.app_context():
        return table_row_counts()


# --- 4. Spreadsheet formula injection -------------------------------------------------------------


def test_4_every_export_neutralises_formulas_headers_included(real, rouen):
    rouen["pitches"][0]["company"] = '=HYPERLINK("http://evil.example","x")'
    rouen["pitches"][0]["title"] = "+cmd|' /C calc'!A0"
    rouen["pitches"][0]["sector"] = "-2+3"
    rouen["pitches"][0]["city"] = "@SUM(A1)"
    rouen["experts"][0]["name"] = "=1+1"
    day, organiser_id = _day(real, rouen)
    with real.app_context():
        criterion = db.session.get(Criterion, day.criteria[0])
        criterion.label = "=IMPORTXML(A1)"
        db.session.commit()
        version_id = db.session.execute(db.select(ScheduleVersion.id)).scalar_one()
    client = _organiser(real, organiser_id)
    client.post(
        f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}/notes",
        json={"client_id": "formula-0001", "scores": {str(day.criteria[0]): 5}, "comment": "=2*3"},
    )

    files = [
        client.get(f"/organisation/evenements/{day.slug}/versions/{version_id}/planning.csv"),
        client.get(f"/organisation/notes/{day.slug}/notes.csv"),
        client.get(f"/organisation/notes/{day.slug}/classement.csv"),
    ]

    assert [response.status_code for response in files] == [200, 200, 200]
    cells = [
        cell
        for response in files
        for row in csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
        for cell in row
    ]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "'=IMPORTXML(A1)" in cells and '\'=HYPERLINK("http://evil.example","x")' in cells


# --- 5. A day ending at 24:00; a date far away --------------------------------------------------------


def test_5_a_pitch_ending_at_midnight_is_scored_like_any_other(real, rouen, monkeypatch):
    rouen["days"][0]["end"] = "24:00"
    monkeypatch.setattr(
        builders, "PANELS", {"aurthus-et-paole": (23 * 60 + 30, ["uimm-1", "cetim-1", "am-1"])}
    )
    day, organiser_id = _day(real, rouen)
    juror = real.test_client()
    token, pitch = day.tokens["uimm-1"], day.pitches["aurthus-et-paole"]

    assert juror.get(f"/jury/{token}").status_code == 200
    assert juror.get(f"/jury/{token}/pitchs/{pitch}").status_code == 200
    saved = juror.post(
        f"/jury/{token}/pitchs/{pitch}/notes",
        json={"client_id": "midnight-0001", "scores": {str(day.criteria[0]): 6}},
    )
    assert saved.status_code == 200 and saved.json["status"] == "saved"
    board = _organiser(real, organiser_id)
    assert board.get(f"/organisation/notes/{day.slug}").status_code == 200
    assert real.test_client().get(f"/e/{day.slug}/agenda.ics").status_code == 200
    assert board.get(f"/organisation/evenements/{day.slug}/jures/uimm-1.ics").status_code == 200


def test_5_dates_outside_2000_2100_are_refused_with_the_field(real, rouen):
    with real.app_context():
        organiser_id = create_organiser().id
    client = _organiser(real, organiser_id)
    rouen["days"][0]["date"] = "9999-12-31"

    response = client.post(
        "/organisation/evenements/importer",
        content_type="multipart/form-data",
        data={"event_file": (io.BytesIO(json.dumps(rouen).encode()), "far.json")},
        follow_redirects=True,
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "days[0].date" in page and "2000-01-01" in page and "2100-12-31" in page
    with real.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Event)).scalar_one() == 0


# --- 6. What PostgreSQL refuses (and SQLite takes) --------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [
        ("rooms.0.id", "r" * 81),
        ("pitches.0.company", "c" * 201),
        ("event.name", "n" * 201),
        ("pitches.0.sector", "s" * 81),
        ("days.0.breaks.0.label", "b" * 121),
        ("pitches.0.title", "nul\x00here"),
        ("experts.0.name", "nul\x00"),
    ],
)
def test_6_long_texts_and_nul_in_an_event_file_are_refused_not_500(real, rouen, field, value):
    with real.app_context():
        organiser_id = create_organiser().id
    target = rouen
    *path, last = field.split(".")
    for part in path:
        target = target[int(part)] if part.isdigit() else target[part]
    old = target[last]
    target[last] = value
    if field == "rooms.0.id":  # the references follow the room's new id
        for pitch in rouen["pitches"]:
            pitch["rooms"] = [value if room == old else room for room in pitch.get("rooms", [])]
    client = _organiser(real, organiser_id)
    before = _counts(real)

    response = client.post(
        "/organisation/evenements/importer",
        content_type="multipart/form-data",
        data={"event_file": (io.BytesIO(json.dumps(rouen).encode()), "long.json")},
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "Fichier refusé" in response.get_data(as_text=True)
    assert _counts(real) == before


def test_6_long_texts_and_nul_in_csv_and_forms_are_refused_not_500(real, rouen):
    day, organiser_id = _day(real, rouen)
    client = _organiser(real, organiser_id)
    before = _counts(real)
    csv_file = "id;entreprise;titre;secteur\nnew-1;" + "C" * 300 + ";Titre;Industrie\n"

    upload = client.post(
        f"/organisation/evenements/{day.slug}/importer-csv/pitchs",
        content_type="multipart/form-data",
        data={"csv_file": (io.BytesIO(csv_file.encode()), "p.csv")},
    )
    room = client.post(
        f"/organisation/evenements/{day.slug}/modifier/salles/nouveau",
        data={"key": "salle-x", "name": "Salle\x00X"},
    )
    pitch = client.post(
        f"/organisation/evenements/{day.slug}/modifier/pitchs/nouveau",
        data={"key": "p-new", "company": "Co", "title": "T", "sector": "S" * 81, "city": ""},
    )

    assert (upload.status_code, room.status_code, pitch.status_code) == (422, 422, 422)
    assert "200" in upload.get_data(as_text=True)  # the limit is said
    assert "U+0000" in room.get_data(as_text=True)
    assert _counts(real) == before


# --- 7. Without any login ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scores",
    [
        {"1": "--5"},
        {"1": "²"},
        {"1": "9" * 5000},
        {"²": 3},
        {"1": 10**40},
        {"1": "7.5"},
        {"1": [1]},
        {"1" * 30: 2},
    ],
)
def test_7_hostile_marks_are_refused_with_a_message(real, rouen, scores):
    day, _organiser_id = _day(real, rouen)
    if "1" in scores:
        scores = {str(day.criteria[0]): scores["1"]}
    before = _counts(real)

    response = real.test_client().post(
        f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}/notes",
        json={"client_id": "hostile-00001", "scores": scores},
    )

    assert response.status_code == 422
    assert response.json["error"]
    assert _counts(real) == before


def test_7_a_number_of_5000_digits_in_the_json_is_refused(real, rouen):
    day, _organiser_id = _day(real, rouen)
    body = '{"client_id": "hostile-00002", "scores": {"' + str(day.criteria[0]) + '": 1' + "0" * 5000 + "}}"

    response = real.test_client().post(
        f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}/notes",
        data=body,
        content_type="application/json",
    )

    assert response.status_code == 422 and response.json["error"]


@pytest.mark.parametrize(
    "url",
    [
        "/jury/{token}/pitchs/10000000000000000000000000",
        "/e/{slug}/maintenant?now=9999-12-31T23:59:00-12:00",
        "/e/{slug}/maintenant.json?now=9999-12-31T23:59:00-12:00",
        "/e/{slug}/salle/amphi?now=0001-01-01T00:00:00%2B14:00",
        "/e/{slug}/maintenant.json?now=0001-01-01T00:00:00%2B14:00",
        "/e/{slug}%00",
        "/e/{slug}/salle/%00x",
    ],
)
def test_7_hostile_urls_get_a_4xx_page(real, rouen, url):
    day, _organiser_id = _day(real, rouen)

    response = real.test_client().get(url.format(token=day.tokens["uimm-1"], slug=day.slug))

    assert 400 <= response.status_code < 500
    assert "Traceback" not in response.get_data(as_text=True)


def test_7_a_host_header_that_is_no_host_name_gets_a_400_not_a_500(real):
    from werkzeug.test import run_wsgi_app

    for host in ("a" * 64 + ".example", "exa mple", "\x00"):
        environ = EnvironBuilder(path="/", headers={"Host": host}).get_environ()
        _body, status, _headers = run_wsgi_app(real.wsgi_app, environ, buffered=True)
        assert status.startswith("400"), (host, status)
    environ = EnvironBuilder(path="/", headers={"Host": "pitchday.example.org"}).get_environ()
    assert run_wsgi_app(real.wsgi_app, environ, buffered=True)[1].startswith("200")


def test_7_a_login_with_the_email_sent_as_a_file_is_refused_cleanly(real):
    with real.app_context():
        create_organiser()

    response = real.test_client().post(
        "/organisation/connexion",
        content_type="multipart/form-data",
        data={"email": (io.BytesIO(ORGANISER_EMAIL.encode()), "email.txt"), "password": ORGANISER_PASSWORD},
    )

    assert response.status_code == 200  # the form again: the e-mail is missing
    assert "Ce champ est requis" in response.get_data(as_text=True) or "obligatoire" in response.get_data(
        as_text=True
    )


# --- 8. For organisers -------------------------------------------------------------------------------


def test_8_hostile_organiser_values_are_refused_with_a_message(real, rouen):
    day, organiser_id = _day(real, rouen)
    client = _organiser(real, organiser_id)
    with real.app_context():
        version_id = db.session.execute(db.select(ScheduleVersion.id)).scalar_one()
        pitch_key, room_key = "aurthus-et-paole", "amphi"
    base = f"/organisation/evenements/{day.slug}"
    before = _counts(real)

    answers = {
        "time_limit sNaN": client.post(f"{base}/planning/generer", data={"time_limit": "sNaN"}),
        "weight sNaN": client.post(
            f"{base}/modifier/criteres/nouveau",
            data={"label": "x", "weight": "sNaN", "scale_min": "0", "scale_max": "10"},
        ),
        "scale over 2^63": client.post(
            f"{base}/modifier/criteres/nouveau",
            data={"label": "x", "weight": "1", "scale_min": "0", "scale_max": str(2**63 + 5)},
        ),
        "clock ²:30": client.post(
            f"{base}/versions/{version_id}/deplacer",
            data={"pitch": pitch_key, "day": "2023-11-30", "start": "²:30", "room": room_key},
        ),
        "move to 24:30": client.post(
            f"{base}/versions/{version_id}/deplacer",
            data={"pitch": pitch_key, "day": "2023-11-30", "start": "24:30", "room": room_key},
        ),
        "move to 24:00": client.post(
            f"{base}/versions/{version_id}/deplacer",
            data={"pitch": pitch_key, "day": "2023-11-30", "start": "24:00", "room": room_key},
        ),
        "delay after ²:30": client.post(
            f"{base}/versions/{version_id}/retard",
            data={"minutes": "15", "day": "2023-11-30", "after": "²:30"},
        ),
    }

    for name, response in answers.items():
        assert 400 <= response.status_code < 500 or response.status_code in (302, 303), name
        assert "Traceback" not in response.get_data(as_text=True), name
    assert _counts(real) == before
    assert client.get(f"{base}/versions/{2**63 + 1}").status_code == 404
    assert client.get(f"/organisation/notes/{day.slug}/pitchs/{2**64}/verrouiller").status_code in (404, 405)
    assert client.post(f"/organisation/liens/{2**63}/revoquer").status_code == 404


def test_15_the_rubric_scale_is_bounded(real, rouen):
    day, organiser_id = _day(real, rouen)
    client = _organiser(real, organiser_id)

    wide = client.post(
        f"/organisation/evenements/{day.slug}/modifier/criteres/nouveau",
        data={"label": "Large", "weight": "1", "scale_min": "0", "scale_max": "200000"},
    )
    hundred = client.post(
        f"/organisation/evenements/{day.slug}/modifier/criteres/nouveau",
        data={"label": "Cent", "weight": "1", "scale_min": "0", "scale_max": "100"},
    )
    steps = client.post(
        f"/organisation/evenements/{day.slug}/modifier/criteres/nouveau",
        data={"label": "Trop", "weight": "1", "scale_min": "-60", "scale_max": "60"},
    )

    assert wide.status_code == 422 and steps.status_code == 422
    assert "au plus 100 points" in steps.get_data(as_text=True)
    assert hundred.status_code == 302
    with real.app_context():
        assert {c.label for c in db.session.execute(db.select(Criterion)).scalars()} >= {"Cent"}
        assert "Large" not in {c.label for c in db.session.execute(db.select(Criterion)).scalars()}


# --- 9. Event import, web and command line ---------------------------------------------------------

HOSTILE_FILES = {
    "capacity 1e30": lambda data: data["rooms"][0].update(capacity=1e30),
    "panel size 2^63": lambda data: data["panel"].update(size=2**63),
    "duration 5e20": lambda data: data["pitch_defaults"].update(duration_min=5e20),
    "max_pitches 1e19": lambda data: data["experts"][0].update(max_pitches=1e19),
    "expert id with CR LF": lambda data: data["experts"][0].update(id="uimm-1\r\nX-Evil: 1"),
}


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_9_out_of_range_event_files_are_refused_by_the_web_and_the_cli(real, rouen, tmp_path, name):
    HOSTILE_FILES[name](rouen)
    with real.app_context():
        organiser_id = create_organiser().id
    before = _counts(real)
    body = json.dumps(rouen).encode()

    web = _organiser(real, organiser_id).post(
        "/organisation/evenements/importer",
        content_type="multipart/form-data",
        data={"event_file": (io.BytesIO(body), "e.json")},
        follow_redirects=True,
    )
    path = tmp_path / "event.json"
    path.write_bytes(body)
    cli = real.test_cli_runner().invoke(args=["import-event", str(path)])

    assert web.status_code == 200 and "Fichier refusé" in web.get_data(as_text=True)
    assert cli.exit_code == 1 and "Traceback" not in cli.output and "refusé" in cli.output
    assert _counts(real) == before


@pytest.mark.parametrize(
    "name, raw",
    [
        (
            "latin-1",
            json.dumps({"format": "pitchday-event/1", "event": {"name": "Été"}}, ensure_ascii=False).encode(
                "latin-1"
            ),
        ),
        ("utf-16", "\ufeff{}".encode("utf-16-le")),
        ("binary", bytes(range(256))),
        ("deep", b"[" * 100_000 + b"]" * 100_000),
        ("huge number", b'{"format": 1' + b"0" * 5000 + b"}"),
        ("duplicate pitches", b'{"format": "pitchday-event/1", "pitches": [], "pitches": []}'),
    ],
)
def test_9_unreadable_event_files_get_one_line_from_the_cli_and_the_web(real, tmp_path, name, raw):
    with real.app_context():
        organiser_id = create_organiser().id
    path = tmp_path / "event.json"
    path.write_bytes(raw)

    cli = real.test_cli_runner().invoke(args=["import-event", str(path)])
    web = _organiser(real, organiser_id).post(
        "/organisation/evenements/importer",
        content_type="multipart/form-data",
        data={"event_file": (io.BytesIO(raw), "e.json")},
        follow_redirects=True,
    )

    assert cli.exit_code == 1 and "Traceback" not in cli.output and len(cli.output.strip().splitlines()) == 1
    assert web.status_code == 200 and "Fichier refusé" in web.get_data(as_text=True)
    if name == "duplicate pitches":
        # In French, as the rest of the command's line (no English reason inside a French sentence).
        assert "« pitches » apparaît deux fois" in cli.output and "twice" not in cli.output


# --- 10. CSV import ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, text",
    [
        ("pitchs", "id;entreprise;titre;secteur\np-1;" + "x" * (140 * 1024) + ";T;S\n"),
        ("pitchs", "id;entreprise;titre;secteur;duree_min\np-1;Co;T;S;²\n"),
        ("pitchs", "id;entreprise;titre;secteur;duree_min\np-1;Co;T;S;" + "9" * 25 + "\n"),
        ("jures", "id;nom;organisation;max_pitchs\nj-1;Nom;uimm;" + "9" * 25 + "\n"),
        ("pitchs", "id;entreprise;titre;secteur\np-1;Co\x00;T;S\n"),
    ],
)
def test_10_hostile_csv_files_are_refused_whole_with_the_line(real, rouen, kind, text):
    day, organiser_id = _day(real, rouen)
    before = _counts(real)

    response = _organiser(real, organiser_id).post(
        f"/organisation/evenements/{day.slug}/importer-csv/{kind}",
        content_type="multipart/form-data",
        data={"csv_file": (io.BytesIO(text.encode()), "f.csv")},
    )

    assert response.status_code == 422
    assert "ligne" in response.get_data(as_text=True)
    assert _counts(real) == before


# --- 11. Juror tokens in logs ---------------------------------------------------------------------------


def test_11_a_500_on_a_juror_url_logs_the_token_cut(real, rouen, monkeypatch, caplog):
    day, _organiser_id = _day(real, rouen)
    token = day.tokens["uimm-1"]

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(scoring, "sheet_of", broken)
    with caplog.at_level(logging.ERROR):
        response = real.test_client().get(f"/jury/{token}/pitchs/{day.pitches['aurthus-et-paole']}")

    assert response.status_code == 500
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"/jury/{token[:4]}…" in logged
    assert token not in logged


def test_11_the_dev_server_and_gunicorn_access_logs_cut_the_token(real):
    token = "gDUXI-QAseRFMCNReh8YUvNnt12nGnUvCKTaUPOeo-Q"
    werkzeug_logger = logging.getLogger("werkzeug")
    assert any(isinstance(f, RedactJurorTokens) for f in werkzeug_logger.filters)
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - "%s" %s -',
        ("127.0.0.1", f"GET /jury/{token}/pitchs/3 HTTP/1.1", "200"),
        None,
    )
    assert all(f.filter(record) for f in werkzeug_logger.filters)
    assert token not in record.getMessage() and f"/jury/{token[:4]}…/pitchs/3" in record.getMessage()

    from gunicorn.config import Config as GunicornConfig

    config = GunicornConfig()
    config.set("accesslog", "-")
    gunicorn_logger = RedactingGunicornLogger(config)
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda rec: lines.append(rec.getMessage())
    gunicorn_logger.access_log.addHandler(handler)

    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    request = SimpleNamespace(headers=[("REFERER", f"https://pitchday.example/jury/{token}")])

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/jury/{token}/pitchs/3",
        "PATH_INFO": f"/jury/{token}/pitchs/3",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://pitchday.example/jury/{token}",
    }
    import datetime as dt

    gunicorn_logger.access(response, request, environ, dt.timedelta(milliseconds=3))
    assert lines and all(token not in line for line in lines)
    assert f"/jury/{token[:4]}…" in lines[0]


# --- 13. The audit chain under concurrency -------------------------------------------------------------


def test_13_concurrent_submissions_on_one_cell_keep_the_audit_chain(real, rouen):
    day, _organiser_id = _day(real, rouen)
    url = f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}/notes"
    criterion = str(day.criteria[0])
    start = threading.Barrier(20)
    statuses: list[int] = []

    def tablet(value: int) -> None:
        client = real.test_client()
        start.wait()
        response = client.post(
            url, json={"client_id": f"concurrent-{value:04d}", "scores": {criterion: value % 11}}
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=tablet, args=(value,)) for value in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert set(statuses) == {200}
    with real.app_context():
        rows = (
            db.session.execute(
                db.select(ScoreAudit).where(ScoreAudit.action == "score").order_by(ScoreAudit.id)
            )
            .scalars()
            .all()
        )
    assert rows and rows[0].before is None
    assert all(later.before == earlier.after for earlier, later in itertools.pairwise(rows)), [
        (row.before, row.after) for row in rows
    ]


def test_12_a_reused_client_id_with_other_marks_is_refused(real, rouen):
    day, _organiser_id = _day(real, rouen)
    client = real.test_client()
    url = f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}/notes"
    criterion = str(day.criteria[0])

    first = client.post(url, json={"client_id": "reused-00001", "scores": {criterion: 4}})
    again = client.post(url, json={"client_id": "reused-00001", "scores": {criterion: 4}})
    other = client.post(url, json={"client_id": "reused-00001", "scores": {criterion: 9}})

    assert first.status_code == 200 and again.json.get("replayed") is True
    assert other.status_code == 409 and "déjà servi" in other.json["error"]


# --- 17. Absolute links ------------------------------------------------------------------------------------


def test_17_access_cards_and_links_use_the_base_url_not_the_host_header(tmp_path, rouen, monkeypatch):
    monkeypatch.setenv("PITCHDAY_BASE_URL", "https://jury.pitchday.example/")
    with strict_app(tmp_path) as app:
        with app.app_context():
            event = import_event(rouen)
            organiser_id = create_organiser().id
            token = accounts.ensure_juror_links(event)[0].token
            db.session.commit()
            slug = event.slug
            from pitchday.models import Organiser

            session_key = db.session.get(Organiser, organiser_id).get_id()
        client = app.test_client()
        with client.session_transaction(base_url="http://evil.example") as session:  # the cookie of that host
            session["_user_id"] = session_key

        cards = client.get(f"/organisation/evenements/{slug}/cartes", base_url="http://evil.example")
        page = client.get(f"/organisation/evenements/{slug}", base_url="http://evil.example")

        assert cards.status_code == 200 and page.status_code == 200
        for body in (cards.get_data(as_text=True), page.get_data(as_text=True)):
            assert f"https://jury.pitchday.example/jury/{token}" in body
            assert "evil.example" not in body
