"""Exports: CSV of the schedule, the schedule file, each juror's calendar, QR access cards."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from icalendar import Calendar

from pitchday.extensions import db
from pitchday.services import accounts, exports, solving, versions
from pitchday.services import calendar as ical
from scheduler import io as sio
from tests.builders import create_organiser, import_event, login


@pytest.fixture
def published(ctx, rouen):
    event = import_event(rouen)
    version = versions.publish(versions.save_result(event, solving.solve_now(event, time_limit=5)))
    db.session.commit()
    return version


def test_csv_has_one_row_per_pitch_with_its_panel(published):
    text = exports.schedule_csv(published.event, published)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == len(published.sessions)
    first = min(published.sessions, key=lambda s: (s.date, s.start_min, s.room.position))
    assert rows[0]["entreprise"] == first.pitch.company
    assert rows[0]["jury"].split(", ") == [seat.expert.name for seat in first.seats]


def test_schedule_file_reads_back(published):
    data = exports.schedule_file(published)
    assert data["format"] == "pitchday-schedule/1"
    assert data["score"]["total"] == published.score
    assert sio.sessions_from_dicts(data["sessions"]) == versions.to_scheduler_sessions(published)


def test_juror_calendar_parses_back_with_each_pitch_they_judge(published):
    expert = published.sessions[0].seats[0].expert
    judged = [s for s in published.sessions if any(seat.expert_id == expert.id for seat in s.seats)]

    calendar = Calendar.from_ical(ical.juror_calendar(expert, published))

    entries = list(calendar.walk("VEVENT"))
    assert len(entries) == len(judged)
    starts = sorted(entry.decoded("dtstart") for entry in entries)
    first = min(judged, key=lambda s: (s.date, s.start_min))
    assert starts[0].replace(tzinfo=None) == datetime(
        first.date.year, first.date.month, first.date.day, first.start_min // 60, first.start_min % 60
    )
    assert str(starts[0].tzinfo) == "Europe/Paris"
    assert all(int(entry["sequence"]) == published.number for entry in entries)
    assert len({str(entry["uid"]) for entry in entries}) == len(entries)


def test_juror_calendar_before_publication_is_empty(ctx, rouen):
    event = import_event(rouen)
    calendar = Calendar.from_ical(ical.juror_calendar(event.experts[0], None))
    assert list(calendar.walk("VEVENT")) == []


def test_qr_is_inline_svg_without_style_or_script():
    svg = str(exports.qr_svg("https://pitchday.test/jury/abc"))
    assert svg.startswith("<svg") and "<path" in svg
    assert "style=" not in svg and "<script" not in svg


def test_export_pages(client, published):
    create_organiser()
    login(client)
    base = f"/organisation/evenements/{published.event.slug}"
    csv_response = client.get(f"{base}/versions/{published.id}/planning.csv")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    assert client.get(f"{base}/versions/{published.id}/planning.json").get_json()["status"] == "optimal"
    printed = client.get(f"{base}/versions/{published.id}/imprimer").get_data(as_text=True)
    assert published.sessions[0].room.name in printed and published.sessions[0].pitch.company in printed
    ics = client.get(f"{base}/jures/{published.event.experts[0].key}.ics")
    assert ics.mimetype == "text/calendar"
    cards = client.get(f"{base}/cartes").get_data(as_text=True)
    assert cards.count('class="access-card"') == len(published.event.experts)
    token = accounts.current_juror_link(published.event.experts[0]).token
    assert token in cards


def test_export_pages_need_a_login(client, published):
    base = f"/organisation/evenements/{published.event.slug}"
    for path in (
        f"/versions/{published.id}/planning.csv",
        f"/versions/{published.id}/planning.json",
        "/cartes",
        f"/jures/{published.event.experts[0].key}.ics",
        f"/versions/{published.id}/imprimer",
    ):
        assert client.get(base + path).status_code == 302
