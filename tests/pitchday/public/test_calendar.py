"""Calendar feeds, read back with the icalendar library and checked against the published schedule."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests.builders import FRIDAY, THURSDAY, import_event, publish_by_hand, publish_delay

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def event(ctx, rouen):
    event = import_event(rouen)
    publish_by_hand(event)
    return event


def read_feed(client, url: str) -> dict[str, object]:
    """The feed's events by UID."""
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    return {str(entry["uid"]): entry for entry in calendar.walk("VEVENT")}


def test_whole_event_feed_matches_the_schedule(client, event):
    entries = read_feed(client, f"/e/{event.slug}/agenda.ics")

    assert len(entries) == 7
    mijuin = entries[f"mijuin-malaunay.{event.slug}@pitchday"]
    assert mijuin.decoded("dtstart") == datetime(2023, 11, 30, 9, 30, tzinfo=PARIS)
    assert mijuin.decoded("dtend") == datetime(2023, 11, 30, 10, 0, tzinfo=PARIS)
    assert mijuin["dtstart"].params["TZID"] == "Europe/Paris"
    assert str(mijuin["location"]).startswith("Amphithéâtre")
    assert "Mijuin-Malaunay" in str(mijuin["summary"])
    assert int(mijuin["sequence"]) == 1
    projet6 = entries[f"projet-6.{event.slug}@pitchday"]
    assert projet6.decoded("dtstart") == datetime(FRIDAY.year, FRIDAY.month, FRIDAY.day, 9, 0, tzinfo=PARIS)


def test_feed_has_a_vtimezone(client, event):
    calendar = Calendar.from_ical(client.get(f"/e/{event.slug}/agenda.ics").data)

    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_room_and_sector_feeds(client, event):
    amphi = read_feed(client, f"/e/{event.slug}/agenda/salle/amphi.ics")
    textile = read_feed(client, f"/e/{event.slug}/agenda/secteur/textile.ics")

    assert {uid.split(".")[0] for uid in amphi} == {
        "mijuin-malaunay",
        "aurthus-et-paole",
        "projet-5",
        "projet-4",
        "projet-6",
    }
    assert {uid.split(".")[0] for uid in textile} == {
        "mijuin-malaunay",
        "aurthus-et-paole",
        "touroul-chevalerie",
    }


def test_a_delay_moves_the_same_events_with_a_higher_sequence(client, event):
    before = read_feed(client, f"/e/{event.slug}/agenda.ics")
    publish_delay(event, THURSDAY, after="10:00")
    after = read_feed(client, f"/e/{event.slug}/agenda.ics")

    assert set(after) == set(before)
    aurthus = f"aurthus-et-paole.{event.slug}@pitchday"
    assert after[aurthus].decoded("dtstart") == datetime(2023, 11, 30, 10, 20, tzinfo=PARIS)
    assert int(after[aurthus]["sequence"]) > int(before[aurthus]["sequence"])
    mijuin = f"mijuin-malaunay.{event.slug}@pitchday"
    assert after[mijuin].decoded("dtstart") == before[mijuin].decoded("dtstart")


def test_before_publication_the_feed_is_empty_but_valid(client, ctx, rouen):
    rouen["event"]["name"] = "Autre journée"
    unpublished = import_event(rouen)

    assert read_feed(client, f"/e/{unpublished.slug}/agenda.ics") == {}


def test_feeds_contain_no_juror(client, event):
    body = client.get(f"/e/{event.slug}/agenda.ics").get_data(as_text=True)

    assert not [expert.name for expert in event.experts if expert.name in body]
